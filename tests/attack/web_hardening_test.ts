/**
 * The web side under attack: WebSocket closes that must really happen (CJK
 * close reasons, peers that never answer the close, slow consumers), caps
 * that hold until a socket is really closed, half-sent HTTP requests, and
 * the Origin check against DNS rebinding.
 *
 * @module
 */

import { PROTOCOL_VERSION, type ServerMessage } from "../../protocol/messages.ts";
import { type ServerOptions, startServer } from "../../server/server.ts";
import { assert, assertEqual } from "../_helpers/assert.ts";
import { closedByPeer } from "../_helpers/attack.ts";
import { RawClient } from "../_helpers/raw_client.ts";
import { RawWs } from "../_helpers/raw_ws.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const hello = (nick: string) => ({ type: "hello", version: PROTOCOL_VERSION, nick });
/** 32 CJK characters: a valid nick of 96 UTF-8 bytes. */
const CJK_NICK = "漢".repeat(32);

async function withServer(
  options: Partial<ServerOptions>,
  fn: (server: Awaited<ReturnType<typeof startServer>>, webPort: number) => Promise<void>,
): Promise<void> {
  const server = await startServer({
    hostname: "127.0.0.1",
    port: 0,
    web: { port: 0 },
    ...options,
  });
  try {
    await fn(server, server.web!.addr.port);
  } finally {
    await server.close();
    await server.finished;
  }
}

/** A standard WebSocket client; `closed` resolves on its close event. */
function browser(port: number): {
  socket: WebSocket;
  received: ServerMessage[];
  opened: Promise<unknown>;
  closed: Promise<boolean>;
} {
  const socket = new WebSocket(`ws://127.0.0.1:${port}/ws`);
  const received: ServerMessage[] = [];
  socket.onmessage = (e) => received.push(JSON.parse(e.data as string));
  const opened = new Promise((resolve, reject) => {
    socket.onopen = resolve;
    socket.onerror = reject;
  });
  const closed = new Promise<boolean>((resolve) =>
    socket.addEventListener("close", () => resolve(true))
  );
  return { socket, received, opened, closed };
}

/** Resolves whether `closed` settled within `ms`. */
function within(closed: Promise<boolean>, ms: number): Promise<boolean> {
  return Promise.race([closed, sleep(ms).then(() => false)]);
}

Deno.test("websocket: a refused duplicate hello with a 32-character CJK nick really closes", async () => {
  await withServer({}, async (_server, port) => {
    const first = browser(port);
    await first.opened;
    first.socket.send(JSON.stringify(hello(CJK_NICK)));
    const second = browser(port);
    await second.opened;
    await sleep(100);
    second.socket.send(JSON.stringify(hello(CJK_NICK)));
    assert(await within(second.closed, 3000), "the refused socket was closed");
    assert(second.received.some((m) => m.type === "error" && m.code === "nick_taken"));
    first.socket.close();
    await first.closed;
  });
});

Deno.test("websocket: /quit with 40 CJK characters really closes", async () => {
  await withServer({}, async (_server, port) => {
    const web = browser(port);
    await web.opened;
    web.socket.send(JSON.stringify(hello("quitter")));
    await sleep(100);
    web.socket.send(
      JSON.stringify({
        type: "command",
        ref: 1,
        room: "#lobby",
        name: "quit",
        args: "再見".repeat(20),
      }),
    );
    assert(await within(web.closed, 3000), "the socket was closed after /quit");
  });
});

Deno.test("websocket: a kick with a CJK reason really closes the kicked socket", async () => {
  await withServer({ adminPassword: "secret" }, async (server, port) => {
    await using op = await RawClient.join(server.addr.port, "op");
    const opRef = await op.command("op", "secret");
    await op.next((m) => m.type === "ack" && m.ref === opRef);
    const web = browser(port);
    await web.opened;
    web.socket.send(JSON.stringify(hello("victim")));
    await sleep(100);
    const ref = await op.command("kick", `victim ${"理由".repeat(40)}`);
    await op.next((m) => (m.type === "ack" || m.type === "error") && m.ref === ref);
    assert(await within(web.closed, 3000), "the kicked socket was closed");
  });
});

