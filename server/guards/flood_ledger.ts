/**
 * Flood state that outlives a connection: when a connection closes, its
 * {@linkcode FloodControl} is kept under its address until the buckets are
 * full again, and the next connection from that address continues with it.
 * So disconnecting and reconnecting does not reset the limits, while every
 * concurrent connection still has its own budget.
 *
 * @module
 */

import { FloodControl, type FloodOptions } from "./flood_control.ts";
import { AddressRate } from "./address_rate.ts";
import { hostKey } from "./host_key.ts";

/** Most kept states, over every address; the oldest go first beyond it. */
export const MAX_KEPT_FLOOD_STATES = 10_000;

/** Options for {@linkcode FloodLedger}. */
export interface FloodLedgerOptions {
  /**
   * Most states kept over every address; the oldest go first beyond it.
   * @default {10000}
   */
  maxKept?: number;
  /**
   * New (full) states one address may get at once when none of its own is
   * kept: connections opened together each get one. Beyond it, and beyond
   * `freshPerSecond`, a connection starts with no message tokens.
   * @default {100}
   */
  freshBurst?: number;
  /**
   * New states one address may get per second, sustained.
   * @default {the message rate, `floodRate`}
   */
  freshPerSecond?: number;
}

/**
 * Kept flood states by address key (see {@linkcode hostKey}). Owned by the
 * server, shared by every transport; O(1) per call (amortized), no timers.
 * Memory is bounded by {@linkcode MAX_KEPT_FLOOD_STATES}, and a state is
 * dropped as soon as it is found rested. Connections opened side by side (so
 * that none has closed to hand its state on) each get a new state only while
 * the address's allowance of new states lasts; after that they start spent.
 * So whatever the pattern of connections, an address sends at most about
 * `freshBurst × floodBurst` messages at once and `freshPerSecond × floodRate`
 * a second.
 *
 * @example
 * ```ts
 * import { FloodLedger } from "./flood_ledger.ts";
 * const ledger = new FloodLedger({ floodRate: 1, floodBurst: 1 }, 1024);
 * const first = ledger.take("10.0.0.1:4000", 0);
 * first.check(10, 0); // "accept"
 * ledger.keep("10.0.0.1:4000", first, 0);
 * ledger.take("10.0.0.1:4001", 0).check(10, 0); // "refuse": the same budget
 * ```
 */
export class FloodLedger {
  readonly #options: FloodOptions;
  readonly #maxFrameBytes: number;
  readonly #maxKept: number;
  readonly #fresh: AddressRate;
  /** States by address key, oldest address first (Map insertion order). */
  readonly #kept = new Map<string, { states: FloodControl[] }>();
  #count = 0;

  /**
   * @param options Rates and bursts of each state.
   * @param maxFrameBytes The frame cap, in bytes (see {@linkcode FloodControl}).
   * @param ledger See {@linkcode FloodLedgerOptions}.
   * @throws {RangeError} If a rate or burst is not positive.
   */
  constructor(options: FloodOptions, maxFrameBytes: number, ledger: FloodLedgerOptions = {}) {
    new FloodControl(options, maxFrameBytes, 0);
    this.#options = options;
    this.#maxFrameBytes = maxFrameBytes;
    this.#maxKept = ledger.maxKept ?? MAX_KEPT_FLOOD_STATES;
    this.#fresh = new AddressRate({
      perMinute: 60 * (ledger.freshPerSecond ?? options.floodRate ?? 10),
      burst: ledger.freshBurst ?? 100,
    });
  }

  /** Number of states kept, for tests and measurements. */
  get size(): number {
    return this.#count;
  }

  /**
   * The flood state for a new connection: one kept for its address, else a
   * new one (spent when the address has used up its allowance of new ones).
   *
   * @param remoteAddr `host:port` of the peer.
   * @param now Current time, ms since the epoch.
   */
  take(remoteAddr: string, now: number): FloodControl {
    const key = hostKey(remoteAddr);
    const entry = this.#kept.get(key);
    const state = entry?.states.pop();
    if (state) {
      this.#count--;
      if (entry!.states.length === 0) this.#kept.delete(key);
      return state;
    }
    const spent = !this.#fresh.take(remoteAddr, now);
    return new FloodControl(this.#options, this.#maxFrameBytes, now, spent);
  }

  /**
   * Keeps a closed connection's state for the next connection from its
   * address, unless it is rested already.
   *
   * @param remoteAddr `host:port` of the peer.
   * @param state Its flood state.
   * @param now Current time, ms since the epoch.
   */
  keep(remoteAddr: string, state: FloodControl, now: number): void {
    this.#sweep(now);
    if (state.rested(now)) return;
    const key = hostKey(remoteAddr);
    const entry = this.#kept.get(key) ?? { states: [] };
    // Most recently used address last, so the sweep and the cap see the oldest first.
    this.#kept.delete(key);
    this.#kept.set(key, entry);
    entry.states.unshift(state);
    this.#count++;
    while (this.#count > this.#maxKept) this.#dropOldest();
  }

  /**
   * Drops the least recently used addresses while all their states are
   * rested, at most a few per call: amortized O(1).
   */
  #sweep(now: number): void {
    let looked = 0;
    for (const [key, entry] of this.#kept) {
      if (looked++ >= 4 || !entry.states.every((s) => s.rested(now))) return;
      this.#count -= entry.states.length;
      this.#kept.delete(key);
    }
  }

  #dropOldest(): void {
    const first = this.#kept.entries().next();
    if (first.done) return;
    const [key, entry] = first.value;
    entry.states.pop();
    this.#count--;
    if (entry.states.length === 0) this.#kept.delete(key);
  }
}
