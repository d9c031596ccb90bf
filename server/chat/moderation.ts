/**
 * Moderation state: operators, mutes and bans, each keyed by what a user
 * cannot shed by renaming or reconnecting.
 *
 * - Bans name a nick, an identity (key fingerprint) or an address, and say
 *   which. Bans live in the history database so that they survive restarts.
 *   A nick ban matches look-alikes too (confusable skeleton). An address ban
 *   is normalised with `addressKey`: IPv4 as such, IPv4-mapped IPv6 as IPv4,
 *   IPv6 by /64, the same rule as connection caps and secret lockouts.
 * - Mutes hold an identity, or for a guest its session and its address; they
 *   last as long as the server process.
 * - Operators are sessions that gave the operator password, and every session
 *   proving a key listed with `--op-key`. Operator password guesses go through
 *   the shared {@linkcode SecretGuard} (kind `operator`), so they meet the same
 *   delay and lockout as the server password.
 *
 * Every act is logged to `chat.log` under `["parley", "moderation"]`.
 *
 * @module
 */

import { createHash, timingSafeEqual } from "node:crypto";
import { getLogger } from "../log.ts";
import { logText } from "../log_text.ts";
import { nameKey } from "../../protocol/names.ts";
import { sanitizeText } from "../../protocol/sanitize.ts";
import { ChatError } from "./chat_error.ts";
import type { BanRecord, HistoryStore } from "../storage/history_store.ts";
import { addressKey, hostKey } from "../guards/host_key.ts";
import { nickSkeleton } from "../guards/confusable_skeleton.ts";
import { SecretGuard } from "../guards/secret_guard.ts";
import { MAX_DATE_MS } from "../storage/ban_list.ts";
import type { Session } from "./session.ts";

const log = getLogger(["parley", "moderation"]);

/** A fingerprint as `protocol/identity.ts` writes it. */
const FINGERPRINT = /^SHA256:[A-Za-z0-9+/]{43}$/;

/**
 * The host part of a `host:port` address, without IPv6 brackets.
 *
 * @param remoteAddr e.g. `"127.0.0.1:5000"` or `"[::1]:5000"`.
 * @returns e.g. `"127.0.0.1"` or `"::1"`.
 */
export function hostOf(remoteAddr: string): string {
  const bracketed = /^\[(.*)\]:\d+$/.exec(remoteAddr);
  if (bracketed) return bracketed[1];
  const plain = /^([^:]*):\d+$/.exec(remoteAddr);
  return plain ? plain[1] : remoteAddr;
}

/**
 * Whether a ban/unban target is an address rather than a nick: an IPv4 or IPv6
 * literal, optionally in brackets or with an `addr:` prefix.
 *
 * @param target What the operator typed.
 */
export function isAddressTarget(target: string): boolean {
  try {
    return parseBanTarget(target).kind === "address";
  } catch (error) {
    // A malformed `addr:` or `key:` target is no address.
    if (error instanceof ChatError) return false;
    throw error;
  }
}

/** What a ban names. */
export interface BanTarget {
  /** `nick`, `identity` (a key fingerprint) or `address`. */
  kind: BanRecord["kind"];
  /** `nameKey(nick)`, the fingerprint, or the address key. */
  value: string;
}

/**
 * Reads a ban target as typed: `nick:NAME`, `key:SHA256:...` (or a bare
 * fingerprint), `addr:ADDRESS` (or a bare IP address), else a nick.
 *
 * @param target What the operator typed.
 * @returns The kind and the normalised value.
 * @throws {ChatError} `bad_arguments` for an `addr:` that is no IP address or a
 *   `key:` that is no fingerprint.
 *
 * @example
 * ```ts
 * import { parseBanTarget } from "./moderation.ts";
 * parseBanTarget("::ffff:127.0.0.1"); // { kind: "address", value: "127.0.0.1" }
 * parseBanTarget("nick:10.0.0.1"); // { kind: "nick", value: "10.0.0.1" }
 * ```
 */
