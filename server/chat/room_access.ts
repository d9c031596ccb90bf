/**
 * Who may see and join a room. A room is public unless made invite-only
 * (`/mode +i`) by its owner (the first to join it while it did not exist) or an
 * operator; an invite-only room is also unlisted: it appears in no `/rooms`,
 * `/who`, `/search` or media fetch of anyone who is not in it, and only those
 * invited (`/invite NICK`: the invitee's identity, or a guest's session) may
 * join. The state is kept in the history database, so that a private room's
 * history stays private across restarts and while the room is empty.
 *
 * On a cluster node every change made here is also handed to
 * {@linkcode RoomAccessOptions.onChange} (the node shares it), and the other
 * nodes' changes come back through the `apply…` methods, so that a room is
 * private, and an invitation good, on every node.
 *
 * @module
 */

import { nameKey } from "../../protocol/names.ts";
import { ChatError } from "./chat_error.ts";
import type { RoomAccessStore } from "../storage/room_access_store.ts";
import type { Room } from "./room.ts";
import type { Session } from "./session.ts";

/** A change made on this node, for the cluster to share (see {@linkcode RoomAccessOptions}). */
export type RoomAccessChange =
  | { kind: "owner"; room: string; owner: string | undefined }
  | { kind: "private"; room: string; record: PrivateRecord | undefined }
  | { kind: "invite"; room: string; party: string; ts: number }
  | { kind: "forget"; party: string };

/** An invite-only room's record: its owner's party, who made it private, when (ms since the epoch). */
export interface PrivateRecord {
  owner: string;
  by: string;
  ts: number;
}

/** Options of {@linkcode RoomAccess} for a cluster node. */
export interface RoomAccessOptions {
  /** Told of each change made here (not of those applied from elsewhere). */
  onChange?: (change: RoomAccessChange) => void;
  /**
   * Whether a room has members on other nodes: a room created here while it
   * has is not new, and its owner is the one the cluster knows.
   */
  elsewhere?: (room: string) => boolean;
}

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
  readonly #onChange: (change: RoomAccessChange) => void;
  readonly #elsewhere: (room: string) => boolean;

  /**
   * @param store Where the state is kept.
   * @param now Clock, ms since the epoch.
   * @param options A cluster node's hooks.
   */
  constructor(store: RoomAccessStore, now: () => number, options: RoomAccessOptions = {}) {
    this.#store = store;
    this.#now = now;
    this.#onChange = options.onChange ?? (() => {});
    this.#elsewhere = options.elsewhere ?? (() => false);
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
    if (this.#owners.has(key) || this.#private.has(key) || this.#elsewhere(room.name)) return;
    this.#owners.set(key, session.party);
    this.#onChange({ kind: "owner", room: room.name, owner: session.party });
  }

  /**
   * Notes that a room was dropped (it emptied); a public room forgets its owner.
   *
   * @param room The room.
   */
  dropped(room: Room<Session>): void {
    const key = nameKey(room.name);
    if (this.#private.has(key) || this.#elsewhere(room.name)) return;
    if (this.#owners.delete(key)) {
      this.#onChange({ kind: "owner", room: room.name, owner: undefined });
    }
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
    const record = { owner: this.#owners.get(key)!, by: by.nick, ts: now };
    this.#store.setInviteOnly(room.name, inviteOnly, record);
    this.#onChange({ kind: "private", room: room.name, record: inviteOnly ? record : undefined });
    if (inviteOnly) {
      this.#private.add(key);
      this.#inviteMembers(room, now);
    } else {
      this.#private.delete(key);
      if (room.size === 0) this.#owners.delete(key);
    }
  }

  /**
   * Invites a user to a room by its party (identity or guest session).
   *
   * @param room Room name including `#`.
   * @param invitee The user invited.
   */
  invite(room: string, invitee: Session): void {
    const ts = this.#now();
    this.#store.invite(room, invitee.party, ts);
    this.#onChange({ kind: "invite", room, party: invitee.party, ts });
  }

  /**
   * Forgets a guest's invitations when its session ends (a guest id is never
   * seen again); an identity's invitations stay.
   *
   * @param session The session that ended.
   */
  forget(session: Session): void {
    if (session.identity !== undefined) return;
    this.#store.forgetParty(session.party);
    this.#onChange({ kind: "forget", party: session.party });
  }

  /**
   * Applies another node's owner record (or its removal: the room is gone everywhere).
   *
   * @param room Room name including `#`.
   * @param owner The owner's party, or `undefined`.
   */
  applyOwner(room: string, owner: string | undefined): void {
    const key = nameKey(room);
    if (owner !== undefined) this.#owners.set(key, owner);
    else if (!this.#private.has(key)) this.#owners.delete(key);
  }

  /**
   * Applies another node's `/mode`: the room becomes invite-only (and its
   * members here are invited, so that they may come back) or public again.
   *
   * @param room The local room, if it has members here.
   * @param name Room name including `#`.
   * @param record The private room's record, or `undefined` for public.
   * @returns Whether anything changed here.
   */
  applyPrivate(
    room: Room<Session> | undefined,
    name: string,
    record: PrivateRecord | undefined,
  ): boolean {
    const key = nameKey(name);
    const was = this.#private.has(key);
    this.#store.setInviteOnly(name, record !== undefined, record ?? { owner: "", by: "", ts: 0 });
    if (record === undefined) {
      this.#private.delete(key);
      if (!room || room.size === 0) this.#owners.delete(key);
      return was;
    }
    this.#private.add(key);
    this.#owners.set(key, record.owner);
    if (room) this.#inviteMembers(room, this.#now());
    return !was;
  }

  /**
   * Applies another node's invitation, or its removal.
   *
   * @param room Room name including `#`.
   * @param party The invitee.
   * @param ts When, ms since the epoch; `undefined` when the invitation was lifted.
   */
  applyInvite(room: string, party: string, ts: number | undefined): void {
    if (ts === undefined) this.#store.uninvite(room, party);
    else this.#store.invite(room, party, ts);
  }

  /** Invites a private room's members here (so that they may come back), sharing it. */
  #inviteMembers(room: Room<Session>, ts: number): void {
    for (const member of room.members()) {
      if (this.#store.isInvited(room.name, member.party)) continue;
      this.#store.invite(room.name, member.party, ts);
      this.#onChange({ kind: "invite", room: room.name, party: member.party, ts });
    }
  }
}
