/**
 * The bounded outbound queue of a stream connection (TCP or TLS) and the
 * writer that drains it. Fanout only enqueues; this queue's own writer loop
 * does the awaiting, so nobody else waits on a slow socket.
 *
 * - Frames adjacent in memory (consecutive broadcasts placed in one
 *   `FrameArena`) merge into one span.
 * - A synchronous send gathers as many whole entries (spans and single
 *   frames) as fit a pooled 64 KiB buffer (see `buffer_pool.ts`), so a member
 *   of a busy room gets one `send(2)` per flush pass, not one per span; what
 *   the socket does not take stays queued as views of the shared frames.
 *   An asynchronous write takes a span as it is, and concatenates only runs
 *   of small frames.
 * - Presence notices queued with {@linkcode WriteQueue.pushLater} wait up to
 *   {@linkcode PRESENCE_DELAY_MS} for one shared timer, so a join storm costs
 *   each member one write per delay instead of one per join.
 * - Past `maxBytes` queued, the queue refuses everything from then on and
 *   calls `onOverflow` once (the owner closes the slow consumer).
 * - A sink that can write synchronously (`trySend`, see `direct_socket.ts`)
 *   gets each batch that way first, in the turn it was queued in; only what
 *   the socket did not take waits for an asynchronous write.
 *
 * @module
 */

import { setImmediate } from "node:timers";
import { BATCH_POOL } from "./buffer_pool.ts";
import { WRITE_TRACE } from "./write_trace.ts";

/** Where a {@linkcode WriteQueue} writes; `Deno.Conn` fits. */
export interface WriteSink {
  /** Writes some prefix of `data`; resolves to the count written. */
  write(data: Uint8Array): Promise<number>;
  /**
   * Writes what the socket takes at once, synchronously (see
   * `direct_socket.ts`); 0 to `data.length`. When present the writer tries it
   * first and hands only the rest to `write`.
   */
  trySend?(data: Uint8Array): number;
}

/** Options for {@linkcode WriteQueue}. */
export interface WriteQueueOptions {
  /**
   * Most bytes waiting in the queue; a frame that would go past it is refused
   * and the queue is overflowed for good.
   * @default {1048576}
   */
  maxBytes?: number;
  /**
   * Most bytes one write batches together (a single larger frame is still
   * written whole).
   * @default {262144}
   */
  maxBatchBytes?: number;
  /** Called once, synchronously, when a frame first overflows the queue. */
  onOverflow?: () => void;
  /** Called when a write rejects; the writer stops until more is queued. */
  onError?: (error: unknown) => void;
}

/**
 * Longest a presence notice (join, leave) waits to be written along with
 * others, in ms (see {@linkcode WriteQueue.pushLater}).
 */
export const PRESENCE_DELAY_MS = 10;
/**
 * Entries this large (spans of a room's broadcasts) are handed to an
 * asynchronous write as they are, shared with other members; smaller ones
 * are concatenated. Synchronous sends gather everything (see `#sendGathered`).
 */
const OWN_WRITE_BYTES = 4096;

/**
 * A bounded, batching outbound queue with its own writer loop.
 *
 * @example
 * ```ts
 * import { WriteQueue } from "./write_queue.ts";
 * const written: Uint8Array[] = [];
 * const queue = new WriteQueue({
 *   write: (data) => (written.push(data.slice()), Promise.resolve(data.length)),
 * });
 * queue.push(new Uint8Array([0, 0, 0, 0]));
 * await queue.drain(1000); // written.length === 1
 * ```
 */
export class WriteQueue {
  readonly #sink: WriteSink;
  readonly #maxBytes: number;
  readonly #maxBatchBytes: number;
  readonly #onOverflow: () => void;
  readonly #onError: (error: unknown) => void;
  #queue: Uint8Array[] = [];
  /**
   * The newest queued frame, kept apart so that a next frame adjacent to it in
   * memory (consecutive broadcasts of a room, see frame_arena.ts) extends it
   * in place: `#tailBytes` bytes from `#tail`'s start.
   */
  #tail: Uint8Array | undefined;
  #tailBytes = 0;
  /** `#tail`'s buffer, and the offset in it where the next adjacent frame starts, in bytes. */
  #tailBuffer: ArrayBufferLike | undefined;
  #tailEnd = 0;
  #queuedBytes = 0;
  #writing = false;
  #stopped = false;
  #overflowed = false;
  #drained: (() => void) | undefined;
  /** With tracing on: when each queue entry's first frame was queued (ms), parallel to `#queue`. */
  #times: number[] = [];
  #tailAt = 0;
  #batchAt = 0;

