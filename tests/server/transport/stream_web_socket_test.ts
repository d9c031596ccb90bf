import { PROTOCOL_VERSION } from "../../../protocol/messages.ts";
import { startServer } from "../../../server/server.ts";
import { readRequestHead } from "../../../server/transport/http_request_head.ts";
import type { ByteStream } from "../../../server/transport/connection.ts";
import { assert, assertEqual } from "../../_helpers/assert.ts";
import { maskedFrame, RawWs } from "../../_helpers/raw_ws.ts";
import { DirectStream } from "../../_helpers/direct_stream.ts";
import { StreamWebSocket } from "../../../server/transport/stream_web_socket.ts";
import { WS_OPCODE } from "../../../server/transport/ws_frame_decoder.ts";
import { BUSY_INTERVAL_FRAMES, countFrame } from "../../../server/transport/read_pacing.ts";

/** A stream that yields the given chunks, then waits until closed. */
function chunks(parts: string[]): ByteStream & { closed: boolean } {
  const queue = parts.map((p) => new TextEncoder().encode(p));
  let wake: (() => void) | undefined;
  const stream = {
    closed: false,
    async read(buffer: Uint8Array): Promise<number | null> {
      const next = queue.shift();
      if (next) {
        const n = Math.min(next.length, buffer.length);
        buffer.set(next.subarray(0, n));
        if (n < next.length) queue.unshift(next.subarray(n));
        return n;
      }
      if (!stream.closed) await new Promise<void>((resolve) => wake = resolve);
      throw new Deno.errors.BadResource("closed");
    },
    write: (data: Uint8Array) => Promise.resolve(data.length),
    close() {
      stream.closed = true;
      wake?.();
    },
  };
  return stream;
}

Deno.test("readRequestHead reads a head split anywhere and keeps what follows", async () => {
  const head = await readRequestHead(
    chunks(["GET /ws?x=1 HTTP/1.1\r\nHost: a\r", "\n", "Upgrade: websocket\r\n\r", "\nextra"]),
    { timeoutMs: 1000 },
  );
  assert(typeof head !== "string", String(head));
  assertEqual([head.method, head.target, head.headers.get("upgrade")], [
    "GET",
    "/ws?x=1",
    "websocket",
  ]);
  assertEqual(new TextDecoder().decode(head.rest), "extra");
});

Deno.test("readRequestHead gives up on a slow, oversized or malformed head", async () => {
  const slow = chunks(["GET / HTTP/1.1\r\n"]);
  assertEqual(await readRequestHead(slow, { timeoutMs: 50 }), "timeout");
  assert(slow.closed, "the socket is closed at the deadline");
  const big = chunks(["GET / HTTP/1.1\r\n", `X: ${"a".repeat(20_000)}\r\n`]);
  assertEqual(await readRequestHead(big, { timeoutMs: 1000 }), "too_large");
  assertEqual(
    await readRequestHead(chunks(["SSH-2.0-OpenSSH\r\n\r\n"]), { timeoutMs: 1000 }),
    "malformed",
  );
});

Deno.test("StreamWebSocket answers pings, joins fragments, and closes on bad framing", async () => {
  const server = await startServer({ hostname: "127.0.0.1", port: 0, web: { port: 0 } });
  const port = server.web!.addr.port;
  try {
    const { ws } = await RawWs.open(port);
    assert(ws);
    await ws.conn.write(maskedFrame(0x9, new TextEncoder().encode("are you there")));
    const pong = await ws.next((opcode) => opcode === 0xa);
    assertEqual(new TextDecoder().decode(pong?.payload), "are you there");
    // A hello in two fragments.
    const hello = new TextEncoder().encode(
      JSON.stringify({ type: "hello", version: PROTOCOL_VERSION, nick: "frag" }),
    );
    const first = maskedFrame(0x1, hello.subarray(0, 10));
    first[0] &= 0x7f;
    await ws.conn.write(first);
    await ws.conn.write(maskedFrame(0x0, hello.subarray(10)));
    const welcome = await ws.next((opcode, payload) =>
      opcode === 0x1 && new TextDecoder().decode(payload).includes('"welcome"')
    );
    assert(welcome, "welcomed after a fragmented hello");
    // Invalid UTF-8 in a text message: close 1007.
    await ws.conn.write(maskedFrame(0x1, Uint8Array.from([0xff, 0xfe])));
    const close = await ws.next((opcode) => opcode === 0x8);
    assertEqual(close && (close.payload[0] << 8 | close.payload[1]), 1007);
    assert(await ws.closedByServer(6000), "closed after the close timeout");

    const { ws: unmasked } = await RawWs.open(port);
    assert(unmasked);
    await unmasked.conn.write(Uint8Array.from([0x81, 0x01, 0x41]));
    const refused = await unmasked.next((opcode) => opcode === 0x8);
    assertEqual(refused && (refused.payload[0] << 8 | refused.payload[1]), 1002);
    unmasked.close();
  } finally {
    await server.close();
    await server.finished;
  }
});

Deno.test("StreamWebSocket: in a busy interval a direct-readable socket pauses, then reads with tryRecv (no Deno op), in order", async () => {
  const stream = new DirectStream();
  const ws = new StreamWebSocket(stream, { maxMessageBytes: 1024 });
  const got: string[] = [];
  ws.addEventListener("message", (e) => got.push(String((e as MessageEvent).data)));
  const running = ws.run();
  const text = (s: string) => maskedFrame(WS_OPCODE.text, new TextEncoder().encode(s));
  await new Promise((resolve) => setTimeout(resolve, 0));
  // Quiet: Deno reads only.
  stream.arrive(text("one"));
  await new Promise((resolve) => setTimeout(resolve, 0));
  assertEqual(stream.tryRecvs, 0, "no direct read while quiet");
  const readsBefore = stream.reads;
  // Busy: other connections handled many frames; this one's next message completes a read.
  for (let i = 0; i <= BUSY_INTERVAL_FRAMES; i++) countFrame();
  stream.arrive(text("two"));
  await Promise.resolve();
  stream.arrive(text("three"));
  stream.arrive(text("four"));
  for (let i = 0; i < 4; i++) await new Promise((resolve) => setTimeout(resolve, 0));
  assertEqual(got, ["one", "two", "three", "four"], "every message, in order");
  assert(stream.direct >= 2, `three and four were taken by tryRecv (${stream.direct})`);
  assertEqual(stream.reads, readsBefore + 1, "then one Deno read waits again");
  ws.terminate();
  stream.close();
  await running;
});
