/**
 * The chat itself, with no sockets: the session/nick registry, rooms, and the
 * chat operations (join, part, say, private message, nick change, away, topic,
 * kick), each broadcast through `Room`. All state changes happen
 * synchronously inside one method call, so there is never an `await` between
 * checking that a nick is free and taking it.
 *
 * Around it: `admission.ts` decides who gets in (the `hello` → `welcome`
 * path), `command_dispatch.ts` runs slash commands from the table in
 * `commands.ts`, and `chat_history.ts` stores, replays and durably
 * acknowledges messages.
 *
 * @module
 */

import { getLogger } from "../log.ts";
import {
  type ActionMessage,
  type ChatMessage,
  type ClientMessage,
  DEFAULT_ROOM,
  encodeAck,
  encodeMessage,
  type ErrorCode,
  type HelloMessage,
  type LeaveCode,
  type SendMessage,
  type ServerLimits,
  type ServerMessage,
  type UserInfo,
  utf8Length,
  type WelcomeMessage,
  type WhoMessage,
} from "../../protocol/messages.ts";
import { nameKey, validateNick, validateRoomName } from "../../protocol/names.ts";
import { sanitizeText } from "../../protocol/sanitize.ts";
import { Admission } from "./admission.ts";
import { ChatError } from "./chat_error.ts";
import { ChatHistory } from "./chat_history.ts";
import type { ChatOperations } from "./chat_operations.ts";
import { CommandDispatch, type CommandSpec } from "./command_dispatch.ts";
import { COMMANDS } from "./commands.ts";
import {
  DEFAULT_MAX_MEDIA_BYTES,
  fetchMedia,
  mediaFrameBytes,
  receiveMedia,
} from "../media/media_handler.ts";
import { MediaStore } from "../media/media_store.ts";
import type { MediaArchive } from "../storage/media_archive.ts";
import { Room } from "./room.ts";
import { HistoryStore } from "../storage/history_store.ts";
import { RosterCache } from "./roster_cache.ts";
import { encodeWithRawField, frameAroundField } from "../../protocol/encode_with_raw_field.ts";
import { Moderation } from "./moderation.ts";
import { type Peer, Session } from "./session.ts";
import type { PresenceEvent } from "./presence_event.ts";

const log = getLogger(["parley", "server"]);

/** Longest away message kept, in characters. */
export const MAX_AWAY_LENGTH = 200;

