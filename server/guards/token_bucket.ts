/**
 * A token bucket: the rate limiter behind flood control.
 *
 * @module
 */

/** Options for {@linkcode TokenBucket}. */
export interface TokenBucketOptions {
  /** Tokens added per second (the sustained rate). Must be positive. */
  ratePerSecond: number;
  /** Most tokens held at once (the burst). Must be positive. */
  capacity: number;
  /**
   * Time the bucket starts, ms since the epoch.
   * @default {Date.now()}
   */
  now?: number;
  /**
   * Tokens it starts with (0 to `capacity`).
   * @default {capacity: it starts full}
   */
  tokens?: number;
}

/**
 * A token bucket with lazy refill: O(1) time and memory per call, no timers.
 * It starts full; {@linkcode TokenBucket.take} refills by elapsed time, then
 * takes `cost` tokens if that many are there.
 *
 * A cost larger than the capacity can never be paid, so callers size the
 * capacity to cover the largest single cost they accept.
 *
 * @example
 * ```ts
 * import { TokenBucket } from "./token_bucket.ts";
 * const bucket = new TokenBucket({ ratePerSecond: 1, capacity: 2, now: 0 });
 * bucket.take(1, 0); // true
 * bucket.take(1, 0); // true
 * bucket.take(1, 0); // false: empty
 * bucket.take(1, 1000); // true: one token came back in 1000 ms
 * ```
 */
export class TokenBucket {
  /** Sustained rate, tokens per second. */
  readonly ratePerSecond: number;
  /** Burst size, in tokens. */
  readonly capacity: number;
  #tokens: number;
  #last: number;
  readonly #perMs: number;

  /**
   * @param options See {@linkcode TokenBucketOptions}.
   * @throws {RangeError} If the rate or capacity is not a positive finite number.
   */
  constructor(options: TokenBucketOptions) {
    for (const key of ["ratePerSecond", "capacity"] as const) {
      const value = options[key];
      if (!(value > 0) || !Number.isFinite(value)) {
        throw new RangeError(`Cannot create token bucket: ${key} must be positive, got ${value}`);
      }
    }
    this.ratePerSecond = options.ratePerSecond;
    this.capacity = options.capacity;
    this.#perMs = options.ratePerSecond / 1000;
    this.#tokens = Math.min(options.capacity, Math.max(0, options.tokens ?? options.capacity));
    this.#last = options.now ?? Date.now();
  }

  /**
   * Tokens available at `now`, after refill.
   *
   * @param now Current time, ms since the epoch.
   */
  available(now: number): number {
    this.#refill(now);
    return this.#tokens;
  }

  /**
   * Takes `cost` tokens if the bucket holds that many.
   *
   * @param cost Tokens to take (1 for a message, its length for bytes).
   * @param now Current time, ms since the epoch.
   * @returns `true` if taken; `false` (and nothing taken) if there were too few.
   */
  take(cost: number, now: number): boolean {
    this.#refill(now);
    if (this.#tokens < cost) return false;
    this.#tokens -= cost;
    return true;
  }

  #refill(now: number): void {
    const elapsed = now - this.#last;
    if (elapsed <= 0) return;
    this.#last = now;
    this.#tokens = Math.min(this.capacity, this.#tokens + elapsed * this.#perMs);
  }
}