  /**
   * @param sink Where the bytes go.
   * @param options Bounds and callbacks; see {@linkcode WriteQueueOptions}.
   * @throws {RangeError} If `maxBytes` or `maxBatchBytes` is not positive.
   */
  constructor(sink: WriteSink, options: WriteQueueOptions = {}) {
    this.#sink = sink;
    this.#maxBytes = options.maxBytes ?? 1_048_576;
    this.#maxBatchBytes = options.maxBatchBytes ?? 262_144;
    if (!(this.#maxBytes > 0) || !(this.#maxBatchBytes > 0)) {
      throw new RangeError(
        `Cannot bound a write queue to ${this.#maxBytes} bytes with ${this.#maxBatchBytes}-byte batches: use positive sizes`,
      );
    }
    this.#onOverflow = options.onOverflow ?? (() => {});
    this.#onError = options.onError ?? (() => {});
  }

  /** Bytes queued and not yet written, in bytes. */
  get queuedBytes(): number {
    return this.#queuedBytes;
  }

  /** The most bytes the queue holds, in bytes. */
  get maxBytes(): number {
    return this.#maxBytes;
  }

  /** Whether a frame has overflowed the queue (it refuses everything since). */
  get overflowed(): boolean {
    return this.#overflowed;
  }

  /**
   * Queues a frame and makes sure the writer runs after the current turn, so
   * that one write carries everything queued in it.
   *
   * @param frame Bytes to write; must not be modified afterwards.
   * @returns `false` if the queue is stopped or overflowed (now or before).
   */
  push(frame: Uint8Array): boolean {
    if (!this.#enqueue(frame)) return false;
    if (!this.#writing) {
      this.#writing = true;
      WriteQueue.#dirty.push(this);
      if (WriteQueue.#dirty.length === 1) WriteQueue.#schedule();
    }
    return true;
  }

  /**
   * Queues a frame that may wait up to {@linkcode PRESENCE_DELAY_MS} for the
   * next write. Any {@linkcode WriteQueue.push} before then writes it along,
   * in order.
   *
   * @param frame As for `push`.
   * @returns As for `push`.
   */
  pushLater(frame: Uint8Array): boolean {
    if (!this.#enqueue(frame)) return false;
    if (!this.#writing) WriteQueue.#later.add(this);
    WriteQueue.#laterTimer ??= setTimeout(WriteQueue.#flushLater, PRESENCE_DELAY_MS);
    return true;
  }

  /**
   * Queues one frame given in parts laid end to end; the parts go into the
   * queue as they are, so a large shared part (a pooled buffer or more) is
   * written without a copy.
   * The whole frame is refused if it does not fit.
   *
   * @param parts Together one frame; none may be modified afterwards.
   * @returns As for `push`.
   */
  pushParts(parts: Uint8Array[]): boolean {
    let bytes = 0;
    for (const part of parts) bytes += part.length;
    if (this.#stopped || this.#overflowed) return false;
    if (this.#queuedBytes + bytes > this.#maxBytes) return this.#overflow();
    for (const part of parts) if (part.length > 0) this.push(part);
    return true;
  }

  /**
   * Waits until everything queued is written, the queue is stopped, or
   * `timeoutMs` passed, whichever comes first.
   *
   * @param timeoutMs Longest wait, in ms.
   */
  async drain(timeoutMs: number): Promise<void> {
    if (!this.#writing && this.#queue.length === 0 && this.#tail === undefined) return;
    const { promise, resolve } = Promise.withResolvers<void>();
    this.#drained = resolve;
    const timer = setTimeout(resolve, timeoutMs);
    await promise;
    clearTimeout(timer);
  }

  /** Drops everything queued (an aborted connection). */
  clear(): void {
    this.#queue = [];
    this.#times = [];
    this.#forgetTail();
    this.#queuedBytes = 0;
  }

  /** Refuses further frames, ends the writer after its current write, and ends any `drain`. */
  stop(): void {
    this.#stopped = true;
    this.#drained?.();
  }

  /**
   * Queues with frames pushed in this turn, flushed by one microtask after
   * the code that pushed them (one per turn's batch, not one per member of a
   * fanout); inside a turn held with {@linkcode WriteQueue.holdTurn}, once
   * after the turn.
   */
  static #dirty: WriteQueue[] = [];
  static #heldTurn = false;
  /** Whether a microtask will run {@linkcode WriteQueue.#flushDirty}. */
  static #scheduled = false;
  /** Set by {@linkcode WriteQueue.beforeWrite}: runs once before the next flush of the queues. */
  static #beforeWrite: (() => void) | undefined;

  /**
   * Runs `callback` once, before the queues pushed to in this turn are
   * written (in the same microtask, so that what it pushes goes out in the
   * same writes), and makes sure that flush happens even if nothing else is
   * pushed. For a room's run of chat lines not yet handed to its members
   * (room.ts): a microtask of its own could run after the flush.
   * One callback at a time: a second call before the flush replaces the first.
   *
   * @param callback What to run; it may push to any queue.
   */
  static beforeWrite(callback: () => void): void {
    WriteQueue.#beforeWrite = callback;
    WriteQueue.#schedule();
  }

  static #schedule(): void {
    if (WriteQueue.#scheduled || WriteQueue.#heldTurn) return;
    WriteQueue.#scheduled = true;
    queueMicrotask(WriteQueue.#flushDirty);
  }

  /**
   * Holds every queue's writes until the end of the current turn
   * (`setImmediate`: after every promise continuation of the turn, before the
   * next poll for I/O). For code that delivers a batch through an async
   * iterator, such as a cluster node's stream consumer: the microtask flush
   * would run between the iterator's steps and write once per message.
   */
  static holdTurn(): void {
    if (WriteQueue.#heldTurn) return;
    WriteQueue.#heldTurn = true;
    setImmediate(WriteQueue.#releaseTurn);
  }

  static #releaseTurn(): void {
    WriteQueue.#heldTurn = false;
    WriteQueue.#flushDirty();
  }

  static #flushDirty(): void {
    WriteQueue.#scheduled = false;
    const before = WriteQueue.#beforeWrite;
    if (before !== undefined) {
      WriteQueue.#beforeWrite = undefined;
      before();
    }
    if (WriteQueue.#dirty.length === 0) return;
    const dirty = WriteQueue.#dirty;
    WriteQueue.#dirty = [];
    for (const queue of dirty) queue.#flush();
  }

  /** Connections holding delayed frames and no writer running. */
  static readonly #later = new Set<WriteQueue>();
  static #laterTimer: ReturnType<typeof setTimeout> | undefined;
  static #flushLater(): void {
    WriteQueue.#laterTimer = undefined;
    for (const queue of WriteQueue.#later) {
      if (!queue.#writing && !queue.#stopped) {
        queue.#writing = true;
        queue.#flush();
      }
    }
    WriteQueue.#later.clear();
  }

  /** Adds a frame to the queue (merging it into the tail span when adjacent); false if refused. */
  #enqueue(frame: Uint8Array): boolean {
    if (this.#stopped || this.#overflowed) return false;
    if (this.#queuedBytes + frame.length > this.#maxBytes) return this.#overflow();
    this.#queuedBytes += frame.length;
    WRITE_TRACE?.queued(1);
    const length = frame.length;
    const offset = frame.byteOffset;
    const buffer = frame.buffer;
    if (buffer === this.#tailBuffer && offset === this.#tailEnd) {
      this.#tailBytes += length;
    } else {
      if (this.#tail !== undefined) this.#closeTail();
      if (WRITE_TRACE !== undefined) this.#tailAt = performance.now();
      this.#tail = frame;
      this.#tailBytes = length;
      this.#tailBuffer = buffer;
    }
    this.#tailEnd = offset + length;
    return true;
  }

  #overflow(): false {
    this.#overflowed = true;
    this.#onOverflow();
    return false;
  }

  /**
   * Writes what is queued: synchronously while the sink takes whole batches
   * (`trySend`, {@linkcode WriteQueue.#sendGathered}), then asynchronously
   * ({@linkcode WriteQueue.#writeNext}), which comes back here when done.
   */
  #flush(): void {
    try {
      while (!this.#stopped) {
        if (this.#tail !== undefined) {
          if (this.#queue.length === 0 && this.#sink.trySend !== undefined) {
            if (this.#sendTail()) break;
            void this.#writeNext();
            return;
          }
          this.#closeTail();
        }
        if (this.#queue.length === 0) break;
        if (this.#sink.trySend === undefined || !this.#sendGathered()) {
          void this.#writeNext();
          return;
        }
      }
    } catch (error) {
      this.#onError(error);
    }
    this.#idle();
  }

  /**
   * The common case of a quiet room: one send of the tail when nothing else
   * is queued, without moving it into the queue first.
   *
   * @returns Whether the socket took it all; if not, what is left of the
   *   tail is in the queue, for an asynchronous write.
   */
  #sendTail(): boolean {
    const bytes = this.#tailBytes;
    const sent = this.#sink.trySend!(this.#tailView());
    if (sent !== bytes) {
      this.#batchAt = this.#tailAt;
      this.#closeTail();
      if (sent > 0) this.#dropWritten(sent);
      WRITE_TRACE?.partial();
      return false;
    }
    this.#forgetTail();
    this.#queuedBytes -= bytes;
    WRITE_TRACE?.written(performance.now() - this.#tailAt, bytes);
    return true;
  }

  /**
   * One synchronous send of as many whole entries as fit a pooled buffer
   * ({@linkcode BATCH_POOL}, at most `maxBatchBytes`), concatenated, so that
   * a member whose queue holds several spans of a room's broadcasts (split
   * where its own messages fall) gets one `send(2)`, not one per span; a lone
   * entry goes as it is. The buffer is back in the pool before this returns.
   * What the socket did not take stays at the head of the queue as views of
   * the frames it came from, shared with the other members, never as a copy.
   *
   * @returns Whether the socket took the whole batch.
   */
  #sendGathered(): boolean {
    const queue = this.#queue;
    const limit = Math.min(this.#maxBatchBytes, BATCH_POOL.size);
    let count = 1;
    let bytes = queue[0].length;
    while (count < queue.length && bytes + queue[count].length <= limit) {
      bytes += queue[count].length;
      count++;
    }
    if (WRITE_TRACE !== undefined) this.#batchAt = this.#times[0];
    let sent: number;
    if (count === 1) sent = this.#sink.trySend!(queue[0]);
    else {
      // Lost, not leaked, if trySend throws: the pool makes another.
      const pooled = BATCH_POOL.take();
      sent = this.#sink.trySend!(concat(queue, count, pooled.subarray(0, bytes)));
      BATCH_POOL.give(pooled);
    }
    if (sent > 0) this.#dropWritten(sent);
    if (sent === bytes) return true;
    WRITE_TRACE?.partial();
    return false;
  }

  /**
   * Writes the head of the queue with the sink's asynchronous `write`,
   * waiting for the socket, then goes on flushing: an entry of
   * {@linkcode OWN_WRITE_BYTES} or more (a span of broadcasts) as it is, a
   * run of smaller ones concatenated into a buffer of their size.
   */
  async #writeNext(): Promise<void> {
    const queue = this.#queue;
    let count = 1;
    let bytes = queue[0].length;
    if (bytes < OWN_WRITE_BYTES) {
      while (
        count < queue.length && queue[count].length < OWN_WRITE_BYTES &&
        bytes + queue[count].length <= this.#maxBatchBytes
      ) {
        bytes += queue[count].length;
        count++;
      }
    }
    const batch = count === 1 ? queue[0] : concat(queue, count, new Uint8Array(bytes));
    if (WRITE_TRACE !== undefined) this.#batchAt = this.#times[0];
    try {
      let offset = 0;
      while (offset < bytes) {
        offset += await this.#sink.write(offset === 0 ? batch : batch.subarray(offset));
      }
    } catch (error) {
      this.#onError(error);
      this.#idle();
      return;
    }
    // Cleared meanwhile (an aborted connection): those bytes are no longer queued.
    if (this.#queue === queue) this.#dropWritten(bytes);
    this.#flush();
  }

  /**
   * Removes `bytes` written bytes from the head of the queue, trimming an
   * entry written in part, and accounts for them.
   */
  #dropWritten(bytes: number): void {
    const queue = this.#queue;
    this.#queuedBytes -= bytes;
    WRITE_TRACE?.written(performance.now() - this.#batchAt, bytes);
    let count = 0;
    let left = bytes;
    while (count < queue.length && left >= queue[count].length) left -= queue[count++].length;
    if (left > 0) queue[count] = queue[count].subarray(left);
    if (count === 0) return;
    this.#queue = count === queue.length ? [] : queue.slice(count);
    if (WRITE_TRACE !== undefined) this.#times = this.#times.slice(count);
  }

  /** The writer stops: nothing queued, stopped, or a write failed. */
  #idle(): void {
    this.#writing = false;
    if (this.#queue.length === 0 && this.#tail === undefined) this.#drained?.();
  }

  /** Moves the tail into the queue. */
  #closeTail(): void {
    this.#queue.push(this.#tailView());
    this.#forgetTail();
    if (WRITE_TRACE !== undefined) this.#times.push(this.#tailAt);
  }

  /** The tail's bytes: its first frame, or one view of it and the frames merged into it. */
  #tailView(): Uint8Array {
    const tail = this.#tail!;
    return this.#tailBytes === tail.length
      ? tail
      : new Uint8Array(tail.buffer, tail.byteOffset, this.#tailBytes);
  }

  /** No tail: the next frame starts a new one. */
  #forgetTail(): void {
    this.#tail = undefined;
    this.#tailBuffer = undefined;
  }
}

/** Copies the first `count` entries of `queue` end to end into `into`, which is exactly their size. */
function concat(queue: Uint8Array[], count: number, into: Uint8Array): Uint8Array {
  let at = 0;
  for (let i = 0; i < count; i++) {
    into.set(queue[i], at);
    at += queue[i].length;
  }
  return into;
}
