/**
 * Per-connection flood control: token buckets for messages and bytes per
 * second, and a third bucket of "strikes" that turns persistent excess into a
 * disconnect.
 *
 * @module
 */

import { TokenBucket } from "./token_bucket.ts";

/** Options for {@linkcode FloodControl}; the serve flags map onto these. */
export interface FloodOptions {
  /**
   * Sustained messages per second a client may send (its `hello` counts as one).
   * @default {10}
   */
  floodRate?: number;
  /**
   * Messages a client may send at once above the sustained rate (a pasted
   * block sent line by line, fast typing).
   * @default {60}
   */
  floodBurst?: number;
  /**
   * Sustained bytes per second a client may send, frame headers included.
   * @default {65536}
   */
  floodBytesRate?: number;
  /**
   * Bytes a client may send at once; raised to the frame cap if lower, so one
   * maximal frame always fits.
   * @default {1048576}
   */
  floodBytesBurst?: number;
  /**
   * Refused messages tolerated (recovering one per second) before the client
   * is disconnected for flooding.
   * @default {30}
   */
  floodStrikes?: number;
}

/**
 * The flood limits a server enforces, as it announces them in
 * `welcome.limits`: the rates and bursts of {@linkcode FloodOptions} with the
 * defaults applied, and the byte burst raised to one maximal frame, exactly as
 * {@linkcode FloodControl} uses them.
 */
export interface FloodLimits {
  /** Sustained messages per second. */
  floodRate: number;
  /** Messages at once above the sustained rate. */
  floodBurst: number;
  /** Sustained bytes per second, frame headers included. */
  floodBytesRate: number;
  /** Bytes at once, frame headers included; at least one maximal frame. */
  floodBytesBurst: number;
}

/**
 * The limits {@linkcode FloodControl} enforces for these options.
 *
 * @param options Rates and bursts; defaults apply to those missing.
 * @param maxFrameBytes The frame cap, in bytes.
 * @returns The effective limits, as announced in `welcome.limits`.
 *
 * @example
 * ```ts
 * import { announcedFloodLimits } from "./flood_control.ts";
 * announcedFloodLimits({}, 1_048_576);
 * // { floodRate: 10, floodBurst: 60, floodBytesRate: 65536, floodBytesBurst: 1048580 }
 * ```
 */
export function announcedFloodLimits(options: FloodOptions, maxFrameBytes: number): FloodLimits {
  return {
    floodRate: options.floodRate ?? 10,
    floodBurst: options.floodBurst ?? 60,
    floodBytesRate: options.floodBytesRate ?? 65_536,
    floodBytesBurst: Math.max(options.floodBytesBurst ?? 1_048_576, maxFrameBytes + 4),
  };
}

/** What to do with one frame. */
export type FloodVerdict = "accept" | "refuse" | "disconnect";

/**
 * The flood state of one connection. {@linkcode FloodControl.check} is O(1):
 * three lazy token buckets, no timers, no lists.
 *
 * @example
 * ```ts
 * import { FloodControl } from "./flood_control.ts";
 * const flood = new FloodControl({ floodRate: 1, floodBurst: 1, floodStrikes: 1 }, 1024, 0);
 * flood.check(10, 0); // "accept"
 * flood.check(10, 0); // "refuse"
 * flood.check(10, 0); // "disconnect"
 * ```
 */
export class FloodControl {
  readonly #messages: TokenBucket;
  readonly #bytes: TokenBucket;
  readonly #strikes: TokenBucket;
  /** Frames refused so far, for logs. */
  refused = 0;

  /**
   * @param options Rates and bursts; see {@linkcode FloodOptions}.
   * @param maxFrameBytes The frame cap, in bytes; the byte burst is at least this plus the header.
   * @param now Current time, ms since the epoch.
   * @param spent Start with no message tokens (a budget the address has used up).
   * @throws {RangeError} If a rate or burst is not positive.
   */
  constructor(options: FloodOptions, maxFrameBytes: number, now: number, spent = false) {
    const limits = announcedFloodLimits(options, maxFrameBytes);
    this.#messages = new TokenBucket({
      ratePerSecond: limits.floodRate,
      capacity: limits.floodBurst,
      now,
      tokens: spent ? 0 : undefined,
    });
    this.#bytes = new TokenBucket({
      ratePerSecond: limits.floodBytesRate,
      capacity: limits.floodBytesBurst,
      now,
    });
    this.#strikes = new TokenBucket({
      ratePerSecond: 1,
      capacity: options.floodStrikes ?? 30,
      now,
    });
  }

  /**
   * Charges one frame of `bytes` bytes.
   *
   * @param bytes Frame size, header included, in bytes.
   * @param now Current time, ms since the epoch.
   * @param messages What the frame counts as, in messages: 1, or more for an
   *   expensive request such as `/search` (capped at the burst).
   * @returns `"accept"` if both buckets paid; `"refuse"` if not (answer
   *   `rate_limited`); `"disconnect"` once the strikes are used up.
   */
  check(bytes: number, now: number, messages = 1): FloodVerdict {
    // Check both before taking either, so a refused frame costs no tokens.
    const cost = Math.min(messages, this.#messages.capacity);
    if (this.#messages.available(now) >= cost && this.#bytes.available(now) >= bytes) {
      this.#messages.take(cost, now);
      this.#bytes.take(bytes, now);
      return "accept";
    }
    this.refused++;
    return this.#strikes.take(1, now) ? "refuse" : "disconnect";
  }

  /**
   * Whether every bucket is full again at `now`: the state is then the same
   * as a new one, and need not be remembered.
   *
   * @param now Current time, ms since the epoch.
   */
  rested(now: number): boolean {
    return this.#messages.available(now) >= this.#messages.capacity &&
      this.#bytes.available(now) >= this.#bytes.capacity &&
      this.#strikes.available(now) >= this.#strikes.capacity;
  }
}
