/**
 * Counts open connections per address, for `--max-per-address`.
 *
 * @module
 */

import { hostKey } from "./host_key.ts";

/**
 * Open connections per address key (see {@linkcode hostKey}), with a cap.
 * Owned by the accept loop; O(1) per call; entries vanish at zero, so memory
 * follows the number of addresses connected now, not ever.
 *
 * @example
 * ```ts
 * import { AddressLimiter } from "./address_limiter.ts";
 * const limiter = new AddressLimiter(1);
 * limiter.acquire("10.0.0.1:4000"); // "10.0.0.1"
 * limiter.acquire("10.0.0.1:4001"); // undefined: over the cap
 * limiter.release("10.0.0.1");
 * ```
 */
export class AddressLimiter {
  /** Most connections one address may hold at once. */
  readonly max: number;
  readonly #counts = new Map<string, number>();

  /**
   * @param max Most connections per address; must be at least 1.
   * @throws {RangeError} If `max` is not a positive integer.
   */
  constructor(max: number) {
    if (!Number.isSafeInteger(max) || max < 1) {
      throw new RangeError(`Cannot limit connections per address to ${max}: use 1 or more`);
    }
    this.max = max;
  }

  /**
   * Counts a new connection from `remoteAddr` if its address is under the cap.
   *
   * @param remoteAddr `host:port` of the peer.
   * @returns The address key to pass to {@linkcode AddressLimiter.release}, or
   *   `undefined` if the address already holds `max` connections.
   */
  acquire(remoteAddr: string): string | undefined {
    const key = hostKey(remoteAddr);
    const count = this.#counts.get(key) ?? 0;
    if (count >= this.max) return undefined;
    this.#counts.set(key, count + 1);
    return key;
  }

  /**
   * Forgets one connection of an address.
   *
   * @param key A key returned by {@linkcode AddressLimiter.acquire}.
   */
  release(key: string): void {
    const count = this.#counts.get(key) ?? 0;
    if (count <= 1) this.#counts.delete(key);
    else this.#counts.set(key, count - 1);
  }

  /**
   * Open connections counted for an address.
   *
   * @param remoteAddr `host:port`, or a key.
   */
  count(remoteAddr: string): number {
    return this.#counts.get(hostKey(remoteAddr)) ?? 0;
  }
}
