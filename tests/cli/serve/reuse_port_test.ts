import { assert, assertEqual } from "../../_helpers/assert.ts";
import { freePort } from "../../_helpers/nats_server.ts";
import { startServe } from "../../_helpers/serve_process.ts";
import { ping } from "../../../cli/ping_command.ts";
import { parseAddress } from "../../../client/address.ts";
import { resolveServeConfig } from "../../../cli/serve/serve_options.ts";
import { toServerOptions } from "../../../cli/serve/to_server_options.ts";

const linux = Deno.build.os === "linux";
if (!linux) {
  console.log(`reuse-port tests skipped: SO_REUSEPORT sharing is Linux only (${Deno.build.os})`);
}

Deno.test({
  name:
    "serve --reuse-port lets two servers share one port (and web port) and both accept connections",
  ignore: !linux,
  async fn() {
    const port = freePort();
    const http = freePort();
    const flags = { denoFlags: ["--unstable-net"] };
    await using a = await startServe([
      "--port",
      String(port),
      "--reuse-port",
      "--name",
      "node-a",
      "--data",
      ":memory:",
      "--http",
      String(http),
    ], flags);
    await using b = await startServe([
      "--port",
      String(port),
      "--reuse-port",
      "--name",
      "node-b",
      "--data",
      ":memory:",
      "--http",
      String(http),
    ], flags);
    assertEqual(a.port, port);
    assertEqual(b.port, port);
    const seen = new Map<string, number>();
    // The kernel spreads connections by a hash of the peer's address and port:
    // 40 probes from fresh ports all reaching one server has odds 2^-39.
    for (let i = 0; i < 40 && seen.size < 2; i++) {
      const result = await ping(parseAddress(`127.0.0.1:${port}`), { timeoutMs: 5000 });
      seen.set(result.server, (seen.get(result.server) ?? 0) + 1);
    }
    assert(seen.has("node-a") && seen.has("node-b"), `only ${[...seen.keys()]} answered`);
    // The web port is shared too: both bound it, and it serves the page.
    const page = await fetch(`http://127.0.0.1:${http}/`);
    assertEqual(page.status, 200);
    await page.body?.cancel();
  },
});

Deno.test({
  name: "serve without --reuse-port refuses a port another server holds",
  ignore: !linux,
  async fn() {
    const port = freePort();
    await using _a = await startServe(["--port", String(port), "--data", ":memory:"]);
    let failed = false;
    try {
      await using _b = await startServe(["--port", String(port), "--data", ":memory:"], {
        timeoutMs: 10_000,
      });
    } catch (error) {
      failed = /already in use/.test((error as Error).message);
    }
    assert(failed, "the second server should have failed with port in use");
  },
});

Deno.test("--reuse-port without --unstable-net is a usage error, not a crash", () => {
  const config = resolveServeConfig(["--reuse-port"], () => undefined);
  if ("listenDatagram" in Deno) {
    // This test process has --unstable-net: the option passes through.
    if (linux) assertEqual(toServerOptions(config, undefined).reusePort, true);
    return;
  }
  let message = "";
  try {
    toServerOptions(config, undefined);
  } catch (error) {
    message = (error as Error).message;
  }
  assert(/unstable-net|Linux/.test(message), message);
});

Deno.test({
  name: "serve --reuse-port started without --unstable-net exits 2 with a sentence",
  ignore: !linux,
  async fn() {
    let message = "";
    try {
      await using _a = await startServe(["--reuse-port"], { timeoutMs: 10_000 });
    } catch (error) {
      message = (error as Error).message;
    }
    assert(/--reuse-port needs Deno's --unstable-net/.test(message), message);
  },
});
