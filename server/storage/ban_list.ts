/**
 * Nick, identity and address bans in the history database, written synchronously so a
 * ban holds after a crash.
 *
 * @module
 */

import type { Database, Row } from "./database.ts";

/** A ban as stored. */
export interface BanRecord {
  /**
   * `nick` bans match a nick (and its look-alikes); `identity` bans a key
   * fingerprint; `address` bans an address key (no port).
   */
  kind: "nick" | "identity" | "address";
  /**
   * The nick key (`nameKey`), the fingerprint (`SHA256:...`), or the address
   * key as `addressKey` writes it, e.g. `"203.0.113.9"` or `"2001:db8:0:0::/64"`.
   */
  value: string;
  /** Expiry, ms since the epoch; `null` for a permanent ban. */
  until: number | null;
  /** Why, as given by the operator. */
  reason: string;
  /** Who banned (`"server"` for the console). */
  by: string;
  /** When, ms since the epoch. */
  ts: number;
}

/**
 * The bans, on a {@linkcode Database}.
 *
 * @example
 * ```ts
 * import { Database } from "./database.ts";
 * import { BanList } from "./ban_list.ts";
 * const bans = new BanList(new Database(":memory:"));
 * bans.add({ kind: "nick", value: "troll", until: null, reason: "spam", by: "op", ts: 1 });
 * bans.find("troll", "127.0.0.1", Date.now())?.reason; // "spam"
 * ```
 */
export class BanList {
  readonly #db: Database;

  /** @param db The open database. */
  constructor(db: Database) {
    this.#db = db;
  }

  /**
   * Adds or replaces a ban.
   *
   * @param ban The ban.
   * @throws {Error} If SQLite cannot write it.
   */
  add(ban: BanRecord): void {
    this.#db.prepare(
      `INSERT OR REPLACE INTO bans (kind, value, until, reason, set_by, ts)
       VALUES (?, ?, ?, ?, ?, ?)`,
    ).run(ban.kind, ban.value, ban.until, ban.reason, ban.by, ban.ts);
  }

  /**
   * Removes a ban.
   *
   * @param kind `nick`, `identity` or `address`.
   * @param value Nick key, fingerprint or address key.
   * @returns Whether a ban was removed.
   */
  remove(kind: BanRecord["kind"], value: string): boolean {
    return Number(
      this.#db.prepare("DELETE FROM bans WHERE kind = ? AND value = ?").run(kind, value).changes,
    ) > 0;
  }

  /**
   * The ban matching a nick key or host, if any is in force at `now`. A read
   * only: every join asks, so it must not need the write lock (expired bans
   * are deleted by {@linkcode BanList.deleteExpired}).
   *
   * @param nickKey `nameKey(nick)`.
   * @param host Remote host without port.
   * @param now Current time, ms since the epoch.
   */
  find(nickKey: string, host: string, now: number): BanRecord | undefined {
    const row = this.#db.prepare(
      `SELECT * FROM bans WHERE ((kind = 'nick' AND value = ?) OR (kind = 'address' AND value = ?))
       AND (until IS NULL OR until > ?) ORDER BY kind LIMIT 1`,
    ).get(nickKey, host, now) as Row | undefined;
    return row ? banFromRow(row) : undefined;
  }

  /**
   * Deletes the bans expired at `now` (housekeeping; expired bans are never
   * in force, deleted or not).
   *
   * @param now Current time, ms since the epoch.
   * @returns How many were deleted.
   * @throws {Error} If SQLite cannot write.
   */
  deleteExpired(now: number): number {
    return Number(
      this.#db.prepare("DELETE FROM bans WHERE until IS NOT NULL AND until <= ?").run(now).changes,
    );
  }

  /**
   * Every ban in force at `now`, oldest first.
   *
   * @param now Current time, ms since the epoch.
   */
  inForce(now: number): BanRecord[] {
    return (this.#db.prepare(
      "SELECT * FROM bans WHERE until IS NULL OR until > ? ORDER BY ts",
    ).all(now) as Row[]).map(banFromRow);
  }
}

/** The largest time a JavaScript `Date` holds, in ms since the epoch. */
export const MAX_DATE_MS = 8_640_000_000_000_000;

/**
 * A stored expiry as a usable time: a value past the largest `Date` (written
 * by an older version that did not cap durations) or not a number at all is
 * read as permanent, so formatting it can never throw.
 *
 * @param until The `until` column.
 * @returns ms since the epoch, or `null` for permanent.
 */
export function expiryFromColumn(until: unknown): number | null {
  if (until === null || until === undefined) return null;
  const ms = Number(until);
  return Number.isFinite(ms) && Math.abs(ms) <= MAX_DATE_MS ? ms : null;
}

function banFromRow(row: Row): BanRecord {
  return {
    kind: row.kind as BanRecord["kind"],
    value: String(row.value),
    until: expiryFromColumn(row.until),
    reason: String(row.reason),
    by: String(row.set_by),
    ts: Number(row.ts),
  };
}
