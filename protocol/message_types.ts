/**
 * Parley protocol message types: the discriminated unions of client-to-server
 * and server-to-client messages, their field types and the protocol constants.
 * `protocol/README.md` is the normative description of every field.
 *
 * @module
 */

import type { ChallengeMessage, ProveMessage } from "./identity_messages.ts";
import type {
  FetchMediaMessage,
  MediaDataMessage,
  MediaNotice,
  MediaUpload,
} from "./media_messages.ts";
import type { SearchResultsMessage } from "./search_messages.ts";

export type { ChallengeMessage, ProveMessage } from "./identity_messages.ts";
export type {
  FetchMediaMessage,
  MediaDataMessage,
  MediaKind,
  MediaNotice,
  MediaUpload,
} from "./media_messages.ts";
export type { SearchHit, SearchResultsMessage } from "./search_messages.ts";

/**
 * The protocol version this code speaks; sent in `hello` and `welcome`.
 * Version 2 added the identity exchange (`hello.key`, `challenge`, `prove`)
 * and names recordings by token in `fetch_media`.
 */
export const PROTOCOL_VERSION = 2;

/** The oldest version a server still admits (as a guest). */
export const MIN_PROTOCOL_VERSION = 1;

/** The room every user is in after the handshake. */
export const DEFAULT_ROOM = "#lobby";

/** Machine-readable error codes carried by `error` messages. */
export const ERROR_CODES = [
  "bad_version",
  "bad_frame",
  "bad_message",
  "handshake_required",
  "handshake_timeout",
  "nick_taken",
  "nick_registered",
  "nick_invalid",
  "auth_failed",
  "locked_out",
  "server_full",
  "too_many_connections",
  "banned",
  "frame_too_large",
  "text_too_long",
  "rate_limited",
  "unknown_command",
  "bad_arguments",
  "no_such_nick",
  "no_such_room",
  "not_in_room",
  "room_invalid",
  "forbidden",
  "muted",
  "internal",
  "media_too_large",
  "media_invalid",
  "no_such_media",
  "not_invited",
  "too_many_rooms",
  "unavailable",
] as const;

/** One of {@linkcode ERROR_CODES}. */
export type ErrorCode = typeof ERROR_CODES[number];

/** A user as listed in `welcome` and `who`. */
export interface UserInfo {
  /** The user's nick, as they chose its case. */
  nick: string;
  /** Away message, present only while the user is away. */
  away?: string;
}

/** A room as listed in `welcome` and `rooms`. */
export interface RoomInfo {
  /** Room name, `#` followed by 1–32 characters. */
  name: string;
  /** Number of members. */
  members: number;
  /** Topic, empty when none is set. */
  topic: string;
}

/** Limits the server enforces, announced in `welcome`. */
export interface ServerLimits {
  /** Largest frame payload accepted, in bytes. */
  maxFrameBytes: number;
  /** Largest `text` accepted in a message, in UTF-8 bytes. */
  maxTextBytes: number;
  /** Interval at which the server expects traffic, in ms; idle peers are pinged. */
  heartbeatMs: number;
  /** Largest decoded media payload accepted in a `media` message, in bytes. */
  maxMediaBytes?: number;
  /**
   * Sustained messages per second a client may send (flood control); absent
   * from older servers, which enforce the default, 10.
   */
  floodRate?: number;
  /** Messages a client may send at once above `floodRate`; default 60. */
  floodBurst?: number;
  /** Sustained bytes per second a client may send, frame headers included; default 65536. */
  floodBytesRate?: number;
  /**
   * Bytes a client may send at once, frame headers included; default the
   * larger of 1048576 and `maxFrameBytes + 4`.
   */
  floodBytesBurst?: number;
}

/** A chat command as listed by `help`. */
export interface CommandInfo {
  /** Command name without the slash, e.g. `"msg"`. */
  name: string;
  /** Usage line, e.g. `"/msg NICK TEXT"`. */
  usage: string;
  /** One sentence of help. */
  help: string;
}

// ---------------------------------------------------------------- client → server

/** First frame a client sends: version, identity and credentials. */
export interface HelloMessage {
  type: "hello";
  /** Protocol version the client speaks: 1 or 2 (identity needs 2). */
  version: number;
  /** Requested nick (1–32 characters, see `validateNick`). */
  nick: string;
  /** Server password, when the server has one. */
  password?: string;
  /** Free-form client name and version, for logs. */
  client?: string;
  /** When true the server answers `welcome` and closes: a health probe that joins nothing. */
  probe?: boolean;
  /**
   * Resume token from an earlier `welcome`: if the nick is still held
   * by that earlier session (a ghost whose connection dropped), the server
   * closes the ghost and gives the nick to this connection at once.
   */
  resume?: string;
  /**
   * The client's raw Ed25519 public key, standard padded base64: the server
   * answers `challenge`, and the client proves it holds the key with `prove`.
   * Absent for a guest.
   */
  key?: string;
}

