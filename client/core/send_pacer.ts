/**
 * Client-side pacing against the server's flood control: a model of the
 * server's message and byte token buckets, built from the limits the server
 * announces in `welcome.limits` (or the documented defaults when an older
 * server announces none), that says how long to wait before the next frame
 * so that the server never refuses it as `rate_limited`. Pure and
 * browser-safe: time is passed in.
 *
 * @module
 */

import type { ServerLimits } from "../../protocol/messages.ts";

/** The flood limits a server enforces, as announced (or defaulted). */
export interface FloodLimits {
  /** Sustained messages per second. */
  floodRate: number;
  /** Messages that may be sent at once above the sustained rate. */
  floodBurst: number;
  /** Sustained bytes per second, frame headers included. */
  floodBytesRate: number;
  /** Bytes that may be sent at once, frame headers included. */
  floodBytesBurst: number;
}

/** The server defaults, used when a server announces no flood limits. */
export const DEFAULT_FLOOD_LIMITS: Readonly<FloodLimits> = Object.freeze({
  floodRate: 10,
  floodBurst: 60,
  floodBytesRate: 65_536,
  floodBytesBurst: 1_048_576,
});

/**
 * The flood limits a welcome announces, each missing one replaced by its
 * server default (servers older than these fields announce none).
 *
 * @param limits `welcome.limits`.
 * @returns Complete limits.
 *
 * @example
 * ```ts
 * import { floodLimitsOf } from "./send_pacer.ts";
 * floodLimitsOf({ maxFrameBytes: 1024, maxTextBytes: 512, heartbeatMs: 30000 }).floodRate; // 10
 * ```
 */
export function floodLimitsOf(limits: ServerLimits): FloodLimits {
  return {
    floodRate: limits.floodRate ?? DEFAULT_FLOOD_LIMITS.floodRate,
    floodBurst: limits.floodBurst ?? DEFAULT_FLOOD_LIMITS.floodBurst,
    floodBytesRate: limits.floodBytesRate ?? DEFAULT_FLOOD_LIMITS.floodBytesRate,
    floodBytesBurst: limits.floodBytesBurst ??
      Math.max(DEFAULT_FLOOD_LIMITS.floodBytesBurst, limits.maxFrameBytes + 4),
  };
}

/** Options for {@linkcode SendPacer}. */
export interface SendPacerOptions {
  /**
   * A lower rate to keep to, in messages per second: the sustained rate, and
   * the burst is at most one second's worth. A value above the announced rate
   * is capped to it (the pacer never goes faster than the server allows).
   */
  rate?: number;
  /**
   * Fraction of the announced rates used, so that timer jitter and network
   * bunching never push a frame over the server's limit.
   * @default {0.95}
   */
  headroom?: number;
  /**
   * Part of each burst kept unused for frames sent without waiting (heartbeat
   * `ping`/`pong`) and for frames that arrive bunched, as a fraction of the burst.
   * @default {0.1}
   */
  reserve?: number;
}

/**
 * A model of the server's two token buckets for one connection. Call
 * {@linkcode SendPacer.delay} before a frame, wait that long, then
 * {@linkcode SendPacer.spend}; call `spend` for frames sent without waiting too.
 *
 * @example
 * ```ts
 * import { SendPacer } from "./send_pacer.ts";
 * const pacer = new SendPacer(
 *   { floodRate: 10, floodBurst: 20, floodBytesRate: 65536, floodBytesBurst: 1048576 },
 *   0,
 * );
 * for (let i = 0; i < 18; i++) pacer.spend(50, 0); // the burst, less the reserve
 * pacer.delay(50, 0); // about 105 ms: the next token, at 95 % of 10/s
 * ```
 */
export class SendPacer {
  /** The sustained rate kept to, in messages per second. */
  readonly rate: number;
  readonly #burst: number;
  readonly #bytesRate: number;
  readonly #bytesBurst: number;
  #messages: number;
  #bytes: number;
  #last: number;

  /**
   * @param limits The server's flood limits (see {@linkcode floodLimitsOf}).
   * @param now Current time, in ms; the buckets start full, as the server's do.
   * @param options A lower rate, headroom and reserve.
   * @throws {RangeError} If a limit or `options.rate` is not a positive number.
   */
  constructor(limits: FloodLimits, now: number, options: SendPacerOptions = {}) {
    for (const [name, value] of Object.entries(limits)) {
      if (!(value > 0) || !Number.isFinite(value)) {
        throw new RangeError(`Cannot pace: ${name} must be a positive number, got ${value}`);
      }
    }
    if (options.rate !== undefined && !(options.rate > 0 && Number.isFinite(options.rate))) {
      throw new RangeError(`Cannot pace: rate must be a positive number, got ${options.rate}`);
    }
    const headroom = options.headroom ?? 0.95;
    const reserve = options.reserve ?? 0.1;
    this.rate = Math.min(limits.floodRate * headroom, options.rate ?? Infinity);
    this.#burst = Math.max(
      1,
      Math.min(
        Math.floor(limits.floodBurst * (1 - reserve)),
        options.rate === undefined ? Infinity : Math.floor(options.rate),
      ),
    );
    this.#bytesRate = limits.floodBytesRate * headroom;
    this.#bytesBurst = limits.floodBytesBurst * (1 - reserve);
    // The reserve is held back from the start: the model counts it as spent.
    this.#messages = this.#burst;
    this.#bytes = this.#bytesBurst;
    this.#last = now;
  }

  /**
   * How long to wait before sending a frame of `bytes` bytes.
   *
   * @param bytes Frame size, header included, in bytes.
   * @param now Current time, in ms.
   * @returns Milliseconds to wait; 0 to send now.
   */
  delay(bytes: number, now: number): number {
    this.#refill(now);
    const needBytes = Math.min(bytes, this.#bytesBurst);
    const forMessage = this.#messages >= 1 ? 0 : (1 - this.#messages) / this.rate * 1000;
    const forBytes = this.#bytes >= needBytes
      ? 0
      : (needBytes - this.#bytes) / this.#bytesRate * 1000;
    return Math.ceil(Math.max(forMessage, forBytes));
  }

  /**
   * Records a frame as sent (the buckets may go below zero for frames sent
   * without waiting; later frames then wait longer).
   *
   * @param bytes Frame size, header included, in bytes.
   * @param now Current time, in ms.
   */
  spend(bytes: number, now: number): void {
    this.#refill(now);
    this.#messages -= 1;
    this.#bytes -= bytes;
  }

  /**
   * Empties the message bucket, after the server refused a frame as
   * `rate_limited`: its real bucket was emptier than this model thought.
   *
   * @param now Current time, in ms.
   */
  backOff(now: number): void {
    this.#refill(now);
    this.#messages = Math.min(this.#messages, 0);
  }

  #refill(now: number): void {
    const elapsed = now - this.#last;
    if (elapsed <= 0) return;
    this.#last = now;
    this.#messages = Math.min(this.#burst, this.#messages + elapsed * this.rate / 1000);
    this.#bytes = Math.min(this.#bytesBurst, this.#bytes + elapsed * this.#bytesRate / 1000);
  }
}
