/**
 * The hub's seam to a cluster (`serve --cluster`): what the single-process
 * hub does locally, this does through the cluster layer (`server/cluster/`).
 *
 * - Room lines and actions are published once to the JetStream stream; the
 *   sender's `ack` waits for the stream's acknowledgement and this node's
 *   delivery of the line, and carries the stream sequence as the message id. Nothing is broadcast at publish time:
 *   every node, the sender's included, delivers each stored message from its
 *   one ordered follower, through the room's encode-once fanout, and appends
 *   it to the node's local history store (an index of the stream, so replay
 *   on join, `/history` and `/search` read what was delivered, in order).
 * - Private messages go to the stream under the recipient's nick; the node
 *   holding the recipient delivers them.
 * - Nicks are claimed in the cluster registry before the local, synchronous
 *   registration; a lost race is `nick_taken`.
 * - Joins, leaves and away changes travel on the presence bus; each node keeps
 *   a view of the other nodes' members per room (for `welcome`, `who`,
 *   `/rooms`), rebuilt on start and after a reconnect from every node's
 *   snapshot of its members (presence events are at-most-once), and pruned
 *   when a member's nick is no longer held by its node (a node that died: the
 *   registry's sweep frees its nicks).
 * - While the NATS link is down, users are told and sends are refused with
 *   `unavailable` (never acknowledged without storage).
 *
 * This class owns the lifecycle and the link state, and is what
 * the hub calls; `cluster_presence.ts` publishes and follows presence and
 * member snapshots, `cluster_messages.ts` publishes and delivers messages,
 * `cluster_nicks.ts` claims nicks and answers resumes and kicks,
 * `remote_roster.ts` keeps the other nodes' members, and
 * `cluster_state_sync.ts` shares topics, bans, mutes and registrations.
 *
 * @module
 */

import type { LeaveCode, RoomInfo, UserInfo } from "../../protocol/messages.ts";
import type { ClusterNode } from "../cluster/cluster_node.ts";
import type { LinkState } from "../cluster/nats_link.ts";
import type { StreamFollower } from "../cluster/room_stream.ts";
import type { HistoryStore } from "../storage/history_store.ts";
import type { MediaInfo } from "../storage/media_archive.ts";
import type { MediaStore } from "../media/media_store.ts";
import { MediaBucket } from "../cluster/media_bucket.ts";
import { openStreamIndex } from "../storage/stream_index.ts";
import { RemoteRoster } from "./remote_roster.ts";
import { ClusterPresence } from "./cluster_presence.ts";
import { ClusterMessages } from "./cluster_messages.ts";
import { ClusterNicks, type ClusterNicksHub } from "./cluster_nicks.ts";
import { ClusterStateSync } from "./cluster_state_sync.ts";
import type { RoomAccess, RoomAccessChange } from "./room_access.ts";
import type { BanRecord } from "../storage/ban_list.ts";
import type { NickOwnershipChange } from "./nick_ownership.ts";
import type { BanTarget, Moderation } from "./moderation.ts";
import { ChatError } from "./chat_error.ts";
import type { Room } from "./room.ts";
import type { Session } from "./session.ts";

/**
 * What {@linkcode ClusterChat} uses of the hub: what {@linkcode ClusterNicks}
 * uses (`find`, `findLike`, `admission`, `kick`), and the rest below.
 */
export interface ClusterChatHub extends ClusterNicksHub {
  /** Finds a local room. */
  room(name: string): Room<Session> | undefined;
  /** Local sessions. */
  sessions(): IterableIterator<Session>;
  /** The local store the stream is indexed into. */
  readonly history: HistoryStore;
  /** Recordings: notices remembered here, bytes in the cluster's bucket. */
  readonly media: MediaStore;
  /** Sends a notice to every local user. */
  announce(text: string): void;
  /** Operators and bans. */
  readonly moderation: Moderation;
  /** Room owners, invite-only rooms and invitations. */
  readonly access: RoomAccess;
}

/** Options for {@linkcode ClusterChat}. */
export interface ClusterChatOptions {
  /**
   * Longest time at start without progress towards the stream's end, in ms.
   * @default {30000}
   */
  catchUpTimeoutMs?: number;
  /**
   * How often remote members are checked against the nick registry, in ms.
   * @default {1000}
   */
  pruneIntervalMs?: number;
  /**
   * Longest time a publish is retried (same message id, stored at most
   * once) before the sender gets `unavailable`, in ms.
   * @default {10000}
   */
  retryBudgetMs?: number;
}