/** A chat line for a room. */
export interface SendMessage {
  type: "msg";
  /** Client-chosen reference echoed in the `ack` or `error`; a non-negative integer. */
  ref: number;
  /** Target room; defaults to `#lobby`. */
  room?: string;
  /** Message text, at most `limits.maxTextBytes` UTF-8 bytes; may contain newlines. */
  text: string;
}

/** A slash command, e.g. `/msg bob hi` is `{name: "msg", args: "bob hi"}`. */
export interface CommandMessage {
  type: "command";
  /** Client-chosen reference echoed in the `ack` or `error`. */
  ref: number;
  /** The room the command applies to (the client's active room); defaults to `#lobby`. */
  room?: string;
  /** Command name without the slash, lower case. */
  name: string;
  /** The rest of the line after the name, trimmed; may be empty. */
  args: string;
}

/** Heartbeat request; the peer answers `pong` with the same token. Valid in both directions. */
export interface PingMessage {
  type: "ping";
  /** Opaque value echoed by the `pong`. */
  token?: number;
}

/** Heartbeat answer. Valid in both directions. */
export interface PongMessage {
  type: "pong";
  /** The token of the `ping` being answered. */
  token?: number;
}

/** Any message a client may send. */
export type ClientMessage =
  | HelloMessage
  | SendMessage
  | CommandMessage
  | PingMessage
  | PongMessage
  | MediaUpload
  | FetchMediaMessage
  | ProveMessage;

// ---------------------------------------------------------------- server → client

/** Successful handshake. */
export interface WelcomeMessage {
  type: "welcome";
  /** Protocol version of this connection: the client's, up to the server's. */
  version: number;
  /** Server name chosen by the operator. */
  server: string;
  /** Server software and version, e.g. `"parley/0.1.0"`. */
  software: string;
  /** The nick the server registered (case as requested). */
  nick: string;
  /** The room the client was placed in. */
  room: string;
  /** Users in that room, the new user included. */
  users: UserInfo[];
  /** Total users online across rooms. */
  online: number;
  /** Limits the server enforces. */
  limits: ServerLimits;
  /**
   * Resume token: random and unguessable, new for every welcome. A
   * client that reconnects sends it as `hello.resume` to take its nick back
   * from its own ghost. Absent in probe welcomes.
   */
  resume?: string;
  /** Fingerprint (`SHA256:...`) of the key the client proved. */
  identity?: string;
  /** `true` when a version 2 client sent no key: the server knows it as a guest. */
  guest?: boolean;
  /**
   * The node of a cluster this connection is served by (`serve --cluster`);
   * absent on a single server.
   */
  node?: string;
  /** The cluster's name when the server is a node of one (absent on a single server). */
  cluster?: string;
}

/** Acknowledges a `msg` or `command` by `ref`; for messages it carries the assigned id and time. */
export interface AckMessage {
  type: "ack";
  /** The `ref` of the client message. */
  ref: number;
  /** Server-assigned message id (positive, increasing); 0 for commands that made no message. */
  id: number;
  /** Server time of the message, ms since the Unix epoch. */
  ts: number;
}

/** A typed failure; `ref` is present when it answers a specific client message. */
export interface ErrorMessage {
  type: "error";
  code: ErrorCode;
  /** Human-readable sentence. */
  message: string;
  ref?: number;
}

/** A chat line delivered to room members. */
export interface ChatMessage {
  type: "msg";
  id: number;
  ts: number;
  room: string;
  from: string;
  text: string;
  /** `true` on messages replayed from history (on join or `/history`); absent on live ones. */
  history?: boolean;
  /** The request it answers: the `ref` of the `/history` or `/join` whose replay this is; absent on live messages. */
  ref?: number;
}

/** A private message; delivered to `to`, acknowledged to `from`. */
export interface PrivateMessage {
  type: "privmsg";
  id: number;
  ts: number;
  from: string;
  to: string;
  text: string;
  /** `true` on messages replayed from history (on join or `/history`); absent on live ones. */
  history?: boolean;
  /** The request it answers: the `ref` of the `/history` or `/join` whose replay this is; absent on live messages. */
  ref?: number;
}

