/**
 * A rate limit per address that survives reconnects: one token bucket per
 * address key, forgotten once it is full again.
 *
 * @module
 */

import { hostKey } from "./host_key.ts";
import { TokenBucket } from "./token_bucket.ts";

/** Options for {@linkcode AddressRate}. */
export interface AddressRateOptions {
  /** Sustained actions per minute per address. Must be positive. */
  perMinute: number;
  /** Actions an address may take at once. Must be positive. */
  burst: number;
  /**
   * Most addresses remembered; the least recently used go first beyond it.
   * @default {10000}
   */
  maxAddresses?: number;
}

/**
 * Token buckets by address key (see {@linkcode hostKey}). O(1) per call
 * (amortized), no timers; a bucket that has refilled is dropped, so memory
 * follows the addresses that acted recently.
 *
 * @example
 * ```ts
 * import { AddressRate } from "./address_rate.ts";
 * const rate = new AddressRate({ perMinute: 1, burst: 1 });
 * rate.take("10.0.0.1:4000", 0); // true
 * rate.take("10.0.0.1:4001", 0); // false: same address
 * rate.take("10.0.0.1:4001", 60_000); // true
 * ```
 */
export class AddressRate {
  readonly #perSecond: number;
  readonly #burst: number;
  readonly #maxAddresses: number;
  /** Least recently used first (Map insertion order). */
  readonly #buckets = new Map<string, TokenBucket>();

  /**
   * @param options See {@linkcode AddressRateOptions}.
   * @throws {RangeError} If the rate or burst is not positive.
   */
  constructor(options: AddressRateOptions) {
    this.#perSecond = options.perMinute / 60;
    this.#burst = options.burst;
    this.#maxAddresses = options.maxAddresses ?? 10_000;
    new TokenBucket({ ratePerSecond: this.#perSecond, capacity: this.#burst, now: 0 });
  }

  /** Number of addresses remembered, for tests and measurements. */
  get size(): number {
    return this.#buckets.size;
  }

  /**
   * Takes one action for the address of `remoteAddr` if its bucket allows.
   *
   * @param remoteAddr `host:port` of the peer.
   * @param now Current time, ms since the epoch.
   * @returns Whether the action may go ahead.
   */
  take(remoteAddr: string, now: number): boolean {
    this.#sweep(now);
    const key = hostKey(remoteAddr);
    const bucket = this.#buckets.get(key) ??
      new TokenBucket({ ratePerSecond: this.#perSecond, capacity: this.#burst, now });
    this.#buckets.delete(key);
    this.#buckets.set(key, bucket);
    if (this.#buckets.size > this.#maxAddresses) {
      this.#buckets.delete(this.#buckets.keys().next().value!);
    }
    return bucket.take(1, now);
  }

  /** Drops a few least recently used buckets that are full again. */
  #sweep(now: number): void {
    let looked = 0;
    for (const [key, bucket] of this.#buckets) {
      if (looked++ >= 4 || bucket.available(now) < this.#burst) return;
      this.#buckets.delete(key);
    }
  }
}
