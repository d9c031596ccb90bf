/**
 * The member list of each room as encoded JSON (`[{"nick":"ann"},…]`), kept
 * up to date incrementally, so that a `welcome` or `who` costs one copy of
 * those bytes instead of one object per member plus `JSON.stringify`. In a
 * join storm every joiner gets the whole list: with objects that was O(n²)
 * allocations (2M objects for 2,000 joins) and the heap high-water mark that
 * stayed in the server's RSS afterwards.
 *
 * @module
 */

import type { Room } from "./room.ts";
import type { Session } from "./session.ts";
import type { UserInfo } from "../../protocol/messages.ts";

const encoder = new TextEncoder();
const OPEN = 0x5b; // [
const CLOSE = 0x5d; // ]
const COMMA = 0x2c; // ,

interface Entry {
  /** The room's `version` these bytes describe. */
  version: number;
  /** `[` then the entries joined by `,`; `]` is written after `length`. */
  bytes: Uint8Array;
  length: number;
}

/**
 * Encoded member lists by room. Joins append one entry in O(1) (amortized);
 * leaves, nick and away changes rebuild the list on next use.
 *
 * @example
 * ```ts
 * import { RosterCache } from "./roster_cache.ts";
 * import { Room } from "./room.ts";
 * const cache = new RosterCache();
 * const room = new Room("#lobby");
 * new TextDecoder().decode(cache.json(room as never)); // "[]"
 * ```
 */
export class RosterCache {
  readonly #entries = new WeakMap<Room<Session>, Entry>();
  readonly #remote: ((room: Room<Session>) => UserInfo[]) | undefined;

  /**
   * @param remote A room's members on other nodes of a cluster, listed before
   *   the local ones; whoever changes them bumps `room.version`.
   */
  constructor(remote?: (room: Room<Session>) => UserInfo[]) {
    this.#remote = remote;
  }

  /**
   * The room's member list as JSON bytes, equal to
   * `JSON.stringify(hub.users(room))`. Valid until the next call for this room:
   * copy it before anything else changes the room.
   *
   * @param room The room.
   */
  json(room: Room<Session>): Uint8Array {
    let entry = this.#entries.get(room);
    if (entry === undefined || entry.version !== room.version) {
      entry = { version: room.version, bytes: new Uint8Array(64 + room.size * 24), length: 1 };
      entry.bytes[0] = OPEN;
      // Remote members first, so that a local join can still be appended.
      if (this.#remote) {
        for (const user of this.#remote(room)) append(entry, user);
      }
      for (const member of room.members()) append(entry, member);
      this.#entries.set(room, entry);
    }
    entry.bytes[entry.length] = CLOSE;
    return entry.bytes.subarray(0, entry.length + 1);
  }

  /**
   * The room's member list without its closing `]`: a view that stays
   * unchanged as long as anything holds it (appends write after it; a rebuild
   * or growth moves to a new buffer), so a queue may keep it and write it later.
   * The full JSON is these bytes followed by `]`.
   *
   * @param room The room.
   */
  openList(room: Room<Session>): Uint8Array {
    const json = this.json(room);
    return json.subarray(0, json.length - 1);
  }

  /**
   * Records that `member` was just added to `room` (as its newest member):
   * appends it when the cached list was current before the add.
   *
   * @param room The room.
   * @param member The member added last.
   */
  added(room: Room<Session>, member: Session): void {
    const entry = this.#entries.get(room);
    if (entry === undefined || entry.version !== room.version - 1) return;
    append(entry, member);
    entry.version = room.version;
  }

  /**
   * Forgets the lists of every room `member` is in (its nick or away message changed).
   *
   * @param member The member.
   */
  changed(member: Session): void {
    for (const room of member.rooms) this.#entries.delete(room);
  }
}

function append(entry: Entry, member: Session | UserInfo): void {
  const json = JSON.stringify(
    member.away === undefined ? { nick: member.nick } : { nick: member.nick, away: member.away },
  );
  // Worst case 3 bytes per UTF-16 unit, plus a comma and the closing bracket.
  const need = entry.length + json.length * 3 + 2;
  if (need > entry.bytes.length) {
    const grown = new Uint8Array(Math.max(need, entry.bytes.length * 2));
    grown.set(entry.bytes.subarray(0, entry.length));
    entry.bytes = grown;
  }
  if (entry.length > 1) entry.bytes[entry.length++] = COMMA;
  entry.length += encoder.encodeInto(json, entry.bytes.subarray(entry.length)).written;
}
