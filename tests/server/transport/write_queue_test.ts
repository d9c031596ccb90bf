import { assert, assertEqual } from "../../_helpers/assert.ts";
import { BATCH_POOL } from "../../../server/transport/buffer_pool.ts";
import {
  PRESENCE_DELAY_MS,
  WriteQueue,
  type WriteSink,
} from "../../../server/transport/write_queue.ts";

/** A sink that records a copy of each write, and the buffer it came from. */
class RecordingSink implements WriteSink {
  writes: number[][] = [];
  buffers: ArrayBufferLike[] = [];
  /** When set, each write takes only this many bytes (a partial write). */
  chunk: number | undefined;
  write(data: Uint8Array): Promise<number> {
    const n = Math.min(data.length, this.chunk ?? data.length);
    this.writes.push([...data.subarray(0, n)]);
    this.buffers.push(data.buffer);
    return Promise.resolve(n);
  }
  get bytes(): number[] {
    return this.writes.flat();
  }
}

/**
 * A sink that also writes synchronously (`trySend`, like a direct socket).
 * Each call takes the next count from `takes` (at most what it is given),
 * or everything when `takes` is empty.
 */
class DirectRecordingSink extends RecordingSink {
  takes: number[] = [];
  trySend(data: Uint8Array): number {
    const n = Math.min(data.length, this.takes.shift() ?? data.length);
    if (n > 0) {
      this.writes.push([...data.subarray(0, n)]);
      this.buffers.push(data.buffer);
    }
    return n;
  }
}

function frame(byte: number, length: number): Uint8Array {
  return new Uint8Array(length).fill(byte);
}

const turn = () => new Promise((resolve) => setTimeout(resolve, 0));

Deno.test("WriteQueue writes frames in the order they were pushed, across partial writes", async () => {
  const sink = new RecordingSink();
  sink.chunk = 7;
  const queue = new WriteQueue(sink);
  const frames = [frame(1, 10), frame(2, 5000), frame(3, 20), frame(4, 3)];
  for (const f of frames) assert(queue.push(f));
  assertEqual(queue.queuedBytes, 5033);
  await queue.drain(1000);
  assertEqual(sink.bytes, frames.flatMap((f) => [...f]));
  assertEqual(queue.queuedBytes, 0);
});

Deno.test("WriteQueue merges frames adjacent in one buffer into one span, written without a copy", async () => {
  const sink = new RecordingSink();
  const queue = new WriteQueue(sink);
  const arena = new Uint8Array(3000);
  arena.fill(9, 0, 1000).fill(8, 1000, 2000).fill(7, 2000, 3000);
  queue.push(arena.subarray(0, 1000));
  queue.push(arena.subarray(1000, 2000));
  queue.push(arena.subarray(2000, 2500));
  await queue.drain(1000);
  assertEqual(sink.writes.length, 1, "one span");
  assert(sink.buffers[0] === arena.buffer, "the span is written from the arena itself");
  assertEqual(sink.bytes, [...arena.subarray(0, 2500)]);
});

Deno.test("WriteQueue gathers spans split by other frames into one write, up to a pooled buffer", async () => {
  // A member's queue in a busy room: spans of the room's broadcasts, broken
  // wherever the member's own message (an ack) falls. One write per pass,
  // not one per span: bench/README.md, "Gathered writes".
  const sink = new DirectRecordingSink();
  const queue = new WriteQueue(sink);
  const arena = new Uint8Array(10 * 5000).map((_, i) => i % 251);
  const expected: number[] = [];
  for (let i = 0; i < 10; i++) {
    const span = arena.subarray(i * 5000, (i + 1) * 5000);
    const ack = frame(i, 60);
    queue.push(span);
    queue.push(ack);
    expected.push(...span, ...ack);
  }
  await queue.drain(1000);
  assertEqual(sink.writes.length, 1, "ten spans and ten acks, 50,600 bytes, in one write");
  assertEqual(sink.bytes, expected);
  assert(sink.buffers[0].byteLength === BATCH_POOL.size, "gathered in a pooled buffer");

  // More than a pooled buffer holds: whole entries up to its size per write.
  const part = Math.floor(BATCH_POOL.size * 0.4);
  for (let i = 0; i < 3; i++) queue.push(frame(i, part));
  await queue.drain(1000);
  assertEqual(sink.writes.slice(1).map((w) => w.length), [2 * part, part]);
});

Deno.test("WriteQueue writes an entry that fills a pooled buffer as it is", async () => {
  const sink = new RecordingSink();
  const queue = new WriteQueue(sink);
  const large = frame(1, BATCH_POOL.size);
  queue.push(large);
  queue.push(frame(2, 10));
  await queue.drain(1000);
  assertEqual(sink.writes.map((w) => w.length), [BATCH_POOL.size, 10]);
  assert(sink.buffers[0] === large.buffer, "not copied");
});

