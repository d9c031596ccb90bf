/**
 * The bounded outbound queue of a stream connection (TCP or TLS) and the
 * writer that drains it. Fanout only enqueues; this queue's own writer loop
 * does the awaiting, so nobody else waits on a slow socket.
 *
 * - Frames adjacent in memory (consecutive broadcasts placed in one
 *   `FrameArena`) merge into one span.
 * - Each write gathers as many whole entries (spans and single frames) as fit
 *   64 KiB (see `buffer_pool.ts`); an entry that is alone, or that large by
 *   itself, is written without a copy. A member of a busy room thus gets one
 *   write per flush pass, not one per span.
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
  #queuedBytes = 0;
  #writing = false;
  #stopped = false;
  #overflowed = false;
  #drained: (() => void) | undefined;
  /** The pooled buffer behind the batch just taken; back in the pool before the turn ends. */
  #pooled: Uint8Array | undefined;
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
      if (WriteQueue.#dirty.length === 1 && !WriteQueue.#heldTurn) {
        queueMicrotask(WriteQueue.#flushDirty);
      }
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
    this.#tail = undefined;
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
    if (WriteQueue.#dirty.length > 0) WriteQueue.#flushDirty();
  }

  static #flushDirty(): void {
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
    const tail = this.#tail;
    if (
      tail !== undefined && frame.buffer === tail.buffer &&
      frame.byteOffset === tail.byteOffset + this.#tailBytes
    ) {
      this.#tailBytes += frame.length;
    } else {
      if (tail !== undefined) this.#closeTail();
      if (WRITE_TRACE !== undefined) this.#tailAt = performance.now();
      this.#tail = frame;
      this.#tailBytes = frame.length;
    }
    return true;
  }

  #overflow(): false {
    this.#overflowed = true;
    this.#onOverflow();
    return false;
  }

  /**
   * Writes what is queued: synchronously while the sink takes whole batches
   * (`trySend`), then, for a batch it did not take whole, asynchronously
   * ({@linkcode WriteQueue.#writeRest}), which comes back here when done.
   * A pooled buffer goes back to the pool in the turn it was taken: what the
   * socket did not take is copied out of it first, so a slow socket holds
   * only its own bytes, never 64 KiB of pool.
   */
  #flush(): void {
    try {
      while (!this.#stopped) {
        if (this.#tail !== undefined) this.#closeTail();
        if (this.#queue.length === 0) break;
        const direct = this.#sink.trySend !== undefined;
        const batch = this.#takeBatch(direct);
        const pooled = this.#pooled;
        this.#pooled = undefined;
        const sent = direct ? this.#sink.trySend!(batch) : 0;
        if (sent < batch.length) {
          if (direct) WRITE_TRACE?.partial();
          const rest = pooled === undefined ? batch.subarray(sent) : batch.slice(sent);
          if (pooled !== undefined) BATCH_POOL.give(pooled);
          void this.#writeRest(rest, batch.length);
          return;
        }
        if (pooled !== undefined) BATCH_POOL.give(pooled);
        this.#written(batch.length);
      }
    } catch (error) {
      this.#onError(error);
    }
    this.#idle();
  }

  /**
   * Writes `rest` (the end of a batch of `bytes` bytes), waiting for the
   * socket, then goes on flushing.
   */
  async #writeRest(rest: Uint8Array, bytes: number): Promise<void> {
    try {
      let offset = 0;
      while (offset < rest.length) {
        offset += await this.#sink.write(offset === 0 ? rest : rest.subarray(offset));
      }
    } catch (error) {
      this.#onError(error);
      this.#idle();
      return;
    }
    this.#written(bytes);
    this.#flush();
  }

  /** Accounts for a batch of `bytes` bytes written whole. */
  #written(bytes: number): void {
    this.#queuedBytes -= bytes;
    WRITE_TRACE?.written(performance.now() - this.#batchAt, bytes);
  }

  /** The writer stops: nothing queued, stopped, or a write failed. */
  #idle(): void {
    this.#writing = false;
    if (this.#queue.length === 0 && this.#tail === undefined) this.#drained?.();
  }

  /** Moves the tail into the queue, as one view when frames were merged into it. */
  #closeTail(): void {
    const tail = this.#tail!;
    this.#queue.push(
      this.#tailBytes === tail.length
        ? tail
        : new Uint8Array(tail.buffer, tail.byteOffset, this.#tailBytes),
    );
    this.#tail = undefined;
    if (WRITE_TRACE !== undefined) this.#times.push(this.#tailAt);
  }

  /**
   * The next bytes to write: as many whole entries as fit one pooled buffer
   * ({@linkcode BATCH_POOL}, at most `maxBatchBytes`), concatenated, so
   * that a member whose queue holds several spans of a room's broadcasts
   * (split where its own messages fall) gets one write, not one per span.
   * An entry that alone fills a buffer, or the only one, goes as it is,
   * without a copy.
   *
   * @param pooled Whether to concatenate into a buffer from the pool (set
   *   in `#pooled`; for a sink that writes synchronously) rather than into
   *   one of the batch's own size.
   */
  #takeBatch(pooled: boolean): Uint8Array {
    const queue = this.#queue;
    const first = queue[0];
    const limit = Math.min(this.#maxBatchBytes, BATCH_POOL.size);
    if (WRITE_TRACE !== undefined) this.#batchAt = this.#times[0];
    if (queue.length === 1) {
      this.#queue = [];
      this.#times = [];
      return first;
    }
    let count = 1;
    let bytes = first.length;
    while (count < queue.length && bytes + queue[count].length <= limit) {
      bytes += queue[count].length;
      count++;
    }
    if (count === 1) {
      queue.shift();
      this.#times.shift();
      return first;
    }
    let batch: Uint8Array;
    if (pooled) {
      this.#pooled = BATCH_POOL.take();
      batch = this.#pooled.subarray(0, bytes);
    } else batch = new Uint8Array(bytes);
    let at = 0;
    for (let i = 0; i < count; i++) {
      batch.set(queue[i], at);
      at += queue[i].length;
    }
    this.#queue = count === queue.length ? [] : queue.slice(count);
    if (WRITE_TRACE !== undefined) this.#times = this.#times.slice(count);
    return batch;
  }
}
