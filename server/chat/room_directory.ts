/**
 * The hub's rooms by name, and room membership: join, part, the member list,
 * and the topic. Like the hub that owns it, every method changes state
 * synchronously, with no `await` between a check and the change it guards.
 *
 * @module
 */

import type { ServerMetrics } from "../metrics.ts";
import { getLogger } from "../log.ts";
import {
  DEFAULT_ROOM,
  encodeMessage,
  type UserInfo,
  type WelcomeMessage,
  type WhoMessage,
} from "../../protocol/messages.ts";
import { nameKey, validateRoomName } from "../../protocol/names.ts";
import { sanitizeText } from "../../protocol/sanitize.ts";
import { encodeWithRawField, frameAroundField } from "../../protocol/encode_with_raw_field.ts";
import { ChatError } from "./chat_error.ts";
import { AddressRate } from "../guards/address_rate.ts";
import { MAX_REASON_CHARS } from "../../protocol/field_limits.ts";
import { logText } from "../log_text.ts";
import type { ChatHistory } from "./chat_history.ts";
import type { Moderation } from "./moderation.ts";
import type { RoomAccess } from "./room_access.ts";
import { Room } from "./room.ts";
import type { RosterCache } from "./roster_cache.ts";
import type { Session } from "./session.ts";

const log = getLogger(["parley", "server"]);

/** What {@linkcode RoomDirectory} uses of the hub around it. */
export interface RoomDirectoryOptions {
  /** Clock, ms since the epoch. */
  now: () => number;
  /** Encoded member lists, kept up to date on join. */
  roster: RosterCache;
  /** Stored topics and history replay. */
  history: ChatHistory;
  /** Who may speak (setting a topic counts). */
  moderation: Moderation;
  /**
   * Most rooms on the server, `#lobby` included; a join that would create
   * one more is refused with `too_many_rooms`.
   * @default {1000}
   */
  maxRooms?: number;
  /**
   * Most rooms one user is in at once, `#lobby` included.
   * @default {20}
   */
  maxRoomsPerUser?: number;
  /**
   * Rooms one address may create per minute, sustained; it may create
   * `maxRoomsPerUser` at once.
   * @default {30}
   */
  roomCreatesPerMinute?: number;
  /** Who may join invite-only rooms. */
  access: RoomAccess;
  /** Counts deliveries of every room's fanout. */
  metrics?: ServerMetrics;
  /** A room's members on other nodes of a cluster, listed before the local ones. */
  remote?: (room: Room<Session>) => UserInfo[];
}

/** Default of {@linkcode RoomDirectoryOptions.maxRooms}. */
export const DEFAULT_MAX_ROOMS = 1000;
/** Default of {@linkcode RoomDirectoryOptions.maxRoomsPerUser}. */
export const DEFAULT_MAX_ROOMS_PER_USER = 20;
/** Default of {@linkcode RoomDirectoryOptions.roomCreatesPerMinute}. */
export const DEFAULT_ROOM_CREATES_PER_MINUTE = 30;

/**
 * Rooms by case-insensitive name. `#lobby` always exists; other rooms are
 * created on first join and dropped when their last member leaves.
 *
 * @example
 * ```ts ignore
 * const rooms = new RoomDirectory({ now: Date.now, roster, history, moderation });
 * rooms.get("#lobby")?.name; // "#lobby"
 * ```
 */
export class RoomDirectory {
  readonly #rooms = new Map<string, Room<Session>>();
  readonly #now: () => number;
  readonly #roster: RosterCache;
  readonly #history: ChatHistory;
  readonly #moderation: Moderation;
  readonly #maxRooms: number;
  readonly #maxRoomsPerUser: number;
  readonly #creates: AddressRate;
  readonly #access: RoomAccess;
  readonly #metrics: ServerMetrics | undefined;
  readonly #remote: RoomDirectoryOptions["remote"];

