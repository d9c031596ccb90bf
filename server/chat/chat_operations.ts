/**
 * The chat operations that command handlers and the media handler call: the
 * nick registry's look-ups, rooms, and the synchronous chat acts (say, private
 * message, rename, join, part, topic, away, kick). The `Hub` implements it;
 * handlers see this interface rather than the hub, so that they cannot reach
 * admission, shutdown or storage, and so that no handler module imports the hub.
 *
 * @module
 */

import type { ServerLimits, ServerMessage, UserInfo } from "../../protocol/messages.ts";
import type { MediaStore } from "../media/media_store.ts";
import type { ClusterChat } from "./cluster_chat.ts";
import type { Moderation } from "./moderation.ts";
import type { NickOwnership } from "./nick_ownership.ts";
import type { RoomAccess } from "./room_access.ts";
import type { Room } from "./room.ts";
import type { Session } from "./session.ts";

/** What the chat offers to the code that handles one client's request. */
export interface ChatOperations {
  /** Limits announced in `welcome`. */
  readonly limits: ServerLimits;
  /** Operators, mutes and bans. */
  readonly moderation: Moderation;
  /** This node's part in a cluster; `undefined` on a single server. */
  readonly cluster?: ClusterChat;
  /** Recent voice and video messages by token. */
  readonly media: MediaStore;
  /** Nicks registered to identity keys. */
  readonly nicks: NickOwnership;
  /** Invite-only rooms and invitations. */
  readonly access: RoomAccess;
  /** Current time, ms since the epoch, from the chat's clock. */
  now(): number;
  /**
   * Finds a session by nick, case-insensitively.
   *
   * @param nick A nick.
   * @returns The session, or `undefined`.
   */
  find(nick: string): Session | undefined;
  /**
   * Finds a room by name, case-insensitively.
   *
   * @param name Room name including `#`.
   */
  room(name: string): Room<Session> | undefined;
  /** All rooms. */
  rooms(): IterableIterator<Room<Session>>;
  /** All sessions, in join order. */
  sessions(): IterableIterator<Session>;
  /**
   * Resolves the room a message names, which the sender must be in.
   *
   * @param session The sender.
   * @param name Room name, or `undefined` for `#lobby`.
   * @throws {ChatError} `not_in_room`.
   */
  roomOf(session: Session, name: string | undefined): Room<Session>;
  /**
   * The member list of a room, as sent in `welcome` and `who`.
   *
   * @param room The room.
   */
  users(room: Room<Session>): UserInfo[];
  /**
   * Allocates the next message id and timestamp.
   *
   * @returns `[id, ts]`, with `ts` in ms since the epoch.
   */
  stamp(): [number, number];
  /**
   * Sends a message to one session.
   *
   * @param session Recipient.
   * @param message Any server message.
   */
  sendTo(session: Session, message: ServerMessage): void;
  /**
   * Encodes a message once and sends it to every member of a room.
   *
   * @param room The room.
   * @param message Any server message.
   * @param except A member to skip.
   */
  broadcastTo(room: Room<Session>, message: ServerMessage, except?: Session): void;
  /**
   * Broadcasts a chat line or action to a room the sender is in.
   *
   * @param session The sender.
   * @param room Target room.
   * @param kind `"msg"` or `"action"`.
   * @param rawText Unsanitized text from the client.
   * @param echo Whether the sender gets the line too.
   * @returns `[id, ts]` of the new message.
   * @throws {ChatError} `muted`, `text_too_long` or `bad_arguments`.
   */
  say(
    session: Session,
    room: Room<Session>,
    kind: "msg" | "action",
    rawText: string,
    echo?: boolean,
  ): [number, number];
  /**
   * Sends a private message.
   *
   * @param session The sender.
   * @param to Target nick.
   * @param rawText Unsanitized text.
   * @returns `[id, ts]` of the message.
   * @throws {ChatError} `no_such_nick`, `muted`, `text_too_long`, `bad_arguments`.
   */
  privateMessage(session: Session, to: string, rawText: string): [number, number];
  /**
   * Changes a session's nick.
   *
   * @param session The user.
   * @param nick The new nick.
   * @throws {ChatError} `nick_invalid` or `nick_taken`.
   */
  rename(session: Session, nick: string): void;
  /**
   * Puts a session in a room, creating the room on first join.
   *
   * @param session The user.
   * @param name Room name including `#`.
   * @param ref The `ref` of the `/join`, for the replies to the joiner.
   * @returns The room.
   * @throws {ChatError} `room_invalid`.
   */
  joinRoom(session: Session, name: string, ref?: number): Room<Session>;
  /**
   * Takes a session out of a room.
   *
   * @param session The user.
   * @param room The room.
   * @param reason Shown in the leave notice.
   * @throws {ChatError} `not_in_room`, or `bad_arguments` for the last room.
   */
  partRoom(session: Session, room: Room<Session>, reason: string): void;
  /** Members of a room, on every node of a cluster. */
  memberCount(room: Room<Session>): number;
  /**
   * Sets a room's topic, stores it, and tells the room.
   *
   * @param session Who sets it.
   * @param room The room.
   * @param rawTopic Unsanitized topic; empty clears it.
   * @throws {ChatError} `muted`.
   */
  setTopic(session: Session, room: Room<Session>, rawTopic: string): void;
  /**
   * Marks a user away (or back) and tells them and everyone sharing a room.
   *
   * @param session The user.
   * @param message Unsanitized away message, or `undefined` for back.
   * @returns Whether anything changed.
   */
  setAway(session: Session, message: string | undefined): boolean;
  /**
   * Disconnects a user with a reason, telling them and their rooms.
   *
   * @param nick Who, case-insensitively.
   * @param reason Why; shown to everyone.
   * @param by Who kicked (`"server"` for the console).
   * @returns `false` if no such user is online.
   */
  kick(nick: string, reason: string, by: string): boolean;
}
