/**
 * Nicks registered to identity keys (`/register`), in the history database so
 * that a registration outlives restarts with `--data`. A registration is keyed
 * by the nick's confusable skeleton (`nickSkeleton`), so registering `alice`
 * also reserves `аlice` (Cyrillic а) and `ALICE`.
 *
 * @module
 */

import type { Database, Row } from "./database.ts";

/** One registered nick. */
export interface NickRegistration {
  /** The nick as registered. */
  nick: string;
  /** Fingerprint of the key it belongs to, `SHA256:...`. */
  identity: string;
  /** When, ms since the epoch. */
  ts: number;
}

/**
 * The registered nicks, on a {@linkcode Database}.
 *
 * @example
 * ```ts
 * import { Database } from "./database.ts";
 * import { NickRegistry } from "./nick_registry.ts";
 * const nicks = new NickRegistry(new Database(":memory:"));
 * nicks.register("alice", "alice", "SHA256:abc", 1);
 * nicks.find("alice")?.identity; // "SHA256:abc"
 * ```
 */
export class NickRegistry {
  readonly #db: Database;

  /** @param db The open database. */
  constructor(db: Database) {
    this.#db = db;
  }

  /**
   * Registers a nick to an identity unless its skeleton is taken.
   *
   * @param skeleton `nickSkeleton(nick)`.
   * @param nick The nick as shown.
   * @param identity The owner's fingerprint.
   * @param ts Now, ms since the epoch.
   * @returns The registration in force afterwards: this one, or an earlier
   *   one (possibly of another identity) that holds the skeleton.
   * @throws {Error} If SQLite cannot write it.
   */
  register(skeleton: string, nick: string, identity: string, ts: number): NickRegistration {
    this.#db.prepare(
      "INSERT OR IGNORE INTO nicks (skeleton, nick, identity, ts) VALUES (?, ?, ?, ?)",
    ).run(skeleton, nick, identity, ts);
    return this.find(skeleton)!;
  }

  /**
   * Removes a registration if it belongs to `identity`.
   *
   * @param skeleton `nickSkeleton(nick)`.
   * @param identity The owner's fingerprint.
   * @returns Whether one was removed.
   */
  unregister(skeleton: string, identity: string): boolean {
    return Number(
      this.#db.prepare("DELETE FROM nicks WHERE skeleton = ? AND identity = ?")
        .run(skeleton, identity).changes,
    ) > 0;
  }

  /**
   * The registration of a nick's skeleton, if any.
   *
   * @param skeleton `nickSkeleton(nick)`.
   */
  find(skeleton: string): NickRegistration | undefined {
    const row = this.#db.prepare("SELECT nick, identity, ts FROM nicks WHERE skeleton = ?")
      .get(skeleton) as Row | undefined;
    return row
      ? { nick: String(row.nick), identity: String(row.identity), ts: Number(row.ts) }
      : undefined;
  }

  /**
   * How many nicks an identity has registered.
   *
   * @param identity A fingerprint.
   */
  countOf(identity: string): number {
    const row = this.#db.prepare("SELECT count(*) AS n FROM nicks WHERE identity = ?")
      .get(identity) as Row;
    return Number(row.n);
  }
}