Deno.test("WriteQueue refuses a frame past its byte bound, calls onOverflow once, and refuses from then on", () => {
  const sink = new RecordingSink();
  let overflows = 0;
  const queue = new WriteQueue(sink, { maxBytes: 100, onOverflow: () => overflows++ });
  assert(queue.push(frame(1, 60)));
  assert(queue.push(frame(2, 40)), "exactly at the bound fits");
  assertEqual(queue.push(frame(3, 1)), false);
  assertEqual(overflows, 1);
  assert(queue.overflowed);
  assertEqual(queue.push(frame(4, 1)), false, "refused after an overflow even if it would fit");
  assertEqual(queue.pushParts([frame(5, 1)]), false);
  assertEqual(overflows, 1, "onOverflow runs once");
  queue.stop();
});

Deno.test("WriteQueue refuses a frame given in parts as a whole when it does not fit", async () => {
  const sink = new RecordingSink();
  let overflows = 0;
  const queue = new WriteQueue(sink, { maxBytes: 50, onOverflow: () => overflows++ });
  assert(queue.pushParts([frame(1, 10), new Uint8Array(0), frame(2, 10)]));
  assertEqual(queue.pushParts([frame(3, 20), frame(4, 20)]), false);
  assertEqual(overflows, 1);
  assertEqual(queue.queuedBytes, 20, "no part of the refused frame was queued");
  await queue.drain(1000);
  assertEqual(sink.bytes, [...frame(1, 10), ...frame(2, 10)]);
});

Deno.test("WriteQueue concatenates small frames into a pooled buffer and reuses it for the next batch", async () => {
  const sink = new DirectRecordingSink();
  const queue = new WriteQueue(sink);
  const idleBefore = BATCH_POOL.idle;
  for (let i = 0; i < 10; i++) queue.push(frame(i, 60));
  await queue.drain(1000);
  for (let i = 0; i < 10; i++) queue.push(frame(20 + i, 60));
  await queue.drain(1000);
  assertEqual(sink.writes.length, 2, "one write per turn's batch");
  assertEqual(
    sink.writes[0],
    Array.from({ length: 10 }, (_, i) => frame(i, 60)).flatMap((f) => [...f]),
  );
  assert(sink.buffers[0].byteLength === BATCH_POOL.size, "the batch is a pool buffer");
  assert(sink.buffers[1] === sink.buffers[0], "the second batch reuses the returned buffer");
  assertEqual(BATCH_POOL.idle, Math.max(idleBefore, 1), "the buffer went back to the pool");
});

Deno.test("WriteQueue gives a pooled buffer back in the same turn when the socket takes part of it", async () => {
  const sink = new DirectRecordingSink();
  sink.takes = [100, 0];
  const queue = new WriteQueue(sink);
  const idleBefore = BATCH_POOL.idle;
  const frames = Array.from({ length: 10 }, (_, i) => frame(i, 60));
  for (const f of frames) queue.push(f);
  await Promise.resolve();
  // The flush ran: 100 bytes went synchronously, the other 500 wait for write().
  assert(sink.buffers[0].byteLength === BATCH_POOL.size, "gathered in a pooled buffer");
  assertEqual(
    BATCH_POOL.idle,
    Math.max(idleBefore, 1),
    "the pooled buffer is back before the asynchronous write",
  );
  assertEqual(queue.queuedBytes, 500);
  await queue.drain(1000);
  assertEqual(sink.bytes, frames.flatMap((f) => [...f]));
  assertEqual(sink.writes.map((w) => w.length), [100, 500]);
  assertEqual(sink.buffers[1].byteLength, 500, "the rest waits in a buffer of its own size");
});

Deno.test("WriteQueue sends a lone span from the arena itself, and what a full socket left later, in order", async () => {
  for (const takes of [[], [700], [0], [700, 0, 300]]) {
    const sink = new DirectRecordingSink();
    sink.takes = [...takes];
    let calls = 0;
    const trySend = sink.trySend.bind(sink);
    sink.trySend = (data) => (calls++, trySend(data));
    const queue = new WriteQueue(sink);
    const arena = new Uint8Array(3000).map((_, i) => i % 251);
    queue.push(arena.subarray(0, 1000));
    queue.push(arena.subarray(1000, 2000));
    await queue.drain(1000);
    assertEqual(sink.bytes, [...arena.subarray(0, 2000)], `takes ${takes}`);
    assert(sink.buffers.every((b) => b === arena.buffer), `no copy, takes ${takes}`);
    assertEqual(queue.queuedBytes, 0);
    assertEqual(calls, 1, `one synchronous send, then the socket is waited for (takes ${takes})`);
    queue.push(arena.subarray(2000, 2100));
    await queue.drain(1000);
    assertEqual(sink.bytes, [...arena.subarray(0, 2100)], `a later frame, takes ${takes}`);
    assertEqual(queue.queuedBytes, 0);
  }
});

