/**
 * One brute-force guard for every secret a client can guess: the server
 * password, the operator password, an identity proof. Attempts are counted per
 * address key ({@linkcode hostKey}: IPv4 address, IPv6 /64, mapped IPv6 as
 * IPv4 — the same rule as connection caps and bans) and per secret kind, and a
 * lockout shuts the address out of every kind at once.
 *
 * The numbers (defaults), in the manner of fail2ban's `maxretry`/`findtime`/`bantime`:
 * - Each failure waits before it is answered: 1 s, doubling with each failure
 *   the address has against that kind within the window (1, 2, 4, 8 s), at most
 *   10 s. Only that connection waits.
 * - 5 failures against one kind, or 10 against all kinds together, within the
 *   window lock the address out of every kind for 300 s.
 * - Failures decay by time: each is forgotten 300 s (the window) after it
 *   happened, so a user who mistypes now and then is never locked out, and the
 *   failures that caused a lockout have expired when it ends.
 * - A success forgets nothing but its own attempt: behind a NAT or a tunnel
 *   every client is the same address, and a legitimate login must not wipe an
 *   attacker's failures.
 * - Each attempt is charged when it starts and refunded if it succeeds, so a
 *   burst of parallel attempts from one address (identity proofs take a round
 *   trip and an async verification) cannot all be let in before the first
 *   failure is recorded: at most 5 attempts per kind (10 in all) are in flight
 *   or failed at once; more are refused as `busy` until some finish or expire.
 *
 * All methods are synchronous, so no `await` can slip between the check and
 * the charge. Memory: at most `maxTotalFailures` timestamps per address, and at
 * most `maxTracked` addresses.
 *
 * @module
 */

import type { ServerMetrics } from "../metrics.ts";
import { getLogger } from "../log.ts";
import { hostKey } from "./host_key.ts";

const log = getLogger(["parley", "server"]);

/** A kind of secret; each is counted on its own, and a lockout covers them all. */
export type SecretKind = "server" | "operator" | "identity" | (string & Record<never, never>);

/** Options for {@linkcode SecretGuard}. */
export interface SecretGuardOptions {
  /**
   * Delay before the first failure is answered, in ms; it doubles with each
   * failure the address has against the same kind.
   * @default {1000}
   */
  delayMs?: number;
  /**
   * Longest delay before a failure is answered, in ms.
   * @default {10000}
   */
  maxDelayMs?: number;
  /**
   * Failures against one kind that lock the address out.
   * @default {5}
   */
  maxFailures?: number;
  /**
   * Failures against all kinds together that lock the address out.
   * @default {2 * maxFailures}
   */
  maxTotalFailures?: number;
  /**
   * How long a locked-out address is refused, in ms.
   * @default {300000}
   */
  lockoutMs?: number;
  /**
   * How long a failure counts, in ms (fail2ban's `findtime`).
   * @default {lockoutMs}
   */
  windowMs?: number;
  /**
   * Most addresses remembered at once; the least recently seen is forgotten first.
   * @default {10000}
   */
  maxTracked?: number;
  /** Counts each failure; see `server/metrics.ts`. */
  metrics?: ServerMetrics;
}

/** The outcome of {@linkcode SecretGuard.begin}. */
export interface SecretAttempt {
  /** Whether the secret may be checked now. */
  readonly allowed: boolean;
  /**
   * Why not: `locked` (too many failures; refuse with `locked_out`) or `busy`
   * (too many attempts from the address in flight; try again shortly).
   */
  readonly refusal: "locked" | "busy" | undefined;
  /** When not allowed: ms until it is worth trying again; 0 when allowed. */
  readonly retryAfterMs: number;
  /** The address key the attempt is counted under. */
  readonly key: string;
  /**
   * Records that the secret was wrong; may lock the address out. Call at most
   * once, and not after {@linkcode SecretAttempt.succeed}; later calls return 0.
   *
   * @returns How long to wait before answering, in ms.
   */
  fail(): number;
  /** Records that the secret was right: refunds this attempt only. Idempotent. */
  succeed(): void;
}

interface Attempt {
  kind: string;
  at: number;
}