  /**
   * @param options See {@linkcode RoomDirectoryOptions}.
   * @throws {RangeError} If a limit is not a positive integer.
   */
  constructor(options: RoomDirectoryOptions) {
    this.#now = options.now;
    this.#roster = options.roster;
    this.#history = options.history;
    this.#moderation = options.moderation;
    this.#maxRooms = positive("maxRooms", options.maxRooms ?? DEFAULT_MAX_ROOMS);
    this.#maxRoomsPerUser = positive(
      "maxRoomsPerUser",
      options.maxRoomsPerUser ?? DEFAULT_MAX_ROOMS_PER_USER,
    );
    this.#creates = new AddressRate({
      perMinute: positive(
        "roomCreatesPerMinute",
        options.roomCreatesPerMinute ?? DEFAULT_ROOM_CREATES_PER_MINUTE,
      ),
      burst: this.#maxRoomsPerUser,
    });
    this.#access = options.access;
    this.#metrics = options.metrics;
    this.#remote = options.remote;
    this.#rooms.set(nameKey(DEFAULT_ROOM), this.#newRoom(DEFAULT_ROOM));
  }

  /**
   * Finds a room by name, case-insensitively.
   *
   * @param name Room name including `#`.
   * @returns The room, or `undefined`.
   */
  get(name: string): Room<Session> | undefined {
    return this.#rooms.get(nameKey(name));
  }

  /** All rooms. */
  values(): IterableIterator<Room<Session>> {
    return this.#rooms.values();
  }

  /** The room every user is in after the handshake. */
  lobby(): Room<Session> {
    return this.#rooms.get(nameKey(DEFAULT_ROOM))!;
  }

  /**
   * Puts a session in a room, creating the room on first join, and announces it
   * to every member (the joiner included), then sends the joiner the member list.
   *
   * @param session The user.
   * @param name Room name including `#`.
   * @param ref The `ref` of the `/join`, carried by the replies to the joiner
   *   (`who`, `topic`, replayed history); the `join` broadcast has none.
   * @returns The room.
   * @throws {ChatError} `room_invalid` for a bad name; `too_many_rooms` when
   *   the user is in `maxRoomsPerUser` rooms, or creating the room would pass
   *   `maxRooms` or the address's creation rate.
   */
  join(session: Session, name: string, ref?: number): Room<Session> {
    const invalid = validateRoomName(name);
    if (invalid) throw new ChatError("room_invalid", invalid);
    const key = nameKey(name);
    let room = this.#rooms.get(key);
    if (!room?.has(session)) {
      if (session.rooms.size >= this.#maxRoomsPerUser) {
        throw new ChatError(
          "too_many_rooms",
          `You are in ${session.rooms.size} rooms, the most allowed; /part one first`,
        );
      }
      this.#access.checkJoin(session, room?.name ?? name);
    }
    if (!room) {
      if (this.#rooms.size >= this.#maxRooms) {
        throw new ChatError(
          "too_many_rooms",
          `This server has ${this.#rooms.size} rooms, the most allowed; join an existing one`,
        );
      }
      if (!this.#creates.take(session.remoteAddr, this.#now())) {
        throw new ChatError(
          "too_many_rooms",
          "You are creating rooms too fast; try again in a minute",
        );
      }
      room = this.#newRoom(name);
      this.#rooms.set(key, room);
      this.#access.created(session, room);
    }
    const withRef = ref === undefined ? {} : { ref };
    if (room.has(session)) {
      session.send(
        encodeMessage({ type: "who", room: room.name, users: this.users(room), ...withRef }),
      );
      return room;
    }
    room.add(session);
    this.#roster.added(room, session);
    session.rooms.add(room);
    room.broadcast(
      encodeMessage({ type: "join", ts: this.#now(), room: room.name, nick: session.nick }),
    );
    this.sendWithUsers(session, { type: "who", room: room.name, users: [], ...withRef }, room);
    this.sendTopic(session, room, ref);
    this.#history.replay(session, room, this.#history.replayCount, { ref });
    // `address` is not printed; it lets the log budget events per address.
    log.info("{nick} joined {room}", {
      nick: session.nick,
      room: room.name,
      address: session.remoteAddr,
    });
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
  part(session: Session, room: Room<Session>, reason: string): void {
    if (!room.has(session)) throw new ChatError("not_in_room", `You are not in ${room.name}`);
    // The reason quotes the user: clean and cap it whatever the caller did.
    reason = sanitizeText(reason).slice(0, MAX_REASON_CHARS + "part: ".length);
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
    this.dropIfEmpty(room);
    log.info("{nick} left {room}: {reason}", {
      nick: session.nick,
      room: room.name,
      reason: logText(reason),
      address: session.remoteAddr,
    });
  }

  /**
   * The member list of a room, as sent in `welcome` and `who`.
   *
   * @param room The room.
   * @returns One entry per member, in join order.
   */
  users(room: Room<Session>): UserInfo[] {
    // Members on other nodes first, as the roster cache lists them.
    const users: UserInfo[] = this.#remote ? this.#remote(room) : [];
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
   * @returns The room.
   * @throws {ChatError} `room_invalid` for a name that breaks the room rules
   *   (`"lobby"` without `#`), `not_in_room` when the sender is not in it.
   */
  roomOf(session: Session, name: string | undefined): Room<Session> {
    const room = this.#rooms.get(nameKey(name ?? DEFAULT_ROOM));
    if (!room && name !== undefined) {
      const invalid = validateRoomName(name);
      if (invalid) throw new ChatError("room_invalid", invalid);
    }
    if (!room || !room.has(session)) {
      throw new ChatError("not_in_room", `You are not in ${sanitizeText(name ?? DEFAULT_ROOM)}`);
    }
    return room;
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
    this.#moderation.checkCanSpeak(session);
    const ts = this.#now();
    room.topic = sanitizeText(rawTopic).slice(0, 300);
    room.topicBy = session.nick;
    this.#history.setTopic({ room: room.name, topic: room.topic, by: session.nick, ts });
    room.broadcast(encodeMessage({
      type: "topic",
      ts,
      room: room.name,
      topic: room.topic,
      by: room.topicBy,
    }));
    log.info("topic of {room} set by {nick}", {
      room: room.name,
      nick: session.nick,
      address: session.remoteAddr,
    });
  }

  /**
   * Sends `welcome` or `who` with the room's member list from the roster
   * cache: as parts (the list itself not copied) when the transport takes
   * them, else as one encoded frame.
   *
   * @param session Recipient.
   * @param message The message; its `users` field is replaced by the room's list.
   * @param room The room whose members are listed.
   */
  sendWithUsers(
    session: Session,
    message: WelcomeMessage | WhoMessage,
    room: Room<Session>,
  ): void {
    const peer = session.peer;
    if (peer.sendParts === undefined) {
      session.send(encodeWithRawField(message, "users", this.#roster.json(room)));
      return;
    }
    const list = this.#roster.openList(room);
    const [head, tail] = frameAroundField(message, "users", list.length, "]");
    Room.beforeSendTo(session);
    peer.sendParts([head, list, tail]);
  }

  /**
   * Sends a room's topic to one member, if the room has one (on joining it,
   * the lobby included).
   *
   * @param session The member.
   * @param room The room.
   * @param ref The `ref` of the `/join` it answers, if any.
   */
  sendTopic(session: Session, room: Room<Session>, ref?: number): void {
    if (!room.topic) return;
    session.send(encodeMessage({
      type: "topic",
      ts: this.#now(),
      room: room.name,
      topic: room.topic,
      by: room.topicBy,
      ...(ref === undefined ? {} : { ref }),
    }));
  }

  /**
   * Forgets a room once its last member has left; `#lobby` is kept.
   *
   * @param room The room.
   */
  dropIfEmpty(room: Room<Session>): void {
    if (room.size === 0 && room.name !== DEFAULT_ROOM) {
      this.#rooms.delete(nameKey(room.name));
      // Its member list is weakly held and goes with the room; free its ring too.
      this.#history.releaseRoom(room.name);
      this.#access.dropped(room);
    }
  }

  #newRoom(name: string): Room<Session> {
    const room = new Room<Session>(name, this.#metrics);
    const stored = this.#history.topic(name);
    if (stored && stored.topic) {
      room.topic = stored.topic;
      room.topicBy = stored.by;
    }
    return room;
  }
}

function positive(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new RangeError(`Cannot create rooms: ${name} must be a positive integer, got ${value}`);
  }
  return value;
}
