/**
 * A cluster node's side of the shared state (`server/cluster/shared_state.ts`):
 * topics, bans, mutes and nick registrations made here are written to the
 * cluster's bucket, and every change (this node's included) is applied to the
 * node's own store and sessions: a new topic is shown to the room, a banned
 * user connected here is disconnected, a mute set elsewhere for a user here is
 * put in force, a registration refuses the nick to other keys.
 *
 * @module
 */

import { getLogger } from "../log.ts";
import { encodeMessage } from "../../protocol/messages.ts";
import { nameKey } from "../../protocol/names.ts";
import type {
  SharedBan,
  SharedMute,
  SharedRegistration,
  SharedState,
  SharedStateChange,
} from "../cluster/shared_state.ts";
import { subjectToken } from "../cluster/subject_token.ts";
import type { BanRecord } from "../storage/ban_list.ts";
import type { HistoryStore } from "../storage/history_store.ts";
import type { BanTarget, Moderation } from "./moderation.ts";
import type { NickOwnershipChange } from "./nick_ownership.ts";
import type { Room } from "./room.ts";
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
  /** The last value of each removable key, to undo a removal locally. */
  readonly #mutes = new Map<string, SharedMute>();
  readonly #registrations = new Map<string, SharedRegistration>();
  readonly #bans = new Map<string, SharedBan>();

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
    for (const topic of state.topics()) this.apply({ kind: "topic", key: "", value: topic });
    const now = this.#hub.now();
    const history = this.#hub.history;
    for (const ban of state.bans()) {
      if (ban.until !== null && ban.until <= now) continue;
      this.#bans.set(banKey(ban.kind, ban.value), ban);
      history.addBan(ban);
    }
    for (const ban of history.bans(now)) {
      if (!this.#bans.has(banKey(ban.kind, ban.value))) history.removeBan(ban.kind, ban.value);
    }
    for (const registration of state.registrations()) {
      const key = `reg.${subjectToken(registration.skeleton)}`;
      this.apply({ kind: "registration", key, value: registration });
    }
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
        this.#mute(change.key, change.value);
        return;
      case "registration":
        this.#registration(change.key, change.value);
        return;
      case "ban":
        this.#ban(change.key, change.value);
        return;
    }
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

  #registration(key: string, registration: SharedRegistration | undefined): void {
    const nicks = this.#hub.history.nicks;
    if (registration === undefined) {
      const gone = this.#registrations.get(key);
      this.#registrations.delete(key);
      if (gone) nicks.unregister(gone.skeleton, gone.identity);
      return;
    }
    this.#registrations.set(key, registration);
    nicks.register(
      registration.skeleton,
      registration.nick,
      registration.identity,
      registration.ts,
    );
  }

  /** A ban in force everywhere: a banned user connected here is disconnected. */
  #ban(key: string, ban: SharedBan | undefined): void {
    const history = this.#hub.history;
    if (ban === undefined) {
      const gone = this.#bans.get(key);
      this.#bans.delete(key);
      if (gone) history.removeBan(gone.kind, gone.value);
      return;
    }
    this.#bans.set(key, ban);
    history.addBan(ban);
    const moderation = this.#hub.moderation;
    const victims = [...this.#hub.sessions()].filter((s) =>
      moderation.covers(ban, s) && !(ban.kind === "address" && moderation.isOperator(s))
    );
    const why = `banned by ${ban.by}${ban.reason ? `: ${ban.reason}` : ""}`;
    for (const victim of victims) this.#hub.kick(victim.nick, why, ban.by);
  }

  /** A mute set on another node for a nick: applied where its holder is connected. */
  #mute(key: string, mute: SharedMute | undefined): void {
    const moderation = this.#hub.moderation;
    if (mute === undefined) {
      const gone = this.#mutes.get(key);
      this.#mutes.delete(key);
      const session = gone && this.#hub.find(gone.nick);
      if (gone && moderation.unmute(gone.nick, session, gone.by) && session) {
        session.send(encodeMessage({
          type: "notice",
          ts: this.#hub.now(),
          text: `You were unmuted by ${gone.by}`,
        }));
      }
      return;
    }
    this.#mutes.set(key, mute);
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

/** A ban's key in the state bucket (as `SharedState` writes it). */
function banKey(kind: SharedBan["kind"], value: string): string {
  return `ban.${kind}.${subjectToken(kind === "nick" ? nameKey(value) : value)}`;
}