Deno.test("WriteQueue leaves what a full socket did not take as views of the shared spans", async () => {
  // Members of a room share its arena's spans: a slow member must not hold
  // its own copy of them (the idle scenario's join storm grew RSS by 1.5 KB
  // per connection when it did).
  const sink = new DirectRecordingSink();
  sink.takes = [1000, 0, 0, 0, 0];
  const queue = new WriteQueue(sink);
  const spanA = new Uint8Array(10_000).fill(1);
  const ack = frame(2, 60);
  const spanB = new Uint8Array(10_000).fill(3);
  queue.push(spanA);
  queue.push(ack);
  queue.push(spanB);
  await queue.drain(1000);
  assertEqual(sink.bytes, [...spanA, ...ack, ...spanB]);
  assertEqual(sink.writes.map((w) => w.length), [1000, 9000, 60, 10_000]);
  assert(sink.buffers[1] === spanA.buffer, "the rest of the first span, from the span itself");
  assert(sink.buffers[3] === spanB.buffer, "the second span, from the span itself");
  assertEqual(queue.queuedBytes, 0);
});

Deno.test("WriteQueue concatenates into a buffer of the batch's size for a sink without trySend", async () => {
  const sink = new RecordingSink();
  const queue = new WriteQueue(sink);
  for (let i = 0; i < 10; i++) queue.push(frame(i, 60));
  await queue.drain(1000);
  assertEqual(sink.writes.length, 1);
  assertEqual(sink.buffers[0].byteLength, 600);
});

Deno.test("WriteQueue splits batches at maxBatchBytes", async () => {
  const sink = new RecordingSink();
  const queue = new WriteQueue(sink, { maxBatchBytes: 250 });
  for (let i = 0; i < 10; i++) queue.push(frame(i, 100));
  await queue.drain(1000);
  assertEqual(sink.writes.map((w) => w.length), [200, 200, 200, 200, 200]);
});

Deno.test("WriteQueue.pushLater waits for the shared timer, and a push takes the held frames along in order", async () => {
  const sink = new RecordingSink();
  const queue = new WriteQueue(sink);
  queue.pushLater(frame(1, 20));
  queue.pushLater(frame(2, 20));
  await turn();
  assertEqual(sink.writes.length, 0, "not written at the end of the turn");
  for (let i = 0; i < 100 && sink.writes.length === 0; i++) {
    await new Promise((resolve) => setTimeout(resolve, PRESENCE_DELAY_MS));
  }
  assertEqual(sink.writes.length, 1, "held frames go in one write");
  assertEqual(sink.bytes, [...frame(1, 20), ...frame(2, 20)]);
  sink.writes.length = 0;
  queue.pushLater(frame(3, 20));
  queue.push(frame(4, 20));
  await turn();
  assertEqual(sink.bytes, [...frame(3, 20), ...frame(4, 20)]);
  queue.stop();
  // Let the shared timer run out so that no timer leaks.
  await new Promise((resolve) => setTimeout(resolve, PRESENCE_DELAY_MS * 2));
});

Deno.test("WriteQueue reports a failed write to onError, and stop() refuses frames and ends drain", async () => {
  const failure = new Error("boom");
  const errors: unknown[] = [];
  const queue = new WriteQueue({ write: () => Promise.reject(failure) }, {
    onError: (error) => errors.push(error),
  });
  queue.push(frame(1, 10));
  await turn();
  assertEqual(errors, [failure]);
  const stuck = new WriteQueue({ write: () => new Promise<number>(() => {}) });
  stuck.push(frame(1, 10));
  await turn();
  const draining = stuck.drain(60_000);
  stuck.stop();
  await draining;
  assertEqual(stuck.push(frame(2, 10)), false);
  stuck.clear();
  assertEqual(stuck.queuedBytes, 0);
});

Deno.test("WriteQueue.holdTurn writes once for frames pushed across the steps of an async iterator", async () => {
  // A cluster node's stream consumer delivers a batch through an async
  // iterator: a flush between its steps would write once per message.
  const asyncSink = new RecordingSink();
  const sent: number[][] = [];
  const syncSink = {
    write: (data: Uint8Array) => Promise.resolve(data.length),
    trySend: (data: Uint8Array) => (sent.push([...data]), data.length),
  };
  const queues = [new WriteQueue(asyncSink), new WriteQueue(syncSink)];
  async function* batch() {
    for (let i = 0; i < 10; i++) yield frame(i, 3);
  }
  for await (const f of batch()) {
    WriteQueue.holdTurn();
    for (const queue of queues) queue.push(f);
  }
  for (const queue of queues) await queue.drain(1000);
  assertEqual(asyncSink.writes.length, 1, "one asynchronous write");
  assertEqual(sent.length, 1, "one direct send");
  assertEqual(sent[0].length, 30);
});

Deno.test("WriteQueue.clear during a write: the accounting stays at zero and later frames are written", async () => {
  const writes: number[][] = [];
  let release: (() => void) | undefined;
  const queue = new WriteQueue({
    write(data) {
      writes.push([...data]);
      return new Promise((resolve) => (release = () => resolve(data.length)));
    },
  });
  queue.push(frame(1, 10));
  await turn();
  assert(release !== undefined, "the first write is pending");
  queue.clear();
  queue.push(frame(2, 5));
  release!();
  await turn();
  assertEqual(queue.queuedBytes, 5, "only the frame pushed after clear");
  release!();
  await queue.drain(1000);
  assertEqual(writes, [[...frame(1, 10)], [...frame(2, 5)]]);
  assertEqual(queue.queuedBytes, 0);
});
