/**
 * The chat itself, with no sockets: the session/nick registry and the chat
 * operations (join, part, say, private message, nick change, away, topic,
 * kick), each broadcast through `Room`. All state changes happen
 * synchronously inside one method call, so there is never an `await` between
 * checking that a nick is free and taking it.
 *
 * Around it: `admission.ts` decides who gets in (the `hello` → `welcome`
 * path), `session_lifecycle.ts` registers, renames and removes sessions,
 * `message_router.ts` routes each later message, `room_directory.ts`
 * keeps rooms and membership, `chat_lines.ts` sends chat lines,
 * `command_dispatch.ts` runs slash commands from the table in `commands.ts`,
 * and `chat_history.ts` stores, replays and durably acknowledges messages.
 *
 * @module
 */

import { getLogger } from "../log.ts";
import {
  type ClientMessage,
  encodeAck,
  encodeMessage,
  type ErrorCode,
  type HelloMessage,
  type LeaveCode,
  type ServerLimits,
  type ServerMessage,
  type UserInfo,
} from "../../protocol/messages.ts";
import { sanitizeText } from "../../protocol/sanitize.ts";
import { Admission } from "./admission.ts";
import { ChatHistory } from "./chat_history.ts";
import type { ChatOperations } from "./chat_operations.ts";
import { CommandDispatch, type CommandSpec } from "./command_dispatch.ts";
import { COMMANDS } from "./commands.ts";
import { DEFAULT_MAX_MEDIA_BYTES, mediaFrameBytes } from "../media/media_handler.ts";
import { MediaStore } from "../media/media_store.ts";
import type { Room } from "./room.ts";
import { RoomDirectory } from "./room_directory.ts";
import { ChatLines } from "./chat_lines.ts";
import { MessageRouter } from "./message_router.ts";
import { announcedFloodLimits } from "../guards/flood_control.ts";
import { markAway, neighboursOf } from "./presence.ts";
import type { HubOptions } from "./hub_options.ts";
import { HistoryStore } from "../storage/history_store.ts";
import { RosterCache } from "./roster_cache.ts";
import { Moderation } from "./moderation.ts";
import type { Peer, RegisterOptions, Session } from "./session.ts";
import { SessionRegistry } from "./session_registry.ts";
import { SessionLifecycle } from "./session_lifecycle.ts";
import { NickOwnership } from "./nick_ownership.ts";
import { RoomAccess } from "./room_access.ts";
import { ProofNames } from "./identity_challenge.ts";
import { SecretGuard } from "../guards/secret_guard.ts";
import { kickSession } from "./kick_session.ts";
import { ClusterChat } from "./cluster_chat.ts";

const log = getLogger(["parley", "server"]);

export { MAX_AWAY_LENGTH } from "./presence.ts";
export type { HubOptions } from "./hub_options.ts";

/**
 * The chat: registered sessions by nick, rooms by name, and the operations on
 * them. Transports call {@linkcode Hub.admit} after a `hello`,
 * {@linkcode Hub.receive} for each later message, and
 * {@linkcode Hub.disconnect} when the connection ends.
 *
 * @example
 * ```ts
 * import { Hub } from "./hub.ts";
 * const hub = new Hub({ serverName: "example" });
 * hub.size; // 0
 * ```
 */
export class Hub implements ChatOperations {
  /** Name announced in `welcome`. */
  readonly serverName: string;
  /** Limits announced in `welcome`. */
  readonly limits: ServerLimits;
  /** Most users online at once. */
  readonly maxClients: number;
  /** Recent voice and video messages by token. */
  readonly media: MediaStore;
  /** Nicks registered to identity keys. */
  readonly nicks: NickOwnership;
  /** Invite-only rooms and invitations. */
  readonly access: RoomAccess;
  /** The brute-force guard every secret goes through (passwords, identity proofs). */
  readonly secrets: SecretGuard;
  /** History, topics and bans (the store itself; the hub uses it through `ChatHistory`). */
  readonly history: HistoryStore;
  /** Operators, mutes and bans. */
  readonly moderation: Moderation;
  /** Encoded member lists for `welcome` and `who`. */
  readonly roster: RosterCache;
  /** This node's part in a cluster (`HubOptions.cluster`); `undefined` on a single server. */
  readonly cluster: ClusterChat | undefined;
  /** Who gets in: version, password, probes, ghost takeover. */
  readonly admission: Admission;
  readonly #logMessages: boolean;
  readonly #now: () => number;
  readonly #onPresence: HubOptions["onPresence"];
  /** The names identity proofs may sign: the hosts clients dial to reach this server. */
  readonly proofNames: ProofNames;
  readonly #sessions = new SessionRegistry();
  readonly #rooms: RoomDirectory;
  readonly #lines: ChatLines;
  readonly #router: MessageRouter;
  readonly #chatHistory: ChatHistory;
  readonly #commands: CommandDispatch;
  readonly #lifecycle: SessionLifecycle;