/** Options for {@linkcode Hub}. */
export interface HubOptions {
  /**
   * Name announced in `welcome`.
   * @default {"parley"}
   */
  serverName?: string;
  /** Password clients must send in `hello`; none when absent or empty. */
  password?: string;
  /**
   * Most users online at once; more are refused with `server_full`.
   * @default {1000}
   */
  maxClients?: number;
  /**
   * Largest message text, in UTF-8 bytes.
   * @default {8192}
   */
  maxTextBytes?: number;
  /**
   * Largest frame payload, in bytes (announced in `welcome`).
   * @default {1048576}
   */
  maxFrameBytes?: number;
  /**
   * Heartbeat interval announced in `welcome`, in ms.
   * @default {30000}
   */
  heartbeatMs?: number;
  /**
   * Log message bodies to `chat.log`.
   * @default {false}
   */
  logMessages?: boolean;
  /**
   * Clock, ms since the epoch; tests pass a fake.
   * @default {Date.now}
   */
  now?: () => number;
  /** Called synchronously after each join and leave (`serve --json` prints them). */
  onPresence?: (event: PresenceEvent) => void;
  /**
   * Largest voice or video recording, in bytes. The frame limit is
   * raised to fit one such recording as base64.
   * @default {2097152}
   */
  maxMediaBytes?: number;
  /** Where recordings are kept with history (the `--data` file); memory only when absent. */
  mediaArchive?: MediaArchive;
  /**
   * History, topics and bans. The hub does not close it; its owner does.
   * @default {a new in-memory store}
   */
  history?: HistoryStore;
  /**
   * Messages replayed when a user joins a room.
   * @default {50}
   */
  historyReplay?: number;
  /** Operator password for `/op`; no operators when absent or empty. */
  adminPassword?: string;
}

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
  /** Recent voice and video messages by id. */
  readonly media: MediaStore;
  /** History, topics and bans (the store itself; the hub uses it through `ChatHistory`). */
  readonly history: HistoryStore;
  /** Operators, mutes and bans. */
  readonly moderation: Moderation;
  /** Encoded member lists for `welcome` and `who`. */
  readonly roster: RosterCache = new RosterCache();
  /** Who gets in: version, password, probes, ghost takeover. */
  readonly admission: Admission;
  readonly #logMessages: boolean;
  readonly #now: () => number;
  readonly #onPresence: ((event: PresenceEvent) => void) | undefined;
  readonly #sessions = new Map<string, Session>();
  readonly #rooms = new Map<string, Room<Session>>();
  readonly #chatHistory: ChatHistory;
  readonly #commands: CommandDispatch;
  #nextSessionId = 1;

  /** @param options See {@linkcode HubOptions}. */
  constructor(options: HubOptions = {}) {
    this.serverName = options.serverName ?? "parley";
    this.maxClients = options.maxClients ?? 1000;
    const maxMediaBytes = options.maxMediaBytes ?? DEFAULT_MAX_MEDIA_BYTES;
    this.limits = {
      maxFrameBytes: Math.max(options.maxFrameBytes ?? 1_048_576, mediaFrameBytes(maxMediaBytes)),
      maxTextBytes: options.maxTextBytes ?? 8192,
      heartbeatMs: options.heartbeatMs ?? 30_000,
      maxMediaBytes,
    };
    this.#logMessages = options.logMessages ?? false;
    this.#now = options.now ?? Date.now;
    this.#onPresence = options.onPresence;
    this.history = options.history ?? new HistoryStore(":memory:");
    this.media = new MediaStore({ archive: options.mediaArchive });
    this.#chatHistory = new ChatHistory({
      store: this.history,
      media: this.media,
      replayCount: options.historyReplay ?? 50,
    });
    this.moderation = new Moderation({
      store: this.history,
      adminPassword: options.adminPassword,
      now: this.#now,
    });
    this.admission = new Admission(this, { password: options.password });
    this.#commands = new CommandDispatch(COMMANDS, { chat: this, history: this.#chatHistory });
    this.#rooms.set(nameKey(DEFAULT_ROOM), this.#newRoom(DEFAULT_ROOM));
  }

  /** Whether a password is required. */
  get requiresPassword(): boolean {
    return this.admission.requiresPassword;
  }

  /** Number of users online. */
  get size(): number {
    return this.#sessions.size;
  }

  /** Current time, ms since the epoch, from the hub's clock. */
  now(): number {
    return this.#now();
  }

  /** The command table, in `/help` order. */
  commands(): CommandSpec[] {
    return [...this.#commands.commands];
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
    return this.#sessions.get(nameKey(nick));
  }

  /**
   * Finds a room by name, case-insensitively.
   *
   * @param name Room name including `#`.
   */
  room(name: string): Room<Session> | undefined {
    return this.#rooms.get(nameKey(name));
  }

  /** All rooms. */
  rooms(): IterableIterator<Room<Session>> {
    return this.#rooms.values();
  }

  /**
   * Admits a client after its `hello` (see {@linkcode Admission.admit}).
   *
   * @param hello The client's first message.
   * @param peer The transport to send through.
   * @returns The new session.
   * @throws {ChatError} `bad_version`, `auth_failed`, `server_full`,
   *   `nick_invalid`, `nick_taken` or `banned`; the caller sends it and closes.
   */
  admit(hello: HelloMessage, peer: Peer): Session {
    return this.admission.admit(hello, peer);
  }

  /**
   * Registers a session under `nick` and puts it in `#lobby`: sends it the
   * `welcome` that `options.welcome` builds (with the member list filled in),
   * announces the join to the room and replays its history. Synchronous: the
   * nick is checked free and taken in the same call.
   *
   * @param nick A valid nick (admission checked it).
   * @param peer The transport.
   * @param options `welcome` builds the welcome for the new session and its
   *   room; `client` is the client's self-description, for the log.
   * @returns The new session.
   * @throws {ChatError} `nick_taken`.
   */
  register(
    nick: string,
    peer: Peer,
    options: {
      welcome: (session: Session, room: Room<Session>) => WelcomeMessage;
      client?: string;
    },
  ): Session {
    const key = nameKey(nick);
    if (this.#sessions.has(key)) {
      throw new ChatError("nick_taken", `Nick ${nick} is already in use`);
    }
    const session = new Session(this.#nextSessionId++, nick, key, peer, this.#now());
    this.#sessions.set(key, session);
    const lobby = this.#rooms.get(nameKey(DEFAULT_ROOM))!;
    lobby.add(session);
    this.roster.added(lobby, session);
    session.rooms.add(lobby);
    this.#sendWithUsers(session, options.welcome(session, lobby), lobby);
    // A presence notice, which members may write along with others.
    lobby.announce(
      encodeMessage({ type: "join", ts: this.#now(), room: lobby.name, nick }),
      session,
    );
    this.#chatHistory.replay(session, lobby, this.#chatHistory.replayCount);
    log.info("join {nick} from {address}", {
      nick,
      address: peer.remoteAddr,
      client: options.client,
    });
    this.#onPresence?.({ kind: "join", nick, address: peer.remoteAddr, online: this.size });
    return session;
  }

  /**
   * Handles one message from an admitted session. Refusals go back to the
   * sender as `error` with the message's `ref`; nothing here throws.
   *
   * @param session The sender.
   * @param message A validated client message (not `hello`).
   */
  receive(session: Session, message: ClientMessage): void {
    if (session.gone) return;
    try {
      switch (message.type) {
        case "msg":
          this.#chat(session, message);
          return;
        case "command": {
          const stamp = this.#commands.run(session, message);
          if (!session.gone) {
            const [id, ts] = stamp ?? [0, this.#now()];
            this.#chatHistory.ack(session, message.ref, id, ts);
          }
          return;
        }
        case "ping":
          session.send(encodeMessage({ type: "pong", token: message.token }));
          return;
        case "pong":
          return;
        case "media": {
          // The recording is already durable (see media_archive.ts): acknowledge at once.
          const [id, ts] = receiveMedia(this, session, message);
          this.sendAck(session, message.ref, id, ts);
          return;
        }
        case "fetch_media":
          fetchMedia(this, session, message);
          return;
        case "hello":
          throw new ChatError("bad_message", "Handshake already done");
      }
    } catch (error) {
      if (!(error instanceof ChatError)) throw error;
      this.sendError(session, error.code, error.message, refOf(message));
    }
  }

  /**
   * Removes a session: leaves its rooms (announcing it) and frees its nick.
   * Idempotent; every way out of a connection ends here.
   *
   * @param session The session.
   * @param reason Why, for the leave notices and the log.
   */
  disconnect(session: Session, reason: string): void {
    if (session.gone) return;
    // Reasons can quote client input (a malformed message): clean before broadcasting.
    reason = sanitizeText(reason).slice(0, 300);
    session.gone = true;
    this.admission.forget(session);
    this.#sessions.delete(session.key);
    const ts = this.#now();
    for (const room of session.rooms) {
      room.remove(session);
      room.announce(
        encodeMessage({
          type: "leave",
          ts,
          room: room.name,
          nick: session.nick,
          reason,
          code: leaveCode(reason),
        }),
      );
      this.#dropIfEmpty(room);
    }
    session.rooms.clear();
    log.info("leave {nick} ({address}): {reason}", {
      nick: session.nick,
      address: session.remoteAddr,
      reason,
    });
    this.#onPresence?.({
      kind: "leave",
      nick: session.nick,
      address: session.remoteAddr,
      reason,
      online: this.size,
    });
  }

  /**
   * Tells everyone the server is stopping and closes every session.
   * Later `hello`s are refused.
   *
   * @param reason Shown to users in the shutdown notice.
   */
  shutdown(reason: string): void {
    this.admission.stop();
    const frame = encodeMessage({ type: "shutdown", ts: this.#now(), reason });
    for (const session of [...this.#sessions.values()]) {
      session.send(frame);
      session.send(encodeMessage({ type: "bye", code: "shutdown", reason }));
      session.close(`server shutdown: ${reason}`);
    }
  }

  /**
   * Disconnects a user with a reason, telling them and their rooms.
   *
   * @param nick Who, case-insensitively.
   * @param reason Why; shown to everyone.
   * @param by Who kicked (`"server"` for the console).
   * @returns `false` if no such user is online.
   */
  kick(nick: string, reason: string, by: string): boolean {
    const session = this.find(nick);
    if (!session) return false;
    const why = sanitizeText(reason).slice(0, 200) || "no reason given";
    log.warn("kick {nick} ({address}) by {by}: {reason}", {
      nick: session.nick,
      address: session.remoteAddr,
      by,
      reason: why,
    });
    this.sendTo(session, {
      type: "notice",
      ts: this.#now(),
      text: `You were kicked by ${by}: ${why}`,
    });
    this.sendTo(session, { type: "bye", code: "kicked", reason: `Kicked by ${by}: ${why}` });
    session.close(`kicked by ${by}: ${why}`);
    return true;
  }

  /**
   * Sends a server notice to every user (operator `say`).
   *
   * @param text The notice; sanitized, newlines kept.
   */
  announce(text: string): void {
    const frame = encodeMessage({
      type: "notice",
      ts: this.#now(),
      text: sanitizeText(text, true),
    });
    for (const session of this.#sessions.values()) session.send(frame);
    log.info("server notice: {text}", { text });
  }

  // ------------------------------------------------------------ chat operations

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
    room.broadcast(encodeMessage(message), except);
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

  /**
   * Allocates the next message id and timestamp.
   *
   * @returns `[id, ts]`, with `ts` in ms since the epoch.
   */
  stamp(): [number, number] {
    return [this.#chatHistory.nextId(), this.#now()];
  }

  /**
   * Broadcasts a chat line or action to a room the sender is in.
   *
   * @param session The sender; it does not receive its own line (it gets the ack).
   * @param room Target room.
   * @param kind `"msg"` or `"action"`.
   * @param rawText Unsanitized text from the client.
   * @param echo Whether the sender gets the line too (fun commands show it to everyone).
   * @returns `[id, ts]` of the new message.
   * @throws {ChatError} `muted`, `text_too_long`, or `bad_arguments` for empty text.
   */
  say(
    session: Session,
    room: Room<Session>,
    kind: "msg" | "action",
    rawText: string,
    echo = false,
  ): [number, number] {
    this.moderation.checkCanSpeak(session);
    const text = this.#checkText(rawText);
    const [id, ts] = this.stamp();
    room.broadcast(
      encodeMessage(
        { type: kind, id, ts, room: room.name, from: session.nick, text } as
          | ChatMessage
          | ActionMessage,
      ),
      echo ? undefined : session,
    );
    this.#chatHistory.append({ id, ts, kind, room: room.name, from: session.nick, text });
    if (this.#logMessages) {
      log.info("{kind} {id} {room} <{nick}> {text}", {
        kind,
        id,
        room: room.name,
        nick: session.nick,
        text,
      });
    }
    return [id, ts];
  }

  /**
   * Sends a private message.
   *
   * @param session The sender.
   * @param to Target nick.
   * @param rawText Unsanitized text.
   * @returns `[id, ts]` of the message.
   * @throws {ChatError} `no_such_nick`, `text_too_long`, `bad_arguments`.
   */
  privateMessage(session: Session, to: string, rawText: string): [number, number] {
    const target = this.find(to);
    if (!target) throw new ChatError("no_such_nick", `No user is called ${sanitizeText(to)}`);
    this.moderation.checkCanSpeak(session);
    const text = this.#checkText(rawText);
    const [id, ts] = this.stamp();
    target.send(
      encodeMessage({ type: "privmsg", id, ts, from: session.nick, to: target.nick, text }),
    );
    this.#chatHistory.append({
      id,
      ts,
      kind: "privmsg",
      from: session.nick,
      to: target.nick,
      text,
    });
    if (this.#logMessages) {
      log.info("privmsg {id} <{nick}> -> {to} {text}", {
        id,
        nick: session.nick,
        to: target.nick,
        text,
      });
    }
    return [id, ts];
  }

  /**
   * Changes a session's nick and tells everyone who shares a room with it.
   *
   * @param session The user.
   * @param nick The new nick.
   * @throws {ChatError} `nick_invalid` or `nick_taken`.
   */
  rename(session: Session, nick: string): void {
    const invalid = validateNick(nick);
    if (invalid) throw new ChatError("nick_invalid", invalid);
    const key = nameKey(nick);
    const holder = this.#sessions.get(key);
    if (holder && holder !== session) {
      throw new ChatError("nick_taken", `Nick ${nick} is already in use`);
    }
    const old = session.nick;
    this.#sessions.delete(session.key);
    session.nick = nick;
    session.key = key;
    this.roster.changed(session);
    this.#sessions.set(key, session);
    const frame = encodeMessage({ type: "nick", ts: this.#now(), old, nick });
    session.send(frame);
    for (const peer of this.neighbours(session)) peer.send(frame);
    log.info("nick {old} -> {nick} ({address})", { old, nick, address: session.remoteAddr });
  }

  /**
   * Everyone who shares at least one room with `session`, without `session`.
   *
   * @param session The user.
   */
  neighbours(session: Session): Set<Session> {
    const seen = new Set<Session>();
    for (const room of session.rooms) {
      for (const member of room.members()) if (member !== session) seen.add(member);
    }
    return seen;
  }

  /**
   * Puts a session in a room, creating the room on first join, and announces it
   * to every member (the joiner included), then sends the joiner the member list.
   *
   * @param session The user.
   * @param name Room name including `#`.
   * @returns The room.
   * @throws {ChatError} `room_invalid` for a bad name.
   */
  joinRoom(session: Session, name: string): Room<Session> {
    const invalid = validateRoomName(name);
    if (invalid) throw new ChatError("room_invalid", invalid);
    const key = nameKey(name);
    let room = this.#rooms.get(key);
    if (!room) {
      room = this.#newRoom(name);
      this.#rooms.set(key, room);
    }
    if (room.has(session)) {
      this.sendTo(session, { type: "who", room: room.name, users: this.users(room) });
      return room;
    }
    room.add(session);
    this.roster.added(room, session);
    session.rooms.add(room);
    room.broadcast(
      encodeMessage({ type: "join", ts: this.#now(), room: room.name, nick: session.nick }),
    );
    this.#sendWithUsers(session, { type: "who", room: room.name, users: [] }, room);
    if (room.topic) {
      this.sendTo(session, {
        type: "topic",
        ts: this.#now(),
        room: room.name,
        topic: room.topic,
        by: room.topicBy,
      });
    }
    this.#chatHistory.replay(session, room, this.#chatHistory.replayCount);
    log.info("{nick} joined {room}", { nick: session.nick, room: room.name });
    return room;
  }

  /**
   * Takes a session out of a room and announces it to the members and the leaver.
   *
   * @param session The user.
   * @param room The room.
   * @param reason Shown in the leave notice.
   * @throws {ChatError} `not_in_room`, or `bad_arguments` for the last room.
   */
  partRoom(session: Session, room: Room<Session>, reason: string): void {
    if (!room.has(session)) throw new ChatError("not_in_room", `You are not in ${room.name}`);
    if (session.rooms.size === 1) {
      throw new ChatError(
        "bad_arguments",
        `${room.name} is your only room; use /quit to leave the server`,
      );
    }
    const frame = encodeMessage({
      type: "leave",
      ts: this.#now(),
      room: room.name,
      nick: session.nick,
      reason,
      code: "part",
    });
    room.broadcast(frame);
    room.remove(session);
    session.rooms.delete(room);
    this.#dropIfEmpty(room);
    log.info("{nick} left {room}: {reason}", { nick: session.nick, room: room.name, reason });
  }

  /**
   * The member list of a room, as sent in `welcome` and `who`.
   *
   * @param room The room.
   */
  users(room: Room<Session>): UserInfo[] {
    const users: UserInfo[] = [];
    for (const member of room.members()) {
      users.push(
        member.away === undefined ? { nick: member.nick } : {
          nick: member.nick,
          away: member.away,
        },
      );
    }
    return users;
  }

  /**
   * Resolves the room a message names, which the sender must be in.
   *
   * @param session The sender.
   * @param name Room name, or `undefined` for `#lobby`.
   * @throws {ChatError} `not_in_room`.
   */
  roomOf(session: Session, name: string | undefined): Room<Session> {
    const room = this.#rooms.get(nameKey(name ?? DEFAULT_ROOM));
    if (!room || !room.has(session)) {
      throw new ChatError("not_in_room", `You are not in ${sanitizeText(name ?? DEFAULT_ROOM)}`);
    }
    return room;
  }

  /**
   * Sends `welcome` or `who` with the room's member list from the roster
   * cache: as parts (the list itself not copied) when the transport takes
   * them, else as one encoded frame.
   */
  #sendWithUsers(
    session: Session,
    message: WelcomeMessage | WhoMessage,
    room: Room<Session>,
  ): void {
    const peer = session.peer;
    if (peer.sendParts === undefined) {
      session.send(encodeWithRawField(message, "users", this.roster.json(room)));
      return;
    }
    const list = this.roster.openList(room);
    const [head, tail] = frameAroundField(message, "users", list.length, "]");
    peer.sendParts([head, list, tail]);
  }

  #chat(session: Session, message: SendMessage): void {
    const room = this.roomOf(session, message.room);
    const [id, ts] = this.say(session, room, "msg", message.text);
    this.#chatHistory.ack(session, message.ref, id, ts);
  }

  /**
   * Sets a room's topic, stores it, and tells the room.
   *
   * @param session Who sets it.
   * @param room The room.
   * @param rawTopic Unsanitized topic; empty clears it.
   * @throws {ChatError} `muted`.
   */
  setTopic(session: Session, room: Room<Session>, rawTopic: string): void {
    this.moderation.checkCanSpeak(session);
    const ts = this.#now();
    room.topic = sanitizeText(rawTopic).slice(0, 300);
    room.topicBy = session.nick;
    this.#chatHistory.setTopic({ room: room.name, topic: room.topic, by: session.nick, ts });
    this.broadcastTo(room, {
      type: "topic",
      ts,
      room: room.name,
      topic: room.topic,
      by: room.topicBy,
    });
    log.info("topic of {room} set by {nick}", { room: room.name, nick: session.nick });
  }

  /**
   * Marks a user away (or back) and tells them and everyone sharing a room with them.
   *
   * @param session The user.
   * @param message Unsanitized away message (at most {@linkcode MAX_AWAY_LENGTH}
   *   characters kept; `"away"` when empty), or `undefined` for back.
   * @returns Whether anything changed.
   */
  setAway(session: Session, message: string | undefined): boolean {
    const away = message === undefined
      ? undefined
      : sanitizeText(message).slice(0, MAX_AWAY_LENGTH) || "away";
    if (session.away === away) return false;
    session.away = away;
    this.roster.changed(session);
    const frame = encodeMessage(
      away === undefined
        ? { type: "away", ts: this.#now(), nick: session.nick }
        : { type: "away", ts: this.#now(), nick: session.nick, away },
    );
    session.send(frame);
    for (const peer of this.neighbours(session)) peer.send(frame);
    return true;
  }

  #newRoom(name: string): Room<Session> {
    const room = new Room<Session>(name);
    const stored = this.#chatHistory.topic(name);
    if (stored && stored.topic) {
      room.topic = stored.topic;
      room.topicBy = stored.by;
    }
    return room;
  }

  #checkText(rawText: string): string {
    if (utf8Length(rawText) > this.limits.maxTextBytes) {
      throw new ChatError(
        "text_too_long",
        `Message is longer than ${this.limits.maxTextBytes} bytes`,
      );
    }
    const text = sanitizeText(rawText, true);
    if (text.trim() === "") throw new ChatError("bad_arguments", "Message is empty");
    return text;
  }

  #dropIfEmpty(room: Room<Session>): void {
    if (room.size === 0 && room.name !== DEFAULT_ROOM) this.#rooms.delete(nameKey(room.name));
  }
}

function refOf(message: ClientMessage): number | undefined {
  return "ref" in message ? message.ref : undefined;
}

/**
 * The `leave` code for a close reason. The reasons are composed by the server
 * itself (`close(reason)` callers), so their fixed prefixes are reliable; user
 * text only ever follows the prefix.
 */
function leaveCode(reason: string): LeaveCode {
  if (reason === "quit" || reason.startsWith("quit: ")) return "quit";
  if (reason.startsWith("kicked by ")) return "kicked";
  if (reason === "reconnected") return "replaced";
  if (reason.startsWith("server shutdown")) return "shutdown";
  if (reason.startsWith("heartbeat timeout")) return "timeout";
  if (reason.startsWith("slow consumer")) return "slow_consumer";
  if (reason.startsWith("rate_limited")) return "rate_limited";
  return "disconnected";
}
