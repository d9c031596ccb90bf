/**
 * A cluster node's side of the shared state (`server/cluster/shared_state.ts`):
 * topics, bans, mutes, nick registrations and room access (owners,
 * invite-only rooms, invitations) made here are written to the cluster's
 * bucket, and every change (this node's included) is applied to the node's
 * own store and sessions: a new topic is shown to the room, a banned user
 * connected here is disconnected, a mute set elsewhere for a user here is put
 * in force, a registration refuses the nick to other keys, a room made
 * invite-only elsewhere is closed here too.
 *
 * @module
 */

import { getLogger } from "../log.ts";
import { encodeMessage } from "../../protocol/messages.ts";
import { nameKey } from "../../protocol/names.ts";
import type { SharedState } from "../cluster/shared_state.ts";
import type {
  SharedBan,
  SharedInvite,
  SharedMute,
  SharedPrivateRoom,
  SharedRegistration,
  SharedRoomOwner,
  SharedStateChange,
} from "../cluster/shared_records.ts";
import type { BanRecord } from "../storage/ban_list.ts";
import type { HistoryStore } from "../storage/history_store.ts";
import type { BanTarget, Moderation } from "./moderation.ts";
import type { NickOwnershipChange } from "./nick_ownership.ts";
import type { Room } from "./room.ts";
import type { RoomAccess, RoomAccessChange } from "./room_access.ts";
import type { Session } from "./session.ts";

const log = getLogger(["parley", "server"]);

/** What {@linkcode ClusterStateSync} uses of the hub. */
export interface ClusterStateSyncHub {
  /** Finds a local room. */
  room(name: string): Room<Session> | undefined;
  /** Finds a local session by nick. */
  find(nick: string): Session | undefined;
  /** Local sessions. */
  sessions(): IterableIterator<Session>;
  /** The node's store: topics, bans and registrations are applied to it. */
  readonly history: HistoryStore;
  /** Operators, mutes and bans. */
  readonly moderation: Moderation;
  /** Room owners, invite-only rooms and invitations. */
  readonly access: RoomAccess;
  /** Disconnects a local user, telling them and their rooms. */
  kick(nick: string, reason: string, by: string): boolean;
  /** Clock, ms since the epoch. */
  now(): number;
}

/**
 * Shares and applies topics, bans, mutes and registrations.
 *
 * @example
 * ```ts ignore
 * const sync = new ClusterStateSync(node.state, hub);
 * sync.load();
 * const stop = node.state.onChange((change) => sync.apply(change));
 * ```
 */
export class ClusterStateSync {
  readonly #state: SharedState;
  readonly #hub: ClusterStateSyncHub;

  /**
   * @param state The cluster's shared state.
   * @param hub The hub.
   */
  constructor(state: SharedState, hub: ClusterStateSyncHub) {
    this.#state = state;
    this.#hub = hub;
  }

  /**
   * Applies the shared state as it is now: topics, bans in force (and drops
   * local bans the cluster lifted while this node was away, as a history
   * file may hold), registrations.
   */
  load(): void {
    const state = this.#state;
    for (const change of state.entries(["topic", "registration"])) this.apply(change);
    const now = this.#hub.now();
    const history = this.#hub.history;
    const inForce = (ban: SharedBan | undefined) =>
      ban !== undefined && (ban.until === null || ban.until > now);
    for (const ban of state.bans()) if (inForce(ban)) history.addBan(ban);
    for (const ban of history.bans(now)) {
      if (!inForce(state.ban(ban.kind, ban.value))) history.removeBan(ban.kind, ban.value);
    }
    // Room access: the cluster's word replaces what a history file remembers.
    const entries = state.entries(["owner", "private", "invite"]);
    const shared = new Set(
      entries.flatMap((change) =>
        change.kind === "private" && change.value ? [nameKey(change.value.room)] : []
      ),
    );
    for (const { room } of history.roomAccess.privateRooms()) {
      if (!shared.has(nameKey(room))) {
        this.#hub.access.applyPrivate(this.#hub.room(room), room, undefined);
      }
    }
    for (const change of entries) this.apply(change);
  }