Deno.test("websocket: a peer that never answers the close is cut off after the close timeout", async () => {
  await withServer({ web: { port: 0, closeTimeoutMs: 300 } }, async (_server, port) => {
    const { ws } = await RawWs.open(port);
    assert(ws, "upgraded");
    await ws.sendJson(hello(CJK_NICK));
    await ws.next((opcode) => opcode === 0x1);
    // Refused (the nick is fine, the message is not): the server starts the close.
    await ws.sendJson({
      type: "command",
      ref: 1,
      room: "#lobby",
      name: "quit",
      args: "再見".repeat(30),
    });
    const close = await ws.next((opcode) => opcode === 0x8);
    assert(close !== undefined, "a close frame was sent");
    assert(close.payload.length <= 125, `close payload of ${close.payload.length} bytes`);
    new TextDecoder("utf-8", { fatal: true }).decode(close.payload.subarray(2));
    // The raw client never answers it.
    assert(await ws.closedByServer(2000), "the server closed the TCP connection itself");
  });
});

Deno.test("websocket: one address cannot hold more sockets than the per-address cap", async () => {
  const cap = 5;
  await withServer({ maxPerAddress: cap, heartbeatMs: 100 }, async (_server, port) => {
    const held: RawWs[] = [];
    let refused = 0;
    const deadline = Date.now() + 1500;
    for (let i = 0; Date.now() < deadline; i++) {
      const { status, ws } = await RawWs.open(port);
      if (!ws) {
        refused++;
        assertEqual(status, 429);
        await sleep(20);
        continue;
      }
      // Joins, then goes silent: never reads, never answers a ping or a close.
      await ws.sendJson(hello(`silent${i}`));
      held.push(ws);
    }
    assert(refused > 0, "the cap refused some");
    let open = 0;
    for (const ws of held) if (!(await ws.closedByServer(30))) open++;
    for (const ws of held) ws.close();
    assert(open <= cap, `${open} sockets from one address still open under a cap of ${cap}`);
  });
});

Deno.test("websocket: a slow consumer is really disconnected", async () => {
  await withServer({
    floodRate: 100_000,
    floodBurst: 100_000,
    floodBytesRate: 1e9,
    floodBytesBurst: 1e9,
    maxQueueBytes: 65_536,
  }, async (server, port) => {
    const { ws } = await RawWs.open(port);
    assert(ws);
    await ws.sendJson(hello("sloth"));
    await sleep(100);
    await using talker = await RawClient.join(server.addr.port, "talker");
    const line = "x".repeat(4000);
    // Far more than the queue and the socket buffers hold; the sloth never reads.
    for (let i = 0; i < 2000; i++) await talker.say(line);
    await sleep(500);
    assert(await ws.closedByServer(5000), "the slow consumer's socket was closed");
    ws.close();
  });
});

Deno.test("http: half-sent requests are timed out and capped per address", async () => {
  await withServer(
    { maxPerAddress: 20, web: { port: 0, headerTimeoutMs: 500 } },
    async (_s, port) => {
      const conns: Deno.Conn[] = [];
      for (let i = 0; i < 40; i++) {
        const conn = await Deno.connect({ hostname: "127.0.0.1", port });
        await conn.write(new TextEncoder().encode("GET / HTTP/1.1\r\nHost: x\r\n"));
        conns.push(conn);
      }
      const closed = await Promise.all(conns.map((conn) => closedByPeer(conn, 3000)));
      assertEqual(closed.filter((c) => !c).length, 0, "every half-sent request was closed");
      // The server still serves a whole request.
      const page = await fetch(`http://127.0.0.1:${port}/`);
      assertEqual(page.status, 200);
      await page.body?.cancel();
    },
  );
});

Deno.test("origin: a rebound Host with a matching Origin is refused; own names are accepted", async () => {
  await withServer({ web: { port: 0, serverNames: ["192.168.77.5"] } }, async (_s, port) => {
    const rebound = await RawWs.open(port, {
      host: `rebind.attacker.example:${port}`,
      origin: `http://rebind.attacker.example:${port}`,
    });
    assertEqual(rebound.status, 403, "DNS rebinding refused");
    for (const origin of [`http://192.168.77.5:${port}`, `http://localhost:${port}`]) {
      const { status, ws } = await RawWs.open(port, { origin });
      assertEqual(status, 101, origin);
      ws?.close();
    }
    const otherPort = await RawWs.open(port, { origin: `http://localhost:${port + 1}` });
    assertEqual(otherPort.status, 403, "another port on localhost is another site");
  });
  await withServer(
    { web: { port: 0, publicUrl: "https://chat.example.org/" } },
    async (_s, port) => {
      const { status, ws } = await RawWs.open(port, { origin: "https://chat.example.org" });
      assertEqual(status, 101, "the public URL's origin");
      ws?.close();
    },
  );
});