export function parseBanTarget(target: string): BanTarget {
  const prefixed = /^(nick|key|identity|addr|address|ip):(.+)$/i.exec(target);
  if (prefixed) {
    const [, prefix, rest] = prefixed;
    switch (prefix.toLowerCase()) {
      case "nick":
        return { kind: "nick", value: nameKey(rest) };
      case "key":
      case "identity": {
        if (!FINGERPRINT.test(rest)) {
          throw new ChatError("bad_arguments", "A key ban needs a fingerprint, key:SHA256:...");
        }
        return { kind: "identity", value: rest };
      }
      default: {
        const address = addressKey(rest);
        if (address === undefined) {
          throw new ChatError("bad_arguments", `${sanitizeText(rest)} is not an IP address`);
        }
        return { kind: "address", value: address };
      }
    }
  }
  if (FINGERPRINT.test(target)) return { kind: "identity", value: target };
  const address = addressKey(target);
  if (address !== undefined) return { kind: "address", value: address };
  return { kind: "nick", value: nameKey(target) };
}

/**
 * Formats a duration for users: `"permanently"` or `"for 10m"`.
 *
 * @param ms Duration in ms, or `undefined` for permanent.
 */
export function describeDuration(ms: number | undefined): string {
  if (ms === undefined) return "permanently";
  const units: [number, string][] = [[86_400_000, "d"], [3_600_000, "h"], [60_000, "m"], [
    1000,
    "s",
  ]];
  for (const [size, unit] of units) {
    if (ms >= size && ms % size === 0) return `for ${ms / size}${unit}`;
  }
  return `for ${ms}ms`;
}

/**
 * Formats a ban's expiry for users: `"until 2026-12-01T00:00:00.000Z"`, or
 * `permanent` for none. Never throws: an expiry no `Date` can hold reads as
 * permanent.
 *
 * @param until Expiry in ms since the epoch, or `null` for none.
 * @param permanent What to say for no expiry.
 * @returns A phrase.
 */
export function describeExpiry(until: number | null, permanent = "permanently"): string {
  const at = until === null ? undefined : new Date(until);
  return at === undefined || Number.isNaN(at.getTime()) ? permanent : `until ${at.toISOString()}`;
}

/** Options for {@linkcode Moderation}. */
export interface ModerationOptions {
  /** Where bans are kept. */
  store: HistoryStore;
  /** Operator password (`/op`); no password operators when absent or empty. */
  adminPassword?: string;
  /** Key fingerprints (`SHA256:...`) whose sessions are operators. */
  operatorKeys?: readonly string[];
  /**
   * The guard every secret goes through; the operator password is kind `operator`.
   * @default {a guard of its own}
   */
  secrets?: SecretGuard;
  /** Clock, ms since the epoch. */
  now: () => number;
  /**
   * Told of each ban and unban made here (a cluster shares them with the
   * other nodes); not called for bans applied from elsewhere.
   */
  onBanChange?: (change: { ban: BanRecord } | { removed: BanTarget }) => void;
}

/** One mute: until when, and the nick it was given to (for `/unmute NICK` while offline). */
interface Mute {
  until: number;
  nick: string;
}

/**
 * Operators, mutes and bans for one hub. Synchronous; owned by the hub.
 */
export class Moderation {
  readonly #store: HistoryStore;
  readonly #adminDigest: Uint8Array | undefined;
  readonly #operatorKeys: ReadonlySet<string>;
  readonly #secrets: SecretGuard;
  readonly #now: () => number;
  readonly #onBanChange: ModerationOptions["onBanChange"];
  readonly #operators = new WeakSet<Session>();
  /** Mutes by `identity:FP`, `party:GUEST-ID` or `address:KEY`. */
  readonly #mutes = new Map<string, Mute>();

  /** @param options See {@linkcode ModerationOptions}. */
  constructor(options: ModerationOptions) {
    this.#store = options.store;
    this.#now = options.now;
    this.#onBanChange = options.onBanChange;
    this.#adminDigest = options.adminPassword
      ? createHash("sha256").update(options.adminPassword, "utf8").digest()
      : undefined;
    this.#operatorKeys = new Set(options.operatorKeys ?? []);
    this.#secrets = options.secrets ?? new SecretGuard({}, options.now);
  }

  /**
   * Refuses a client that is banned by nick (or a look-alike), identity or address.
   *
   * @param nick The requested nick.
   * @param remoteAddr `host:port`.
   * @param identity The proven key's fingerprint; `undefined` for a guest.
   * @throws {ChatError} `banned`, saying until when.
   */
  checkAdmission(nick: string, remoteAddr: string, identity?: string): void {
    const ban = this.#banOf(nick, remoteAddr, identity);
    if (!ban) return;
    log.info("refused banned {address} (nick {nick}): {kind} ban {value}", {
      address: remoteAddr,
      nick: logText(sanitizeText(nick)),
      kind: ban.kind,
      value: ban.value,
    });
    const until = describeExpiry(ban.until);
    throw new ChatError(
      "banned",
      `You are banned from this server ${until}${ban.reason ? `: ${ban.reason}` : ""}`,
    );
  }