/**
 * One node's part in a cluster chat; the hub owns it when `HubOptions.cluster`
 * is set.
 *
 * @example
 * ```ts ignore
 * const chat = new ClusterChat(node, hub);
 * await chat.start();
 * ```
 */
export class ClusterChat {
  /** The cluster layer. */
  readonly node: ClusterNode;
  readonly #hub: ClusterChatHub;
  readonly #options: ClusterChatOptions;
  readonly #roster: RemoteRoster;
  readonly #sync: ClusterStateSync;
  readonly #messages: ClusterMessages;
  readonly #nicks: ClusterNicks;
  readonly #presence: ClusterPresence;
  #follower: StreamFollower | undefined;
  #unsubscribe: (() => void)[] = [];
  #prune: ReturnType<typeof setInterval> | undefined;
  #linkWasDown = false;

  /**
   * @param node An opened cluster node.
   * @param hub The hub.
   * @param options Timeouts.
   */
  constructor(node: ClusterNode, hub: ClusterChatHub, options: ClusterChatOptions = {}) {
    this.node = node;
    this.#hub = hub;
    this.#options = options;
    this.#roster = new RemoteRoster({
      room: (name) => hub.room(name),
      now: () => hub.now(),
      ownerOf: (nick) => node.registry.owner(nick)?.node,
      nodeId: node.link.nodeId,
      topicOf: (room) => node.state.topic(room)?.topic ?? "",
    });
    this.#presence = new ClusterPresence(node, hub, this.#roster);
    this.#sync = new ClusterStateSync(node.state, hub);
    this.#nicks = new ClusterNicks(node, hub, () => this.#checkLink());
    this.#messages = new ClusterMessages({
      stream: node.stream,
      nodeId: node.link.nodeId,
      checkLink: () => this.#checkLink(),
      progress: node.progress,
      closed: () => node.link.state === "closed",
      room: (name) => hub.room(name),
      find: (nick) => hub.find(nick),
      claimedNick: (nick) => node.registry.owner(nick)?.nick,
      history: hub.history,
      media: hub.media,
      now: () => hub.now(),
      retryBudgetMs: options.retryBudgetMs,
    });
  }

  /** This node's id. */
  get nodeId(): string {
    return this.node.link.nodeId;
  }

  /** Cluster name. */
  get clusterName(): string {
    return this.node.link.name;
  }

  /** Stream sequence of the last message delivered locally. */
  get delivered(): number {
    return this.#messages.delivered;
  }

  /**
   * Follows the stream into the local index (from its start, or after what a
   * history file already holds; see `openStreamIndex`), waits until it
   * has caught up with the stream's end, then listens to presence and the
   * link state and asks the other nodes for their members.
   *
   * @throws {HistoryStoreError} When the history file belongs to a single
   *   server or another cluster.
   * @throws {Error} When the stream cannot be read, or catching up makes no
   *   progress for `catchUpTimeoutMs`.
   */
  async start(): Promise<void> {
    const { stream, link, registry } = this.node;
    this.#messages.media = await MediaBucket.open(link);
    const target = await stream.lastSeq();
    // A history file keeps what it indexed: read on after it.
    const after = openStreamIndex(this.#hub.history, link.name, target);
    this.#messages.delivered = after;
    const caughtUp = Promise.withResolvers<void>();
    // Retention removes the oldest first: when the newest is gone, so is everything.
    if (target <= after || (await stream.get(target)) === undefined) caughtUp.resolve();
    const stallMs = this.#options.catchUpTimeoutMs ?? 30_000;
    let lastProgress = Date.now();
    this.#follower = stream.follow((record) => {
      this.#messages.deliver(record);
      lastProgress = Date.now();
      if (record.seq >= target) caughtUp.resolve();
    }, { afterSeq: after });
    // Reading a long stream takes as long as it takes; only a stall is an error.
    const watchdog = setInterval(() => {
      if (Date.now() - lastProgress < stallMs) return;
      caughtUp.reject(
        new Error(`Cannot read the cluster's history: no progress for ${stallMs} ms`),
      );
    }, Math.min(1_000, stallMs));
    try {
      await caughtUp.promise;
    } catch (error) {
      await this.#follower.stop();
      throw error;
    } finally {
      clearInterval(watchdog);
    }
    this.#sync.load();
    this.#unsubscribe.push(this.node.state.onChange((change) => this.#sync.apply(change)));
    this.#unsubscribe.push(...this.#presence.listen());
    this.#unsubscribe.push(link.onState((state) => this.#linkState(state)));
    this.#unsubscribe.push(registry.onNickLost((nick) => {
      // Another node took this nick while this node was cut off: that user must go.
      const session = this.#hub.find(nick);
      session?.close("nick lost to another node", "disconnected");
    }));
    this.#unsubscribe.push(...this.#nicks.listen());
    // Caught up: from now on this node's delivery paces the cluster's publishes.
    this.#unsubscribe.push(this.node.progress.listen());
    this.node.progress.delivered(this.#messages.delivered);
    this.#presence.requestSnapshots();
    this.#prune = setInterval(() => this.#roster.prune(), this.#options.pruneIntervalMs ?? 1000);
  }

  /** Stops following and listening, and closes the cluster node (frees its nicks). */
  async close(): Promise<void> {
    clearInterval(this.#prune);
    for (const stop of this.#unsubscribe) stop();
    this.#unsubscribe = [];
    await this.#follower?.stop();
    this.#messages.stopWaiting();
    await this.node.close();
  }

  /** Claims a nick cluster-wide (see {@linkcode ClusterNicks.claim}). */
  claim(nick: string): Promise<boolean> {
    return this.#nicks.claim(nick);
  }

  /** Claims a nick for a connecting client, resuming it from another node (see {@linkcode ClusterNicks.claimFor}). */
  claimFor(
    nick: string,
    resume: string | undefined,
    identity: string | undefined,
    remoteAddr: string,
  ): Promise<boolean> {
    return this.#nicks.claimFor(nick, resume, identity, remoteAddr);
  }

  /** Frees a nick cluster-wide unless a local session still holds it. */
  release(nick: string): void {
    this.#nicks.release(nick);
  }

  /**
   * Publishes a room line or action (see {@linkcode ClusterMessages.publishLine}).
   *
   * @returns `[id, ts]` once the stream stored it.
   * @throws {ChatError} `unavailable` while the link is down, or when the
   *   stream did not acknowledge (the promise rejects).
   */
  publishLine(
    session: Session,
    room: Room<Session>,
    kind: "msg" | "action",
    text: string,
    echo: boolean,
  ): Promise<[number, number]> {
    return this.#messages.publishLine(session, room, kind, text, echo);
  }

  /**
   * Stores a recording and publishes its notice (see {@linkcode ClusterMessages.publishMedia}).
   *
   * @returns `[id, ts]` once both are stored.
   * @throws {ChatError} `unavailable` as for `publishLine`.
   */
  publishMedia(
    session: Session,
    room: Room<Session>,
    recording: Omit<MediaInfo, "id" | "ts" | "room" | "from" | "bytes"> & { data: Uint8Array },
  ): Promise<[number, number]> {
    return this.#messages.publishMedia(session, room, recording);
  }

  /** Sends a member a recording from the bucket (see {@linkcode ClusterMessages.fetchMedia}). */
  fetchMedia(session: Session, info: MediaInfo, ref: number): void {
    this.#messages.fetchMedia(session, info, ref);
  }

  /**
   * Publishes a private message (see {@linkcode ClusterMessages.publishPrivate}).
   *
   * @returns `[id, ts]` once stored.
   * @throws {ChatError} `no_such_nick`, or `unavailable` as for `publishLine`.
   */
  publishPrivate(session: Session, to: string, text: string): Promise<[number, number]> {
    return this.#messages.publishPrivate(session, to, text);
  }

  /**
   * Called before a local session joins a room: an entry for the same nick
   * from another node is stale (the client resumed here after its node
   * died) and is dropped without a leave, so member lists show it once.
   *
   * @param nick The joining session's nick.
   * @param room Room name including `#`.
   */
  arriving(nick: string, room: string): void {
    this.#roster.forget(room, nick);
  }

  /**
   * Tells the other nodes that a local session joined a room.
   *
   * @param session The member.
   * @param room The room.
   */
  joined(session: Session, room: Room<Session>): void {
    this.#presence.joined(session, room);
  }

  /**
   * Tells the other nodes that a local session left a room.
   *
   * @param session The member.
   * @param room The room.
   * @param reason As in the `leave` message.
   * @param code As in the `leave` message.
   */
  left(session: Session, room: Room<Session>, reason: string, code: LeaveCode): void {
    this.#presence.left(session, room, reason, code);
  }

  /**
   * Tells the other nodes that a local session is away or back (once per room).
   *
   * @param session The member.
   */
  awayChanged(session: Session): void {
    this.#presence.awayChanged(session);
  }

  /**
   * Tells the other nodes that a local session changed its nick: a leave of
   * the old nick and a join of the new one in each room, marked as a rename.
   *
   * @param session The member, already renamed.
   * @param old The old nick.
   */
  renamed(session: Session, old: string): void {
    this.#presence.renamed(session, old);
  }

  /**
   * Shares a ban or unban made on this node with the others.
   *
   * @param change What `Moderation` did.
   */
  banChanged(change: { ban: BanRecord } | { removed: BanTarget }): void {
    this.#sync.banChanged(change);
  }

  /** Disconnects a user connected to another node (see {@linkcode ClusterNicks.kickElsewhere}). */
  kickElsewhere(nick: string, reason: string, by: string): void {
    this.#nicks.kickElsewhere(nick, reason, by);
  }

  /**
   * Mutes a user connected to another node: the node holding the nick applies it.
   *
   * @param nick The user's nick.
   * @param durationMs How long, in ms; `undefined` until unmuted.
   * @param by Who muted.
   */
  muteElsewhere(nick: string, durationMs: number | undefined, by: string): void {
    this.#sync.muteElsewhere(nick, durationMs, by);
  }

  /**
   * Lifts the mute of a user connected to another node.
   *
   * @param nick The user's nick.
   */
  unmuteElsewhere(nick: string): void {
    this.#sync.unmuteElsewhere(nick);
  }

  /**
   * Shares a nick registration made or lifted on this node with the others.
   *
   * @param change What `NickOwnership` did.
   */
  registrationChanged(change: NickOwnershipChange): void {
    this.#sync.registrationChanged(change);
  }

  /**
   * Shares a change of room ownership, privacy or invitations made on this node.
   *
   * @param change What `RoomAccess` did.
   */
  accessChanged(change: RoomAccessChange): void {
    this.#sync.accessChanged(change);
  }

  /**
   * Invites a user connected to another node: that node invites its session
   * (a guest's invitation belongs to the session) and tells them.
   *
   * @param nick The invitee's nick.
   * @param room Room name including `#`.
   * @param by Who invites.
   * @throws {ChatError} `unavailable` when NATS cannot take it.
   */
  inviteElsewhere(nick: string, room: string, by: string): void {
    this.#nicks.inviteElsewhere(nick, room, by);
  }

  /**
   * Shares a room's new topic with the other nodes.
   *
   * @param room The room, its topic just set.
   */
  topicSet(room: Room<Session>): void {
    this.#sync.topicSet(room);
  }

  /**
   * Members of a room connected to other nodes.
   *
   * @param room The room.
   */
  remoteUsers(room: Room<Session>): UserInfo[] {
    return this.#roster.users(room);
  }

  /** How many members other nodes have in a room. */
  remoteCount(room: string): number {
    return this.#roster.count(room);
  }

  /**
   * Rooms that have members on other nodes only (for `/rooms`).
   *
   * @returns Each room's name, member count and topic.
   */
  remoteOnlyRooms(): RoomInfo[] {
    return this.#roster.remoteOnlyRooms();
  }

  /** Users connected to other nodes, as presence has told this one. */
  get remoteUserCount(): number {
    return this.#roster.userCount;
  }

  /** Whether a nick is held on another node (as the local mirror sees it). */
  heldElsewhere(nick: string): boolean {
    return this.#nicks.heldElsewhere(nick);
  }

  #checkLink(): void {
    if (this.node.link.state !== "connected") {
      throw new ChatError(
        "unavailable",
        "The server lost its cluster link; nothing was sent, try again shortly",
      );
    }
  }

  #linkState(state: LinkState): void {
    if (state === "connected") {
      if (!this.#linkWasDown) return;
      this.#linkWasDown = false;
      this.#hub.announce("The server's cluster link is back; messages are delivered again");
      // Presence sent while down was lost: ask every node for its snapshot, and send ours.
      this.#presence.requestSnapshots();
      this.#presence.publishSnapshot();
      return;
    }
    if (state === "closed" || this.#linkWasDown) return;
    this.#linkWasDown = true;
    this.#hub.announce(
      "The server lost its cluster link; messages are refused until it is back",
    );
  }
}
