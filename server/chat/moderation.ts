/**
 * Moderation state: operators, mutes and bans. Bans live in the history
 * database so that they survive restarts; mutes and operator status last as
 * long as the server process. Every act is logged to `chat.log` under
 * `["parley", "moderation"]`.
 *
 * @module
 */

import { createHash, timingSafeEqual } from "node:crypto";
import { isIP } from "node:net";
import { getLogger } from "../log.ts";
import { logText } from "../log_text.ts";
import { nameKey } from "../../protocol/names.ts";
import { sanitizeText } from "../../protocol/sanitize.ts";
import { ChatError } from "./chat_error.ts";
import type { BanRecord, HistoryStore } from "../storage/history_store.ts";
import { MAX_DATE_MS } from "../storage/ban_list.ts";
import type { Session } from "./session.ts";

const log = getLogger(["parley", "moderation"]);

/** Failed `/op` attempts a session may make before it is refused for good. */
export const MAX_OP_ATTEMPTS = 3;

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
 * literal, optionally in brackets.
 *
 * @param target What the operator typed.
 */
export function isAddressTarget(target: string): boolean {
  return isIP(target.replace(/^\[(.*)\]$/, "$1")) !== 0;
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
  /** Operator password (`/op`); operators are disabled when absent or empty. */
  adminPassword?: string;
  /** Clock, ms since the epoch. */
  now: () => number;
}

/**
 * Operators, mutes and bans for one hub. Synchronous; owned by the hub.
 */
export class Moderation {
  readonly #store: HistoryStore;
  readonly #adminDigest: Uint8Array | undefined;
  readonly #now: () => number;
  readonly #operators = new WeakSet<Session>();
  readonly #opAttempts = new WeakMap<Session, number>();
  /** Mutes by nick key, expiry in ms since the epoch (`Infinity`: until unmuted). */
  readonly #mutedNicks = new Map<string, number>();
  /** Mutes by session, so that a rename does not lift one. */
  readonly #mutedSessions = new WeakMap<Session, number>();

  /** @param options See {@linkcode ModerationOptions}. */
  constructor(options: ModerationOptions) {
    this.#store = options.store;
    this.#now = options.now;
    this.#adminDigest = options.adminPassword
      ? createHash("sha256").update(options.adminPassword, "utf8").digest()
      : undefined;
  }

