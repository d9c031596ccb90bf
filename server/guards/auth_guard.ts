/**
 * Password brute-force defence: a delay before each failed answer and a
 * temporary lockout of an address after repeated failures.
 *
 * @module
 */

import { getLogger } from "../log.ts";
import { hostKey } from "./host_key.ts";

const log = getLogger(["parley", "server"]);

/** Options for {@linkcode AuthGuard}; the serve flags map onto these. */
export interface AuthGuardOptions {
  /**
   * Delay before a wrong password is answered (and the connection closed), in ms.
   * Only that connection waits; nobody else does.
   * @default {1000}
   */
  authDelayMs?: number;
  /**
   * Wrong passwords from one address that trigger a lockout.
   * @default {5}
   */
  authMaxFailures?: number;
  /**
   * How long a locked-out address is refused, in ms; also how long a failure
   * is remembered.
   * @default {300000}
   */
  authLockoutMs?: number;
  /**
   * Most addresses remembered at once; the least recently failed is forgotten first.
   * @default {10000}
   */
  authMaxTracked?: number;
}

interface Entry {
  failures: number;
  lastFailure: number;
  lockedUntil: number;
}

/**
 * Failed-password bookkeeping per address key (IPv4 address or IPv6 /64, see
 * {@linkcode hostKey}). Synchronous and O(1) per call, so concurrent attempts
 * from one address cannot slip past the count between check and record.
 *
 * @example
 * ```ts
 * import { AuthGuard } from "./auth_guard.ts";
 * let now = 0;
 * const guard = new AuthGuard({ authMaxFailures: 2, authLockoutMs: 1000 }, () => now);
 * guard.fail("10.0.0.1:1"); // 1000 (ms to wait before answering)
 * guard.fail("10.0.0.1:2");
 * guard.lockedFor("10.0.0.1:3"); // 1000
 * now = 1000;
 * guard.lockedFor("10.0.0.1:3"); // 0
 * ```
 */
export class AuthGuard {
  /** Delay before answering a failure, in ms. */
  readonly delayMs: number;
  /** Failures that trigger a lockout. */
  readonly maxFailures: number;
  /** Lockout length, in ms. */
  readonly lockoutMs: number;
  readonly #maxTracked: number;
  readonly #now: () => number;
  readonly #entries = new Map<string, Entry>();

  /**
   * @param options See {@linkcode AuthGuardOptions}.
   * @param now Clock, ms since the epoch.
   */
  constructor(options: AuthGuardOptions = {}, now: () => number = Date.now) {
    this.delayMs = options.authDelayMs ?? 1000;
    this.maxFailures = options.authMaxFailures ?? 5;
    this.lockoutMs = options.authLockoutMs ?? 300_000;
    this.#maxTracked = options.authMaxTracked ?? 10_000;
    this.#now = now;
  }

  /**
   * Time left on the lockout of `remoteAddr`'s address.
   *
   * @param remoteAddr `host:port` of the peer.
   * @returns Milliseconds until it may try again; 0 when not locked out.
   */
  lockedFor(remoteAddr: string): number {
    const entry = this.#entries.get(hostKey(remoteAddr));
    if (!entry) return 0;
    return Math.max(0, entry.lockedUntil - this.#now());
  }

  /**
   * Records a wrong password from `remoteAddr`; the K-th failure within
   * `lockoutMs` of the previous one locks the address out.
   *
   * @param remoteAddr `host:port` of the peer.
   * @returns How long to wait before answering, in ms.
   */
  fail(remoteAddr: string): number {
    const key = hostKey(remoteAddr);
    const now = this.#now();
    let entry = this.#entries.get(key);
    if (entry && now - entry.lastFailure > this.lockoutMs) entry = undefined;
    entry ??= { failures: 0, lastFailure: now, lockedUntil: 0 };
    entry.failures++;
    entry.lastFailure = now;
    if (entry.failures >= this.maxFailures) {
      entry.failures = 0;
      entry.lockedUntil = now + this.lockoutMs;
      log.warn("locked out {address} for {ms} ms after {count} wrong passwords", {
        address: key,
        ms: this.lockoutMs,
        count: this.maxFailures,
      });
    }
    // Re-insert so that Map order is least recently failed first.
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    if (this.#entries.size > this.#maxTracked) {
      this.#entries.delete(this.#entries.keys().next().value!);
    }
    return this.delayMs;
  }

  /**
   * Forgets the failures of `remoteAddr`'s address after a right password.
   *
   * @param remoteAddr `host:port` of the peer.
   */
  succeed(remoteAddr: string): void {
    const key = hostKey(remoteAddr);
    const entry = this.#entries.get(key);
    if (entry && entry.lockedUntil <= this.#now()) this.#entries.delete(key);
  }
}
