import { assert, assertEqual } from "../../_helpers/assert.ts";
import {
  type ByteStream,
  Connection,
  PRESENCE_DELAY_MS,
} from "../../../server/transport/connection.ts";
import { FrameArena } from "../../../server/chat/frame_arena.ts";
import { Hub } from "../../../server/chat/hub.ts";
import { BUSY_INTERVAL_FRAMES, countFrame } from "../../../server/transport/read_pacing.ts";
import { FrameDecoder } from "../../../protocol/frame_decoder.ts";
import { DirectStream } from "../../_helpers/direct_stream.ts";
import { encodeMessage } from "../../../protocol/messages.ts";
import { PROTOCOL_VERSION } from "../../../protocol/message_types.ts";

/** A stream whose reads wait until close and whose writes are recorded. */
class RecordingStream implements ByteStream {
  writes: Uint8Array[] = [];
  #closed = Promise.withResolvers<number | null>();
  read(_buffer: Uint8Array): Promise<number | null> {
    return this.#closed.promise;
  }
  write(data: Uint8Array): Promise<number> {
    this.writes.push(data);
    return Promise.resolve(data.length);
  }
  close(): void {
    this.#closed.resolve(null);
  }
}

/** A recording stream that also writes synchronously (`trySend`, like a direct socket). */
class DirectRecordingStream extends RecordingStream {
  sentFrom: ArrayBufferLike[] = [];
  trySend(data: Uint8Array): number {
    this.writes.push(data.slice());
    this.sentFrom.push(data.buffer);
    return data.length;
  }
}

function frame(byte: number, length: number): Uint8Array {
  return new Uint8Array(length).fill(byte);
}

Deno.test("Connection writes a turn's spans and private frames in one write, in order, and a lone span without copying", async () => {
  const stream = new DirectRecordingStream();
  const conn = new Connection(stream, "127.0.0.1:1", new Hub());
  const arena = new FrameArena(64 * 1024);
  // Many broadcasts in one turn, then a private frame, then more broadcasts.
  const first = Array.from({ length: 40 }, (_, i) => arena.place(frame(i, 130)));
  const own = frame(200, 50);
  const second = Array.from({ length: 40 }, (_, i) => arena.place(frame(100 + i, 130)));
  for (const f of first) assert(conn.send(f));
  conn.send(own);
  for (const f of second) conn.send(f);
  assertEqual(conn.queuedBytes, 80 * 130 + 50);
  await new Promise((resolve) => setTimeout(resolve, 10));
  const expected = [...first, own, ...second].flatMap((f) => [...f]);
  assertEqual(stream.writes.flatMap((w) => [...w]), expected, "bytes in send order");
  assertEqual(stream.writes.length, 1, "two spans and the private frame gathered");
  assertEqual(conn.queuedBytes, 0);

  // A turn of broadcasts only: one span, handed over as it is.
  const third = Array.from({ length: 40 }, (_, i) => arena.place(frame(i, 130)));
  for (const f of third) conn.send(f);
  await new Promise((resolve) => setTimeout(resolve, 10));
  assertEqual(stream.writes.length, 2);
  assert(stream.sentFrom[1] === third[0].buffer, "the span is written from the arena itself");
  assertEqual(stream.writes[1].length, 40 * 130);
  conn.abort("test over");
  await conn.closed;
});

Deno.test("Connection concatenates small unrelated frames into one write", async () => {
  const stream = new RecordingStream();
  const conn = new Connection(stream, "127.0.0.1:1", new Hub());
  const frames = Array.from({ length: 10 }, (_, i) => frame(i, 60));
  for (const f of frames) conn.send(f);
  await new Promise((resolve) => setTimeout(resolve, 10));
  assertEqual(stream.writes.length, 1);
  assertEqual([...stream.writes[0]], frames.flatMap((f) => [...f]));
  conn.abort("test over");
  await conn.closed;
});

Deno.test("FrameArena places frames end to end and leaves large frames alone", () => {
  const arena = new FrameArena(1024);
  const a = arena.place(frame(1, 100));
  const b = arena.place(frame(2, 100));
  assert(a.buffer === b.buffer && a.byteOffset + a.length === b.byteOffset);
  const big = frame(3, 300);
  assert(arena.place(big) === big, "over a quarter chunk: not copied");
  // A chunk that is full starts a new one; earlier views keep their bytes.
  for (let i = 0; i < 10; i++) arena.place(frame(4, 200));
  assertEqual([...a], [...frame(1, 100)]);
});

