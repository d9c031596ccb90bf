/**
 * The validating parser for messages a server sends; tolerant of unknown types
 * and fields so that older clients keep working against newer servers.
 *
 * @module
 */

import {
  array,
  fail,
  type Json,
  mediaKind,
  optBool,
  optStr,
  optUint,
  parseObject,
  ping,
  str,
  uint,
} from "./json_fields.ts";
import type {
  ActionMessage,
  AwayNotice,
  ChatMessage,
  ErrorCode,
  ErrorMessage,
  HelpMessage,
  LeaveNotice,
  MediaNotice,
  PrivateMessage,
  RoomInfo,
  RoomsMessage,
  SearchHit,
  SearchResultsMessage,
  ServerMessage,
  ServerNotice,
  TopicNotice,
  UserInfo,
  WelcomeMessage,
  WhoMessage,
} from "./message_types.ts";

function user(o: Json): UserInfo {
  const info: UserInfo = { nick: str(o, "nick") };
  const away = optStr(o, "away");
  if (away !== undefined) info.away = away;
  return info;
}

function room(o: Json): RoomInfo {
  return { name: str(o, "name"), members: uint(o, "members"), topic: str(o, "topic") };
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
        ...optionalUints(l, FLOOD_LIMIT_FIELDS),
      },
    };
    const resume = optStr(o, "resume");
    if (resume !== undefined) welcome.resume = resume;
    const identity = optStr(o, "identity");
    if (identity !== undefined) welcome.identity = identity;
    if (optBool(o, "guest") === true) welcome.guest = true;
    const node = optStr(o, "node");
    if (node !== undefined) welcome.node = node;
    const cluster = optStr(o, "cluster");
    if (cluster !== undefined) welcome.cluster = cluster;
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
  who: (o) =>
    withRef<WhoMessage>(o, { type: "who", room: str(o, "room"), users: array(o, "users", user) }),
  rooms: (o) => withRef<RoomsMessage>(o, { type: "rooms", rooms: array(o, "rooms", room) }),
  topic: (o) =>
    withRef<TopicNotice>(o, {
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
    return withRef(o, m);
  },
  shutdown: (o) => ({ type: "shutdown", ts: uint(o, "ts"), reason: str(o, "reason") }),
  bye: (o) => ({ type: "bye", code: str(o, "code"), reason: str(o, "reason") }),
  help: (o) =>
    withRef<HelpMessage>(o, {
      type: "help",
      commands: array(o, "commands", (c) => ({
        name: str(c, "name"),
        usage: str(c, "usage"),
        help: str(c, "help"),
      })),
    }),
  ping,
  pong: ping,
  media: (o) =>
    withRef<MediaNotice>(o, {
      type: "media",
      id: uint(o, "id"),
      token: str(o, "token"),
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
    token: str(o, "token"),
    kind: mediaKind(o),
    mime: str(o, "mime"),
    durationMs: uint(o, "durationMs"),
    data: str(o, "data"),
  }),
  challenge: (o) => ({ type: "challenge", nonce: str(o, "nonce") }),
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
    return withRef(o, m);
  },
};

function withHistory<T extends ChatMessage | PrivateMessage | ActionMessage>(o: Json, m: T): T {
  const history = optBool(o, "history");
  if (history !== undefined) m.history = history;
  return withRef(o, m);
}

/** Adds the optional `ref` of a reply (the request it answers), last, as encoders write it. */
function withRef<T extends { ref?: number }>(o: Json, m: T): T {
  const ref = optUint(o, "ref");
  if (ref !== undefined) m.ref = ref;
  return m;
}

/** The optional flood-control fields of `welcome.limits`, in encoder order. */
const FLOOD_LIMIT_FIELDS = [
  "floodRate",
  "floodBurst",
  "floodBytesRate",
  "floodBytesBurst",
] as const;

function optionalUints<K extends string>(
  o: Json,
  fields: readonly K[],
): Partial<Record<K, number>> {
  const out: Partial<Record<K, number>> = {};
  for (const field of fields) {
    const value = optUint(o, field);
    if (value !== undefined) out[field] = value;
  }
  return out;
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
