/**
 * Parley protocol messages: the JSON payloads carried inside frames.
 *
 * Every message is a JSON object with a string `type`. Client-to-server and
 * server-to-client messages are separate discriminated unions; each has a
 * validating parser for untrusted input. `protocol/README.md` is the normative
 * description of every field.
 *
 * @module
 */

import { FRAME_HEADER_BYTES, writeFrameHeader } from "./frame.ts";

/** The protocol version this code speaks; sent in `hello` and `welcome`. */
export const PROTOCOL_VERSION = 1;

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
  /** Protocol version the client speaks; must equal the server's. */
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

/** Kinds of recorded media: voice (audio only, up to 10 s) and video (with audio, up to 15 s). */
export type MediaKind = "voice" | "video";

/** A recorded voice or video message for a room. */
export interface MediaUpload {
  type: "media";
  /** Client-chosen reference echoed in the `ack` or `error`. */
  ref: number;
  /** Target room; defaults to `#lobby`. */
  room?: string;
  /** `"voice"` or `"video"`. */
  kind: MediaKind;
  /** Container type as recorded, e.g. `"audio/webm;codecs=opus"`. */
  mime: string;
  /** Recorded length, in ms. */
  durationMs: number;
  /** The recording, standard base64 (RFC 4648 section 4, padded). */
  data: string;
}

/** Asks for the bytes of a media message by id; answered by `media_data` or `error`. */
export interface FetchMediaMessage {
  type: "fetch_media";
  /** Client-chosen reference echoed in the `media_data` or `error`. */
  ref: number;
  /** The media message id (from a `media` notice). */
  id: number;
}

/** Any message a client may send. */
export type ClientMessage =
  | HelloMessage
  | SendMessage
  | CommandMessage
  | PingMessage
  | PongMessage
  | MediaUpload
  | FetchMediaMessage;

// ---------------------------------------------------------------- server → client

/** Successful handshake. */
export interface WelcomeMessage {
  type: "welcome";
  /** Protocol version of the server. */
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
}

/** The list of rooms. */
export interface RoomsMessage {
  type: "rooms";
  rooms: RoomInfo[];
}

/** A room's topic changed. */
export interface TopicNotice {
  type: "topic";
  ts: number;
  room: string;
  topic: string;
  by: string;
}

/** A message from the server itself (operator `say`, command output). */
export interface ServerNotice {
  type: "notice";
  ts: number;
  text: string;
  /** The room it concerns, if any. */
  room?: string;
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
}

/** A voice or video message was posted to a room; fetch its bytes with `fetch_media`. */
export interface MediaNotice {
  type: "media";
  id: number;
  ts: number;
  room: string;
  from: string;
  kind: MediaKind;
  mime: string;
  /** Recorded length, in ms. */
  durationMs: number;
  /** Size of the recording, in bytes (decoded). */
  bytes: number;
  /** Present and `true` when replayed from history rather than sent live. */
  history?: boolean;
}

/** The bytes of a media message, answering `fetch_media` by `ref`. */
export interface MediaDataMessage {
  type: "media_data";
  ref: number;
  id: number;
  kind: MediaKind;
  mime: string;
  durationMs: number;
  /** The recording, standard padded base64. */
  data: string;
}

/** Someone went away or came back; sent to everyone sharing a room with them, and to them. */
export interface AwayNotice {
  type: "away";
  ts: number;
  nick: string;
  /** The away message; absent when the user is back. */
  away?: string;
}

/** One `/search` result. */
export interface SearchHit {
  /** Message id. */
  id: number;
  /** Server time of the message, ms since the epoch. */
  ts: number;
  /** What the message was. */
  kind: "msg" | "action" | "privmsg";
  /** Room of a `msg` or `action`. */
  room?: string;
  /** Sender's nick. */
  from: string;
  /** Recipient of a `privmsg`. */
  to?: string;
  /** Message text. */
  text: string;
}

/** Answer to `/search`, sent to the searcher only; results newest first. */
export interface SearchResultsMessage {
  type: "search";
  /** The words searched for, as the server understood them. */
  query: string;
  /** The room searched; absent when every room (and the searcher's private messages) was. */
  room?: string;
  /** Matches, newest first. */
  results: SearchHit[];
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
  | SearchResultsMessage;

// ---------------------------------------------------------------- encoding

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });
let scratch = new Uint8Array(64 * 1024);

/**
 * Encodes a message as one complete frame: 4-byte length, then UTF-8 JSON.
 * Encode once and hand the same bytes to every recipient.
 *
 * @param message Any protocol message; keys are written in insertion order.
 * @returns A new buffer holding the frame.
 *
 * @example
 * ```ts
 * import { encodeMessage } from "./messages.ts";
 * encodeMessage({ type: "ping" }); // 00 00 00 0f 7b 22 74 79 70 65 ... ("{\"type\":\"ping\"}")
 * ```
 */
