import { assert, assertEqual, assertMatch } from "../_helpers/assert.ts";
import { RawClient } from "../_helpers/raw_client.ts";
import { type ServeProcess, startServe } from "../_helpers/serve_process.ts";
import { makeTestCerts } from "../_helpers/tls_certs.ts";

/** Waits for the `parley web on URL` line and returns the URL. */
async function webUrl(server: ServeProcess): Promise<URL> {
  for (let i = 0; i < 100; i++) {
    const line = server.stdout.find((l) => l.startsWith("parley web on "));
    if (line) return new URL(line.slice("parley web on ".length));
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no web line in ${JSON.stringify(server.stdout)}`);
}

/** Opens a WebSocket and resolves true if it opens, false if it is refused. */
function opens(url: string): Promise<{ ok: boolean; socket: WebSocket }> {
  const socket = new WebSocket(url);
  return new Promise((resolve) => {
    socket.onopen = () => resolve({ ok: true, socket });
    socket.onerror = () => resolve({ ok: false, socket });
  });
}

Deno.test("per-address cap counts TCP and WebSocket connections together", async () => {
  await using server = await startServe(["--http", "0", "--max-per-address", "2"]);
  const url = await webUrl(server);
  const ws = `ws://127.0.0.1:${url.port}/ws`;
  await using _tcp = await RawClient.join(server.port, "tcpuser");
  const first = await opens(ws);
  assert(first.ok, "first WebSocket should open");
  const second = await opens(ws);
  assertEqual(second.ok, false, "a third connection from one address must be refused");
  first.socket.close();
  second.socket.close();
  assertMatch(
    await server.log(),
    /refused websocket from 127\.0\.0\.1:\d+: more than 2 connections/,
  );
});

Deno.test("with --tls-cert/--tls-key the web client is served over HTTPS", async () => {
  await using certs = await makeTestCerts(["DNS:localhost", "IP:127.0.0.1"]);
  await using server = await startServe([
    "--http",
    "0",
    "--tls-cert",
    certs.certFile,
    "--tls-key",
    certs.keyFile,
  ]);
  const url = await webUrl(server);
  assertEqual(url.protocol, "https:");
  const client = Deno.createHttpClient({ caCerts: [await Deno.readTextFile(certs.caFile)] });
  try {
    const response = await fetch(`https://127.0.0.1:${url.port}/`, { client });
    assertEqual(response.status, 200);
    assertMatch(await response.text(), /<html/i);
  } finally {
    client.close();
  }
});