interface Entry {
  attempts: Attempt[];
  lockedUntil: number;
}

/**
 * Failure bookkeeping for every secret, per address key and kind.
 *
 * @example
 * ```ts
 * import { SecretGuard } from "./secret_guard.ts";
 * let now = 0;
 * const guard = new SecretGuard({ maxFailures: 2, lockoutMs: 1000 }, () => now);
 * guard.begin("10.0.0.1:1", "operator").fail(); // 1000 (ms to wait before answering)
 * guard.begin("10.0.0.1:2", "operator").fail(); // 2000; the address is now locked out
 * guard.begin("[::ffff:10.0.0.1]:3", "server").allowed; // false: every kind
 * guard.lockedFor("10.0.0.1"); // 1000
 * ```
 */
export class SecretGuard {
  /** Delay before answering the first failure, in ms. */
  readonly delayMs: number;
  /** Longest delay, in ms. */
  readonly maxDelayMs: number;
  /** Failures against one kind that lock an address out. */
  readonly maxFailures: number;
  /** Failures against all kinds that lock an address out. */
  readonly maxTotalFailures: number;
  /** Lockout length, in ms. */
  readonly lockoutMs: number;
  /** How long a failure counts, in ms. */
  readonly windowMs: number;
  readonly #maxTracked: number;
  readonly #metrics: ServerMetrics | undefined;
  readonly #now: () => number;
  readonly #entries = new Map<string, Entry>();

  /**
   * @param options See {@linkcode SecretGuardOptions}.
   * @param now Clock, ms since the epoch.
   * @throws {RangeError} If a count is not a positive integer or a time is negative.
   */
  constructor(options: SecretGuardOptions = {}, now: () => number = Date.now) {
    this.delayMs = options.delayMs ?? 1000;
    this.maxDelayMs = options.maxDelayMs ?? Math.max(10_000, this.delayMs);
    this.maxFailures = options.maxFailures ?? 5;
    this.maxTotalFailures = options.maxTotalFailures ?? 2 * this.maxFailures;
    this.lockoutMs = options.lockoutMs ?? 300_000;
    this.windowMs = options.windowMs ?? this.lockoutMs;
    this.#maxTracked = options.maxTracked ?? 10_000;
    this.#metrics = options.metrics;
    this.#now = now;
    const counts = {
      maxFailures: this.maxFailures,
      maxTotalFailures: this.maxTotalFailures,
      maxTracked: this.#maxTracked,
    };
    for (const [name, value] of Object.entries(counts)) {
      if (!Number.isSafeInteger(value) || value < 1) {
        throw new RangeError(`Cannot guard secrets with ${name} ${value}: use 1 or more`);
      }
    }
    const times = {
      delayMs: this.delayMs,
      maxDelayMs: this.maxDelayMs,
      lockoutMs: this.lockoutMs,
      windowMs: this.windowMs,
    };
    for (const [name, value] of Object.entries(times)) {
      if (!(value >= 0)) throw new RangeError(`Cannot guard secrets with ${name} ${value}`);
    }
  }

  /**
   * Starts an attempt at a secret from `remoteAddr`, charging it as a failure
   * until it succeeds.
   *
   * @param remoteAddr `host:port` of the peer (or a bare host).
   * @param kind Which secret.
   * @returns The attempt; check `allowed` before checking the secret.
   */
  begin(remoteAddr: string, kind: SecretKind): SecretAttempt {
    const key = hostKey(remoteAddr);
    const now = this.#now();
    const entry = this.#entry(key, now);
    if (entry.lockedUntil > now) return refused(key, "locked", entry.lockedUntil - now);
    const ofKind = entry.attempts.filter((a) => a.kind === kind);
    const blocking = ofKind.length >= this.maxFailures
      ? ofKind[ofKind.length - this.maxFailures]
      : entry.attempts.length >= this.maxTotalFailures
      ? entry.attempts[entry.attempts.length - this.maxTotalFailures]
      : undefined;
    if (blocking) {
      return refused(key, "busy", Math.max(1, blocking.at + this.windowMs - now));
    }
    const attempt: Attempt = { kind, at: now };
    entry.attempts.push(attempt);
    let settled = false;
    return {
      allowed: true,
      refusal: undefined,
      retryAfterMs: 0,
      key,
      fail: () => {
        if (settled) return 0;
        settled = true;
        return this.#failed(key, kind);
      },
      succeed: () => {
        if (settled) return;
        settled = true;
        const current = this.#entries.get(key);
        if (!current) return;
        const index = current.attempts.indexOf(attempt);
        if (index >= 0) current.attempts.splice(index, 1);
        if (current.attempts.length === 0 && current.lockedUntil <= this.#now()) {
          this.#entries.delete(key);
        }
      },
    };
  }