  /**
   * Applies one change made on any node (this one included).
   *
   * @param change The change.
   */
  apply(change: SharedStateChange): void {
    switch (change.kind) {
      case "topic":
        if (change.value !== undefined) this.#topic(change.value);
        return;
      case "mute":
        this.#mute(change.value, change.previous);
        return;
      case "registration":
        this.#registration(change.value, change.previous);
        return;
      case "ban":
        this.#ban(change.value, change.previous);
        return;
      case "owner":
        this.#owner(change.value, change.previous);
        return;
      case "private":
        this.#privateRoom(change.value, change.previous);
        return;
      case "invite":
        this.#invite(change.value, change.previous);
        return;
    }
  }

  /**
   * Shares a change of room access made on this node.
   *
   * @param change What `RoomAccess` did.
   */
  accessChanged(change: RoomAccessChange): void {
    const state = this.#state;
    const ts = this.#hub.now();
    let done: Promise<void>;
    switch (change.kind) {
      case "owner":
        done = state.setOwner(
          change.room,
          change.owner === undefined ? undefined : { room: change.room, owner: change.owner, ts },
        );
        break;
      case "private":
        done = state.setPrivate(
          change.room,
          change.record === undefined ? undefined : { room: change.room, ...change.record },
        );
        break;
      case "invite":
        done = state.addInvite({ room: change.room, party: change.party, ts: change.ts });
        break;
      case "forget":
        done = state.removeInvites(change.party);
        break;
    }
    done.catch((error) =>
      log.warn("room access change not shared with the cluster: {error}", { error })
    );
  }

