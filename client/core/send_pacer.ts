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
   * A lower rate to keep to, in messages per second: the sustained rate, with
   * bursts of at most one second's worth. A value above the announced rate is
   * capped to it (the pacer never goes faster than the server allows).
   */
  rate?: number;
  /**
   * Fraction of the announced rates the model assumes the server refills at,
   * so that clock and timer differences never push a frame over the limit.
   * @default {0.95}
   */
  headroom?: number;
  /**
   * Part of each burst never used, as a fraction of the burst: room for the
   * frames sent without waiting (heartbeat `ping` and `pong`).
   * @default {0.1}
   */
  reserve?: number;
}

/**
 * A conservative model of the server's two token buckets for one connection.
 *
 * The server charges a frame when it processes it, which may be well after
 * the client sent it (a busy server, a slow disk delaying the group commit);
 * a bucket that is full while frames wait loses refill, so a model charging
 * at send time would overestimate what the server has left. This one charges
 * each frame when its answer (`ack` or `error`) arrives, the latest the
 * server can have processed it, and counts the frames still unanswered as
 * due at once. It therefore never thinks the server has more than it has.
 *
 * Call {@linkcode SendPacer.delay} before a frame, wait that long, then
 * {@linkcode SendPacer.sent}; call {@linkcode SendPacer.answered} when its
 * answer arrives. Frames nobody answers (`pong`) are {@linkcode SendPacer.charged} at once.
 *
 * @example
 * ```ts
 * import { SendPacer } from "./send_pacer.ts";
 * const limits = { floodRate: 10, floodBurst: 20, floodBytesRate: 65536, floodBytesBurst: 1048576 };
 * const pacer = new SendPacer(limits, 0);
 * for (let i = 0; i < 18; i++) pacer.sent(50, 0); // the burst, less the reserve
 * pacer.delay(50, 0); // about 106 ms: one token at 95 % of 10/s
 * ```
 */
export class SendPacer {
  /** The sustained rate kept to, in messages per second. */
  readonly rate: number;
  /** Frames sent at once at most (the burst less the reserve). */
  readonly burst: number;
  readonly #capacity: number;
  readonly #reserve: number;
  readonly #refillPerMs: number;
  readonly #bytesCapacity: number;
  readonly #bytesReserve: number;
  readonly #bytesRefillPerMs: number;
  /** The server's message bucket as of `#last`, charged for answered frames only. */
  #level: number;
  #bytesLevel: number;
  /** Frames (and their bytes) sent and not answered yet. */
  #pending = 0;
  #pendingBytes = 0;
  #last: number;
  /** The `--rate` bucket: a plain bucket charged at send time. */
  readonly #own: { rate: number; capacity: number; level: number; last: number } | undefined;

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
    this.#capacity = limits.floodBurst;
    this.#reserve = Math.max(1, Math.ceil(limits.floodBurst * reserve));
    this.#refillPerMs = limits.floodRate * headroom / 1000;
    this.#bytesCapacity = limits.floodBytesBurst;
    this.#bytesReserve = limits.floodBytesBurst * reserve;
    this.#bytesRefillPerMs = limits.floodBytesRate * headroom / 1000;
    this.#level = this.#capacity;
    this.#bytesLevel = this.#bytesCapacity;
    this.#last = now;
    const serverRate = limits.floodRate * headroom;
    const serverBurst = Math.max(1, this.#capacity - this.#reserve);
    if (options.rate !== undefined && options.rate < serverRate) {
      const capacity = Math.max(1, Math.min(serverBurst, Math.floor(options.rate)));
      this.#own = { rate: options.rate, capacity, level: capacity, last: now };
      this.rate = options.rate;
      this.burst = capacity;
    } else {
      this.rate = serverRate;
      this.burst = serverBurst;
    }
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
    // Unanswered frames may all be charged at once, just before this one.
    const messages = this.#level - this.#pending - this.#reserve;
    const needBytes = Math.min(bytes, this.#bytesCapacity - this.#bytesReserve);
    const spareBytes = this.#bytesLevel - this.#pendingBytes - this.#bytesReserve;
    let wait = Math.max(
      messages >= 1 ? 0 : (1 - messages) / this.#refillPerMs,
      spareBytes >= needBytes ? 0 : (needBytes - spareBytes) / this.#bytesRefillPerMs,
    );
    if (this.#own) wait = Math.max(wait, this.#ownWait(now));
    return Math.ceil(wait);
  }

  /**
   * Records a frame as sent; its answer will come (see {@linkcode SendPacer.answered}).
   *
   * @param bytes Frame size, header included, in bytes.
   * @param now Current time, in ms.
   */
  sent(bytes: number, now: number): void {
    this.#pending++;
    this.#pendingBytes += bytes;
    this.#spendOwn(now);
  }

  /**
   * Records the answer to a frame {@linkcode SendPacer.sent} earlier.
   *
   * @param bytes The frame's size, header included, in bytes.
   * @param now Current time, in ms (when the answer arrived).
   * @param refused Whether the answer was `rate_limited`: the server dropped
   *   the frame without charging it, and its bucket was empty.
   */
  answered(bytes: number, now: number, refused = false): void {
    this.#refill(now);
    this.#pending = Math.max(0, this.#pending - 1);
    this.#pendingBytes = Math.max(0, this.#pendingBytes - bytes);
    if (refused) {
      this.#level = Math.min(this.#level, 0);
      return;
    }
    this.#level -= 1;
    this.#bytesLevel -= bytes;
  }

  /**
   * Records a frame that gets no answer (`pong`, a heartbeat `ping`) as
   * charged now; the reserve leaves room for these.
   *
   * @param bytes Frame size, header included, in bytes.
   * @param now Current time, in ms.
   */
  charged(bytes: number, now: number): void {
    this.#refill(now);
    this.#level -= 1;
    this.#bytesLevel -= bytes;
  }

  #refill(now: number): void {
    const elapsed = now - this.#last;
    if (elapsed <= 0) return;
    this.#last = now;
    this.#level = Math.min(this.#capacity, this.#level + elapsed * this.#refillPerMs);
    this.#bytesLevel = Math.min(
      this.#bytesCapacity,
      this.#bytesLevel + elapsed * this.#bytesRefillPerMs,
    );
  }

  #ownWait(now: number): number {
    const own = this.#own!;
    own.level = Math.min(own.capacity, own.level + Math.max(0, now - own.last) * own.rate / 1000);
    own.last = Math.max(own.last, now);
    return own.level >= 1 ? 0 : (1 - own.level) / own.rate * 1000;
  }

  #spendOwn(now: number): void {
    if (!this.#own) return;
    this.#ownWait(now);
    this.#own.level -= 1;
  }
}