  /**
   * Records a failure that was not started with {@linkcode SecretGuard.begin}
   * (for callers that check {@linkcode SecretGuard.lockedFor} and the secret
   * in one synchronous step).
   *
   * @param remoteAddr `host:port` of the peer.
   * @param kind Which secret.
   * @returns How long to wait before answering, in ms.
   */
  recordFailure(remoteAddr: string, kind: SecretKind): number {
    const key = hostKey(remoteAddr);
    const now = this.#now();
    const entry = this.#entry(key, now);
    entry.attempts.push({ kind, at: now });
    // Unlike begin(), nothing stops the list here; keep it to what the limits can use.
    const keep = Math.max(this.maxTotalFailures, this.maxFailures);
    if (entry.attempts.length > keep) entry.attempts.splice(0, entry.attempts.length - keep);
    return this.#failed(key, kind);
  }

  /**
   * Time left on the lockout of `remoteAddr`'s address (all kinds).
   *
   * @param remoteAddr `host:port` of the peer, or a bare host.
   * @returns Milliseconds until it may try again; 0 when not locked out.
   */
  lockedFor(remoteAddr: string): number {
    const entry = this.#entries.get(hostKey(remoteAddr));
    if (!entry) return 0;
    return Math.max(0, entry.lockedUntil - this.#now());
  }

  /** Addresses remembered now. */
  get size(): number {
    return this.#entries.size;
  }

  /** Checks the limits after a failure (already in the list); returns the delay. */
  #failed(key: string, kind: string): number {
    this.#metrics?.authFailed();
    const now = this.#now();
    const entry = this.#entry(key, now);
    const count = entry.attempts.filter((a) => a.kind === kind).length;
    const total = entry.attempts.length;
    if (entry.lockedUntil <= now && (count >= this.maxFailures || total >= this.maxTotalFailures)) {
      entry.lockedUntil = now + this.lockoutMs;
      log.warn("locked out {address} for {ms} ms after {count} wrong {what}", {
        address: key,
        ms: this.lockoutMs,
        count: count >= this.maxFailures ? count : total,
        what: count >= this.maxFailures ? describeKind(kind) : "secrets",
      });
    }
    const doublings = Math.min(30, Math.max(0, count - 1));
    return Math.min(this.maxDelayMs, this.delayMs * 2 ** doublings);
  }

  /** The entry for `key` with expired attempts dropped, moved to the most recent end. */
  #entry(key: string, now: number): Entry {
    let entry = this.#entries.get(key);
    if (entry) {
      const since = now - this.windowMs;
      const firstLive = entry.attempts.findIndex((a) => a.at > since);
      entry.attempts.splice(0, firstLive < 0 ? entry.attempts.length : firstLive);
      this.#entries.delete(key);
    } else {
      entry = { attempts: [], lockedUntil: 0 };
    }
    this.#entries.set(key, entry);
    if (this.#entries.size > this.#maxTracked) {
      this.#entries.delete(this.#entries.keys().next().value!);
    }
    return entry;
  }
}

function describeKind(kind: string): string {
  if (kind === "server") return "passwords";
  if (kind === "identity") return "identity proofs";
  return `${kind} passwords`;
}

function refused(key: string, refusal: "locked" | "busy", retryAfterMs: number): SecretAttempt {
  return {
    allowed: false,
    refusal,
    retryAfterMs,
    key,
    fail: () => 0,
    succeed: () => {},
  };
}