  /**
   * Refuses a nick change to a banned nick (or a look-alike of one).
   *
   * @param nick The new nick.
   * @throws {ChatError} `banned`.
   */
  checkNick(nick: string): void {
    const skeleton = nickSkeleton(nick);
    const ban = this.bans().find((b) => b.kind === "nick" && nickSkeleton(b.value) === skeleton);
    if (ban) throw new ChatError("banned", `The nick ${sanitizeText(nick)} is banned`);
  }

  /**
   * Whether a ban covers an online session (to disconnect it).
   *
   * @param ban The ban.
   * @param session The user.
   */
  covers(ban: BanTarget, session: Session): boolean {
    switch (ban.kind) {
      case "nick":
        return nickSkeleton(ban.value) === session.skeleton;
      case "identity":
        return session.identity === ban.value;
      case "address":
        return hostKey(session.remoteAddr) === (addressKey(ban.value) ?? ban.value);
    }
  }

  /**
   * Refuses to let a muted user speak (chat, actions, private messages,
   * topics, recordings, away text).
   *
   * @param session The user.
   * @throws {ChatError} `muted`, saying for how long.
   */
  checkCanSpeak(session: Session): void {
    // Every chat line asks; with nobody muted there is nothing to look up.
    if (this.#mutes.size === 0) return;
    const now = this.#now();
    let until = 0;
    for (const key of muteKeys(session)) {
      const mute = this.#mutes.get(key);
      if (mute && mute.until <= now) this.#mutes.delete(key);
      else if (mute) until = Math.max(until, mute.until);
    }
    if (until <= now) return;
    throw new ChatError(
      "muted",
      until === Infinity
        ? "You are muted by an operator"
        : `You are muted for another ${Math.ceil((until - now) / 1000)} s`,
    );
  }

  /** Whether `session` is an operator (by password or by `--op-key`). */
  isOperator(session: Session): boolean {
    return this.#operators.has(session) ||
      (session.identity !== undefined && this.#operatorKeys.has(session.identity));
  }

  /** Whether operators can exist at all (a password or keys are configured). */
  get hasOperators(): boolean {
    return this.#adminDigest !== undefined || this.#operatorKeys.size > 0;
  }

  /**
   * Refuses a non-operator.
   *
   * @param session The user.
   * @throws {ChatError} `forbidden`.
   */
  requireOperator(session: Session): void {
    if (!this.isOperator(session)) {
      throw new ChatError("forbidden", "Only operators can do that; see /op");
    }
  }

  /**
   * Makes `session` an operator if `password` matches `PARLEY_ADMIN_PASSWORD`,
   * compared in constant time over SHA-256 digests. Each try is an attempt at
   * the shared secret guard (kind `operator`): a wrong password is answered
   * late, repeated failures lock the address out of every secret, and a right
   * one clears nothing but its own attempt.
   *
   * @param session The user.
   * @param password What they typed.
   * @throws {ChatError} `forbidden` when there is no operator password;
   *   `locked_out` while the address is locked out or has too many tries in
   *   flight; `auth_failed` (with `delayMs`) for a wrong password.
   */
  grantOperator(session: Session, password: string): void {
    if (this.isOperator(session)) return;
    if (!this.#adminDigest) {
      throw new ChatError(
        "forbidden",
        this.#operatorKeys.size > 0
          ? "Operators on this server are named by key (--op-key); there is no operator password"
          : "This server has no operators (PARLEY_ADMIN_PASSWORD unset)",
      );
    }
    const attempt = this.#secrets.begin(session.remoteAddr, "operator");
    if (!attempt.allowed) {
      throw new ChatError(
        "locked_out",
        `Too many wrong passwords from your address; try again in ${
          Math.ceil(attempt.retryAfterMs / 1000)
        } s`,
      );
    }
    const given = createHash("sha256").update(password, "utf8").digest();
    if (!timingSafeEqual(given, this.#adminDigest)) {
      const delayMs = attempt.fail();
      log.warn("op refused for {nick} ({address}): wrong password", {
        nick: session.nick,
        address: session.remoteAddr,
      });
      throw new ChatError("auth_failed", "Wrong operator password", { delayMs });
    }
    attempt.succeed();
    this.#operators.add(session);
    log.warn("op granted to {nick} ({address})", {
      nick: session.nick,
      address: session.remoteAddr,
    });
  }

  /**
   * Mutes a user: its identity, or for a guest its session and its address, so
   * that neither renaming nor reconnecting lifts it.
   *
   * @param session The user.
   * @param durationMs How long, in ms; `undefined` until unmuted.
   * @param by Who muted.
   */
  mute(session: Session, durationMs: number | undefined, by: string): void {
    const until = durationMs === undefined ? Infinity : this.#now() + durationMs;
    for (const key of muteKeys(session)) this.#mutes.set(key, { until, nick: session.key });
    log.warn("mute {nick} ({address}, {who}) by {by} {duration}", {
      nick: session.nick,
      address: session.remoteAddr,
      who: session.identity ?? "guest",
      by,
      duration: describeDuration(durationMs),
    });
  }

  /**
   * Lifts a mute: that of the online user called `nick`, or else the mutes
   * that were given to that nick.
   *
   * @param nick The nick (any case).
   * @param session The user's session, when online.
   * @param by Who unmuted.
   * @returns Whether a mute was in force.
   */
  unmute(nick: string, session: Session | undefined, by: string): boolean {
    const now = this.#now();
    let was = false;
    const keys = session ? muteKeys(session) : [];
    const nickKey = nameKey(nick);
    for (const [key, mute] of this.#mutes) {
      if (keys.includes(key) || mute.nick === nickKey) {
        was ||= mute.until > now;
        this.#mutes.delete(key);
      }
    }
    log.warn("unmute {nick} by {by}", { nick, by });
    return was;
  }

  /**
   * Bans a nick, an identity or an address and stores it.
   *
   * @param target What to ban (see {@linkcode parseBanTarget}).
   * @param durationMs How long, in ms; `undefined` for permanent.
   * @param reason Why (sanitized, at most 200 characters).
   * @param by Who banned.
   * @returns The stored ban.
   */
  ban(target: BanTarget, durationMs: number | undefined, reason: string, by: string): BanRecord {
    const now = this.#now();
    const ban: BanRecord = {
      kind: target.kind,
      value: target.value,
      // Capped so that the expiry is always a valid date (callers cap durations too).
      until: durationMs === undefined ? null : Math.min(now + durationMs, MAX_DATE_MS),
      reason: sanitizeText(reason).slice(0, 200),
      by,
      ts: now,
    };
    this.#store.addBan(ban);
    this.#onBanChange?.({ ban });
    log.warn("ban {kind} {value} by {by} {duration}: {reason}", {
      kind: ban.kind,
      value: ban.value,
      by,
      duration: describeDuration(durationMs),
      reason: logText(ban.reason || "no reason given"),
    });
    return ban;
  }

  /**
   * Lifts a ban.
   *
   * @param target What to unban (see {@linkcode parseBanTarget}).
   * @param by Who unbanned.
   * @returns Whether a ban was removed.
   */
  unban(target: BanTarget, by: string): boolean {
    let removed = this.#store.removeBan(target.kind, target.value);
    if (!removed && target.kind === "address") {
      // Address bans stored before normalisation hold the host as typed.
      for (const ban of this.#store.bans(this.#now())) {
        if (ban.kind === "address" && addressKey(ban.value) === target.value) {
          removed = this.#store.removeBan("address", ban.value) || removed;
        }
      }
    }
    this.#onBanChange?.({ removed: target });
    log.warn("unban {kind} {value} by {by}: {result}", {
      kind: target.kind,
      value: target.value,
      by,
      result: removed ? "removed" : "no such ban",
    });
    return removed;
  }

  /** Bans in force now. */
  bans(): BanRecord[] {
    return this.#store.bans(this.#now());
  }

  #banOf(nick: string, remoteAddr: string, identity: string | undefined): BanRecord | undefined {
    const skeleton = nickSkeleton(nick);
    const host = hostKey(remoteAddr);
    return this.bans().find((ban) => {
      switch (ban.kind) {
        case "nick":
          return nickSkeleton(ban.value) === skeleton;
        case "identity":
          return identity !== undefined && ban.value === identity;
        case "address":
          // Operators named by key get in from a banned (shared) address.
          return (addressKey(ban.value) ?? ban.value) === host &&
            !(identity !== undefined && this.#operatorKeys.has(identity));
      }
    });
  }
}

/** The keys a session's mutes are kept under. */
function muteKeys(session: Session): string[] {
  if (session.identity !== undefined) return [`identity:${session.identity}`];
  return [`party:${session.party}`, `address:${hostKey(session.remoteAddr)}`];
}
