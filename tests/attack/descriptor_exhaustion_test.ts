/**
 * Running out of file descriptors must not end the server: with `--http` and
 * a limit of 64 descriptors, more connections than that come in on both
 * ports; once they go, the server serves the web page and TCP users again.
 *
 * @module
 */

import { assert, assertEqual } from "../_helpers/assert.ts";
import { RawClient } from "../_helpers/raw_client.ts";
import { startServe } from "../_helpers/serve_process.ts";
import { makeTestCerts } from "../_helpers/tls_certs.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function hasPrlimit(): Promise<boolean> {
  try {
    const { success } = await new Deno.Command("prlimit", { args: ["--version"] }).output();
    return success;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

Deno.test("out of file descriptors with --http, the server carries on", async () => {
  if (Deno.build.os !== "linux" || !(await hasPrlimit())) {
    console.log("skipped: needs Linux and prlimit(1)");
    return;
  }
  await using server = await startServe(["--http", "0", "--data", ":memory:"], {
    wrapper: ["prlimit", "--nofile=64:64"],
  });
  let webPort = 0;
  for (let i = 0; i < 100 && webPort === 0; i++) {
    const line = server.stdout.find((l) => l.startsWith("parley web on "));
    if (line) webPort = Number(new URL(line.slice("parley web on ".length)).port);
    else await sleep(50);
  }
  assert(webPort > 0, `no web line in ${JSON.stringify(server.stdout)}`);
  const held: Deno.Conn[] = [];
  const half = new TextEncoder().encode("GET / HTTP/1.1\r\nHost: x\r\n");
  for (let i = 0; i < 100; i++) {
    for (const port of [webPort, server.port]) {
      try {
        const conn = await Deno.connect({ hostname: "127.0.0.1", port });
        held.push(conn);
        if (port === webPort) await conn.write(half).catch(() => 0);
      } catch (error) {
        // The backlog is full: that is the point.
        if (
          !(error instanceof Deno.errors.ConnectionRefused ||
            error instanceof Deno.errors.ConnectionReset)
        ) throw error;
      }
    }
  }
  await sleep(500);
  for (const conn of held) {
    try {
      conn.close();
    } catch { /* closed by the server */ }
  }
  // The accept loops retry with a pause of at most 1 s.
  let status = 0;
  for (let i = 0; i < 40 && status !== 200; i++) {
    await sleep(250);
    try {
      const page = await fetch(`http://127.0.0.1:${webPort}/`);
      status = page.status;
      await page.body?.cancel();
    } catch (error) {
      if (!(error instanceof TypeError)) throw error;
    }
  }
  assertEqual(status, 200, "the web page is served again");
  await using user = await RawClient.join(server.port, "after");
  assertEqual(user.closed, false);
  const log = await server.log();
  assert(/accept failed, retrying in \d+ ms/.test(log), "the failed accepts were logged");
  const exit = await server.stop();
  assertEqual(exit.code, 0, "the server was still running and stopped cleanly");
});

Deno.test("out of file descriptors with TLS and HTTPS, the server carries on", async () => {
  if (Deno.build.os !== "linux" || !(await hasPrlimit())) {
    console.log("skipped: needs Linux and prlimit(1)");
    return;
  }
  await using certs = await makeTestCerts(["DNS:localhost", "IP:127.0.0.1"]);
  await using server = await startServe([
    "--http",
    "0",
    "--data",
    ":memory:",
    "--tls-cert",
    certs.certFile,
    "--tls-key",
    certs.keyFile,
  ], { wrapper: ["prlimit", "--nofile=64:64"] });
  let webPort = 0;
  for (let i = 0; i < 100 && webPort === 0; i++) {
    const line = server.stdout.find((l) => l.startsWith("parley web on "));
    if (line) webPort = Number(new URL(line.slice("parley web on ".length)).port);
    else await sleep(50);
  }
  assert(webPort > 0, `no web line in ${JSON.stringify(server.stdout)}`);
  const held: Deno.Conn[] = [];
  for (let i = 0; i < 100; i++) {
    for (const port of [webPort, server.port]) {
      try {
        held.push(await Deno.connect({ hostname: "127.0.0.1", port }));
      } catch (error) {
        if (
          !(error instanceof Deno.errors.ConnectionRefused ||
            error instanceof Deno.errors.ConnectionReset)
        ) throw error;
      }
    }
  }
  await sleep(500);
  for (const conn of held) {
    try {
      conn.close();
    } catch { /* closed by the server */ }
  }
  const client = Deno.createHttpClient({ caCerts: [await Deno.readTextFile(certs.caFile)] });
  let status = 0;
  try {
    for (let i = 0; i < 40 && status !== 200; i++) {
      await sleep(250);
      try {
        const page = await fetch(`https://127.0.0.1:${webPort}/`, { client });
        status = page.status;
        await page.body?.cancel();
      } catch (error) {
        if (!(error instanceof TypeError)) throw error;
      }
    }
  } finally {
    client.close();
  }
  assertEqual(status, 200, "the web page is served again over HTTPS");
  const exit = await server.stop();
  assertEqual(exit.code, 0, "the server was still running and stopped cleanly");
});
