/**
 * The records of the cluster's shared state (`shared_state.ts`): what each
 * kind of key in the `<name>_state` bucket holds, and a change as every node
 * sees it.
 *
 * @module
 */

import type { BanRecord } from "../storage/ban_list.ts";
import type { TopicRecord } from "../storage/topic_store.ts";

/** A room topic: the history store's topic record, shared as it is. */
export type SharedTopic = TopicRecord;

/** A ban: the history store's ban record, shared as it is. */
export type SharedBan = BanRecord;

/** A mute of a nick, cluster-wide. */
export interface SharedMute {
  /** The nick as muted. */
  nick: string;
  /** Expiry, ms since the epoch; `null` until unmuted. */
  until: number | null;
  /** Who muted. */
  by: string;
  /** When, ms since the epoch. */
  ts: number;
}

/** A nick registered to an identity key, cluster-wide (by the nick's look-alike skeleton). */
export interface SharedRegistration {
  /** The nick's skeleton (`nickSkeleton`): look-alikes are one registration. */
  skeleton: string;
  /** The nick as registered. */
  nick: string;
  /** The key fingerprint it belongs to. */
  identity: string;
  /** When, ms since the epoch. */
  ts: number;
}

/** The owner of a room (its first member), cluster-wide. */
export interface SharedRoomOwner {
  /** Room name including `#`. */
  room: string;
  /** The owner's party (identity fingerprint or guest id). */
  owner: string;
  /** When, ms since the epoch. */
  ts: number;
}

/** An invite-only room, cluster-wide. */
export interface SharedPrivateRoom {
  /** Room name including `#`. */
  room: string;
  /** The owner's party, kept while the room is private. */
  owner: string;
  /** Who made it invite-only (a nick). */
  by: string;
  /** When, ms since the epoch. */
  ts: number;
}

/** An invitation to an invite-only room, cluster-wide. */
export interface SharedInvite {
  /** Room name including `#`. */
  room: string;
  /** The invitee's party (identity fingerprint or guest id). */
  party: string;
  /** When, ms since the epoch. */
  ts: number;
}

/**
 * One change, as every node sees it. `value` is `undefined` for a removal;
 * `previous` is the key's value before the change (what a removal removed),
 * when this node had seen one.
 */
export type SharedStateChange =
  | SharedChange<"topic", SharedTopic>
  | SharedChange<"ban", SharedBan>
  | SharedChange<"mute", SharedMute>
  | SharedChange<"registration", SharedRegistration>
  | SharedChange<"owner", SharedRoomOwner>
  | SharedChange<"private", SharedPrivateRoom>
  | SharedChange<"invite", SharedInvite>;

/** A change of one kind of entry; see {@linkcode SharedStateChange}. */
export interface SharedChange<K extends string, V> {
  /** Which kind of entry. */
  kind: K;
  /** The bucket key. */
  key: string;
  /** The new value; `undefined` for a removal. */
  value: V | undefined;
  /** The value before the change, when this node had seen one. */
  previous?: V;
}

/** Called for each change, including this node's own. */
export type SharedStateListener = (change: SharedStateChange) => void;
