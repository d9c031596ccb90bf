/**
 * Invite-only rooms and their invitations, in the history database: a private
 * room's history is kept there too, so its privacy must outlive restarts and
 * the room emptying.
 *
 * @module
 */

import { nameKey } from "../../protocol/names.ts";
import type { Database, Row } from "./database.ts";

/**
 * Which rooms are invite-only and who is invited, on a {@linkcode Database}.
 * Invitees are parties: identity fingerprints, or guest ids that die with
 * their session.
 *
 * @example
 * ```ts
 * import { Database } from "./database.ts";
 * import { RoomAccessStore } from "./room_access_store.ts";
 * const access = new RoomAccessStore(new Database(":memory:"));
 * access.setInviteOnly("#vault", true, { owner: "SHA256:abc", by: "alice", ts: 1 });
 * access.invite("#vault", "SHA256:abc", 1);
 * access.isInvited("#VAULT", "SHA256:abc"); // true
 * ```
 */
export class RoomAccessStore {
  readonly #db: Database;

  /** @param db The open database. */
  constructor(db: Database) {
    this.#db = db;
  }

  /**
   * Makes a room invite-only, or public again (which forgets its invitations).
   *
   * @param room Room name including `#`.
   * @param inviteOnly The new state.
   * @param record `owner`: the party that owns the room (kept while it is
   *   private, so that the owner keeps the right to change it); `by`: who set
   *   it, for the record; `ts`: now, ms since the epoch.
   */
  setInviteOnly(
    room: string,
    inviteOnly: boolean,
    record: { owner: string; by: string; ts: number },
  ): void {
    const key = nameKey(room);
    if (inviteOnly) {
      this.#db.prepare(
        `INSERT OR REPLACE INTO private_rooms (room_key, room, owner, set_by, ts)
         VALUES (?, ?, ?, ?, ?)`,
      ).run(key, room, record.owner, record.by, record.ts);
      return;
    }
    this.#db.transaction(() => {
      this.#db.prepare("DELETE FROM private_rooms WHERE room_key = ?").run(key);
      this.#db.prepare("DELETE FROM invites WHERE room_key = ?").run(key);
    });
  }

  /**
   * Whether a room is invite-only.
   *
   * @param room Room name including `#` (any case).
   */
  isInviteOnly(room: string): boolean {
    return this.#db.prepare("SELECT 1 AS x FROM private_rooms WHERE room_key = ?")
      .get(nameKey(room)) !== undefined;
  }

  /**
   * Invites a party to a room.
   *
   * @param room Room name including `#`.
   * @param party An identity fingerprint or guest id.
   * @param ts Now, ms since the epoch.
   */
  invite(room: string, party: string, ts: number): void {
    this.#db.prepare("INSERT OR REPLACE INTO invites (room_key, party, ts) VALUES (?, ?, ?)")
      .run(nameKey(room), party, ts);
  }

  /**
   * Lifts one invitation (another cluster node lifted it).
   *
   * @param room Room name including `#`.
   * @param party An identity fingerprint or guest id.
   */
  uninvite(room: string, party: string): void {
    this.#db.prepare("DELETE FROM invites WHERE room_key = ? AND party = ?")
      .run(nameKey(room), party);
  }

  /**
   * Whether a party is invited to a room.
   *
   * @param room Room name including `#` (any case).
   * @param party An identity fingerprint or guest id.
   */
  isInvited(room: string, party: string): boolean {
    return this.#db.prepare("SELECT 1 AS x FROM invites WHERE room_key = ? AND party = ?")
      .get(nameKey(room), party) !== undefined;
  }

  /**
   * Forgets every invitation of a party (a guest whose session ended).
   *
   * @param party A guest id.
   */
  forgetParty(party: string): void {
    this.#db.prepare("DELETE FROM invites WHERE party = ?").run(party);
  }

  /** The invite-only rooms with their owners' parties, by room name. */
  privateRooms(): { room: string; owner: string }[] {
    return (this.#db.prepare("SELECT room, owner FROM private_rooms ORDER BY room_key")
      .all() as Row[]).map((row) => ({ room: String(row.room), owner: String(row.owner) }));
  }
}