Deno.test("Connection.sendLater holds presence frames for one shared timer, and send writes them along in order", async () => {
  const stream = new RecordingStream();
  const conn = new Connection(stream, "127.0.0.1:1", new Hub());
  conn.sendLater(frame(1, 20));
  conn.sendLater(frame(2, 20));
  await new Promise((resolve) => queueMicrotask(() => resolve(undefined)));
  await Promise.resolve();
  assertEqual(stream.writes.length, 0, "not written at the end of the turn");
  for (let i = 0; i < 100 && stream.writes.length === 0; i++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  assertEqual(stream.writes.flatMap((w) => [...w]), [...frame(1, 20), ...frame(2, 20)]);
  // A normal frame takes queued presence frames with it at once.
  stream.writes.length = 0;
  conn.sendLater(frame(3, 20));
  conn.send(frame(4, 20));
  await new Promise((resolve) => setTimeout(resolve, 0));
  assertEqual(stream.writes.flatMap((w) => [...w]), [...frame(3, 20), ...frame(4, 20)]);
  conn.abort("test over");
  await conn.closed;
  // Let the shared timer run out so that no timer leaks.
  await new Promise((resolve) => setTimeout(resolve, PRESENCE_DELAY_MS * 2));
});

/** Tokens of the pongs `stream` was written, in order. */
function pongs(stream: DirectStream): number[] {
  const decoder = new FrameDecoder();
  const tokens: number[] = [];
  for (const write of stream.writes) {
    decoder.push(write, (payload) => {
      const message = JSON.parse(new TextDecoder().decode(payload));
      if (message.type === "pong") tokens.push(message.token);
    });
  }
  return tokens;
}

const ping = (token: number) => encodeMessage({ type: "ping", token });
const turns = async (count: number) => {
  for (let i = 0; i < count; i++) await new Promise((resolve) => setTimeout(resolve, 0));
};

Deno.test("Connection: a quiet connection reads with Deno reads only, never tryRecv", async () => {
  const stream = new DirectStream();
  const conn = new Connection(stream, "127.0.0.1:1", new Hub());
  const running = conn.run();
  stream.arrive(encodeMessage({ type: "hello", version: PROTOCOL_VERSION, nick: "quiet" }));
  for (let token = 1; token <= 5; token++) {
    await turns(2);
    stream.arrive(ping(token));
  }
  await turns(3);
  assertEqual(pongs(stream), [1, 2, 3, 4, 5]);
  assertEqual(stream.tryRecvs, 0, "no direct read outside a busy turn");
  conn.abort("test over");
  await running;
});

Deno.test("Connection: in a busy turn a direct-readable connection pauses, then reads with tryRecv (no Deno op) in order, and goes back to Deno reads once the server is quiet", async () => {
  const stream = new DirectStream();
  const conn = new Connection(stream, "127.0.0.1:1", new Hub());
  const running = conn.run();
  stream.arrive(encodeMessage({ type: "hello", version: PROTOCOL_VERSION, nick: "busy" }));
  await turns(2);
  const readsBefore = stream.reads;
  // A busy turn: other connections handled many frames, then this one's read completes.
  for (let i = 0; i <= BUSY_INTERVAL_FRAMES; i++) countFrame();
  stream.arrive(ping(1));
  // More bytes come while it waits for the pause timer.
  await Promise.resolve();
  stream.arrive(ping(2));
  stream.arrive(ping(3));
  await turns(4);
  assertEqual(pongs(stream), [1, 2, 3], "every ping answered, in order");
  assert(stream.direct >= 2, `pings 2 and 3 were taken by tryRecv (${stream.direct} direct reads)`);
  assertEqual(
    stream.reads,
    readsBefore + 1,
    "one Deno read is waiting again: the server went quiet",
  );
  stream.arrive(ping(4));
  await turns(2);
  assertEqual(pongs(stream), [1, 2, 3, 4], "the waiting Deno read takes the next ping");
  conn.abort("test over");
  await running;
});
