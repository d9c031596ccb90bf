/**
 * Who may see and join a room. A room is public unless made invite-only
 * (`/mode +i`) by its owner (the first to join it while it did not exist) or an
 * operator; an invite-only room is also unlisted: it appears in no `/rooms`,
 * `/who`, `/search` or media fetch of anyone who is not in it, and only those
 * invited (`/invite NICK`: the invitee's identity, or a guest's session) may
 * join. The state is kept in the history database, so that a private room's
 * history stays private across restarts and while the room is empty.
 *
 * @module
 */

import { nameKey } from "../../protocol/names.ts";
import { ChatError } from "./chat_error.ts";
import type { RoomAccessStore } from "../storage/room_access_store.ts";
import type { Room } from "./room.ts";
import type { Session } from "./session.ts";

/**
 * Room privacy for one hub. Synchronous; owned by the hub.
 *
 * @example
 * ```ts
 * // access.checkJoin(session, "#vault"); // throws ChatError("not_invited")
 * ```
 */
export class RoomAccess {
  readonly #store: RoomAccessStore;
  readonly #now: () => number;
  /** Keys of invite-only rooms (mirrors the store). */
  readonly #private = new Set<string>();
  /** Owner party by room key, while the room exists (or is private). */
  readonly #owners = new Map<string, string>();

  /**
   * @param store Where the state is kept.
   * @param now Clock, ms since the epoch.
   */
  constructor(store: RoomAccessStore, now: () => number) {
    this.#store = store;
    this.#now = now;
    for (const { room, owner } of store.privateRooms()) {
      this.#private.add(nameKey(room));
      this.#owners.set(nameKey(room), owner);
    }
  }

  /**
   * Whether a room is invite-only.
   *
   * @param name Room name including `#` (any case).
   */
  isPrivate(name: string): boolean {
    return this.#private.has(nameKey(name));
  }

  /**
   * Whether `session` may see a room exists: it is public, or `session` is in it.
   *
   * @param session The user.
   * @param room The room.
   */
  visible(session: Session, room: Room<Session>): boolean {
    return !this.isPrivate(room.name) || room.has(session);
  }

  /**
   * Refuses to let `session` join an invite-only room it was not invited to.
   *
   * @param session The user.
   * @param name Room name including `#`.
   * @throws {ChatError} `not_invited`.
   */
  checkJoin(session: Session, name: string): void {
    if (!this.isPrivate(name) || this.#store.isInvited(name, session.party)) return;
    throw new ChatError("not_invited", `${name} is invite-only and you are not invited`);
  }

  /**
   * Notes that `session` created `room` by joining it: it becomes the owner,
   * unless the room (being private) already has one.
   *
   * @param session The first member.
   * @param room The new room.
   */
  created(session: Session, room: Room<Session>): void {
    const key = nameKey(room.name);
    if (!this.#owners.has(key) && !this.#private.has(key)) this.#owners.set(key, session.party);
  }

  /**
   * Notes that a room was dropped (it emptied); a public room forgets its owner.
   *
   * @param room The room.
   */
  dropped(room: Room<Session>): void {
    const key = nameKey(room.name);
    if (!this.#private.has(key)) this.#owners.delete(key);
  }

  /**
   * Whether `session` owns `room`.
   *
   * @param session The user.
   * @param room The room.
   */
  isOwner(session: Session, room: Room<Session>): boolean {
    return this.#owners.get(nameKey(room.name)) === session.party;
  }

  /**
   * Makes a room invite-only (and invites every current member, so that they
   * may come back), or public again.
   *
   * @param room The room; the caller checked the right to do this.
   * @param inviteOnly The new mode.
   * @param by Who set it, for the record.
   */
  setInviteOnly(room: Room<Session>, inviteOnly: boolean, by: Session): void {
    const key = nameKey(room.name);
    const now = this.#now();
    if (!this.#owners.has(key)) this.#owners.set(key, by.party);
    const owner = this.#owners.get(key)!;
    this.#store.setInviteOnly(room.name, inviteOnly, { owner, by: by.nick, ts: now });
    if (inviteOnly) {
      this.#private.add(key);
      for (const member of room.members()) this.#store.invite(room.name, member.party, now);
    } else {
      this.#private.delete(key);
      if (room.size === 0) this.#owners.delete(key);
    }
  }

  /**
   * Invites a user to a room by its party (identity or guest session).
   *
   * @param room The room.
   * @param invitee The user invited.
   */
  invite(room: Room<Session>, invitee: Session): void {
    this.#store.invite(room.name, invitee.party, this.#now());
  }

  /**
   * Forgets a guest's invitations when its session ends (a guest id is never
   * seen again); an identity's invitations stay.
   *
   * @param session The session that ended.
   */
  forget(session: Session): void {
    if (session.identity === undefined) this.#store.forgetParty(session.party);
  }
}
