/**
 * One connection's flood state for `InboundHandler`: taken at the first
 * payload (the `hello` counts), so idle connections hold none, from the
 * per-address ledger when there is one, and handed back to it when the
 * connection ends, so that reconnecting does not reset the limits.
 *
 * @module
 */

import { FloodControl, type FloodOptions, type FloodVerdict } from "../guards/flood_control.ts";
import type { FloodLedger } from "../guards/flood_ledger.ts";

/**
 * The flood state of one connection, taken lazily and released once.
 *
 * @example
 * ```ts ignore
 * const flood = new ConnectionFlood(options, transport, () => 1_048_576);
 * flood.check(payload.length + 4, Date.now()); // "accept", "refuse" or "disconnect"
 * flood.release(Date.now());
 * ```
 */
export class ConnectionFlood {
  readonly #options: FloodOptions;
  readonly #ledger: FloodLedger | undefined;
  readonly #peer: { readonly remoteAddr: string };
  readonly #maxFrameBytes: () => number;
  #state: FloodControl | undefined;

  /**
   * @param options Flood limits, and the ledger shared by every connection.
   * @param peer The connection; its remote address is the ledger's key.
   * @param maxFrameBytes The largest frame, in bytes; read when the state is taken.
   */
  constructor(
    options: FloodOptions & { floodLedger?: FloodLedger },
    peer: { readonly remoteAddr: string },
    maxFrameBytes: () => number,
  ) {
    this.#options = options;
    this.#ledger = options.floodLedger;
    this.#peer = peer;
    this.#maxFrameBytes = maxFrameBytes;
  }

  /**
   * Charges one payload (see `FloodControl.check`), taking the state first if
   * this is the first.
   *
   * @param bytes Bytes on the wire.
   * @param now Current time, ms since the epoch.
   * @param messages What it counts as, in messages.
   * @returns Whether to accept it, refuse it, or disconnect.
   */
  check(bytes: number, now: number, messages?: number): FloodVerdict {
    this.#state ??= this.#ledger?.take(this.#peer.remoteAddr, now) ??
      new FloodControl(this.#options, this.#maxFrameBytes(), now);
    return this.#state.check(bytes, now, messages);
  }

  /** Payloads refused so far, for logs; `undefined` before the first. */
  get refused(): number | undefined {
    return this.#state?.refused;
  }

  /**
   * Hands the state back to the ledger; later calls do nothing.
   *
   * @param now Current time, ms since the epoch.
   */
  release(now: number): void {
    if (this.#state) this.#ledger?.keep(this.#peer.remoteAddr, this.#state, now);
    this.#state = undefined;
  }
}