  /** @param options See {@linkcode HubOptions}. */
  constructor(options: HubOptions = {}) {
    this.serverName = options.serverName ?? "parley";
    this.maxClients = options.maxClients ?? 1000;
    const maxMediaBytes = options.maxMediaBytes ?? DEFAULT_MAX_MEDIA_BYTES;
    const maxFrameBytes = Math.max(
      options.maxFrameBytes ?? 1_048_576,
      mediaFrameBytes(maxMediaBytes),
    );
    this.limits = {
      maxFrameBytes,
      maxTextBytes: options.maxTextBytes ?? 8192,
      heartbeatMs: options.heartbeatMs ?? 30_000,
      maxMediaBytes,
      ...announcedFloodLimits(options, maxFrameBytes),
    };
    this.#logMessages = options.logMessages ?? false;
    this.#now = options.now ?? Date.now;
    this.#onPresence = options.onPresence;
    this.history = options.history ?? new HistoryStore(":memory:");
    this.media = new MediaStore({ archive: options.mediaArchive });
    const cluster = options.cluster ? new ClusterChat(options.cluster, this) : undefined;
    this.cluster = cluster;
    this.roster = new RosterCache(cluster && ((room) => cluster.remoteUsers(room)));
    this.#chatHistory = new ChatHistory({
      store: this.history,
      media: this.media,
      replayCount: options.historyReplay ?? 50,
      metrics: options.metrics,
      clustered: cluster !== undefined,
    });
    this.secrets = options.secrets ?? new SecretGuard({}, this.#now);
    this.proofNames = new ProofNames(options.identityNames);
    this.moderation = new Moderation({
      store: this.history,
      adminPassword: options.adminPassword,
      operatorKeys: options.operatorKeys,
      secrets: this.secrets,
      now: this.#now,
      onBanChange: cluster && ((change) => cluster.banChanged(change)),
    });
    this.nicks = new NickOwnership(
      this.history.nicks,
      this.#now,
      cluster && ((change) => cluster.registrationChanged(change)),
    );
    this.access = new RoomAccess(
      this.history.roomAccess,
      this.#now,
      cluster && {
        onChange: (change) => cluster.accessChanged(change),
        elsewhere: (room) => cluster.remoteCount(room) > 0,
      },
    );
    this.#rooms = new RoomDirectory({
      now: this.#now,
      roster: this.roster,
      history: this.#chatHistory,
      moderation: this.moderation,
      access: this.access,
      metrics: options.metrics,
      remote: cluster && ((room) => cluster.remoteUsers(room)),
      maxRooms: options.maxRooms,
      maxRoomsPerUser: options.maxRoomsPerUser,
      roomCreatesPerMinute: options.roomCreatesPerMinute,
    });
    this.#lines = new ChatLines({
      now: this.#now,
      history: this.#chatHistory,
      moderation: this.moderation,
      maxTextBytes: this.limits.maxTextBytes,
      logMessages: this.#logMessages,
      find: (nick) => this.find(nick),
      cluster,
    });
    this.admission = new Admission(this, { password: options.password });
    this.#commands = new CommandDispatch(COMMANDS, { chat: this, history: this.#chatHistory });
    this.#router = new MessageRouter({
      chat: this,
      commands: this.#commands,
      history: this.#chatHistory,
    });
    this.#lifecycle = new SessionLifecycle({
      now: this.#now,
      sessions: this.#sessions,
      rooms: this.#rooms,
      history: this.#chatHistory,
      roster: this.roster,
      admission: this.admission,
      access: this.access,
      cluster,
      onPresence: options.onPresence,
      checks: this,
    });
  }

  /** This node's id in its cluster; `undefined` on a single server. */
  get nodeId(): string | undefined {
    return this.cluster?.nodeId;
  }

  /** The name of this node's cluster; `undefined` on a single server. */
  get clusterName(): string | undefined {
    return this.cluster?.clusterName;
  }

  /** Whether a password is required. */
  get requiresPassword(): boolean {
    return this.admission.requiresPassword;
  }

  /** Number of users online here (what `maxClients` limits). */
  get size(): number {
    return this.#sessions.size;
  }

  /** Number of users online in the whole chat: here, plus on other nodes of a cluster. */
  get online(): number {
    return this.#sessions.size + (this.cluster?.remoteUserCount ?? 0);
  }

  /** Current time, ms since the epoch, from the hub's clock. */
  now(): number {
    return this.#now();
  }

  /** The command table, in `/help` order. */
  commands(): CommandSpec[] {
    return [...this.#commands.commands];
  }

  /**
   * What a client message counts as in flood control, in messages: a
   * command's `floodCost`, 1 for anything else.
   *
   * @param message A decoded client message.
   */
  floodCost(message: ClientMessage): number {
    return message.type === "command" ? this.#commands.floodCost(message.name) : 1;
  }

  /** All sessions, in join order. */
  sessions(): IterableIterator<Session> {
    return this.#sessions.values();
  }

  /**
   * Finds a session by nick, case-insensitively.
   *
   * @param nick A nick.
   * @returns The session, or `undefined`.
   */
  find(nick: string): Session | undefined {
    return this.#sessions.find(nick);
  }

  /** Finds the session holding a nick or a look-alike of it. */
  findLike(nick: string): Session | undefined {
    return this.#sessions.findLike(nick);
  }

  /**
   * Finds a room by name, case-insensitively.
   *
   * @param name Room name including `#`.
   */
  room(name: string): Room<Session> | undefined {
    return this.#rooms.get(name);
  }

  /** All rooms. */
  rooms(): IterableIterator<Room<Session>> {
    return this.#rooms.values();
  }

  /**
   * Admits a client after its `hello` and, with a key, its proof (`identity`
   * is then its fingerprint). See {@linkcode Admission.admit} for the checks.
   *
   * @throws {ChatError} Refusals; the caller sends the error and closes.
   */
  admit(hello: HelloMessage, peer: Peer, identity?: string): Session {
    return this.admission.admit(hello, peer, identity);
  }

  /**
   * Registers a session under `nick` and puts it in `#lobby` (see
   * {@linkcode SessionLifecycle.register}). Synchronous: the nick is checked
   * free and taken in the same call.
   *
   * @throws {ChatError} `nick_taken` (also for a look-alike in use).
   */
  register(
    nick: string,
    peer: Peer,
    options: RegisterOptions,
  ): Session {
    return this.#lifecycle.register(nick, peer, options);
  }

  /**
   * Handles one message from an admitted session. Refusals go back to the
   * sender as `error` with the message's `ref`; nothing here throws.
   *
   * @param session The sender.
   * @param message A validated client message (not `hello`).
   */
  receive(session: Session, message: ClientMessage): void {
    this.#router.route(session, message);
  }

  /**
   * Removes a session: leaves its rooms (announcing it) and frees its nick
   * (see {@linkcode SessionLifecycle.disconnect}). Idempotent; every way out
   * of a connection ends here.
   */
  disconnect(session: Session, reason: string, code: LeaveCode = "disconnected"): void {
    this.#lifecycle.disconnect(session, reason, code);
  }

  /** Tells everyone the server is stopping and closes every session (see {@linkcode SessionLifecycle.shutdown}). */
  shutdown(reason: string): void {
    this.#lifecycle.shutdown(reason);
  }

  /**
   * Disconnects a user with a reason, telling them and their rooms (see
   * {@linkcode kickSession}).
   *
   * @returns `false` if nobody called `nick` is online.
   */
  kick(nick: string, reason: string, by: string): boolean {
    const session = this.find(nick);
    if (session) kickSession(session, reason, by, this.#now());
    return session !== undefined;
  }

  /**
   * Sends a server notice to every user (operator `say`).
   *
   * @param text The notice; sanitized, newlines kept.
   */
  announce(text: string): void {
    const notice = sanitizeText(text, true);
    const frame = encodeMessage({ type: "notice", ts: this.#now(), text: notice });
    for (const session of this.#sessions.values()) session.send(frame);
    log.info("server notice: {text}", { text });
  }

  /**
   * Sends a message to one session.
   *
   * @param session Recipient.
   * @param message Any server message.
   */
  sendTo(session: Session, message: ServerMessage): void {
    session.send(encodeMessage(message));
  }

  /**
   * Encodes a message once and sends it to every member of a room.
   *
   * @param room The room.
   * @param message Any server message.
   * @param except A member to skip.
   */
  broadcastTo(room: Room<Session>, message: ServerMessage, except?: Session): void {
    room.broadcastMessage(message, except);
  }

  /**
   * Sends one `ack` (the fast encoder: no JSON.stringify on the message path).
   *
   * @param session Recipient.
   * @param ref The `ref` being acknowledged.
   * @param id Message id, 0 when none was created.
   * @param ts Server time, ms since the epoch.
   */
  sendAck(session: Session, ref: number, id: number, ts: number): void {
    session.send(encodeAck(ref, id, ts));
  }

  /**
   * Sends a typed error to one session.
   *
   * @param session Recipient.
   * @param code Protocol error code.
   * @param text A sentence for the user.
   * @param ref The `ref` of the message being refused, if any.
   */
  sendError(session: Session, code: ErrorCode, text: string, ref?: number): void {
    this.sendTo(
      session,
      ref === undefined
        ? { type: "error", code, message: text }
        : { type: "error", code, message: text, ref },
    );
  }

  /** Allocates the next message id and timestamp (see {@linkcode ChatLines.stamp}). */
  stamp(): [number, number] {
    return this.#lines.stamp();
  }

  /** Broadcasts a chat line or action to a room (see {@linkcode ChatLines.say}). */
  say(
    session: Session,
    room: Room<Session>,
    kind: "msg" | "action",
    rawText: string,
    echo = false,
  ): [number, number] {
    return this.#lines.say(session, room, kind, rawText, echo);
  }

  /** Sends a private message (see {@linkcode ChatLines.privateMessage}). */
  privateMessage(session: Session, to: string, rawText: string): [number, number] {
    return this.#lines.privateMessage(session, to, rawText);
  }

  /**
   * Changes a session's nick and tells everyone who shares a room with it
   * (see {@linkcode SessionLifecycle.rename}).
   *
   * @throws {ChatError} `nick_invalid`, `nick_taken` (also for a look-alike
   *   in use), `nick_registered` or `banned`.
   */
  rename(session: Session, nick: string): void {
    this.#lifecycle.rename(session, nick);
  }

  /** Everyone who shares a room with `session` (see {@linkcode neighboursOf}). */
  neighbours(session: Session): Set<Session> {
    return neighboursOf(session);
  }

  /** Puts a session in a room (see {@linkcode RoomDirectory.join}). */
  joinRoom(session: Session, name: string, ref?: number): Room<Session> {
    if (this.cluster === undefined) return this.#rooms.join(session, name, ref);
    const member = this.#rooms.get(name)?.has(session) ?? false;
    if (!member) this.cluster.arriving(session.nick, name);
    const room = this.#rooms.join(session, name, ref);
    if (!member) this.cluster.joined(session, room);
    return room;
  }

  /** Takes a session out of a room (see {@linkcode RoomDirectory.part}). */
  partRoom(session: Session, room: Room<Session>, reason: string): void {
    this.#rooms.part(session, room, reason);
    this.cluster?.left(session, room, reason, "part");
  }

  /** Members of a room on every node. */
  memberCount(room: Room<Session>): number {
    return room.size + (this.cluster?.remoteCount(room.name) ?? 0);
  }

  /** The member list of a room (see {@linkcode RoomDirectory.users}). */
  users(room: Room<Session>): UserInfo[] {
    return this.#rooms.users(room);
  }

  /** Resolves the room a message names (see {@linkcode RoomDirectory.roomOf}). */
  roomOf(session: Session, name: string | undefined): Room<Session> {
    return this.#rooms.roomOf(session, name);
  }

  /** Sets a room's topic (see {@linkcode RoomDirectory.setTopic}). */
  setTopic(session: Session, room: Room<Session>, rawTopic: string): void {
    this.#rooms.setTopic(session, room, rawTopic);
    this.cluster?.topicSet(room);
  }

  /** Marks a user away or back (see {@linkcode markAway}); away text is speech a mute covers. */
  setAway(session: Session, message: string | undefined): boolean {
    if (message !== undefined) this.moderation.checkCanSpeak(session);
    const changed = markAway(session, message, { roster: this.roster, now: this.#now });
    if (changed) this.cluster?.awayChanged(session);
    return changed;
  }
}