  /**
   * Refuses a client that is banned by nick or address.
   *
   * @param nick The requested nick.
   * @param remoteAddr `host:port`.
   * @throws {ChatError} `banned`, saying until when.
   */
  checkAdmission(nick: string, remoteAddr: string): void {
    const ban = this.#store.findBan(nameKey(nick), hostOf(remoteAddr), this.#now());
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
   * Refuses to let a muted user speak.
   *
   * @param session The user.
   * @throws {ChatError} `muted`, saying for how long.
   */
  checkCanSpeak(session: Session): void {
    const now = this.#now();
    const until = Math.max(
      this.#mutedSessions.get(session) ?? 0,
      this.#mutedNicks.get(session.key) ?? 0,
    );
    if (until <= now) return;
    throw new ChatError(
      "muted",
      until === Infinity
        ? "You are muted by an operator"
        : `You are muted for another ${Math.ceil((until - now) / 1000)} s`,
    );
  }

  /** Whether `session` is an operator. */
  isOperator(session: Session): boolean {
    return this.#operators.has(session);
  }

  /**
   * Refuses a non-operator.
   *
   * @param session The user.
   * @throws {ChatError} `forbidden`.
   */
  requireOperator(session: Session): void {
    if (!this.#operators.has(session)) {
      throw new ChatError("forbidden", "Only operators can do that; see /op");
    }
  }

  /**
   * Makes `session` an operator if `password` matches `PARLEY_ADMIN_PASSWORD`,
   * compared in constant time over SHA-256 digests. After
   * {@linkcode MAX_OP_ATTEMPTS} failures the session may not try again.
   *
   * @param session The user.
   * @param password What they typed.
   * @throws {ChatError} `forbidden` when operators are disabled or attempts are
   *   used up; `auth_failed` for a wrong password.
   */
  grantOperator(session: Session, password: string): void {
    if (!this.#adminDigest) {
      throw new ChatError(
        "forbidden",
        "This server has no operators (PARLEY_ADMIN_PASSWORD unset)",
      );
    }
    const attempts = this.#opAttempts.get(session) ?? 0;
    if (attempts >= MAX_OP_ATTEMPTS) {
      throw new ChatError("forbidden", "Too many wrong operator passwords on this connection");
    }
    const given = createHash("sha256").update(password, "utf8").digest();
    if (!timingSafeEqual(given, this.#adminDigest)) {
      this.#opAttempts.set(session, attempts + 1);
      log.warn("op refused for {nick} ({address}): wrong password", {
        nick: session.nick,
        address: session.remoteAddr,
      });
      throw new ChatError("auth_failed", "Wrong operator password");
    }
    this.#operators.add(session);
    log.warn("op granted to {nick} ({address})", {
      nick: session.nick,
      address: session.remoteAddr,
    });
  }

  /**
   * Mutes a user (and their nick, so reconnecting does not lift it).
   *
   * @param session The user.
   * @param durationMs How long, in ms; `undefined` until unmuted.
   * @param by Who muted.
   */
  mute(session: Session, durationMs: number | undefined, by: string): void {
    const until = durationMs === undefined ? Infinity : this.#now() + durationMs;
    this.#mutedSessions.set(session, until);
    this.#mutedNicks.set(session.key, until);
    log.warn("mute {nick} ({address}) by {by} {duration}", {
      nick: session.nick,
      address: session.remoteAddr,
      by,
      duration: describeDuration(durationMs),
    });
  }

  /**
   * Lifts a mute by nick.
   *
   * @param nick The nick (any case).
   * @param session The user's session, when online.
   * @param by Who unmuted.
   * @returns Whether a mute was in force.
   */
  unmute(nick: string, session: Session | undefined, by: string): boolean {
    const now = this.#now();
    let was = (this.#mutedNicks.get(nameKey(nick)) ?? 0) > now;
    this.#mutedNicks.delete(nameKey(nick));
    if (session) {
      was ||= (this.#mutedSessions.get(session) ?? 0) > now;
      this.#mutedSessions.delete(session);
      this.#mutedNicks.delete(session.key);
    }
    log.warn("unmute {nick} by {by}", { nick, by });
    return was;
  }

  /**
   * Bans a nick or an address and stores it.
   *
   * @param target A nick, or an IPv4/IPv6 address.
   * @param durationMs How long, in ms; `undefined` for permanent.
   * @param reason Why (sanitized, at most 200 characters).
   * @param by Who banned.
   * @returns The stored ban.
   */
  ban(target: string, durationMs: number | undefined, reason: string, by: string): BanRecord {
    const address = isAddressTarget(target);
    const now = this.#now();
    const ban: BanRecord = {
      kind: address ? "address" : "nick",
      value: address ? target.replace(/^\[(.*)\]$/, "$1") : nameKey(target),
      // Capped so that the expiry is always a valid date (callers cap durations too).
      until: durationMs === undefined ? null : Math.min(now + durationMs, MAX_DATE_MS),
      reason: sanitizeText(reason).slice(0, 200),
      by,
      ts: now,
    };
    this.#store.addBan(ban);
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
   * Lifts a ban on a nick or address.
   *
   * @param target A nick, or an IPv4/IPv6 address.
   * @param by Who unbanned.
   * @returns Whether a ban was removed.
   */
  unban(target: string, by: string): boolean {
    const address = isAddressTarget(target);
    const value = address ? target.replace(/^\[(.*)\]$/, "$1") : nameKey(target);
    const removed = this.#store.removeBan(address ? "address" : "nick", value);
    log.warn("unban {value} by {by}: {result}", {
      value,
      by,
      result: removed ? "removed" : "no such ban",
    });
    return removed;
  }

  /** Bans in force now. */
  bans(): BanRecord[] {
    return this.#store.bans(this.#now());
  }
}
