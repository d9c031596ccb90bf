/**
 * A fixed-size ring of the newest messages of one room, held in JavaScript so
 * that appending a message (the fanout path) and replaying recent history (a
 * join) cost no SQLite call.
 *
 * @module
 */

import type { StoredMessage } from "./stored_message.ts";

/**
 * The newest `capacity` messages of one room (or of all private messages), in
 * id order. Appending is O(1) and allocates nothing once the ring is full.
 *
 * @example
 * ```ts
 * import { MessageRing } from "./message_ring.ts";
 * const ring = new MessageRing(2);
 * for (const id of [1, 2, 3]) ring.push({ id, ts: 0, kind: "msg", room: "#a", from: "bob", text: "hi" });
 * ring.newest(10).map((m) => m.id); // [2, 3]
 * ring.evicted; // true: message 1 fell out
 * ```
 */
export class MessageRing {
  /** Most messages held. */
  readonly capacity: number;
  /**
   * Whether older messages than those held may exist elsewhere: set when a
   * message falls out of the full ring, or by the loader when it filled the ring.
   */
  evicted = false;
  #items: StoredMessage[] = [];
  /** Index of the oldest message once the ring is full. */
  #start = 0;

  /**
   * @param capacity Most messages held; at least 1.
   * @throws {RangeError} If `capacity` is not a positive integer.
   */
  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(
        `Cannot create message ring: capacity must be positive, got ${capacity}`,
      );
    }
    this.capacity = capacity;
  }

  /** Number of messages held. */
  get size(): number {
    return this.#items.length;
  }

  /** Id of the oldest message held, or `undefined` when empty. */
  get oldestId(): number | undefined {
    return this.#items.length === 0 ? undefined : this.#items[this.#start].id;
  }

  /**
   * Appends a message whose id is larger than every id held; the oldest falls
   * out when the ring is full.
   *
   * @param message The message.
   */
  push(message: StoredMessage): void {
    const items = this.#items;
    if (items.length < this.capacity) {
      items.push(message);
      return;
    }
    items[this.#start] = message;
    this.#start = this.#start + 1 === this.capacity ? 0 : this.#start + 1;
    this.evicted = true;
  }

  /**
   * The message `index` places from the oldest held (0 = oldest).
   *
   * @param index 0 ≤ index < size.
   */
  at(index: number): StoredMessage {
    const items = this.#items;
    const i = this.#start + index;
    return items[i < items.length ? i : i - items.length];
  }

  /**
   * The newest messages held, oldest first.
   *
   * @param limit Most messages.
   * @param beforeId Only messages with a smaller id; all when absent.
   */
  newest(limit: number, beforeId = Number.MAX_SAFE_INTEGER): StoredMessage[] {
    let end = this.size;
    while (end > 0 && this.at(end - 1).id >= beforeId) end--;
    const out: StoredMessage[] = [];
    for (let i = Math.max(0, end - limit); i < end; i++) out.push(this.at(i));
    return out;
  }

  /** The messages held, newest first. */
  *newestFirst(): IterableIterator<StoredMessage> {
    for (let i = this.size - 1; i >= 0; i--) yield this.at(i);
  }

  /**
   * Keeps only the messages `keep` accepts, and at most the newest `max` of them.
   *
   * @param keep Predicate on each message.
   * @param max Most messages to keep.
   * @returns How many were dropped.
   */
  retain(keep: (message: StoredMessage) => boolean, max = Infinity): number {
    const before = this.size;
    const kept: StoredMessage[] = [];
    for (let i = 0; i < before; i++) {
      const m = this.at(i);
      if (keep(m)) kept.push(m);
    }
    this.#items = kept.length > max ? kept.slice(kept.length - max) : kept;
    this.#start = 0;
    return before - this.#items.length;
  }
}
