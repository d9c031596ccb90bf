/**
 * A free list of equal-sized scratch buffers, so that a connection's writer
 * can concatenate a batch of queued frames without allocating (and later
 * garbage-collecting) a fresh buffer for every write.
 *
 * @module
 */

/**
 * Hands out `size`-byte buffers and keeps up to `retain` returned ones.
 *
 * @example
 * ```ts
 * import { BufferPool } from "./buffer_pool.ts";
 * const pool = new BufferPool(16 * 1024, 4);
 * const buffer = pool.take(); // 16384 bytes
 * pool.give(buffer);
 * pool.take() === buffer; // true
 * ```
 */
export class BufferPool {
  /** Size of every pooled buffer, in bytes. */
  readonly size: number;
  /** Most idle buffers kept; more returned ones are left to the garbage collector. */
  readonly retain: number;
  readonly #free: Uint8Array[] = [];

  /**
   * @param size Buffer size, bytes.
   * @param retain Most idle buffers kept.
   */
  constructor(size: number, retain: number) {
    this.size = size;
    this.retain = retain;
  }

  /** A buffer of {@linkcode BufferPool.size} bytes, reused when one is free. */
  take(): Uint8Array {
    return this.#free.pop() ?? new Uint8Array(this.size);
  }

  /**
   * Returns a buffer taken from this pool. The caller must not touch it again.
   *
   * @param buffer A buffer from {@linkcode BufferPool.take}; others are ignored.
   */
  give(buffer: Uint8Array): void {
    if (buffer.length === this.size && this.#free.length < this.retain) this.#free.push(buffer);
  }

  /** Idle buffers held now. */
  get idle(): number {
    return this.#free.length;
  }
}

/**
 * The writers' shared pool: 64 KiB buffers (a write of that size is one
 * segment on loopback), at most 8 kept. A writer whose socket takes writes
 * synchronously (`trySend`) gathers its queue into one of these for one
 * send and gives it back before the send returns (what the socket did not
 * take stays queued as it was), so one buffer serves a whole flush pass
 * however many sockets are slow.
 */
export const BATCH_POOL: BufferPool = new BufferPool(64 * 1024, 8);