export function encodeMessage(message: ClientMessage | ServerMessage): Uint8Array {
  const json = JSON.stringify(message);
  const worst = FRAME_HEADER_BYTES + json.length * 3;
  if (worst > scratch.length) scratch = new Uint8Array(Math.max(worst, scratch.length * 2));
  const { written } = encoder.encodeInto(json, scratch.subarray(FRAME_HEADER_BYTES));
  writeFrameHeader(scratch, 0, written);
  return scratch.slice(0, FRAME_HEADER_BYTES + written);
}

/**
 * Encodes an `ack` frame without building an object or calling
 * `JSON.stringify`: the bytes equal `encodeMessage({ type: "ack", ref, id, ts })`.
 * The server sends one per chat message, so this is on the hot path.
 *
 * @param ref The client's `ref` (a non-negative integer).
 * @param id The message id.
 * @param ts The message time, ms since the epoch.
 * @returns A complete frame (header + JSON payload).
 * @example
 * ```ts
 * import { encodeAck } from "./messages.ts";
 * encodeAck(7, 42, 1700000000000); // frame of {"type":"ack","ref":7,"id":42,"ts":1700000000000}
 * ```
 */
export function encodeAck(ref: number, id: number, ts: number): Uint8Array {
  const json = `{"type":"ack","ref":${ref},"id":${id},"ts":${ts}}`;
  const frame = new Uint8Array(FRAME_HEADER_BYTES + json.length);
  // All ASCII: digits, letters and punctuation.
  for (let i = 0; i < json.length; i++) frame[FRAME_HEADER_BYTES + i] = json.charCodeAt(i);
  writeFrameHeader(frame, 0, json.length);
  return frame;
}

/**
 * Returns the number of UTF-8 bytes in `text`.
 *
 * @param text Any string.
 * @returns Its UTF-8 length, in bytes.
 */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

// ---------------------------------------------------------------- decoding

type Json = Record<string, unknown>;

function parseObject(payload: Uint8Array): Json {
  let text: string;
  try {
    text = decoder.decode(payload);
  } catch (error) {
    if (error instanceof TypeError) {
      throw new SyntaxError("Cannot decode message: payload is not valid UTF-8");
    }
    throw error;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    if (error instanceof SyntaxError) {
      throw new SyntaxError(`Cannot decode message: payload is not JSON (${error.message})`);
    }
    throw error;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new TypeError("Cannot decode message: payload is not a JSON object");
  }
  const object = value as Json;
  if (typeof object.type !== "string") {
    throw new TypeError('Cannot decode message: field "type" must be a string');
  }
  return object;
}

function fail(type: string, field: string, what: string): never {
  throw new TypeError(`Cannot decode "${type}" message: field "${field}" must be ${what}`);
}

function str(o: Json, field: string): string {
  const v = o[field];
  if (typeof v !== "string") fail(o.type as string, field, "a string");
  return v;
}

function optStr(o: Json, field: string): string | undefined {
  const v = o[field];
  if (v === undefined) return undefined;
  if (typeof v !== "string") fail(o.type as string, field, "a string when present");
  return v;
}

function uint(o: Json, field: string): number {
  const v = o[field];
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0) {
    fail(o.type as string, field, "a non-negative integer");
  }
  return v;
}

function optUint(o: Json, field: string): number | undefined {
  return o[field] === undefined ? undefined : uint(o, field);
}

function optBool(o: Json, field: string): boolean | undefined {
  const v = o[field];
  if (v === undefined) return undefined;
  if (typeof v !== "boolean") fail(o.type as string, field, "a boolean when present");
  return v;
}

function array<T>(o: Json, field: string, item: (v: Json) => T): T[] {
  const v = o[field];
  if (!Array.isArray(v)) fail(o.type as string, field, "an array");
  return v.map((entry) => {
    if (typeof entry !== "object" || entry === null || Array.isArray(entry)) {
      fail(o.type as string, field, "an array of objects");
    }
    return item({ type: o.type, ...entry as Json });
  });
}

function mediaKind(o: Json): MediaKind {
  const v = o.kind;
  if (v !== "voice" && v !== "video") fail(o.type as string, "kind", '"voice" or "video"');
  return v;
}

function user(o: Json): UserInfo {
  const info: UserInfo = { nick: str(o, "nick") };
  const away = optStr(o, "away");
  if (away !== undefined) info.away = away;
  return info;
}

