/**
 * Password brute-force defence for the server password: a delay before each
 * failed answer and a temporary lockout of an address after repeated failures.
 * A thin adapter over {@linkcode SecretGuard}, kind `"server"`, keeping the
 * `--auth-*` options and the check-then-record API the handshake uses; other
 * secrets (operator password, identity proofs) use {@linkcode AuthGuard.secrets}
 * so that one lockout covers them all.
 *
 * @module
 */

import type { ServerMetrics } from "../metrics.ts";
import { SecretGuard } from "./secret_guard.ts";

/** Options for {@linkcode AuthGuard}; the serve flags map onto these. */
export interface AuthGuardOptions {
  /**
   * Delay before a wrong password is answered (and the connection closed), in ms.
   * Only that connection waits; nobody else does. It does not grow with
   * repeated failures here, so `--auth-delay` means what it says.
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
  /** Counts wrong secrets; see `server/metrics.ts`. */
  metrics?: ServerMetrics;
}

/**
 * Failed-password bookkeeping per address key (IPv4 address or IPv6 /64, see
 * `hostKey`). Synchronous, so an attempt checked with
 * {@linkcode AuthGuard.lockedFor} and recorded with {@linkcode AuthGuard.fail}
 * in the same step cannot slip past the count.
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
  /** The guard shared by every kind of secret; use it for operator passwords and identity proofs. */
  readonly secrets: SecretGuard;

  /**
   * @param options See {@linkcode AuthGuardOptions}.
   * @param now Clock, ms since the epoch.
   */
  constructor(options: AuthGuardOptions = {}, now: () => number = Date.now) {
    this.delayMs = options.authDelayMs ?? 1000;
    this.maxFailures = options.authMaxFailures ?? 5;
    this.lockoutMs = options.authLockoutMs ?? 300_000;
    this.secrets = new SecretGuard({
      delayMs: this.delayMs,
      maxDelayMs: this.delayMs,
      maxFailures: this.maxFailures,
      lockoutMs: this.lockoutMs,
      windowMs: this.lockoutMs,
      maxTracked: options.authMaxTracked ?? 10_000,
      metrics: options.metrics,
    }, now);
  }

  /**
   * Time left on the lockout of `remoteAddr`'s address (for any secret).
   *
   * @param remoteAddr `host:port` of the peer.
   * @returns Milliseconds until it may try again; 0 when not locked out.
   */
  lockedFor(remoteAddr: string): number {
    return this.secrets.lockedFor(remoteAddr);
  }

  /**
   * Records a wrong password from `remoteAddr`; the K-th failure within
   * `lockoutMs` locks the address out.
   *
   * @param remoteAddr `host:port` of the peer.
   * @returns How long to wait before answering, in ms.
   */
  fail(remoteAddr: string): number {
    return this.secrets.recordFailure(remoteAddr, "server");
  }

  /**
   * Called after a right password. It forgets nothing: behind a NAT or a
   * tunnel other clients share the address, and one user's login must not
   * clear another's failed guesses; failures expire after `lockoutMs`.
   *
   * @param _remoteAddr `host:port` of the peer.
   */
  succeed(_remoteAddr: string): void {}
}