  /** A room's owner recorded (or cleared: the room is gone everywhere) on any node. */
  #owner(owner: SharedRoomOwner | undefined, previous: SharedRoomOwner | undefined): void {
    // A removal names the room only by its key's token: use the name last seen.
    const room = owner?.room ?? previous?.room;
    if (room !== undefined) this.#hub.access.applyOwner(room, owner?.owner);
  }

  /** A room made invite-only or public on any node. */
  #privateRoom(
    record: SharedPrivateRoom | undefined,
    previous: SharedPrivateRoom | undefined,
  ): void {
    const name = record?.room ?? previous?.room;
    if (name === undefined) return;
    const room = this.#hub.room(name);
    if (!this.#hub.access.applyPrivate(room, name, record) || !room) return;
    room.broadcast(encodeMessage({
      type: "notice",
      ts: this.#hub.now(),
      room: room.name,
      text: record !== undefined
        ? `${record.by} made ${room.name} invite-only; it is no longer listed`
        : `${room.name} is public again: anyone may join it and read its history`,
    }));
  }

  /** An invitation made (or lifted) on any node. */
  #invite(invite: SharedInvite | undefined, previous: SharedInvite | undefined): void {
    const known = invite ?? previous;
    if (known !== undefined) this.#hub.access.applyInvite(known.room, known.party, invite?.ts);
  }

  /**
   * Shares a ban or unban made on this node.
   *
   * @param change What `Moderation` did.
   */
  banChanged(change: { ban: BanRecord } | { removed: BanTarget }): void {
    const done = "ban" in change
      ? this.#state.addBan(change.ban)
      : this.#state.removeBan(change.removed.kind, change.removed.value);
    done.catch((error) => log.warn("ban not shared with the cluster: {error}", { error }));
  }

  /**
   * Shares a nick registration made or lifted on this node.
   *
   * @param change What `NickOwnership` did.
   */
  registrationChanged(change: NickOwnershipChange): void {
    const done = "registered" in change
      ? this.#state.addRegistration(change.registered)
      : this.#state.removeRegistration(change.unregistered);
    done.catch((error) =>
      log.warn("nick registration not shared with the cluster: {error}", { error })
    );
  }

  /**
   * Shares a room's new topic.
   *
   * @param room The room, its topic just set.
   */
  topicSet(room: Room<Session>): void {
    this.#state.setTopic({
      room: room.name,
      topic: room.topic,
      by: room.topicBy,
      ts: this.#hub.now(),
    }).catch((error) => log.warn("topic not shared with the cluster: {error}", { error }));
  }

  /**
   * Mutes a user connected to another node: the node holding the nick applies it.
   *
   * @param nick The user's nick.
   * @param durationMs How long, in ms; `undefined` until unmuted.
   * @param by Who muted.
   */
  muteElsewhere(nick: string, durationMs: number | undefined, by: string): void {
    const ts = this.#hub.now();
    this.#state.addMute({
      nick,
      until: durationMs === undefined ? null : ts + durationMs,
      by,
      ts,
    }).catch((error) => log.warn("mute not shared with the cluster: {error}", { error }));
  }

  /**
   * Lifts the mute of a user connected to another node.
   *
   * @param nick The user's nick.
   */
  unmuteElsewhere(nick: string): void {
    this.#state.removeMute(nick).catch((error) =>
      log.warn("unmute not shared with the cluster: {error}", { error })
    );
  }

  #topic(topic: NonNullable<Extract<SharedStateChange, { kind: "topic" }>["value"]>): void {
    this.#hub.history.setTopic(topic);
    const room = this.#hub.room(topic.room);
    if (!room || (room.topic === topic.topic && room.topicBy === topic.by)) return;
    room.topic = topic.topic;
    room.topicBy = topic.by;
    room.broadcast(encodeMessage({
      type: "topic",
      ts: topic.ts,
      room: room.name,
      topic: topic.topic,
      by: topic.by,
    }));
  }

  #registration(
    registration: SharedRegistration | undefined,
    previous: SharedRegistration | undefined,
  ): void {
    const nicks = this.#hub.history.nicks;
    if (registration === undefined) {
      if (previous) nicks.unregister(previous.skeleton, previous.identity);
      return;
    }
    nicks.register(
      registration.skeleton,
      registration.nick,
      registration.identity,
      registration.ts,
    );
  }

  /** A ban in force everywhere: a banned user connected here is disconnected. */
  #ban(ban: SharedBan | undefined, previous: SharedBan | undefined): void {
    const history = this.#hub.history;
    if (ban === undefined) {
      if (previous) history.removeBan(previous.kind, previous.value);
      return;
    }
    history.addBan(ban);
    const moderation = this.#hub.moderation;
    const victims = [...this.#hub.sessions()].filter((s) =>
      moderation.covers(ban, s) && !(ban.kind === "address" && moderation.isOperator(s))
    );
    const why = `banned by ${ban.by}${ban.reason ? `: ${ban.reason}` : ""}`;
    for (const victim of victims) this.#hub.kick(victim.nick, why, ban.by);
  }

  /** A mute set on another node for a nick: applied where its holder is connected. */
  #mute(mute: SharedMute | undefined, previous: SharedMute | undefined): void {
    const moderation = this.#hub.moderation;
    if (mute === undefined) {
      const session = previous && this.#hub.find(previous.nick);
      if (previous && moderation.unmute(previous.nick, session, previous.by) && session) {
        session.send(encodeMessage({
          type: "notice",
          ts: this.#hub.now(),
          text: `You were unmuted by ${previous.by}`,
        }));
      }
      return;
    }
    const session = this.#hub.find(mute.nick);
    if (!session) return;
    const now = this.#hub.now();
    if (mute.until !== null && mute.until <= now) return;
    moderation.mute(session, mute.until === null ? undefined : mute.until - now, mute.by);
    const text = `${session.nick} was muted by ${mute.by}`;
    for (const room of session.rooms) {
      room.broadcast(encodeMessage({ type: "notice", ts: now, room: room.name, text }));
    }
  }
}