/** An action (`/me waves`), shown as `* alice waves`. */
export interface ActionMessage {
  type: "action";
  id: number;
  ts: number;
  room: string;
  from: string;
  text: string;
  /** `true` on messages replayed from history (on join or `/history`); absent on live ones. */
  history?: boolean;
  /** The request it answers: the `ref` of the `/history` or `/join` whose replay this is; absent on live messages. */
  ref?: number;
}

/** Someone joined a room. */
export interface JoinNotice {
  type: "join";
  ts: number;
  room: string;
  nick: string;
}

/**
 * Machine codes carried by `leave`: why someone left a room. Clients act on
 * these, never on the human `reason` text. A client must accept a code it does
 * not know (newer servers may add some) and treat it like `"disconnected"`.
 */
export const LEAVE_CODES = [
  "quit",
  "part",
  "kicked",
  "replaced",
  "timeout",
  "slow_consumer",
  "rate_limited",
  "shutdown",
  "disconnected",
] as const;

/** One of {@linkcode LEAVE_CODES}. */
export type LeaveCode = typeof LEAVE_CODES[number];

/** Someone left a room (part, quit, kick, disconnect). */
export interface LeaveNotice {
  type: "leave";
  ts: number;
  room: string;
  nick: string;
  /** Why, e.g. `"quit: bye"`, `"connection lost"`, `"kicked by server: spam"`. For people only. */
  reason: string;
  /**
   * Why, as a machine code: one of {@linkcode LEAVE_CODES}, or a newer code this
   * version does not know. Absent from servers older than this field.
   */
  code?: string;
}

/** Someone changed nick; sent to everyone sharing a room with them. */
export interface NickNotice {
  type: "nick";
  ts: number;
  old: string;
  nick: string;
}

/** The member list of a room. */
export interface WhoMessage {
  type: "who";
  room: string;
  users: UserInfo[];
  /** The request it answers: the `ref` of the `/who` or `/join` this answers. */
  ref?: number;
}

/** The list of rooms. */
export interface RoomsMessage {
  type: "rooms";
  rooms: RoomInfo[];
  /** The request it answers: the `ref` of the `/rooms` this answers. */
  ref?: number;
}

/** A room's topic changed. */
export interface TopicNotice {
  type: "topic";
  ts: number;
  room: string;
  topic: string;
  by: string;
  /** The request it answers: the `ref` of the `/topic` or `/join` this answers; absent when a new topic is announced. */
  ref?: number;
}

/** A message from the server itself (operator `say`, command output). */
export interface ServerNotice {
  type: "notice";
  ts: number;
  text: string;
  /** The room it concerns, if any. */
  room?: string;
  /** The request it answers: the `ref` of the command this answers (`/history`, `/op`, ...); absent on announcements. */
  ref?: number;
}

/** The server is stopping; the connection closes after this frame. */
export interface ShutdownNotice {
  type: "shutdown";
  ts: number;
  reason: string;
}

/**
 * Machine codes carried by `bye`: why the server is closing this connection.
 * A client must accept a code it does not know and treat it as a plain drop
 * (reconnect if it would reconnect anyway).
 */
export const BYE_CODES = [
  "kicked",
  "replaced",
  "shutdown",
  "rate_limited",
] as const;

/** One of {@linkcode BYE_CODES}. */
export type ByeCode = typeof BYE_CODES[number];

/**
 * The server is closing this connection on purpose; the last frame it sends.
 * Clients decide whether to reconnect from `code` alone: after `kicked` or
 * `replaced` they must not reconnect by themselves.
 */
export interface ByeMessage {
  type: "bye";
  /** One of {@linkcode BYE_CODES}, or a newer code this version does not know. */
  code: string;
  /** The same fact for people; never matched by programs. */
  reason: string;
}

/** The commands the server accepts. */
export interface HelpMessage {
  type: "help";
  commands: CommandInfo[];
  /** The request it answers: the `ref` of the `/help` this answers. */
  ref?: number;
}

/** Someone went away or came back; sent to everyone sharing a room with them, and to them. */
export interface AwayNotice {
  type: "away";
  ts: number;
  nick: string;
  /** The away message; absent when the user is back. */
  away?: string;
}

/** Any message a server may send. */
export type ServerMessage =
  | WelcomeMessage
  | AckMessage
  | ErrorMessage
  | ChatMessage
  | PrivateMessage
  | ActionMessage
  | JoinNotice
  | LeaveNotice
  | NickNotice
  | WhoMessage
  | RoomsMessage
  | TopicNotice
  | ServerNotice
  | ShutdownNotice
  | ByeMessage
  | HelpMessage
  | PingMessage
  | PongMessage
  | MediaNotice
  | MediaDataMessage
  | AwayNotice
  | SearchResultsMessage
  | ChallengeMessage;
