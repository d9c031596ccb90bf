/**
 * Reconnect delays: exponential backoff with jitter, capped. Pure.
 *
 * @module
 */

/** Options for {@linkcode reconnectDelay}. */
export interface BackoffOptions {
  /**
   * Ceiling of the first delay, in ms; each later attempt doubles it.
   * @default {500}
   */
  baseMs?: number;
  /**
   * Largest ceiling, in ms; delays never exceed it.
   * @default {30000}
   */
  maxMs?: number;
  /**
   * Source of randomness in [0, 1).
   * @default {Math.random}
   */
  random?: () => number;
}

/**
 * How long to wait before reconnect attempt `attempt`: "equal jitter"
 * (AWS Architecture Blog, "Exponential Backoff And Jitter", 2015). The ceiling
 * is `min(maxMs, baseMs * 2^(attempt-1))`; the delay is half the ceiling plus a
 * random part of the other half, so clients that lost the same server spread
 * out and never hammer it, while the first retry still comes quickly.
 *
 * @param attempt 1 for the first retry, 2 for the second, ...
 * @param options See {@linkcode BackoffOptions}.
 * @returns The delay in ms, an integer in `[ceiling/2, ceiling]`.
 * @throws {RangeError} If `attempt` is not a positive integer.
 *
 * @example
 * ```ts
 * import { reconnectDelay } from "./backoff.ts";
 * reconnectDelay(1, { random: () => 0 }); // 250
 * reconnectDelay(4, { random: () => 0.999 }); // 3999 (ceiling 4000)
 * reconnectDelay(50, { random: () => 0 }); // 15000 (ceiling capped at 30000)
 * ```
 */
export function reconnectDelay(attempt: number, options: BackoffOptions = {}): number {
  if (!Number.isInteger(attempt) || attempt < 1) {
    throw new RangeError(`Cannot compute a reconnect delay: attempt ${attempt} is not 1 or more`);
  }
  const base = options.baseMs ?? 500;
  const max = options.maxMs ?? 30_000;
  const random = options.random ?? Math.random;
  // 2 ** 30 already dwarfs any sane cap; avoid Infinity for huge attempts.
  const ceiling = Math.min(max, base * 2 ** Math.min(attempt - 1, 30));
  const half = ceiling / 2;
  return Math.floor(half + random() * half);
}
