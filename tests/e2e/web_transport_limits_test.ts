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
    /refused web connection from 127\.0\.0\.1:\d+: more than 2 connections/,
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

/** A WebSocket speaking the protocol: JSON text messages in and out. */
class WsClient {
  readonly received: Record<string, unknown>[] = [];
  readonly socket: WebSocket;
  closed = false;
  readonly opened: Promise<void>;

  constructor(url: string) {
    this.socket = new WebSocket(url);
    this.opened = new Promise((resolve, reject) => {
      this.socket.onopen = () => resolve();
      this.socket.onerror = () => reject(new Error("WebSocket failed"));
    });
    this.socket.onmessage = (event) => this.received.push(JSON.parse(event.data));
    this.socket.onclose = () => this.closed = true;
  }

  send(message: Record<string, unknown>): void {
    this.socket.send(JSON.stringify(message));
  }

  async next(match: (m: Record<string, unknown>) => boolean, timeoutMs = 10_000) {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const found = this.received.find(match);
      if (found) return found;
      if (this.closed) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`no match; received ${JSON.stringify(this.received)} closed=${this.closed}`);
  }

  async waitClosed(timeoutMs = 10_000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    return this.closed;
  }
}

Deno.test("WebSocket clients get the same flood control as TCP: rate_limited, then disconnected", async () => {
  await using server = await startServe([
    "--http",
    "0",
    "--flood-rate",
    "1",
    "--flood-burst",
    "3",
    "--flood-strikes",
    "5",
  ]);
  const url = await webUrl(server);
  const ws = new WsClient(`ws://127.0.0.1:${url.port}/ws`);
  await ws.opened;
  ws.send({ type: "hello", version: 1, nick: "flooder" });
  await ws.next((m) => m.type === "welcome");
  for (let ref = 1; ref <= 30; ref++) ws.send({ type: "msg", ref, text: `spam ${ref}` });
  const limited = await ws.next((m) =>
    m.type === "error" && m.code === "rate_limited" && m.ref !== undefined
  );
  // The burst of 3 paid for the hello and two messages.
  assert(typeof limited.ref === "number" && limited.ref > 2, JSON.stringify(limited));
  await ws.next((m) => m.type === "error" && m.message === "Disconnected for sending too fast");
  assert(await ws.waitClosed(), "a persistent flooder is disconnected");
  assertMatch(await server.log(), /flood from flooder \(127\.0\.0\.1:\d+\)/);
});

Deno.test("WebSocket password guessing is delayed and locked out, sharing the ledger with TCP", async () => {
  await using server = await startServe(
    ["--http", "0", "--auth-delay", "200ms", "--auth-max-failures", "2", "--auth-lockout", "5m"],
    { env: { PARLEY_PASSWORD: "right" } },
  );
  const url = await webUrl(server);
  for (let attempt = 0; attempt < 2; attempt++) {
    const ws = new WsClient(`ws://127.0.0.1:${url.port}/ws`);
    await ws.opened;
    const started = Date.now();
    ws.send({ type: "hello", version: 1, nick: `guess${attempt}`, password: "wrong" });
    const refused = await ws.next((m) => m.type === "error");
    assertEqual(refused.code, "auth_failed");
    assert(Date.now() - started >= 150, "a wrong password is answered late");
    await ws.waitClosed();
  }
  // Locked out now, over WebSocket and over TCP, even with the right password.
  const ws = new WsClient(`ws://127.0.0.1:${url.port}/ws`);
  await ws.opened;
  ws.send({ type: "hello", version: 1, nick: "late", password: "right" });
  assertEqual((await ws.next((m) => m.type === "error")).code, "locked_out");
  const tcp = await RawClient.open(server.port);
  await tcp.send({ type: "hello", version: 1, nick: "tcp", password: "right" });
  const reply = await tcp.next(() => true);
  assertEqual(reply.type === "error" && reply.code, "locked_out");
  await tcp[Symbol.asyncDispose]();
});