function room(o: Json): RoomInfo {
  return { name: str(o, "name"), members: uint(o, "members"), topic: str(o, "topic") };
}

function ping(o: Json): PingMessage | PongMessage {
  const token = optUint(o, "token");
  const type = o.type as "ping" | "pong";
  return token === undefined ? { type } : { type, token };
}

const clientParsers: Record<string, (o: Json) => ClientMessage> = {
  hello(o) {
    const m: HelloMessage = { type: "hello", version: uint(o, "version"), nick: str(o, "nick") };
    const password = optStr(o, "password");
    if (password !== undefined) m.password = password;
    const client = optStr(o, "client");
    if (client !== undefined) m.client = client;
    const probe = optBool(o, "probe");
    if (probe !== undefined) m.probe = probe;
    const resume = optStr(o, "resume");
    if (resume !== undefined) m.resume = resume;
    return m;
  },
  msg(o) {
    const m: SendMessage = { type: "msg", ref: uint(o, "ref"), text: str(o, "text") };
    const r = optStr(o, "room");
    if (r !== undefined) m.room = r;
    return m;
  },
  command(o) {
    const m: CommandMessage = {
      type: "command",
      ref: uint(o, "ref"),
      name: str(o, "name"),
      args: optStr(o, "args") ?? "",
    };
    const r = optStr(o, "room");
    if (r !== undefined) m.room = r;
    return m;
  },
  ping,
  pong: ping,
  media(o) {
    const m: MediaUpload = {
      type: "media",
      ref: uint(o, "ref"),
      kind: mediaKind(o),
      mime: str(o, "mime"),
      durationMs: uint(o, "durationMs"),
      data: str(o, "data"),
    };
    const r = optStr(o, "room");
    if (r !== undefined) m.room = r;
    return m;
  },
  fetch_media: (o) => ({ type: "fetch_media", ref: uint(o, "ref"), id: uint(o, "id") }),
};

/**
 * Decodes and validates a frame payload sent by a client.
 *
 * @param payload UTF-8 JSON bytes (one frame's payload).
 * @returns The message, with only the documented fields.
 * @throws {SyntaxError} If the payload is not UTF-8 JSON.
 * @throws {TypeError} If it is not an object, has an unknown `type`, or a field
 *   has the wrong type; the message names the field.
 */
export function parseClientMessage(payload: Uint8Array): ClientMessage {
  const o = parseObject(payload);
  const parse = Object.hasOwn(clientParsers, o.type as string)
    ? clientParsers[o.type as string]
    : undefined;
  if (!parse) throw new TypeError(`Cannot decode message: unknown type "${o.type}"`);
  return parse(o);
}

const serverParsers: Record<string, (o: Json) => ServerMessage> = {
  welcome(o) {
    const limits = o.limits;
    if (typeof limits !== "object" || limits === null) fail("welcome", "limits", "an object");
    const l: Json = { type: "welcome", ...limits as Json };
    const welcome: WelcomeMessage = {
      type: "welcome",
      version: uint(o, "version"),
      server: str(o, "server"),
      software: str(o, "software"),
      nick: str(o, "nick"),
      room: str(o, "room"),
      users: array(o, "users", user),
      online: uint(o, "online"),
      limits: {
        maxFrameBytes: uint(l, "maxFrameBytes"),
        maxTextBytes: uint(l, "maxTextBytes"),
        heartbeatMs: uint(l, "heartbeatMs"),
        ...(l.maxMediaBytes === undefined ? {} : { maxMediaBytes: uint(l, "maxMediaBytes") }),
      },
    };
    const resume = optStr(o, "resume");
    if (resume !== undefined) welcome.resume = resume;
    return welcome;
  },
  ack: (o) => ({ type: "ack", ref: uint(o, "ref"), id: uint(o, "id"), ts: uint(o, "ts") }),
  error(o) {
    const code = str(o, "code");
    const m: ErrorMessage = {
      type: "error",
      code: code as ErrorCode,
      message: str(o, "message"),
    };
    const ref = optUint(o, "ref");
    if (ref !== undefined) m.ref = ref;
    return m;
  },
  msg: (o) =>
    withHistory(o, {
      type: "msg",
      id: uint(o, "id"),
      ts: uint(o, "ts"),
      room: str(o, "room"),
      from: str(o, "from"),
      text: str(o, "text"),
    }),
  privmsg: (o) =>
    withHistory(o, {
      type: "privmsg",
      id: uint(o, "id"),
      ts: uint(o, "ts"),
      from: str(o, "from"),
      to: str(o, "to"),
      text: str(o, "text"),
    }),
  action: (o) =>
    withHistory(o, {
      type: "action",
      id: uint(o, "id"),
      ts: uint(o, "ts"),
      room: str(o, "room"),
      from: str(o, "from"),
      text: str(o, "text"),
    }),
  join: (o) => ({ type: "join", ts: uint(o, "ts"), room: str(o, "room"), nick: str(o, "nick") }),
  leave(o) {
    const m: LeaveNotice = {
      type: "leave",
      ts: uint(o, "ts"),
      room: str(o, "room"),
      nick: str(o, "nick"),
      reason: str(o, "reason"),
    };
    const code = optStr(o, "code");
    if (code !== undefined) m.code = code;
    return m;
  },
  nick: (o) => ({ type: "nick", ts: uint(o, "ts"), old: str(o, "old"), nick: str(o, "nick") }),
  who: (o) => ({ type: "who", room: str(o, "room"), users: array(o, "users", user) }),
  rooms: (o) => ({ type: "rooms", rooms: array(o, "rooms", room) }),
  topic: (o) => ({
    type: "topic",
    ts: uint(o, "ts"),
    room: str(o, "room"),
    topic: str(o, "topic"),
    by: str(o, "by"),
  }),
  notice(o) {
    const m: ServerNotice = { type: "notice", ts: uint(o, "ts"), text: str(o, "text") };
    const r = optStr(o, "room");
    if (r !== undefined) m.room = r;
    return m;
  },
  shutdown: (o) => ({ type: "shutdown", ts: uint(o, "ts"), reason: str(o, "reason") }),
  bye: (o) => ({ type: "bye", code: str(o, "code"), reason: str(o, "reason") }),
  help: (o) => ({
    type: "help",
    commands: array(o, "commands", (c) => ({
      name: str(c, "name"),
      usage: str(c, "usage"),
      help: str(c, "help"),
    })),
  }),
  ping,
  pong: ping,
  media: (o) => ({
    type: "media",
    id: uint(o, "id"),
    ts: uint(o, "ts"),
    room: str(o, "room"),
    from: str(o, "from"),
    kind: mediaKind(o),
    mime: str(o, "mime"),
    durationMs: uint(o, "durationMs"),
    bytes: uint(o, "bytes"),
    ...(optBool(o, "history") ? { history: true } : {}),
  }),
  media_data: (o) => ({
    type: "media_data",
    ref: uint(o, "ref"),
    id: uint(o, "id"),
    kind: mediaKind(o),
    mime: str(o, "mime"),
    durationMs: uint(o, "durationMs"),
    data: str(o, "data"),
  }),
  away(o) {
    const m: AwayNotice = { type: "away", ts: uint(o, "ts"), nick: str(o, "nick") };
    const away = optStr(o, "away");
    if (away !== undefined) m.away = away;
    return m;
  },
  search(o) {
    const m: SearchResultsMessage = {
      type: "search",
      query: str(o, "query"),
      results: array(o, "results", searchHit),
    };
    const r = optStr(o, "room");
    if (r !== undefined) m.room = r;
    return m;
  },
};

function withHistory<T extends ChatMessage | PrivateMessage | ActionMessage>(o: Json, m: T): T {
  const history = optBool(o, "history");
  if (history !== undefined) m.history = history;
  return m;
}

function searchHit(o: Json): SearchHit {
  const kind = str(o, "kind");
  if (kind !== "msg" && kind !== "action" && kind !== "privmsg") {
    fail(o.type as string, "kind", '"msg", "action" or "privmsg"');
  }
  const hit: SearchHit = {
    id: uint(o, "id"),
    ts: uint(o, "ts"),
    kind,
    from: str(o, "from"),
    text: str(o, "text"),
  };
  const r = optStr(o, "room");
  if (r !== undefined) hit.room = r;
  const to = optStr(o, "to");
  if (to !== undefined) hit.to = to;
  return hit;
}

/**
 * Decodes and validates a frame payload sent by a server.
 *
 * Unknown message types are returned as `null`, and unknown fields of known
 * types are dropped, so that older clients skip what newer servers add (see
 * "Compatibility" in `protocol/README.md`). Code fields (`bye.code`,
 * `leave.code`) are kept as sent even when this version does not know the value.
 *
 * @param payload UTF-8 JSON bytes (one frame's payload).
 * @returns The message, or `null` for an unknown `type`.
 * @throws {SyntaxError} If the payload is not UTF-8 JSON.
 * @throws {TypeError} If a known message has a field of the wrong type.
 */
export function parseServerMessage(payload: Uint8Array): ServerMessage | null {
  const o = parseObject(payload);
  if (!Object.hasOwn(serverParsers, o.type as string)) return null;
  return serverParsers[o.type as string](o);
}
