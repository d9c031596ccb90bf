// protocol/names.ts
var MAX_NICK_LENGTH = 32;
var FORBIDDEN = /[\s\p{Cc}\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/u;
function validateNick(nick) {
  const length = [
    ...nick
  ].length;
  if (length === 0) return "Nick cannot be empty";
  if (length > MAX_NICK_LENGTH) {
    return `Nick is ${length} characters long; the limit is ${MAX_NICK_LENGTH}`;
  }
  if (FORBIDDEN.test(nick)) {
    return "Nick cannot contain whitespace, control, invisible or bidi-override characters";
  }
  if (/^[#@/]/.test(nick)) return "Nick cannot start with #, @ or /";
  return void 0;
}
function nameKey(name) {
  if (name === lastName) return lastKey;
  const key = NON_ASCII.test(name) ? name.normalize("NFKC").toLowerCase() : name.toLowerCase();
  lastName = name;
  lastKey = key;
  return key;
}
var NON_ASCII = /[\u0080-\uffff]/;
var lastName = "";
var lastKey = "";

// client/core/backoff.ts
function reconnectDelay(attempt, options = {}) {
  if (!Number.isInteger(attempt) || attempt < 1) {
    throw new RangeError(`Cannot compute a reconnect delay: attempt ${attempt} is not 1 or more`);
  }
  const base = options.baseMs ?? 500;
  const max = options.maxMs ?? 3e4;
  const random = options.random ?? Math.random;
  const ceiling = Math.min(max, base * 2 ** Math.min(attempt - 1, 30));
  const half = ceiling / 2;
  return Math.floor(half + random() * half);
}

// client/core/reconnect_policy.ts
var FINAL_BYE_CODES = /* @__PURE__ */ new Set([
  "kicked",
  "replaced"
]);
var PERMANENT_REFUSALS = /* @__PURE__ */ new Set([
  "auth_failed",
  "locked_out",
  "banned",
  "bad_version",
  "nick_invalid"
]);
function reconnectsAfter(bye) {
  return bye === void 0 || !FINAL_BYE_CODES.has(bye.code);
}
function alternateNick(nick) {
  const chars = [
    ...nick
  ];
  return (chars.length >= MAX_NICK_LENGTH ? chars.slice(0, MAX_NICK_LENGTH - 1).join("") : nick) + "_";
}
var ReconnectPolicy = class {
  #backoff;
  #addresses;
  #connected = 0;
  #attempt = 0;
  #nick = "";
  #resume;
  /**
   * @param backoff Delays; see `reconnectDelay`.
   * @param addresses How many addresses the client may dial (the nodes of a
   *   cluster), at least 1.
   */
  constructor(backoff = {}, addresses = 1) {
    this.#backoff = backoff;
    this.#addresses = Math.max(1, Math.floor(addresses));
  }
  /**
   * Records which address the current connection went to, so that the next
   * outage starts with the address after it.
   *
   * @param index Index among the policy's addresses.
   */
  connectedTo(index) {
    this.#connected = index % this.#addresses;
  }
  /** The nick the next attempt asks for. */
  get nick() {
    return this.#nick;
  }
  /** The resume token the next attempt presents, if any. */
  get resume() {
    return this.#resume;
  }
  /**
   * Records a welcome: its nick and resume token are what the next outage
   * reconnects with, and the attempt count starts over.
   *
   * @param welcome The server's welcome.
   */
  welcomed(welcome) {
    this.remember(welcome.nick, welcome.resume);
  }
  /**
   * Sets the nick and resume token directly, e.g. from a browser tab's saved
   * session after a reload; the attempt count starts over.
   *
   * @param nick The nick to reconnect with.
   * @param resume The resume token of the latest welcome, if any.
   */
  remember(nick, resume) {
    this.#nick = nick;
    this.#resume = resume;
    this.#attempt = 0;
  }
  /**
   * Starts an outage: the connection is gone and the user's nick is now
   * `nick` (it may have changed since the welcome).
   *
   * @param nick The nick in use when the connection dropped.
   */
  dropped(nick) {
    this.#nick = nick;
    this.#attempt = 0;
  }
  /**
   * Plans the next attempt.
   *
   * @returns Its number, delay, nick and resume token.
   */
  next() {
    const attempt = ++this.#attempt;
    const planned = {
      attempt,
      delayMs: reconnectDelay(attempt, this.#backoff),
      nick: this.#nick,
      address: (this.#connected + attempt) % this.#addresses
    };
    if (this.#resume !== void 0) planned.resume = this.#resume;
    return planned;
  }
  /**
   * Decides what follows a refused attempt. `nick_taken` means someone else
   * holds the nick now (our resume token would have taken it back from our
   * own ghost), `nick_registered` that another key owns it: retry as
   * {@linkcode alternateNick}, without the token.
   * Refusals in {@linkcode PERMANENT_REFUSALS} stop; anything else retries.
   *
   * @param code The server's error code, if it sent one.
   * @returns `retry` (with the new nick when it changed) or `stop`.
   */
  refused(code) {
    if (code === "nick_taken" || code === "nick_registered") {
      this.#nick = alternateNick(this.#nick);
      this.#resume = void 0;
      return {
        action: "retry",
        nick: this.#nick
      };
    }
    return PERMANENT_REFUSALS.has(code) ? {
      action: "stop"
    } : {
      action: "retry"
    };
  }
};

// client/core/history_requests.ts
var HistoryRequests = class {
  #refs = /* @__PURE__ */ new Set();
  /** Whether a `/history` answer is arriving: replayed lines belong to it. */
  get answering() {
    return this.#refs.size > 0;
  }
  /**
   * Whether a replayed line answers one of our `/history` requests: by its
   * `ref` when it has one (servers that tag replies), otherwise by arriving
   * while a request is open.
   *
   * @param message A server message.
   */
  answers(message) {
    if (!("history" in message) || message.history !== true) return false;
    const ref = "ref" in message ? message.ref : void 0;
    return typeof ref === "number" ? this.#refs.has(ref) : this.answering;
  }
  /**
   * Notes a message being sent; only `/history` commands count.
   *
   * @param message A client message.
   */
  sent(message) {
    if (message.type === "command" && message.name.toLowerCase() === "history") {
      this.#refs.add(message.ref);
    }
  }
  /**
   * Closes the request an `ack` or `error` answers.
   *
   * @param message A server message.
   */
  settle(message) {
    if ((message.type === "ack" || message.type === "error") && message.ref !== void 0) {
      this.#refs.delete(message.ref);
    }
  }
  /** Forgets every request (the connection dropped). */
  clear() {
    this.#refs.clear();
  }
};

// client/ignore_list.ts
var IgnoreList = class {
  #nicks = /* @__PURE__ */ new Map();
  /**
   * Ignores a nick.
   *
   * @param nick The nick, any case.
   * @returns `false` if it was already ignored.
   */
  add(nick) {
    const key = nameKey(nick);
    if (this.#nicks.has(key)) return false;
    this.#nicks.set(key, nick);
    return true;
  }
  /**
   * Stops ignoring a nick.
   *
   * @param nick The nick, any case.
   * @returns `false` if it was not ignored.
   */
  remove(nick) {
    return this.#nicks.delete(nameKey(nick));
  }
  /**
   * Whether `nick` is ignored.
   *
   * @param nick The nick, any case.
   */
  has(nick) {
    return this.#nicks.size > 0 && this.#nicks.has(nameKey(nick));
  }
  /** The ignored nicks, as typed, in the order they were added. */
  list() {
    return [
      ...this.#nicks.values()
    ];
  }
  /**
   * Whether a server message should be hidden: chat lines, actions and
   * private messages from an ignored nick. Notices about them (joins, leaves,
   * nick changes) still show, so the room's membership stays clear.
   *
   * @param message A server message.
   */
  hides(message) {
    switch (message.type) {
      case "msg":
      case "action":
      case "privmsg":
        return this.has(message.from);
      default:
        return false;
    }
  }
};

// web/src/app_state.ts
var SESSION_KEY = "parley.session";
var TRANSCRIPT_KEY = "parley.transcript";
var MAX_ITEMS = 500;
var MAX_SAVED = 300;
var MEDIA_LIMIT_MS = {
  voice: 1e4,
  video: 15e3
};
var app = {
  socket: void 0,
  state: void 0,
  welcome: void 0,
  nick: "",
  password: void 0,
  nextRef: 1,
  reconnectTimer: void 0,
  everConnected: false,
  autoJoin: false,
  saved: [],
  restoring: false,
  identity: void 0
};
var policy = new ReconnectPolicy();
var rooms = /* @__PURE__ */ new Map();
var ownMedia = /* @__PURE__ */ new Map();
var fetching = /* @__PURE__ */ new Map();
function saveSession() {
  sessionStorage.setItem(SESSION_KEY, JSON.stringify({
    nick: app.nick,
    password: app.password,
    resume: policy.resume
  }));
}
var ignores = new IgnoreList();
var historyRequests = new HistoryRequests();

// protocol/message_types.ts
var PROTOCOL_VERSION = 2;
var DEFAULT_ROOM = "#lobby";

// protocol/encode_message.ts
var encoder = new TextEncoder();
var scratch = new Uint8Array(64 * 1024);
var ACK_CHUNK_BYTES = 16 * 1024;

// protocol/field_limits.ts
var ROOM_BYTES = 1 + 32 * 4;
var CLIENT_FIELD_LIMITS = {
  // Nick rules (names.ts) refuse controls; 32 code points of up to 4 bytes.
  "hello.nick": {
    maxBytes: 32 * 4,
    sanitize: "verbatim"
  },
  "hello.password": {
    maxBytes: 1024,
    sanitize: "verbatim"
  },
  "hello.client": {
    maxBytes: 200,
    sanitize: "line"
  },
  // Tokens are 43 characters; anything much longer is not one.
  "hello.resume": {
    maxBytes: 128,
    sanitize: "verbatim"
  },
  // An Ed25519 public key is 44 characters of base64.
  "hello.key": {
    maxBytes: 64,
    sanitize: "verbatim"
  },
  // An Ed25519 signature is 88 characters of base64.
  "prove.signature": {
    maxBytes: 128,
    sanitize: "verbatim"
  },
  "msg.room": {
    maxBytes: ROOM_BYTES,
    sanitize: "verbatim"
  },
  "msg.text": {
    maxBytes: (c) => c.maxTextBytes,
    sanitize: "text",
    tooLong: "text_too_long"
  },
  "command.room": {
    maxBytes: ROOM_BYTES,
    sanitize: "verbatim"
  },
  "command.name": {
    maxBytes: 32,
    sanitize: "line"
  },
  // Room for a nick or room before a text as long as `msg.text` (`/msg NICK TEXT`).
  "command.args": {
    maxBytes: (c) => c.maxTextBytes + 256,
    sanitize: "verbatim",
    tooLong: "text_too_long"
  },
  "media.room": {
    maxBytes: ROOM_BYTES,
    sanitize: "verbatim"
  },
  // Media tokens are 32 hex digits.
  "fetch_media.token": {
    maxBytes: 64,
    sanitize: "verbatim"
  },
  "media.mime": {
    maxBytes: 128,
    sanitize: "line"
  },
  // Padded base64 of the largest recording.
  "media.data": {
    maxBytes: (c) => Math.ceil(c.maxMediaBytes / 3) * 4,
    sanitize: "verbatim",
    tooLong: "media_too_large"
  }
};
var LIMITS_BY_TYPE = /* @__PURE__ */ new Map();
for (const [key, limit] of Object.entries(CLIENT_FIELD_LIMITS)) {
  const [type, field] = key.split(".");
  LIMITS_BY_TYPE.set(type, (LIMITS_BY_TYPE.get(type) ?? /* @__PURE__ */ new Map()).set(field, limit));
}

// protocol/json_fields.ts
var decoder = new TextDecoder("utf-8", {
  fatal: true
});
function parseObject(payload) {
  if (payload[0] === 239 && payload[1] === 187 && payload[2] === 191) {
    throw new SyntaxError("Cannot decode message: payload starts with a byte-order mark");
  }
  let text;
  try {
    text = decoder.decode(payload);
  } catch (error) {
    if (error instanceof TypeError) {
      throw new SyntaxError("Cannot decode message: payload is not valid UTF-8");
    }
    throw error;
  }
  let value;
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
  const object = value;
  if (typeof object.type !== "string") {
    throw new TypeError('Cannot decode message: field "type" must be a string');
  }
  return object;
}
function fail(type, field, what) {
  throw new TypeError(`Cannot decode "${type}" message: field "${field}" must be ${what}`);
}
function str(o, field) {
  const v = o[field];
  if (typeof v !== "string") fail(o.type, field, "a string");
  return v;
}
function optStr(o, field) {
  const v = o[field];
  if (v === void 0) return void 0;
  if (typeof v !== "string") fail(o.type, field, "a string when present");
  return v;
}
function uint(o, field) {
  const v = o[field];
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0) {
    fail(o.type, field, "a non-negative integer");
  }
  return v;
}
function optUint(o, field) {
  return o[field] === void 0 ? void 0 : uint(o, field);
}
function optBool(o, field) {
  const v = o[field];
  if (v === void 0) return void 0;
  if (typeof v !== "boolean") fail(o.type, field, "a boolean when present");
  return v;
}
function array(o, field, item) {
  const v = o[field];
  if (!Array.isArray(v)) fail(o.type, field, "an array");
  return v.map((entry) => {
    if (typeof entry !== "object" || entry === null || Array.isArray(entry)) {
      fail(o.type, field, "an array of objects");
    }
    return item({
      type: o.type,
      ...entry
    });
  });
}
function mediaKind(o) {
  const v = o.kind;
  if (v !== "voice" && v !== "video") fail(o.type, "kind", '"voice" or "video"');
  return v;
}
function ping(o) {
  const token = optUint(o, "token");
  const type = o.type;
  return token === void 0 ? {
    type
  } : {
    type,
    token
  };
}

// protocol/parse_server_message.ts
function user(o) {
  const info = {
    nick: str(o, "nick")
  };
  const away = optStr(o, "away");
  if (away !== void 0) info.away = away;
  return info;
}
function room(o) {
  return {
    name: str(o, "name"),
    members: uint(o, "members"),
    topic: str(o, "topic")
  };
}
var serverParsers = {
  welcome(o) {
    const limits = o.limits;
    if (typeof limits !== "object" || limits === null) fail("welcome", "limits", "an object");
    const l = {
      type: "welcome",
      ...limits
    };
    const welcome = {
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
        ...l.maxMediaBytes === void 0 ? {} : {
          maxMediaBytes: uint(l, "maxMediaBytes")
        },
        ...optionalUints(l, FLOOD_LIMIT_FIELDS)
      }
    };
    const resume = optStr(o, "resume");
    if (resume !== void 0) welcome.resume = resume;
    const identity = optStr(o, "identity");
    if (identity !== void 0) welcome.identity = identity;
    if (optBool(o, "guest") === true) welcome.guest = true;
    const node = optStr(o, "node");
    if (node !== void 0) welcome.node = node;
    const cluster = optStr(o, "cluster");
    if (cluster !== void 0) welcome.cluster = cluster;
    return welcome;
  },
  ack: (o) => ({
    type: "ack",
    ref: uint(o, "ref"),
    id: uint(o, "id"),
    ts: uint(o, "ts")
  }),
  error(o) {
    const code = str(o, "code");
    const m = {
      type: "error",
      code,
      message: str(o, "message")
    };
    const ref = optUint(o, "ref");
    if (ref !== void 0) m.ref = ref;
    return m;
  },
  msg: (o) => withHistory(o, {
    type: "msg",
    id: uint(o, "id"),
    ts: uint(o, "ts"),
    room: str(o, "room"),
    from: str(o, "from"),
    text: str(o, "text")
  }),
  privmsg: (o) => withHistory(o, {
    type: "privmsg",
    id: uint(o, "id"),
    ts: uint(o, "ts"),
    from: str(o, "from"),
    to: str(o, "to"),
    text: str(o, "text")
  }),
  action: (o) => withHistory(o, {
    type: "action",
    id: uint(o, "id"),
    ts: uint(o, "ts"),
    room: str(o, "room"),
    from: str(o, "from"),
    text: str(o, "text")
  }),
  join: (o) => ({
    type: "join",
    ts: uint(o, "ts"),
    room: str(o, "room"),
    nick: str(o, "nick")
  }),
  leave(o) {
    const m = {
      type: "leave",
      ts: uint(o, "ts"),
      room: str(o, "room"),
      nick: str(o, "nick"),
      reason: str(o, "reason")
    };
    const code = optStr(o, "code");
    if (code !== void 0) m.code = code;
    return m;
  },
  nick: (o) => ({
    type: "nick",
    ts: uint(o, "ts"),
    old: str(o, "old"),
    nick: str(o, "nick")
  }),
  who: (o) => withRef(o, {
    type: "who",
    room: str(o, "room"),
    users: array(o, "users", user)
  }),
  rooms: (o) => withRef(o, {
    type: "rooms",
    rooms: array(o, "rooms", room)
  }),
  topic: (o) => withRef(o, {
    type: "topic",
    ts: uint(o, "ts"),
    room: str(o, "room"),
    topic: str(o, "topic"),
    by: str(o, "by")
  }),
  notice(o) {
    const m = {
      type: "notice",
      ts: uint(o, "ts"),
      text: str(o, "text")
    };
    const r = optStr(o, "room");
    if (r !== void 0) m.room = r;
    return withRef(o, m);
  },
  shutdown: (o) => ({
    type: "shutdown",
    ts: uint(o, "ts"),
    reason: str(o, "reason")
  }),
  bye: (o) => ({
    type: "bye",
    code: str(o, "code"),
    reason: str(o, "reason")
  }),
  help: (o) => withRef(o, {
    type: "help",
    commands: array(o, "commands", (c) => ({
      name: str(c, "name"),
      usage: str(c, "usage"),
      help: str(c, "help")
    }))
  }),
  ping,
  pong: ping,
  media: (o) => withRef(o, {
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
    ...optBool(o, "history") ? {
      history: true
    } : {}
  }),
  media_data: (o) => ({
    type: "media_data",
    ref: uint(o, "ref"),
    id: uint(o, "id"),
    token: str(o, "token"),
    kind: mediaKind(o),
    mime: str(o, "mime"),
    durationMs: uint(o, "durationMs"),
    data: str(o, "data")
  }),
  challenge: (o) => ({
    type: "challenge",
    nonce: str(o, "nonce")
  }),
  away(o) {
    const m = {
      type: "away",
      ts: uint(o, "ts"),
      nick: str(o, "nick")
    };
    const away = optStr(o, "away");
    if (away !== void 0) m.away = away;
    return m;
  },
  search(o) {
    const m = {
      type: "search",
      query: str(o, "query"),
      results: array(o, "results", searchHit)
    };
    const r = optStr(o, "room");
    if (r !== void 0) m.room = r;
    return withRef(o, m);
  }
};
function withHistory(o, m) {
  const history2 = optBool(o, "history");
  if (history2 !== void 0) m.history = history2;
  return withRef(o, m);
}
function withRef(o, m) {
  const ref = optUint(o, "ref");
  if (ref !== void 0) m.ref = ref;
  return m;
}
var FLOOD_LIMIT_FIELDS = [
  "floodRate",
  "floodBurst",
  "floodBytesRate",
  "floodBytesBurst"
];
function optionalUints(o, fields) {
  const out = {};
  for (const field of fields) {
    const value = optUint(o, field);
    if (value !== void 0) out[field] = value;
  }
  return out;
}
function searchHit(o) {
  const kind = str(o, "kind");
  if (kind !== "msg" && kind !== "action" && kind !== "privmsg") {
    fail(o.type, "kind", '"msg", "action" or "privmsg"');
  }
  const hit = {
    id: uint(o, "id"),
    ts: uint(o, "ts"),
    kind,
    from: str(o, "from"),
    text: str(o, "text")
  };
  const r = optStr(o, "room");
  if (r !== void 0) hit.room = r;
  const to = optStr(o, "to");
  if (to !== void 0) hit.to = to;
  return hit;
}
function parseServerMessage(payload) {
  const o = parseObject(payload);
  if (!Object.hasOwn(serverParsers, o.type)) return null;
  return serverParsers[o.type](o);
}

// client/core/chat_state.ts
var ChatState = class {
  /** Own nick, updated on `welcome` and own `nick` notices. */
  me;
  /** The room plain lines go to. */
  activeRoom = DEFAULT_ROOM;
  /** Rooms joined, by `nameKey` to display name. */
  rooms = /* @__PURE__ */ new Map([
    [
      DEFAULT_ROOM,
      DEFAULT_ROOM
    ]
  ]);
  /** Nicks in the rooms joined (kept from `welcome`, `who`, `join`, `leave`, `nick`), for completion. */
  nicks = /* @__PURE__ */ new Set();
  /** Rooms seen in `/rooms` listings or joined, by `nameKey`, for completion. */
  knownRooms = /* @__PURE__ */ new Map([
    [
      DEFAULT_ROOM,
      DEFAULT_ROOM
    ]
  ]);
  /** Members of each joined room: room key to (nick key to display nick). */
  #members = /* @__PURE__ */ new Map();
  #pending = /* @__PURE__ */ new Map();
  #saves = /* @__PURE__ */ new Map();
  /** Fetch tokens of the recordings announced to this client, by message id (for `/save ID`). */
  #mediaTokens = /* @__PURE__ */ new Map();
  /** Rooms being rejoined after a reconnect, by `nameKey`. */
  #rejoining = /* @__PURE__ */ new Set();
  /** @param nick The nick asked for. */
  constructor(nick) {
    this.me = nick;
  }
  /** Number of sent messages not yet acknowledged. */
  get unacknowledged() {
    return this.#pending.size;
  }
  /**
   * Whether `nick` is the user's own nick under the protocol's `nameKey`.
   *
   * @param nick Any nick.
   * @returns True for any spelling of {@linkcode ChatState.me}.
   */
  isMe(nick) {
    return nameKey(nick) === nameKey(this.me);
  }
  /**
   * Applies the server's welcome.
   *
   * @param welcome The welcome message.
   */
  welcome(welcome) {
    this.me = welcome.nick;
    this.activeRoom = welcome.room || DEFAULT_ROOM;
    this.rooms.clear();
    this.rooms.set(nameKey(this.activeRoom), this.activeRoom);
    this.#members.clear();
    this.#setMembers(this.activeRoom, welcome.users.map((u) => u.nick));
  }
  /**
   * Applies the welcome of a new connection after a reconnect: keeps the
   * rooms and the active room the user had, and returns the rooms to rejoin
   * (every room but the one the server put the client in). Their `join`
   * notices then do not switch the active room.
   *
   * @param welcome The new connection's welcome.
   * @returns Room names to send `/join` for, active room last.
   */
  resume(welcome) {
    const rooms2 = [
      ...this.rooms.values()
    ];
    const active = this.activeRoom;
    this.welcome(welcome);
    const rejoin = rooms2.filter((r) => nameKey(r) !== nameKey(this.activeRoom)).sort((a, b) => Number(a === active) - Number(b === active));
    for (const room3 of rejoin) {
      this.rooms.set(nameKey(room3), room3);
      this.#rejoining.add(nameKey(room3));
    }
    if (this.rooms.has(nameKey(active))) this.activeRoom = active;
    return rejoin;
  }
  /**
   * Forgets every message sent but not acknowledged (the connection dropped;
   * their fate is unknown) so that a new connection starts clean.
   *
   * @returns The texts of chat lines, actions and private messages among them, oldest first.
   */
  dropPending() {
    const lost = [
      ...this.#pending.values()
    ].filter((p) => p.kind !== "command").map((p) => p.kind === "privmsg" ? `/msg ${p.to} ${p.text}` : p.kind === "action" ? `/me ${p.text}` : p.text);
    this.#pending.clear();
    return lost;
  }
  /**
   * Turns a typed line into a protocol message.
   *
   * Lines starting with `/` are commands (`//text` sends `/text` as a message);
   * `/me` becomes an action command, `/join` of a room already joined just switches.
   *
   * @param line The line as typed (may contain newlines from a paste).
   * @param ref The `ref` to use.
   */
  outgoing(line2, ref) {
    if (line2.trim() === "") return {
      kind: "none"
    };
    if (line2.startsWith("/") && !line2.startsWith("//")) {
      const match = /^\/(\S+)\s*([\s\S]*)$/.exec(line2);
      const name = match[1].toLowerCase();
      const args = match[2].trim();
      if (name === "join" && args) {
        const room3 = args.startsWith("#") ? args : `#${args}`;
        const known = this.rooms.get(nameKey(room3));
        if (known && !args.includes(" ")) {
          this.activeRoom = known;
          return {
            kind: "local",
            text: `--- now talking in ${known}`
          };
        }
      }
      if (name === "save") return this.#save(args, ref);
      const message = {
        type: "command",
        ref,
        room: this.activeRoom,
        name,
        args
      };
      if (name === "me") {
        this.#pending.set(ref, {
          kind: "action",
          text: args,
          room: this.activeRoom
        });
      } else if (name === "msg") {
        const to = args.split(/\s+/)[0];
        const text2 = /^\S+\s+([\s\S]*)$/.exec(args)?.[1] ?? "";
        this.#pending.set(ref, {
          kind: "privmsg",
          text: text2,
          room: "",
          to
        });
      } else this.#pending.set(ref, {
        kind: "command",
        text: args,
        room: this.activeRoom,
        name
      });
      return {
        kind: name === "quit" ? "quit" : "send",
        message
      };
    }
    const text = line2.startsWith("//") ? line2.slice(1) : line2;
    this.#pending.set(ref, {
      kind: "msg",
      text,
      room: this.activeRoom
    });
    return {
      kind: "send",
      message: {
        type: "msg",
        ref,
        room: this.activeRoom,
        text
      }
    };
  }
  /**
   * The file a `/save` asked for, once its `media_data` arrived.
   *
   * @param ref The `ref` of the `fetch_media` request.
   * @returns The path typed after the id, or `undefined` for the default name.
   */
  takeSaveTarget(ref) {
    const file = this.#saves.get(ref);
    this.#saves.delete(ref);
    return file;
  }
  /**
   * `/save ID [FILE]`: asks the server for a media message's bytes, by the
   * token its `media` notice carried (the server does not take ids).
   */
  #save(args, ref) {
    const match = /^(\d{1,15})(?:\s+([\s\S]+))?$/.exec(args);
    if (!match) return {
      kind: "local",
      text: "--- usage: /save ID [FILE]"
    };
    const token = this.#mediaTokens.get(Number(match[1]));
    if (token === void 0) {
      return {
        kind: "local",
        text: `--- no voice or video message ${match[1]} was shown here`
      };
    }
    this.#pending.set(ref, {
      kind: "save",
      text: args,
      room: this.activeRoom
    });
    this.#saves.set(ref, match[2]?.trim());
    return {
      kind: "send",
      message: {
        type: "fetch_media",
        ref,
        token
      }
    };
  }
  /**
   * Applies a server message and returns what to show: the message itself, or
   * for an `ack` of own text, the own line with the server's id and time.
   *
   * @param message A server message.
   * @returns Messages to render, in order.
   */
  incoming(message) {
    switch (message.type) {
      case "ack": {
        const sent = this.#pending.get(message.ref);
        this.#pending.delete(message.ref);
        if (!sent || message.id === 0) return [];
        if (sent.kind === "privmsg") {
          return [
            {
              type: "privmsg",
              id: message.id,
              ts: message.ts,
              from: this.me,
              to: sent.to ?? "",
              text: sent.text
            }
          ];
        }
        if (sent.kind === "msg" || sent.kind === "action") {
          return [
            {
              type: sent.kind,
              id: message.id,
              ts: message.ts,
              room: sent.room,
              from: this.me,
              text: sent.text
            }
          ];
        }
        return [];
      }
      case "error":
        if (message.ref !== void 0) {
          this.#pending.delete(message.ref);
          this.#saves.delete(message.ref);
        }
        return [
          message
        ];
      case "media_data":
        this.#pending.delete(message.ref);
        return [
          message
        ];
      case "media":
        this.#mediaTokens.set(message.id, message.token);
        return [
          message
        ];
      case "join":
        if (this.isMe(message.nick)) {
          this.rooms.set(nameKey(message.room), message.room);
          this.knownRooms.set(nameKey(message.room), message.room);
          if (!this.#rejoining.delete(nameKey(message.room))) this.activeRoom = message.room;
        } else {
          this.#members.get(nameKey(message.room))?.set(nameKey(message.nick), message.nick);
          this.nicks.add(message.nick);
        }
        return [
          message
        ];
      case "leave":
        this.#members.get(nameKey(message.room))?.delete(nameKey(message.nick));
        if (this.isMe(message.nick)) {
          this.#members.delete(nameKey(message.room));
          this.rooms.delete(nameKey(message.room));
          if (nameKey(this.activeRoom) === nameKey(message.room)) {
            this.activeRoom = this.rooms.values().next().value ?? DEFAULT_ROOM;
          }
        }
        this.#recountNicks();
        return [
          message
        ];
      case "nick":
        if (this.isMe(message.old)) this.me = message.nick;
        for (const members of this.#members.values()) {
          if (members.delete(nameKey(message.old))) {
            members.set(nameKey(message.nick), message.nick);
          }
        }
        this.nicks.delete(message.old);
        this.nicks.add(message.nick);
        return [
          message
        ];
      case "who":
        if (this.rooms.has(nameKey(message.room))) {
          this.#setMembers(message.room, message.users.map((u) => u.nick));
        } else for (const user2 of message.users) this.nicks.add(user2.nick);
        return [
          message
        ];
      case "rooms":
        for (const room3 of message.rooms) this.knownRooms.set(nameKey(room3.name), room3.name);
        return [
          message
        ];
      default:
        return [
          message
        ];
    }
  }
  #setMembers(room3, nicks) {
    this.#members.set(nameKey(room3), new Map(nicks.map((n) => [
      nameKey(n),
      n
    ])));
    this.#recountNicks();
  }
  #recountNicks() {
    this.nicks.clear();
    for (const members of this.#members.values()) {
      for (const nick of members.values()) this.nicks.add(nick);
    }
  }
};

// protocol/identity.ts
var IDENTITY_NONCE_BYTES = 32;
var ED25519_PUBLIC_KEY_BYTES = 32;
var IDENTITY_PAYLOAD_TAG = "parley-identity-v1";
function toBase64(bytes) {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 32768) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 32768));
  }
  return btoa(binary);
}
function fromBase64(text) {
  let binary;
  try {
    binary = atob(text);
  } catch {
    throw new SyntaxError("Cannot decode base64: invalid characters or length");
  }
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  if (toBase64(bytes) !== text) throw new SyntaxError("Cannot decode base64: not canonical");
  return bytes;
}
async function fingerprint(publicKeyRaw) {
  checkBytes(publicKeyRaw, "publicKeyRaw");
  if (publicKeyRaw.length !== ED25519_PUBLIC_KEY_BYTES) {
    throw new RangeError(`Cannot fingerprint a key of ${publicKeyRaw.length} bytes: Ed25519 keys are 32 bytes`);
  }
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", copy(publicKeyRaw)));
  return `SHA256:${toBase64(digest).replace(/=+$/, "")}`;
}
function proofPayload(nonce, serverName, publicKeyRaw) {
  checkBytes(nonce, "nonce");
  checkBytes(publicKeyRaw, "publicKeyRaw");
  if (typeof serverName !== "string") {
    throw new TypeError(`serverName must be a string, not ${typeof serverName}`);
  }
  if (nonce.length !== IDENTITY_NONCE_BYTES) {
    throw new RangeError(`Nonce is ${nonce.length} bytes; it must be ${IDENTITY_NONCE_BYTES}`);
  }
  if (serverName === "" || /[\r\n]/.test(serverName)) {
    throw new RangeError("Server name must be non-empty and contain no line break");
  }
  return new TextEncoder().encode(`${IDENTITY_PAYLOAD_TAG}
${toBase64(nonce)}
${serverName}
${toBase64(publicKeyRaw)}`);
}
async function signProof(privateKey, nonce, serverName, publicKeyRaw) {
  if (!(privateKey instanceof CryptoKey)) throw new TypeError("privateKey must be a CryptoKey");
  const payload = proofPayload(nonce, serverName, publicKeyRaw);
  return new Uint8Array(await crypto.subtle.sign("Ed25519", privateKey, copy(payload)));
}
function checkBytes(value, name) {
  if (!(value instanceof Uint8Array)) {
    throw new TypeError(`${name} must be a Uint8Array`);
  }
}
function copy(bytes) {
  return new Uint8Array(bytes);
}

// web/src/browser_identity.ts
var IDENTITY_DB = "parley";
var STORE = "identity";
var RECORD = "default";
async function loadOrCreateBrowserIdentity() {
  let db;
  try {
    db = await openDatabase();
  } catch (error) {
    console.warn("No IndexedDB for the identity key; joining as a guest", error);
    return void 0;
  }
  try {
    let pair = await request(db.transaction(STORE, "readonly").objectStore(STORE).get(RECORD));
    if (!isKeyPair(pair)) {
      let made;
      try {
        made = await crypto.subtle.generateKey({
          name: "Ed25519"
        }, false, [
          "sign",
          "verify"
        ]);
      } catch (error) {
        console.warn("This browser has no Ed25519; joining as a guest", error);
        return void 0;
      }
      const stored = await request(db.transaction(STORE, "readwrite").objectStore(STORE).add(made, RECORD)).then(() => true, () => false);
      pair = stored ? made : await request(db.transaction(STORE, "readonly").objectStore(STORE).get(RECORD));
      if (!isKeyPair(pair)) return void 0;
    }
    const publicKeyRaw = new Uint8Array(await crypto.subtle.exportKey("raw", pair.publicKey));
    return {
      privateKey: pair.privateKey,
      publicKeyRaw,
      fingerprint: await fingerprint(publicKeyRaw)
    };
  } finally {
    db.close();
  }
}
function helloKey(identity) {
  return toBase64(identity.publicKeyRaw);
}
async function proveSignature(identity, nonce, hostname) {
  const name = hostname.toLowerCase().replace(/^\[(.*)\]$/, "$1").replace(/\.$/, "");
  return toBase64(await signProof(identity.privateKey, nonce, name, identity.publicKeyRaw));
}
function isKeyPair(value) {
  const pair = value;
  return pair?.privateKey instanceof CryptoKey && pair.publicKey instanceof CryptoKey;
}
function openDatabase() {
  const open = indexedDB.open(IDENTITY_DB, 1);
  open.onupgradeneeded = () => open.result.createObjectStore(STORE);
  return request(open);
}
function request(req) {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

// ../../root/.cache/deno/npm/registry.npmjs.org/emojilib/2.4.0/simplemap.json
var simplemap_default = {
  "100": "\u{1F4AF}",
  "1234": "\u{1F522}",
  grinning: "\u{1F600}",
  grimacing: "\u{1F62C}",
  grin: "\u{1F601}",
  joy: "\u{1F602}",
  rofl: "\u{1F923}",
  partying: "\u{1F973}",
  smiley: "\u{1F603}",
  smile: "\u{1F604}",
  sweat_smile: "\u{1F605}",
  laughing: "\u{1F606}",
  innocent: "\u{1F607}",
  wink: "\u{1F609}",
  blush: "\u{1F60A}",
  slightly_smiling_face: "\u{1F642}",
  upside_down_face: "\u{1F643}",
  relaxed: "\u263A\uFE0F",
  yum: "\u{1F60B}",
  relieved: "\u{1F60C}",
  heart_eyes: "\u{1F60D}",
  smiling_face_with_three_hearts: "\u{1F970}",
  kissing_heart: "\u{1F618}",
  kissing: "\u{1F617}",
  kissing_smiling_eyes: "\u{1F619}",
  kissing_closed_eyes: "\u{1F61A}",
  stuck_out_tongue_winking_eye: "\u{1F61C}",
  zany: "\u{1F92A}",
  raised_eyebrow: "\u{1F928}",
  monocle: "\u{1F9D0}",
  stuck_out_tongue_closed_eyes: "\u{1F61D}",
  stuck_out_tongue: "\u{1F61B}",
  money_mouth_face: "\u{1F911}",
  nerd_face: "\u{1F913}",
  sunglasses: "\u{1F60E}",
  star_struck: "\u{1F929}",
  clown_face: "\u{1F921}",
  cowboy_hat_face: "\u{1F920}",
  hugs: "\u{1F917}",
  smirk: "\u{1F60F}",
  no_mouth: "\u{1F636}",
  neutral_face: "\u{1F610}",
  expressionless: "\u{1F611}",
  unamused: "\u{1F612}",
  roll_eyes: "\u{1F644}",
  thinking: "\u{1F914}",
  lying_face: "\u{1F925}",
  hand_over_mouth: "\u{1F92D}",
  shushing: "\u{1F92B}",
  symbols_over_mouth: "\u{1F92C}",
  exploding_head: "\u{1F92F}",
  flushed: "\u{1F633}",
  disappointed: "\u{1F61E}",
  worried: "\u{1F61F}",
  angry: "\u{1F620}",
  rage: "\u{1F621}",
  pensive: "\u{1F614}",
  confused: "\u{1F615}",
  slightly_frowning_face: "\u{1F641}",
  frowning_face: "\u2639",
  persevere: "\u{1F623}",
  confounded: "\u{1F616}",
  tired_face: "\u{1F62B}",
  weary: "\u{1F629}",
  pleading: "\u{1F97A}",
  triumph: "\u{1F624}",
  open_mouth: "\u{1F62E}",
  scream: "\u{1F631}",
  fearful: "\u{1F628}",
  cold_sweat: "\u{1F630}",
  hushed: "\u{1F62F}",
  frowning: "\u{1F626}",
  anguished: "\u{1F627}",
  cry: "\u{1F622}",
  disappointed_relieved: "\u{1F625}",
  drooling_face: "\u{1F924}",
  sleepy: "\u{1F62A}",
  sweat: "\u{1F613}",
  hot: "\u{1F975}",
  cold: "\u{1F976}",
  sob: "\u{1F62D}",
  dizzy_face: "\u{1F635}",
  astonished: "\u{1F632}",
  zipper_mouth_face: "\u{1F910}",
  nauseated_face: "\u{1F922}",
  sneezing_face: "\u{1F927}",
  vomiting: "\u{1F92E}",
  mask: "\u{1F637}",
  face_with_thermometer: "\u{1F912}",
  face_with_head_bandage: "\u{1F915}",
  woozy: "\u{1F974}",
  sleeping: "\u{1F634}",
  zzz: "\u{1F4A4}",
  poop: "\u{1F4A9}",
  smiling_imp: "\u{1F608}",
  imp: "\u{1F47F}",
  japanese_ogre: "\u{1F479}",
  japanese_goblin: "\u{1F47A}",
  skull: "\u{1F480}",
  ghost: "\u{1F47B}",
  alien: "\u{1F47D}",
  robot: "\u{1F916}",
  smiley_cat: "\u{1F63A}",
  smile_cat: "\u{1F638}",
  joy_cat: "\u{1F639}",
  heart_eyes_cat: "\u{1F63B}",
  smirk_cat: "\u{1F63C}",
  kissing_cat: "\u{1F63D}",
  scream_cat: "\u{1F640}",
  crying_cat_face: "\u{1F63F}",
  pouting_cat: "\u{1F63E}",
  palms_up: "\u{1F932}",
  raised_hands: "\u{1F64C}",
  clap: "\u{1F44F}",
  wave: "\u{1F44B}",
  call_me_hand: "\u{1F919}",
  "+1": "\u{1F44D}",
  "-1": "\u{1F44E}",
  facepunch: "\u{1F44A}",
  fist: "\u270A",
  fist_left: "\u{1F91B}",
  fist_right: "\u{1F91C}",
  v: "\u270C",
  ok_hand: "\u{1F44C}",
  raised_hand: "\u270B",
  raised_back_of_hand: "\u{1F91A}",
  open_hands: "\u{1F450}",
  muscle: "\u{1F4AA}",
  pray: "\u{1F64F}",
  foot: "\u{1F9B6}",
  leg: "\u{1F9B5}",
  handshake: "\u{1F91D}",
  point_up: "\u261D",
  point_up_2: "\u{1F446}",
  point_down: "\u{1F447}",
  point_left: "\u{1F448}",
  point_right: "\u{1F449}",
  fu: "\u{1F595}",
  raised_hand_with_fingers_splayed: "\u{1F590}",
  love_you: "\u{1F91F}",
  metal: "\u{1F918}",
  crossed_fingers: "\u{1F91E}",
  vulcan_salute: "\u{1F596}",
  writing_hand: "\u270D",
  selfie: "\u{1F933}",
  nail_care: "\u{1F485}",
  lips: "\u{1F444}",
  tooth: "\u{1F9B7}",
  tongue: "\u{1F445}",
  ear: "\u{1F442}",
  nose: "\u{1F443}",
  eye: "\u{1F441}",
  eyes: "\u{1F440}",
  brain: "\u{1F9E0}",
  bust_in_silhouette: "\u{1F464}",
  busts_in_silhouette: "\u{1F465}",
  speaking_head: "\u{1F5E3}",
  baby: "\u{1F476}",
  child: "\u{1F9D2}",
  boy: "\u{1F466}",
  girl: "\u{1F467}",
  adult: "\u{1F9D1}",
  man: "\u{1F468}",
  woman: "\u{1F469}",
  blonde_woman: "\u{1F471}\u200D\u2640\uFE0F",
  blonde_man: "\u{1F471}",
  bearded_person: "\u{1F9D4}",
  older_adult: "\u{1F9D3}",
  older_man: "\u{1F474}",
  older_woman: "\u{1F475}",
  man_with_gua_pi_mao: "\u{1F472}",
  woman_with_headscarf: "\u{1F9D5}",
  woman_with_turban: "\u{1F473}\u200D\u2640\uFE0F",
  man_with_turban: "\u{1F473}",
  policewoman: "\u{1F46E}\u200D\u2640\uFE0F",
  policeman: "\u{1F46E}",
  construction_worker_woman: "\u{1F477}\u200D\u2640\uFE0F",
  construction_worker_man: "\u{1F477}",
  guardswoman: "\u{1F482}\u200D\u2640\uFE0F",
  guardsman: "\u{1F482}",
  female_detective: "\u{1F575}\uFE0F\u200D\u2640\uFE0F",
  male_detective: "\u{1F575}",
  woman_health_worker: "\u{1F469}\u200D\u2695\uFE0F",
  man_health_worker: "\u{1F468}\u200D\u2695\uFE0F",
  woman_farmer: "\u{1F469}\u200D\u{1F33E}",
  man_farmer: "\u{1F468}\u200D\u{1F33E}",
  woman_cook: "\u{1F469}\u200D\u{1F373}",
  man_cook: "\u{1F468}\u200D\u{1F373}",
  woman_student: "\u{1F469}\u200D\u{1F393}",
  man_student: "\u{1F468}\u200D\u{1F393}",
  woman_singer: "\u{1F469}\u200D\u{1F3A4}",
  man_singer: "\u{1F468}\u200D\u{1F3A4}",
  woman_teacher: "\u{1F469}\u200D\u{1F3EB}",
  man_teacher: "\u{1F468}\u200D\u{1F3EB}",
  woman_factory_worker: "\u{1F469}\u200D\u{1F3ED}",
  man_factory_worker: "\u{1F468}\u200D\u{1F3ED}",
  woman_technologist: "\u{1F469}\u200D\u{1F4BB}",
  man_technologist: "\u{1F468}\u200D\u{1F4BB}",
  woman_office_worker: "\u{1F469}\u200D\u{1F4BC}",
  man_office_worker: "\u{1F468}\u200D\u{1F4BC}",
  woman_mechanic: "\u{1F469}\u200D\u{1F527}",
  man_mechanic: "\u{1F468}\u200D\u{1F527}",
  woman_scientist: "\u{1F469}\u200D\u{1F52C}",
  man_scientist: "\u{1F468}\u200D\u{1F52C}",
  woman_artist: "\u{1F469}\u200D\u{1F3A8}",
  man_artist: "\u{1F468}\u200D\u{1F3A8}",
  woman_firefighter: "\u{1F469}\u200D\u{1F692}",
  man_firefighter: "\u{1F468}\u200D\u{1F692}",
  woman_pilot: "\u{1F469}\u200D\u2708\uFE0F",
  man_pilot: "\u{1F468}\u200D\u2708\uFE0F",
  woman_astronaut: "\u{1F469}\u200D\u{1F680}",
  man_astronaut: "\u{1F468}\u200D\u{1F680}",
  woman_judge: "\u{1F469}\u200D\u2696\uFE0F",
  man_judge: "\u{1F468}\u200D\u2696\uFE0F",
  woman_superhero: "\u{1F9B8}\u200D\u2640\uFE0F",
  man_superhero: "\u{1F9B8}\u200D\u2642\uFE0F",
  woman_supervillain: "\u{1F9B9}\u200D\u2640\uFE0F",
  man_supervillain: "\u{1F9B9}\u200D\u2642\uFE0F",
  mrs_claus: "\u{1F936}",
  santa: "\u{1F385}",
  sorceress: "\u{1F9D9}\u200D\u2640\uFE0F",
  wizard: "\u{1F9D9}\u200D\u2642\uFE0F",
  woman_elf: "\u{1F9DD}\u200D\u2640\uFE0F",
  man_elf: "\u{1F9DD}\u200D\u2642\uFE0F",
  woman_vampire: "\u{1F9DB}\u200D\u2640\uFE0F",
  man_vampire: "\u{1F9DB}\u200D\u2642\uFE0F",
  woman_zombie: "\u{1F9DF}\u200D\u2640\uFE0F",
  man_zombie: "\u{1F9DF}\u200D\u2642\uFE0F",
  woman_genie: "\u{1F9DE}\u200D\u2640\uFE0F",
  man_genie: "\u{1F9DE}\u200D\u2642\uFE0F",
  mermaid: "\u{1F9DC}\u200D\u2640\uFE0F",
  merman: "\u{1F9DC}\u200D\u2642\uFE0F",
  woman_fairy: "\u{1F9DA}\u200D\u2640\uFE0F",
  man_fairy: "\u{1F9DA}\u200D\u2642\uFE0F",
  angel: "\u{1F47C}",
  pregnant_woman: "\u{1F930}",
  breastfeeding: "\u{1F931}",
  princess: "\u{1F478}",
  prince: "\u{1F934}",
  bride_with_veil: "\u{1F470}",
  man_in_tuxedo: "\u{1F935}",
  running_woman: "\u{1F3C3}\u200D\u2640\uFE0F",
  running_man: "\u{1F3C3}",
  walking_woman: "\u{1F6B6}\u200D\u2640\uFE0F",
  walking_man: "\u{1F6B6}",
  dancer: "\u{1F483}",
  man_dancing: "\u{1F57A}",
  dancing_women: "\u{1F46F}",
  dancing_men: "\u{1F46F}\u200D\u2642\uFE0F",
  couple: "\u{1F46B}",
  two_men_holding_hands: "\u{1F46C}",
  two_women_holding_hands: "\u{1F46D}",
  bowing_woman: "\u{1F647}\u200D\u2640\uFE0F",
  bowing_man: "\u{1F647}",
  man_facepalming: "\u{1F926}\u200D\u2642\uFE0F",
  woman_facepalming: "\u{1F926}\u200D\u2640\uFE0F",
  woman_shrugging: "\u{1F937}",
  man_shrugging: "\u{1F937}\u200D\u2642\uFE0F",
  tipping_hand_woman: "\u{1F481}",
  tipping_hand_man: "\u{1F481}\u200D\u2642\uFE0F",
  no_good_woman: "\u{1F645}",
  no_good_man: "\u{1F645}\u200D\u2642\uFE0F",
  ok_woman: "\u{1F646}",
  ok_man: "\u{1F646}\u200D\u2642\uFE0F",
  raising_hand_woman: "\u{1F64B}",
  raising_hand_man: "\u{1F64B}\u200D\u2642\uFE0F",
  pouting_woman: "\u{1F64E}",
  pouting_man: "\u{1F64E}\u200D\u2642\uFE0F",
  frowning_woman: "\u{1F64D}",
  frowning_man: "\u{1F64D}\u200D\u2642\uFE0F",
  haircut_woman: "\u{1F487}",
  haircut_man: "\u{1F487}\u200D\u2642\uFE0F",
  massage_woman: "\u{1F486}",
  massage_man: "\u{1F486}\u200D\u2642\uFE0F",
  woman_in_steamy_room: "\u{1F9D6}\u200D\u2640\uFE0F",
  man_in_steamy_room: "\u{1F9D6}\u200D\u2642\uFE0F",
  couple_with_heart_woman_man: "\u{1F491}",
  couple_with_heart_woman_woman: "\u{1F469}\u200D\u2764\uFE0F\u200D\u{1F469}",
  couple_with_heart_man_man: "\u{1F468}\u200D\u2764\uFE0F\u200D\u{1F468}",
  couplekiss_man_woman: "\u{1F48F}",
  couplekiss_woman_woman: "\u{1F469}\u200D\u2764\uFE0F\u200D\u{1F48B}\u200D\u{1F469}",
  couplekiss_man_man: "\u{1F468}\u200D\u2764\uFE0F\u200D\u{1F48B}\u200D\u{1F468}",
  family_man_woman_boy: "\u{1F46A}",
  family_man_woman_girl: "\u{1F468}\u200D\u{1F469}\u200D\u{1F467}",
  family_man_woman_girl_boy: "\u{1F468}\u200D\u{1F469}\u200D\u{1F467}\u200D\u{1F466}",
  family_man_woman_boy_boy: "\u{1F468}\u200D\u{1F469}\u200D\u{1F466}\u200D\u{1F466}",
  family_man_woman_girl_girl: "\u{1F468}\u200D\u{1F469}\u200D\u{1F467}\u200D\u{1F467}",
  family_woman_woman_boy: "\u{1F469}\u200D\u{1F469}\u200D\u{1F466}",
  family_woman_woman_girl: "\u{1F469}\u200D\u{1F469}\u200D\u{1F467}",
  family_woman_woman_girl_boy: "\u{1F469}\u200D\u{1F469}\u200D\u{1F467}\u200D\u{1F466}",
  family_woman_woman_boy_boy: "\u{1F469}\u200D\u{1F469}\u200D\u{1F466}\u200D\u{1F466}",
  family_woman_woman_girl_girl: "\u{1F469}\u200D\u{1F469}\u200D\u{1F467}\u200D\u{1F467}",
  family_man_man_boy: "\u{1F468}\u200D\u{1F468}\u200D\u{1F466}",
  family_man_man_girl: "\u{1F468}\u200D\u{1F468}\u200D\u{1F467}",
  family_man_man_girl_boy: "\u{1F468}\u200D\u{1F468}\u200D\u{1F467}\u200D\u{1F466}",
  family_man_man_boy_boy: "\u{1F468}\u200D\u{1F468}\u200D\u{1F466}\u200D\u{1F466}",
  family_man_man_girl_girl: "\u{1F468}\u200D\u{1F468}\u200D\u{1F467}\u200D\u{1F467}",
  family_woman_boy: "\u{1F469}\u200D\u{1F466}",
  family_woman_girl: "\u{1F469}\u200D\u{1F467}",
  family_woman_girl_boy: "\u{1F469}\u200D\u{1F467}\u200D\u{1F466}",
  family_woman_boy_boy: "\u{1F469}\u200D\u{1F466}\u200D\u{1F466}",
  family_woman_girl_girl: "\u{1F469}\u200D\u{1F467}\u200D\u{1F467}",
  family_man_boy: "\u{1F468}\u200D\u{1F466}",
  family_man_girl: "\u{1F468}\u200D\u{1F467}",
  family_man_girl_boy: "\u{1F468}\u200D\u{1F467}\u200D\u{1F466}",
  family_man_boy_boy: "\u{1F468}\u200D\u{1F466}\u200D\u{1F466}",
  family_man_girl_girl: "\u{1F468}\u200D\u{1F467}\u200D\u{1F467}",
  yarn: "\u{1F9F6}",
  thread: "\u{1F9F5}",
  coat: "\u{1F9E5}",
  labcoat: "\u{1F97C}",
  womans_clothes: "\u{1F45A}",
  tshirt: "\u{1F455}",
  jeans: "\u{1F456}",
  necktie: "\u{1F454}",
  dress: "\u{1F457}",
  bikini: "\u{1F459}",
  kimono: "\u{1F458}",
  lipstick: "\u{1F484}",
  kiss: "\u{1F48B}",
  footprints: "\u{1F463}",
  flat_shoe: "\u{1F97F}",
  high_heel: "\u{1F460}",
  sandal: "\u{1F461}",
  boot: "\u{1F462}",
  mans_shoe: "\u{1F45E}",
  athletic_shoe: "\u{1F45F}",
  hiking_boot: "\u{1F97E}",
  socks: "\u{1F9E6}",
  gloves: "\u{1F9E4}",
  scarf: "\u{1F9E3}",
  womans_hat: "\u{1F452}",
  tophat: "\u{1F3A9}",
  billed_hat: "\u{1F9E2}",
  rescue_worker_helmet: "\u26D1",
  mortar_board: "\u{1F393}",
  crown: "\u{1F451}",
  school_satchel: "\u{1F392}",
  luggage: "\u{1F9F3}",
  pouch: "\u{1F45D}",
  purse: "\u{1F45B}",
  handbag: "\u{1F45C}",
  briefcase: "\u{1F4BC}",
  eyeglasses: "\u{1F453}",
  dark_sunglasses: "\u{1F576}",
  goggles: "\u{1F97D}",
  ring: "\u{1F48D}",
  closed_umbrella: "\u{1F302}",
  dog: "\u{1F436}",
  cat: "\u{1F431}",
  mouse: "\u{1F42D}",
  hamster: "\u{1F439}",
  rabbit: "\u{1F430}",
  fox_face: "\u{1F98A}",
  bear: "\u{1F43B}",
  panda_face: "\u{1F43C}",
  koala: "\u{1F428}",
  tiger: "\u{1F42F}",
  lion: "\u{1F981}",
  cow: "\u{1F42E}",
  pig: "\u{1F437}",
  pig_nose: "\u{1F43D}",
  frog: "\u{1F438}",
  squid: "\u{1F991}",
  octopus: "\u{1F419}",
  shrimp: "\u{1F990}",
  monkey_face: "\u{1F435}",
  gorilla: "\u{1F98D}",
  see_no_evil: "\u{1F648}",
  hear_no_evil: "\u{1F649}",
  speak_no_evil: "\u{1F64A}",
  monkey: "\u{1F412}",
  chicken: "\u{1F414}",
  penguin: "\u{1F427}",
  bird: "\u{1F426}",
  baby_chick: "\u{1F424}",
  hatching_chick: "\u{1F423}",
  hatched_chick: "\u{1F425}",
  duck: "\u{1F986}",
  eagle: "\u{1F985}",
  owl: "\u{1F989}",
  bat: "\u{1F987}",
  wolf: "\u{1F43A}",
  boar: "\u{1F417}",
  horse: "\u{1F434}",
  unicorn: "\u{1F984}",
  honeybee: "\u{1F41D}",
  bug: "\u{1F41B}",
  butterfly: "\u{1F98B}",
  snail: "\u{1F40C}",
  beetle: "\u{1F41E}",
  ant: "\u{1F41C}",
  grasshopper: "\u{1F997}",
  spider: "\u{1F577}",
  scorpion: "\u{1F982}",
  crab: "\u{1F980}",
  snake: "\u{1F40D}",
  lizard: "\u{1F98E}",
  "t-rex": "\u{1F996}",
  sauropod: "\u{1F995}",
  turtle: "\u{1F422}",
  tropical_fish: "\u{1F420}",
  fish: "\u{1F41F}",
  blowfish: "\u{1F421}",
  dolphin: "\u{1F42C}",
  shark: "\u{1F988}",
  whale: "\u{1F433}",
  whale2: "\u{1F40B}",
  crocodile: "\u{1F40A}",
  leopard: "\u{1F406}",
  zebra: "\u{1F993}",
  tiger2: "\u{1F405}",
  water_buffalo: "\u{1F403}",
  ox: "\u{1F402}",
  cow2: "\u{1F404}",
  deer: "\u{1F98C}",
  dromedary_camel: "\u{1F42A}",
  camel: "\u{1F42B}",
  giraffe: "\u{1F992}",
  elephant: "\u{1F418}",
  rhinoceros: "\u{1F98F}",
  goat: "\u{1F410}",
  ram: "\u{1F40F}",
  sheep: "\u{1F411}",
  racehorse: "\u{1F40E}",
  pig2: "\u{1F416}",
  rat: "\u{1F400}",
  mouse2: "\u{1F401}",
  rooster: "\u{1F413}",
  turkey: "\u{1F983}",
  dove: "\u{1F54A}",
  dog2: "\u{1F415}",
  poodle: "\u{1F429}",
  cat2: "\u{1F408}",
  rabbit2: "\u{1F407}",
  chipmunk: "\u{1F43F}",
  hedgehog: "\u{1F994}",
  raccoon: "\u{1F99D}",
  llama: "\u{1F999}",
  hippopotamus: "\u{1F99B}",
  kangaroo: "\u{1F998}",
  badger: "\u{1F9A1}",
  swan: "\u{1F9A2}",
  peacock: "\u{1F99A}",
  parrot: "\u{1F99C}",
  lobster: "\u{1F99E}",
  mosquito: "\u{1F99F}",
  paw_prints: "\u{1F43E}",
  dragon: "\u{1F409}",
  dragon_face: "\u{1F432}",
  cactus: "\u{1F335}",
  christmas_tree: "\u{1F384}",
  evergreen_tree: "\u{1F332}",
  deciduous_tree: "\u{1F333}",
  palm_tree: "\u{1F334}",
  seedling: "\u{1F331}",
  herb: "\u{1F33F}",
  shamrock: "\u2618",
  four_leaf_clover: "\u{1F340}",
  bamboo: "\u{1F38D}",
  tanabata_tree: "\u{1F38B}",
  leaves: "\u{1F343}",
  fallen_leaf: "\u{1F342}",
  maple_leaf: "\u{1F341}",
  ear_of_rice: "\u{1F33E}",
  hibiscus: "\u{1F33A}",
  sunflower: "\u{1F33B}",
  rose: "\u{1F339}",
  wilted_flower: "\u{1F940}",
  tulip: "\u{1F337}",
  blossom: "\u{1F33C}",
  cherry_blossom: "\u{1F338}",
  bouquet: "\u{1F490}",
  mushroom: "\u{1F344}",
  chestnut: "\u{1F330}",
  jack_o_lantern: "\u{1F383}",
  shell: "\u{1F41A}",
  spider_web: "\u{1F578}",
  earth_americas: "\u{1F30E}",
  earth_africa: "\u{1F30D}",
  earth_asia: "\u{1F30F}",
  full_moon: "\u{1F315}",
  waning_gibbous_moon: "\u{1F316}",
  last_quarter_moon: "\u{1F317}",
  waning_crescent_moon: "\u{1F318}",
  new_moon: "\u{1F311}",
  waxing_crescent_moon: "\u{1F312}",
  first_quarter_moon: "\u{1F313}",
  waxing_gibbous_moon: "\u{1F314}",
  new_moon_with_face: "\u{1F31A}",
  full_moon_with_face: "\u{1F31D}",
  first_quarter_moon_with_face: "\u{1F31B}",
  last_quarter_moon_with_face: "\u{1F31C}",
  sun_with_face: "\u{1F31E}",
  crescent_moon: "\u{1F319}",
  star: "\u2B50",
  star2: "\u{1F31F}",
  dizzy: "\u{1F4AB}",
  sparkles: "\u2728",
  comet: "\u2604",
  sunny: "\u2600\uFE0F",
  sun_behind_small_cloud: "\u{1F324}",
  partly_sunny: "\u26C5",
  sun_behind_large_cloud: "\u{1F325}",
  sun_behind_rain_cloud: "\u{1F326}",
  cloud: "\u2601\uFE0F",
  cloud_with_rain: "\u{1F327}",
  cloud_with_lightning_and_rain: "\u26C8",
  cloud_with_lightning: "\u{1F329}",
  zap: "\u26A1",
  fire: "\u{1F525}",
  boom: "\u{1F4A5}",
  snowflake: "\u2744\uFE0F",
  cloud_with_snow: "\u{1F328}",
  snowman: "\u26C4",
  snowman_with_snow: "\u2603",
  wind_face: "\u{1F32C}",
  dash: "\u{1F4A8}",
  tornado: "\u{1F32A}",
  fog: "\u{1F32B}",
  open_umbrella: "\u2602",
  umbrella: "\u2614",
  droplet: "\u{1F4A7}",
  sweat_drops: "\u{1F4A6}",
  ocean: "\u{1F30A}",
  green_apple: "\u{1F34F}",
  apple: "\u{1F34E}",
  pear: "\u{1F350}",
  tangerine: "\u{1F34A}",
  lemon: "\u{1F34B}",
  banana: "\u{1F34C}",
  watermelon: "\u{1F349}",
  grapes: "\u{1F347}",
  strawberry: "\u{1F353}",
  melon: "\u{1F348}",
  cherries: "\u{1F352}",
  peach: "\u{1F351}",
  pineapple: "\u{1F34D}",
  coconut: "\u{1F965}",
  kiwi_fruit: "\u{1F95D}",
  mango: "\u{1F96D}",
  avocado: "\u{1F951}",
  broccoli: "\u{1F966}",
  tomato: "\u{1F345}",
  eggplant: "\u{1F346}",
  cucumber: "\u{1F952}",
  carrot: "\u{1F955}",
  hot_pepper: "\u{1F336}",
  potato: "\u{1F954}",
  corn: "\u{1F33D}",
  leafy_greens: "\u{1F96C}",
  sweet_potato: "\u{1F360}",
  peanuts: "\u{1F95C}",
  honey_pot: "\u{1F36F}",
  croissant: "\u{1F950}",
  bread: "\u{1F35E}",
  baguette_bread: "\u{1F956}",
  bagel: "\u{1F96F}",
  pretzel: "\u{1F968}",
  cheese: "\u{1F9C0}",
  egg: "\u{1F95A}",
  bacon: "\u{1F953}",
  steak: "\u{1F969}",
  pancakes: "\u{1F95E}",
  poultry_leg: "\u{1F357}",
  meat_on_bone: "\u{1F356}",
  bone: "\u{1F9B4}",
  fried_shrimp: "\u{1F364}",
  fried_egg: "\u{1F373}",
  hamburger: "\u{1F354}",
  fries: "\u{1F35F}",
  stuffed_flatbread: "\u{1F959}",
  hotdog: "\u{1F32D}",
  pizza: "\u{1F355}",
  sandwich: "\u{1F96A}",
  canned_food: "\u{1F96B}",
  spaghetti: "\u{1F35D}",
  taco: "\u{1F32E}",
  burrito: "\u{1F32F}",
  green_salad: "\u{1F957}",
  shallow_pan_of_food: "\u{1F958}",
  ramen: "\u{1F35C}",
  stew: "\u{1F372}",
  fish_cake: "\u{1F365}",
  fortune_cookie: "\u{1F960}",
  sushi: "\u{1F363}",
  bento: "\u{1F371}",
  curry: "\u{1F35B}",
  rice_ball: "\u{1F359}",
  rice: "\u{1F35A}",
  rice_cracker: "\u{1F358}",
  oden: "\u{1F362}",
  dango: "\u{1F361}",
  shaved_ice: "\u{1F367}",
  ice_cream: "\u{1F368}",
  icecream: "\u{1F366}",
  pie: "\u{1F967}",
  cake: "\u{1F370}",
  cupcake: "\u{1F9C1}",
  moon_cake: "\u{1F96E}",
  birthday: "\u{1F382}",
  custard: "\u{1F36E}",
  candy: "\u{1F36C}",
  lollipop: "\u{1F36D}",
  chocolate_bar: "\u{1F36B}",
  popcorn: "\u{1F37F}",
  dumpling: "\u{1F95F}",
  doughnut: "\u{1F369}",
  cookie: "\u{1F36A}",
  milk_glass: "\u{1F95B}",
  beer: "\u{1F37A}",
  beers: "\u{1F37B}",
  clinking_glasses: "\u{1F942}",
  wine_glass: "\u{1F377}",
  tumbler_glass: "\u{1F943}",
  cocktail: "\u{1F378}",
  tropical_drink: "\u{1F379}",
  champagne: "\u{1F37E}",
  sake: "\u{1F376}",
  tea: "\u{1F375}",
  cup_with_straw: "\u{1F964}",
  coffee: "\u2615",
  baby_bottle: "\u{1F37C}",
  salt: "\u{1F9C2}",
  spoon: "\u{1F944}",
  fork_and_knife: "\u{1F374}",
  plate_with_cutlery: "\u{1F37D}",
  bowl_with_spoon: "\u{1F963}",
  takeout_box: "\u{1F961}",
  chopsticks: "\u{1F962}",
  soccer: "\u26BD",
  basketball: "\u{1F3C0}",
  football: "\u{1F3C8}",
  baseball: "\u26BE",
  softball: "\u{1F94E}",
  tennis: "\u{1F3BE}",
  volleyball: "\u{1F3D0}",
  rugby_football: "\u{1F3C9}",
  flying_disc: "\u{1F94F}",
  "8ball": "\u{1F3B1}",
  golf: "\u26F3",
  golfing_woman: "\u{1F3CC}\uFE0F\u200D\u2640\uFE0F",
  golfing_man: "\u{1F3CC}",
  ping_pong: "\u{1F3D3}",
  badminton: "\u{1F3F8}",
  goal_net: "\u{1F945}",
  ice_hockey: "\u{1F3D2}",
  field_hockey: "\u{1F3D1}",
  lacrosse: "\u{1F94D}",
  cricket: "\u{1F3CF}",
  ski: "\u{1F3BF}",
  skier: "\u26F7",
  snowboarder: "\u{1F3C2}",
  person_fencing: "\u{1F93A}",
  women_wrestling: "\u{1F93C}\u200D\u2640\uFE0F",
  men_wrestling: "\u{1F93C}\u200D\u2642\uFE0F",
  woman_cartwheeling: "\u{1F938}\u200D\u2640\uFE0F",
  man_cartwheeling: "\u{1F938}\u200D\u2642\uFE0F",
  woman_playing_handball: "\u{1F93E}\u200D\u2640\uFE0F",
  man_playing_handball: "\u{1F93E}\u200D\u2642\uFE0F",
  ice_skate: "\u26F8",
  curling_stone: "\u{1F94C}",
  skateboard: "\u{1F6F9}",
  sled: "\u{1F6F7}",
  bow_and_arrow: "\u{1F3F9}",
  fishing_pole_and_fish: "\u{1F3A3}",
  boxing_glove: "\u{1F94A}",
  martial_arts_uniform: "\u{1F94B}",
  rowing_woman: "\u{1F6A3}\u200D\u2640\uFE0F",
  rowing_man: "\u{1F6A3}",
  climbing_woman: "\u{1F9D7}\u200D\u2640\uFE0F",
  climbing_man: "\u{1F9D7}\u200D\u2642\uFE0F",
  swimming_woman: "\u{1F3CA}\u200D\u2640\uFE0F",
  swimming_man: "\u{1F3CA}",
  woman_playing_water_polo: "\u{1F93D}\u200D\u2640\uFE0F",
  man_playing_water_polo: "\u{1F93D}\u200D\u2642\uFE0F",
  woman_in_lotus_position: "\u{1F9D8}\u200D\u2640\uFE0F",
  man_in_lotus_position: "\u{1F9D8}\u200D\u2642\uFE0F",
  surfing_woman: "\u{1F3C4}\u200D\u2640\uFE0F",
  surfing_man: "\u{1F3C4}",
  bath: "\u{1F6C0}",
  basketball_woman: "\u26F9\uFE0F\u200D\u2640\uFE0F",
  basketball_man: "\u26F9",
  weight_lifting_woman: "\u{1F3CB}\uFE0F\u200D\u2640\uFE0F",
  weight_lifting_man: "\u{1F3CB}",
  biking_woman: "\u{1F6B4}\u200D\u2640\uFE0F",
  biking_man: "\u{1F6B4}",
  mountain_biking_woman: "\u{1F6B5}\u200D\u2640\uFE0F",
  mountain_biking_man: "\u{1F6B5}",
  horse_racing: "\u{1F3C7}",
  business_suit_levitating: "\u{1F574}",
  trophy: "\u{1F3C6}",
  running_shirt_with_sash: "\u{1F3BD}",
  medal_sports: "\u{1F3C5}",
  medal_military: "\u{1F396}",
  "1st_place_medal": "\u{1F947}",
  "2nd_place_medal": "\u{1F948}",
  "3rd_place_medal": "\u{1F949}",
  reminder_ribbon: "\u{1F397}",
  rosette: "\u{1F3F5}",
  ticket: "\u{1F3AB}",
  tickets: "\u{1F39F}",
  performing_arts: "\u{1F3AD}",
  art: "\u{1F3A8}",
  circus_tent: "\u{1F3AA}",
  woman_juggling: "\u{1F939}\u200D\u2640\uFE0F",
  man_juggling: "\u{1F939}\u200D\u2642\uFE0F",
  microphone: "\u{1F3A4}",
  headphones: "\u{1F3A7}",
  musical_score: "\u{1F3BC}",
  musical_keyboard: "\u{1F3B9}",
  drum: "\u{1F941}",
  saxophone: "\u{1F3B7}",
  trumpet: "\u{1F3BA}",
  guitar: "\u{1F3B8}",
  violin: "\u{1F3BB}",
  clapper: "\u{1F3AC}",
  video_game: "\u{1F3AE}",
  space_invader: "\u{1F47E}",
  dart: "\u{1F3AF}",
  game_die: "\u{1F3B2}",
  chess_pawn: "\u265F",
  slot_machine: "\u{1F3B0}",
  jigsaw: "\u{1F9E9}",
  bowling: "\u{1F3B3}",
  red_car: "\u{1F697}",
  taxi: "\u{1F695}",
  blue_car: "\u{1F699}",
  bus: "\u{1F68C}",
  trolleybus: "\u{1F68E}",
  racing_car: "\u{1F3CE}",
  police_car: "\u{1F693}",
  ambulance: "\u{1F691}",
  fire_engine: "\u{1F692}",
  minibus: "\u{1F690}",
  truck: "\u{1F69A}",
  articulated_lorry: "\u{1F69B}",
  tractor: "\u{1F69C}",
  kick_scooter: "\u{1F6F4}",
  motorcycle: "\u{1F3CD}",
  bike: "\u{1F6B2}",
  motor_scooter: "\u{1F6F5}",
  rotating_light: "\u{1F6A8}",
  oncoming_police_car: "\u{1F694}",
  oncoming_bus: "\u{1F68D}",
  oncoming_automobile: "\u{1F698}",
  oncoming_taxi: "\u{1F696}",
  aerial_tramway: "\u{1F6A1}",
  mountain_cableway: "\u{1F6A0}",
  suspension_railway: "\u{1F69F}",
  railway_car: "\u{1F683}",
  train: "\u{1F68B}",
  monorail: "\u{1F69D}",
  bullettrain_side: "\u{1F684}",
  bullettrain_front: "\u{1F685}",
  light_rail: "\u{1F688}",
  mountain_railway: "\u{1F69E}",
  steam_locomotive: "\u{1F682}",
  train2: "\u{1F686}",
  metro: "\u{1F687}",
  tram: "\u{1F68A}",
  station: "\u{1F689}",
  flying_saucer: "\u{1F6F8}",
  helicopter: "\u{1F681}",
  small_airplane: "\u{1F6E9}",
  airplane: "\u2708\uFE0F",
  flight_departure: "\u{1F6EB}",
  flight_arrival: "\u{1F6EC}",
  sailboat: "\u26F5",
  motor_boat: "\u{1F6E5}",
  speedboat: "\u{1F6A4}",
  ferry: "\u26F4",
  passenger_ship: "\u{1F6F3}",
  rocket: "\u{1F680}",
  artificial_satellite: "\u{1F6F0}",
  seat: "\u{1F4BA}",
  canoe: "\u{1F6F6}",
  anchor: "\u2693",
  construction: "\u{1F6A7}",
  fuelpump: "\u26FD",
  busstop: "\u{1F68F}",
  vertical_traffic_light: "\u{1F6A6}",
  traffic_light: "\u{1F6A5}",
  checkered_flag: "\u{1F3C1}",
  ship: "\u{1F6A2}",
  ferris_wheel: "\u{1F3A1}",
  roller_coaster: "\u{1F3A2}",
  carousel_horse: "\u{1F3A0}",
  building_construction: "\u{1F3D7}",
  foggy: "\u{1F301}",
  tokyo_tower: "\u{1F5FC}",
  factory: "\u{1F3ED}",
  fountain: "\u26F2",
  rice_scene: "\u{1F391}",
  mountain: "\u26F0",
  mountain_snow: "\u{1F3D4}",
  mount_fuji: "\u{1F5FB}",
  volcano: "\u{1F30B}",
  japan: "\u{1F5FE}",
  camping: "\u{1F3D5}",
  tent: "\u26FA",
  national_park: "\u{1F3DE}",
  motorway: "\u{1F6E3}",
  railway_track: "\u{1F6E4}",
  sunrise: "\u{1F305}",
  sunrise_over_mountains: "\u{1F304}",
  desert: "\u{1F3DC}",
  beach_umbrella: "\u{1F3D6}",
  desert_island: "\u{1F3DD}",
  city_sunrise: "\u{1F307}",
  city_sunset: "\u{1F306}",
  cityscape: "\u{1F3D9}",
  night_with_stars: "\u{1F303}",
  bridge_at_night: "\u{1F309}",
  milky_way: "\u{1F30C}",
  stars: "\u{1F320}",
  sparkler: "\u{1F387}",
  fireworks: "\u{1F386}",
  rainbow: "\u{1F308}",
  houses: "\u{1F3D8}",
  european_castle: "\u{1F3F0}",
  japanese_castle: "\u{1F3EF}",
  stadium: "\u{1F3DF}",
  statue_of_liberty: "\u{1F5FD}",
  house: "\u{1F3E0}",
  house_with_garden: "\u{1F3E1}",
  derelict_house: "\u{1F3DA}",
  office: "\u{1F3E2}",
  department_store: "\u{1F3EC}",
  post_office: "\u{1F3E3}",
  european_post_office: "\u{1F3E4}",
  hospital: "\u{1F3E5}",
  bank: "\u{1F3E6}",
  hotel: "\u{1F3E8}",
  convenience_store: "\u{1F3EA}",
  school: "\u{1F3EB}",
  love_hotel: "\u{1F3E9}",
  wedding: "\u{1F492}",
  classical_building: "\u{1F3DB}",
  church: "\u26EA",
  mosque: "\u{1F54C}",
  synagogue: "\u{1F54D}",
  kaaba: "\u{1F54B}",
  shinto_shrine: "\u26E9",
  watch: "\u231A",
  iphone: "\u{1F4F1}",
  calling: "\u{1F4F2}",
  computer: "\u{1F4BB}",
  keyboard: "\u2328",
  desktop_computer: "\u{1F5A5}",
  printer: "\u{1F5A8}",
  computer_mouse: "\u{1F5B1}",
  trackball: "\u{1F5B2}",
  joystick: "\u{1F579}",
  clamp: "\u{1F5DC}",
  minidisc: "\u{1F4BD}",
  floppy_disk: "\u{1F4BE}",
  cd: "\u{1F4BF}",
  dvd: "\u{1F4C0}",
  vhs: "\u{1F4FC}",
  camera: "\u{1F4F7}",
  camera_flash: "\u{1F4F8}",
  video_camera: "\u{1F4F9}",
  movie_camera: "\u{1F3A5}",
  film_projector: "\u{1F4FD}",
  film_strip: "\u{1F39E}",
  telephone_receiver: "\u{1F4DE}",
  phone: "\u260E\uFE0F",
  pager: "\u{1F4DF}",
  fax: "\u{1F4E0}",
  tv: "\u{1F4FA}",
  radio: "\u{1F4FB}",
  studio_microphone: "\u{1F399}",
  level_slider: "\u{1F39A}",
  control_knobs: "\u{1F39B}",
  compass: "\u{1F9ED}",
  stopwatch: "\u23F1",
  timer_clock: "\u23F2",
  alarm_clock: "\u23F0",
  mantelpiece_clock: "\u{1F570}",
  hourglass_flowing_sand: "\u23F3",
  hourglass: "\u231B",
  satellite: "\u{1F4E1}",
  battery: "\u{1F50B}",
  electric_plug: "\u{1F50C}",
  bulb: "\u{1F4A1}",
  flashlight: "\u{1F526}",
  candle: "\u{1F56F}",
  fire_extinguisher: "\u{1F9EF}",
  wastebasket: "\u{1F5D1}",
  oil_drum: "\u{1F6E2}",
  money_with_wings: "\u{1F4B8}",
  dollar: "\u{1F4B5}",
  yen: "\u{1F4B4}",
  euro: "\u{1F4B6}",
  pound: "\u{1F4B7}",
  moneybag: "\u{1F4B0}",
  credit_card: "\u{1F4B3}",
  gem: "\u{1F48E}",
  balance_scale: "\u2696",
  toolbox: "\u{1F9F0}",
  wrench: "\u{1F527}",
  hammer: "\u{1F528}",
  hammer_and_pick: "\u2692",
  hammer_and_wrench: "\u{1F6E0}",
  pick: "\u26CF",
  nut_and_bolt: "\u{1F529}",
  gear: "\u2699",
  brick: "\u{1F9F1}",
  chains: "\u26D3",
  magnet: "\u{1F9F2}",
  gun: "\u{1F52B}",
  bomb: "\u{1F4A3}",
  firecracker: "\u{1F9E8}",
  hocho: "\u{1F52A}",
  dagger: "\u{1F5E1}",
  crossed_swords: "\u2694",
  shield: "\u{1F6E1}",
  smoking: "\u{1F6AC}",
  skull_and_crossbones: "\u2620",
  coffin: "\u26B0",
  funeral_urn: "\u26B1",
  amphora: "\u{1F3FA}",
  crystal_ball: "\u{1F52E}",
  prayer_beads: "\u{1F4FF}",
  nazar_amulet: "\u{1F9FF}",
  barber: "\u{1F488}",
  alembic: "\u2697",
  telescope: "\u{1F52D}",
  microscope: "\u{1F52C}",
  hole: "\u{1F573}",
  pill: "\u{1F48A}",
  syringe: "\u{1F489}",
  dna: "\u{1F9EC}",
  microbe: "\u{1F9A0}",
  petri_dish: "\u{1F9EB}",
  test_tube: "\u{1F9EA}",
  thermometer: "\u{1F321}",
  broom: "\u{1F9F9}",
  basket: "\u{1F9FA}",
  toilet_paper: "\u{1F9FB}",
  label: "\u{1F3F7}",
  bookmark: "\u{1F516}",
  toilet: "\u{1F6BD}",
  shower: "\u{1F6BF}",
  bathtub: "\u{1F6C1}",
  soap: "\u{1F9FC}",
  sponge: "\u{1F9FD}",
  lotion_bottle: "\u{1F9F4}",
  key: "\u{1F511}",
  old_key: "\u{1F5DD}",
  couch_and_lamp: "\u{1F6CB}",
  sleeping_bed: "\u{1F6CC}",
  bed: "\u{1F6CF}",
  door: "\u{1F6AA}",
  bellhop_bell: "\u{1F6CE}",
  teddy_bear: "\u{1F9F8}",
  framed_picture: "\u{1F5BC}",
  world_map: "\u{1F5FA}",
  parasol_on_ground: "\u26F1",
  moyai: "\u{1F5FF}",
  shopping: "\u{1F6CD}",
  shopping_cart: "\u{1F6D2}",
  balloon: "\u{1F388}",
  flags: "\u{1F38F}",
  ribbon: "\u{1F380}",
  gift: "\u{1F381}",
  confetti_ball: "\u{1F38A}",
  tada: "\u{1F389}",
  dolls: "\u{1F38E}",
  wind_chime: "\u{1F390}",
  crossed_flags: "\u{1F38C}",
  izakaya_lantern: "\u{1F3EE}",
  red_envelope: "\u{1F9E7}",
  email: "\u2709\uFE0F",
  envelope_with_arrow: "\u{1F4E9}",
  incoming_envelope: "\u{1F4E8}",
  "e-mail": "\u{1F4E7}",
  love_letter: "\u{1F48C}",
  postbox: "\u{1F4EE}",
  mailbox_closed: "\u{1F4EA}",
  mailbox: "\u{1F4EB}",
  mailbox_with_mail: "\u{1F4EC}",
  mailbox_with_no_mail: "\u{1F4ED}",
  package: "\u{1F4E6}",
  postal_horn: "\u{1F4EF}",
  inbox_tray: "\u{1F4E5}",
  outbox_tray: "\u{1F4E4}",
  scroll: "\u{1F4DC}",
  page_with_curl: "\u{1F4C3}",
  bookmark_tabs: "\u{1F4D1}",
  receipt: "\u{1F9FE}",
  bar_chart: "\u{1F4CA}",
  chart_with_upwards_trend: "\u{1F4C8}",
  chart_with_downwards_trend: "\u{1F4C9}",
  page_facing_up: "\u{1F4C4}",
  date: "\u{1F4C5}",
  calendar: "\u{1F4C6}",
  spiral_calendar: "\u{1F5D3}",
  card_index: "\u{1F4C7}",
  card_file_box: "\u{1F5C3}",
  ballot_box: "\u{1F5F3}",
  file_cabinet: "\u{1F5C4}",
  clipboard: "\u{1F4CB}",
  spiral_notepad: "\u{1F5D2}",
  file_folder: "\u{1F4C1}",
  open_file_folder: "\u{1F4C2}",
  card_index_dividers: "\u{1F5C2}",
  newspaper_roll: "\u{1F5DE}",
  newspaper: "\u{1F4F0}",
  notebook: "\u{1F4D3}",
  closed_book: "\u{1F4D5}",
  green_book: "\u{1F4D7}",
  blue_book: "\u{1F4D8}",
  orange_book: "\u{1F4D9}",
  notebook_with_decorative_cover: "\u{1F4D4}",
  ledger: "\u{1F4D2}",
  books: "\u{1F4DA}",
  open_book: "\u{1F4D6}",
  safety_pin: "\u{1F9F7}",
  link: "\u{1F517}",
  paperclip: "\u{1F4CE}",
  paperclips: "\u{1F587}",
  scissors: "\u2702\uFE0F",
  triangular_ruler: "\u{1F4D0}",
  straight_ruler: "\u{1F4CF}",
  abacus: "\u{1F9EE}",
  pushpin: "\u{1F4CC}",
  round_pushpin: "\u{1F4CD}",
  triangular_flag_on_post: "\u{1F6A9}",
  white_flag: "\u{1F3F3}",
  black_flag: "\u{1F3F4}",
  rainbow_flag: "\u{1F3F3}\uFE0F\u200D\u{1F308}",
  closed_lock_with_key: "\u{1F510}",
  lock: "\u{1F512}",
  unlock: "\u{1F513}",
  lock_with_ink_pen: "\u{1F50F}",
  pen: "\u{1F58A}",
  fountain_pen: "\u{1F58B}",
  black_nib: "\u2712\uFE0F",
  memo: "\u{1F4DD}",
  pencil2: "\u270F\uFE0F",
  crayon: "\u{1F58D}",
  paintbrush: "\u{1F58C}",
  mag: "\u{1F50D}",
  mag_right: "\u{1F50E}",
  heart: "\u2764\uFE0F",
  orange_heart: "\u{1F9E1}",
  yellow_heart: "\u{1F49B}",
  green_heart: "\u{1F49A}",
  blue_heart: "\u{1F499}",
  purple_heart: "\u{1F49C}",
  black_heart: "\u{1F5A4}",
  broken_heart: "\u{1F494}",
  heavy_heart_exclamation: "\u2763",
  two_hearts: "\u{1F495}",
  revolving_hearts: "\u{1F49E}",
  heartbeat: "\u{1F493}",
  heartpulse: "\u{1F497}",
  sparkling_heart: "\u{1F496}",
  cupid: "\u{1F498}",
  gift_heart: "\u{1F49D}",
  heart_decoration: "\u{1F49F}",
  peace_symbol: "\u262E",
  latin_cross: "\u271D",
  star_and_crescent: "\u262A",
  om: "\u{1F549}",
  wheel_of_dharma: "\u2638",
  star_of_david: "\u2721",
  six_pointed_star: "\u{1F52F}",
  menorah: "\u{1F54E}",
  yin_yang: "\u262F",
  orthodox_cross: "\u2626",
  place_of_worship: "\u{1F6D0}",
  ophiuchus: "\u26CE",
  aries: "\u2648",
  taurus: "\u2649",
  gemini: "\u264A",
  cancer: "\u264B",
  leo: "\u264C",
  virgo: "\u264D",
  libra: "\u264E",
  scorpius: "\u264F",
  sagittarius: "\u2650",
  capricorn: "\u2651",
  aquarius: "\u2652",
  pisces: "\u2653",
  id: "\u{1F194}",
  atom_symbol: "\u269B",
  u7a7a: "\u{1F233}",
  u5272: "\u{1F239}",
  radioactive: "\u2622",
  biohazard: "\u2623",
  mobile_phone_off: "\u{1F4F4}",
  vibration_mode: "\u{1F4F3}",
  u6709: "\u{1F236}",
  u7121: "\u{1F21A}",
  u7533: "\u{1F238}",
  u55b6: "\u{1F23A}",
  u6708: "\u{1F237}\uFE0F",
  eight_pointed_black_star: "\u2734\uFE0F",
  vs: "\u{1F19A}",
  accept: "\u{1F251}",
  white_flower: "\u{1F4AE}",
  ideograph_advantage: "\u{1F250}",
  secret: "\u3299\uFE0F",
  congratulations: "\u3297\uFE0F",
  u5408: "\u{1F234}",
  u6e80: "\u{1F235}",
  u7981: "\u{1F232}",
  a: "\u{1F170}\uFE0F",
  b: "\u{1F171}\uFE0F",
  ab: "\u{1F18E}",
  cl: "\u{1F191}",
  o2: "\u{1F17E}\uFE0F",
  sos: "\u{1F198}",
  no_entry: "\u26D4",
  name_badge: "\u{1F4DB}",
  no_entry_sign: "\u{1F6AB}",
  x: "\u274C",
  o: "\u2B55",
  stop_sign: "\u{1F6D1}",
  anger: "\u{1F4A2}",
  hotsprings: "\u2668\uFE0F",
  no_pedestrians: "\u{1F6B7}",
  do_not_litter: "\u{1F6AF}",
  no_bicycles: "\u{1F6B3}",
  "non-potable_water": "\u{1F6B1}",
  underage: "\u{1F51E}",
  no_mobile_phones: "\u{1F4F5}",
  exclamation: "\u2757",
  grey_exclamation: "\u2755",
  question: "\u2753",
  grey_question: "\u2754",
  bangbang: "\u203C\uFE0F",
  interrobang: "\u2049\uFE0F",
  low_brightness: "\u{1F505}",
  high_brightness: "\u{1F506}",
  trident: "\u{1F531}",
  fleur_de_lis: "\u269C",
  part_alternation_mark: "\u303D\uFE0F",
  warning: "\u26A0\uFE0F",
  children_crossing: "\u{1F6B8}",
  beginner: "\u{1F530}",
  recycle: "\u267B\uFE0F",
  u6307: "\u{1F22F}",
  chart: "\u{1F4B9}",
  sparkle: "\u2747\uFE0F",
  eight_spoked_asterisk: "\u2733\uFE0F",
  negative_squared_cross_mark: "\u274E",
  white_check_mark: "\u2705",
  diamond_shape_with_a_dot_inside: "\u{1F4A0}",
  cyclone: "\u{1F300}",
  loop: "\u27BF",
  globe_with_meridians: "\u{1F310}",
  m: "\u24C2\uFE0F",
  atm: "\u{1F3E7}",
  sa: "\u{1F202}\uFE0F",
  passport_control: "\u{1F6C2}",
  customs: "\u{1F6C3}",
  baggage_claim: "\u{1F6C4}",
  left_luggage: "\u{1F6C5}",
  wheelchair: "\u267F",
  no_smoking: "\u{1F6AD}",
  wc: "\u{1F6BE}",
  parking: "\u{1F17F}\uFE0F",
  potable_water: "\u{1F6B0}",
  mens: "\u{1F6B9}",
  womens: "\u{1F6BA}",
  baby_symbol: "\u{1F6BC}",
  restroom: "\u{1F6BB}",
  put_litter_in_its_place: "\u{1F6AE}",
  cinema: "\u{1F3A6}",
  signal_strength: "\u{1F4F6}",
  koko: "\u{1F201}",
  ng: "\u{1F196}",
  ok: "\u{1F197}",
  up: "\u{1F199}",
  cool: "\u{1F192}",
  new: "\u{1F195}",
  free: "\u{1F193}",
  zero: "0\uFE0F\u20E3",
  one: "1\uFE0F\u20E3",
  two: "2\uFE0F\u20E3",
  three: "3\uFE0F\u20E3",
  four: "4\uFE0F\u20E3",
  five: "5\uFE0F\u20E3",
  six: "6\uFE0F\u20E3",
  seven: "7\uFE0F\u20E3",
  eight: "8\uFE0F\u20E3",
  nine: "9\uFE0F\u20E3",
  keycap_ten: "\u{1F51F}",
  asterisk: "*\u20E3",
  eject_button: "\u23CF\uFE0F",
  arrow_forward: "\u25B6\uFE0F",
  pause_button: "\u23F8",
  next_track_button: "\u23ED",
  stop_button: "\u23F9",
  record_button: "\u23FA",
  play_or_pause_button: "\u23EF",
  previous_track_button: "\u23EE",
  fast_forward: "\u23E9",
  rewind: "\u23EA",
  twisted_rightwards_arrows: "\u{1F500}",
  repeat: "\u{1F501}",
  repeat_one: "\u{1F502}",
  arrow_backward: "\u25C0\uFE0F",
  arrow_up_small: "\u{1F53C}",
  arrow_down_small: "\u{1F53D}",
  arrow_double_up: "\u23EB",
  arrow_double_down: "\u23EC",
  arrow_right: "\u27A1\uFE0F",
  arrow_left: "\u2B05\uFE0F",
  arrow_up: "\u2B06\uFE0F",
  arrow_down: "\u2B07\uFE0F",
  arrow_upper_right: "\u2197\uFE0F",
  arrow_lower_right: "\u2198\uFE0F",
  arrow_lower_left: "\u2199\uFE0F",
  arrow_upper_left: "\u2196\uFE0F",
  arrow_up_down: "\u2195\uFE0F",
  left_right_arrow: "\u2194\uFE0F",
  arrows_counterclockwise: "\u{1F504}",
  arrow_right_hook: "\u21AA\uFE0F",
  leftwards_arrow_with_hook: "\u21A9\uFE0F",
  arrow_heading_up: "\u2934\uFE0F",
  arrow_heading_down: "\u2935\uFE0F",
  hash: "#\uFE0F\u20E3",
  information_source: "\u2139\uFE0F",
  abc: "\u{1F524}",
  abcd: "\u{1F521}",
  capital_abcd: "\u{1F520}",
  symbols: "\u{1F523}",
  musical_note: "\u{1F3B5}",
  notes: "\u{1F3B6}",
  wavy_dash: "\u3030\uFE0F",
  curly_loop: "\u27B0",
  heavy_check_mark: "\u2714\uFE0F",
  arrows_clockwise: "\u{1F503}",
  heavy_plus_sign: "\u2795",
  heavy_minus_sign: "\u2796",
  heavy_division_sign: "\u2797",
  heavy_multiplication_x: "\u2716\uFE0F",
  infinity: "\u267E",
  heavy_dollar_sign: "\u{1F4B2}",
  currency_exchange: "\u{1F4B1}",
  copyright: "\xA9\uFE0F",
  registered: "\xAE\uFE0F",
  tm: "\u2122\uFE0F",
  end: "\u{1F51A}",
  back: "\u{1F519}",
  on: "\u{1F51B}",
  top: "\u{1F51D}",
  soon: "\u{1F51C}",
  ballot_box_with_check: "\u2611\uFE0F",
  radio_button: "\u{1F518}",
  white_circle: "\u26AA",
  black_circle: "\u26AB",
  red_circle: "\u{1F534}",
  large_blue_circle: "\u{1F535}",
  small_orange_diamond: "\u{1F538}",
  small_blue_diamond: "\u{1F539}",
  large_orange_diamond: "\u{1F536}",
  large_blue_diamond: "\u{1F537}",
  small_red_triangle: "\u{1F53A}",
  black_small_square: "\u25AA\uFE0F",
  white_small_square: "\u25AB\uFE0F",
  black_large_square: "\u2B1B",
  white_large_square: "\u2B1C",
  small_red_triangle_down: "\u{1F53B}",
  black_medium_square: "\u25FC\uFE0F",
  white_medium_square: "\u25FB\uFE0F",
  black_medium_small_square: "\u25FE",
  white_medium_small_square: "\u25FD",
  black_square_button: "\u{1F532}",
  white_square_button: "\u{1F533}",
  speaker: "\u{1F508}",
  sound: "\u{1F509}",
  loud_sound: "\u{1F50A}",
  mute: "\u{1F507}",
  mega: "\u{1F4E3}",
  loudspeaker: "\u{1F4E2}",
  bell: "\u{1F514}",
  no_bell: "\u{1F515}",
  black_joker: "\u{1F0CF}",
  mahjong: "\u{1F004}",
  spades: "\u2660\uFE0F",
  clubs: "\u2663\uFE0F",
  hearts: "\u2665\uFE0F",
  diamonds: "\u2666\uFE0F",
  flower_playing_cards: "\u{1F3B4}",
  thought_balloon: "\u{1F4AD}",
  right_anger_bubble: "\u{1F5EF}",
  speech_balloon: "\u{1F4AC}",
  left_speech_bubble: "\u{1F5E8}",
  clock1: "\u{1F550}",
  clock2: "\u{1F551}",
  clock3: "\u{1F552}",
  clock4: "\u{1F553}",
  clock5: "\u{1F554}",
  clock6: "\u{1F555}",
  clock7: "\u{1F556}",
  clock8: "\u{1F557}",
  clock9: "\u{1F558}",
  clock10: "\u{1F559}",
  clock11: "\u{1F55A}",
  clock12: "\u{1F55B}",
  clock130: "\u{1F55C}",
  clock230: "\u{1F55D}",
  clock330: "\u{1F55E}",
  clock430: "\u{1F55F}",
  clock530: "\u{1F560}",
  clock630: "\u{1F561}",
  clock730: "\u{1F562}",
  clock830: "\u{1F563}",
  clock930: "\u{1F564}",
  clock1030: "\u{1F565}",
  clock1130: "\u{1F566}",
  clock1230: "\u{1F567}",
  afghanistan: "\u{1F1E6}\u{1F1EB}",
  aland_islands: "\u{1F1E6}\u{1F1FD}",
  albania: "\u{1F1E6}\u{1F1F1}",
  algeria: "\u{1F1E9}\u{1F1FF}",
  american_samoa: "\u{1F1E6}\u{1F1F8}",
  andorra: "\u{1F1E6}\u{1F1E9}",
  angola: "\u{1F1E6}\u{1F1F4}",
  anguilla: "\u{1F1E6}\u{1F1EE}",
  antarctica: "\u{1F1E6}\u{1F1F6}",
  antigua_barbuda: "\u{1F1E6}\u{1F1EC}",
  argentina: "\u{1F1E6}\u{1F1F7}",
  armenia: "\u{1F1E6}\u{1F1F2}",
  aruba: "\u{1F1E6}\u{1F1FC}",
  australia: "\u{1F1E6}\u{1F1FA}",
  austria: "\u{1F1E6}\u{1F1F9}",
  azerbaijan: "\u{1F1E6}\u{1F1FF}",
  bahamas: "\u{1F1E7}\u{1F1F8}",
  bahrain: "\u{1F1E7}\u{1F1ED}",
  bangladesh: "\u{1F1E7}\u{1F1E9}",
  barbados: "\u{1F1E7}\u{1F1E7}",
  belarus: "\u{1F1E7}\u{1F1FE}",
  belgium: "\u{1F1E7}\u{1F1EA}",
  belize: "\u{1F1E7}\u{1F1FF}",
  benin: "\u{1F1E7}\u{1F1EF}",
  bermuda: "\u{1F1E7}\u{1F1F2}",
  bhutan: "\u{1F1E7}\u{1F1F9}",
  bolivia: "\u{1F1E7}\u{1F1F4}",
  caribbean_netherlands: "\u{1F1E7}\u{1F1F6}",
  bosnia_herzegovina: "\u{1F1E7}\u{1F1E6}",
  botswana: "\u{1F1E7}\u{1F1FC}",
  brazil: "\u{1F1E7}\u{1F1F7}",
  british_indian_ocean_territory: "\u{1F1EE}\u{1F1F4}",
  british_virgin_islands: "\u{1F1FB}\u{1F1EC}",
  brunei: "\u{1F1E7}\u{1F1F3}",
  bulgaria: "\u{1F1E7}\u{1F1EC}",
  burkina_faso: "\u{1F1E7}\u{1F1EB}",
  burundi: "\u{1F1E7}\u{1F1EE}",
  cape_verde: "\u{1F1E8}\u{1F1FB}",
  cambodia: "\u{1F1F0}\u{1F1ED}",
  cameroon: "\u{1F1E8}\u{1F1F2}",
  canada: "\u{1F1E8}\u{1F1E6}",
  canary_islands: "\u{1F1EE}\u{1F1E8}",
  cayman_islands: "\u{1F1F0}\u{1F1FE}",
  central_african_republic: "\u{1F1E8}\u{1F1EB}",
  chad: "\u{1F1F9}\u{1F1E9}",
  chile: "\u{1F1E8}\u{1F1F1}",
  cn: "\u{1F1E8}\u{1F1F3}",
  christmas_island: "\u{1F1E8}\u{1F1FD}",
  cocos_islands: "\u{1F1E8}\u{1F1E8}",
  colombia: "\u{1F1E8}\u{1F1F4}",
  comoros: "\u{1F1F0}\u{1F1F2}",
  congo_brazzaville: "\u{1F1E8}\u{1F1EC}",
  congo_kinshasa: "\u{1F1E8}\u{1F1E9}",
  cook_islands: "\u{1F1E8}\u{1F1F0}",
  costa_rica: "\u{1F1E8}\u{1F1F7}",
  croatia: "\u{1F1ED}\u{1F1F7}",
  cuba: "\u{1F1E8}\u{1F1FA}",
  curacao: "\u{1F1E8}\u{1F1FC}",
  cyprus: "\u{1F1E8}\u{1F1FE}",
  czech_republic: "\u{1F1E8}\u{1F1FF}",
  denmark: "\u{1F1E9}\u{1F1F0}",
  djibouti: "\u{1F1E9}\u{1F1EF}",
  dominica: "\u{1F1E9}\u{1F1F2}",
  dominican_republic: "\u{1F1E9}\u{1F1F4}",
  ecuador: "\u{1F1EA}\u{1F1E8}",
  egypt: "\u{1F1EA}\u{1F1EC}",
  el_salvador: "\u{1F1F8}\u{1F1FB}",
  equatorial_guinea: "\u{1F1EC}\u{1F1F6}",
  eritrea: "\u{1F1EA}\u{1F1F7}",
  estonia: "\u{1F1EA}\u{1F1EA}",
  ethiopia: "\u{1F1EA}\u{1F1F9}",
  eu: "\u{1F1EA}\u{1F1FA}",
  falkland_islands: "\u{1F1EB}\u{1F1F0}",
  faroe_islands: "\u{1F1EB}\u{1F1F4}",
  fiji: "\u{1F1EB}\u{1F1EF}",
  finland: "\u{1F1EB}\u{1F1EE}",
  fr: "\u{1F1EB}\u{1F1F7}",
  french_guiana: "\u{1F1EC}\u{1F1EB}",
  french_polynesia: "\u{1F1F5}\u{1F1EB}",
  french_southern_territories: "\u{1F1F9}\u{1F1EB}",
  gabon: "\u{1F1EC}\u{1F1E6}",
  gambia: "\u{1F1EC}\u{1F1F2}",
  georgia: "\u{1F1EC}\u{1F1EA}",
  de: "\u{1F1E9}\u{1F1EA}",
  ghana: "\u{1F1EC}\u{1F1ED}",
  gibraltar: "\u{1F1EC}\u{1F1EE}",
  greece: "\u{1F1EC}\u{1F1F7}",
  greenland: "\u{1F1EC}\u{1F1F1}",
  grenada: "\u{1F1EC}\u{1F1E9}",
  guadeloupe: "\u{1F1EC}\u{1F1F5}",
  guam: "\u{1F1EC}\u{1F1FA}",
  guatemala: "\u{1F1EC}\u{1F1F9}",
  guernsey: "\u{1F1EC}\u{1F1EC}",
  guinea: "\u{1F1EC}\u{1F1F3}",
  guinea_bissau: "\u{1F1EC}\u{1F1FC}",
  guyana: "\u{1F1EC}\u{1F1FE}",
  haiti: "\u{1F1ED}\u{1F1F9}",
  honduras: "\u{1F1ED}\u{1F1F3}",
  hong_kong: "\u{1F1ED}\u{1F1F0}",
  hungary: "\u{1F1ED}\u{1F1FA}",
  iceland: "\u{1F1EE}\u{1F1F8}",
  india: "\u{1F1EE}\u{1F1F3}",
  indonesia: "\u{1F1EE}\u{1F1E9}",
  iran: "\u{1F1EE}\u{1F1F7}",
  iraq: "\u{1F1EE}\u{1F1F6}",
  ireland: "\u{1F1EE}\u{1F1EA}",
  isle_of_man: "\u{1F1EE}\u{1F1F2}",
  israel: "\u{1F1EE}\u{1F1F1}",
  it: "\u{1F1EE}\u{1F1F9}",
  cote_divoire: "\u{1F1E8}\u{1F1EE}",
  jamaica: "\u{1F1EF}\u{1F1F2}",
  jp: "\u{1F1EF}\u{1F1F5}",
  jersey: "\u{1F1EF}\u{1F1EA}",
  jordan: "\u{1F1EF}\u{1F1F4}",
  kazakhstan: "\u{1F1F0}\u{1F1FF}",
  kenya: "\u{1F1F0}\u{1F1EA}",
  kiribati: "\u{1F1F0}\u{1F1EE}",
  kosovo: "\u{1F1FD}\u{1F1F0}",
  kuwait: "\u{1F1F0}\u{1F1FC}",
  kyrgyzstan: "\u{1F1F0}\u{1F1EC}",
  laos: "\u{1F1F1}\u{1F1E6}",
  latvia: "\u{1F1F1}\u{1F1FB}",
  lebanon: "\u{1F1F1}\u{1F1E7}",
  lesotho: "\u{1F1F1}\u{1F1F8}",
  liberia: "\u{1F1F1}\u{1F1F7}",
  libya: "\u{1F1F1}\u{1F1FE}",
  liechtenstein: "\u{1F1F1}\u{1F1EE}",
  lithuania: "\u{1F1F1}\u{1F1F9}",
  luxembourg: "\u{1F1F1}\u{1F1FA}",
  macau: "\u{1F1F2}\u{1F1F4}",
  macedonia: "\u{1F1F2}\u{1F1F0}",
  madagascar: "\u{1F1F2}\u{1F1EC}",
  malawi: "\u{1F1F2}\u{1F1FC}",
  malaysia: "\u{1F1F2}\u{1F1FE}",
  maldives: "\u{1F1F2}\u{1F1FB}",
  mali: "\u{1F1F2}\u{1F1F1}",
  malta: "\u{1F1F2}\u{1F1F9}",
  marshall_islands: "\u{1F1F2}\u{1F1ED}",
  martinique: "\u{1F1F2}\u{1F1F6}",
  mauritania: "\u{1F1F2}\u{1F1F7}",
  mauritius: "\u{1F1F2}\u{1F1FA}",
  mayotte: "\u{1F1FE}\u{1F1F9}",
  mexico: "\u{1F1F2}\u{1F1FD}",
  micronesia: "\u{1F1EB}\u{1F1F2}",
  moldova: "\u{1F1F2}\u{1F1E9}",
  monaco: "\u{1F1F2}\u{1F1E8}",
  mongolia: "\u{1F1F2}\u{1F1F3}",
  montenegro: "\u{1F1F2}\u{1F1EA}",
  montserrat: "\u{1F1F2}\u{1F1F8}",
  morocco: "\u{1F1F2}\u{1F1E6}",
  mozambique: "\u{1F1F2}\u{1F1FF}",
  myanmar: "\u{1F1F2}\u{1F1F2}",
  namibia: "\u{1F1F3}\u{1F1E6}",
  nauru: "\u{1F1F3}\u{1F1F7}",
  nepal: "\u{1F1F3}\u{1F1F5}",
  netherlands: "\u{1F1F3}\u{1F1F1}",
  new_caledonia: "\u{1F1F3}\u{1F1E8}",
  new_zealand: "\u{1F1F3}\u{1F1FF}",
  nicaragua: "\u{1F1F3}\u{1F1EE}",
  niger: "\u{1F1F3}\u{1F1EA}",
  nigeria: "\u{1F1F3}\u{1F1EC}",
  niue: "\u{1F1F3}\u{1F1FA}",
  norfolk_island: "\u{1F1F3}\u{1F1EB}",
  northern_mariana_islands: "\u{1F1F2}\u{1F1F5}",
  north_korea: "\u{1F1F0}\u{1F1F5}",
  norway: "\u{1F1F3}\u{1F1F4}",
  oman: "\u{1F1F4}\u{1F1F2}",
  pakistan: "\u{1F1F5}\u{1F1F0}",
  palau: "\u{1F1F5}\u{1F1FC}",
  palestinian_territories: "\u{1F1F5}\u{1F1F8}",
  panama: "\u{1F1F5}\u{1F1E6}",
  papua_new_guinea: "\u{1F1F5}\u{1F1EC}",
  paraguay: "\u{1F1F5}\u{1F1FE}",
  peru: "\u{1F1F5}\u{1F1EA}",
  philippines: "\u{1F1F5}\u{1F1ED}",
  pitcairn_islands: "\u{1F1F5}\u{1F1F3}",
  poland: "\u{1F1F5}\u{1F1F1}",
  portugal: "\u{1F1F5}\u{1F1F9}",
  puerto_rico: "\u{1F1F5}\u{1F1F7}",
  qatar: "\u{1F1F6}\u{1F1E6}",
  reunion: "\u{1F1F7}\u{1F1EA}",
  romania: "\u{1F1F7}\u{1F1F4}",
  ru: "\u{1F1F7}\u{1F1FA}",
  rwanda: "\u{1F1F7}\u{1F1FC}",
  st_barthelemy: "\u{1F1E7}\u{1F1F1}",
  st_helena: "\u{1F1F8}\u{1F1ED}",
  st_kitts_nevis: "\u{1F1F0}\u{1F1F3}",
  st_lucia: "\u{1F1F1}\u{1F1E8}",
  st_pierre_miquelon: "\u{1F1F5}\u{1F1F2}",
  st_vincent_grenadines: "\u{1F1FB}\u{1F1E8}",
  samoa: "\u{1F1FC}\u{1F1F8}",
  san_marino: "\u{1F1F8}\u{1F1F2}",
  sao_tome_principe: "\u{1F1F8}\u{1F1F9}",
  saudi_arabia: "\u{1F1F8}\u{1F1E6}",
  senegal: "\u{1F1F8}\u{1F1F3}",
  serbia: "\u{1F1F7}\u{1F1F8}",
  seychelles: "\u{1F1F8}\u{1F1E8}",
  sierra_leone: "\u{1F1F8}\u{1F1F1}",
  singapore: "\u{1F1F8}\u{1F1EC}",
  sint_maarten: "\u{1F1F8}\u{1F1FD}",
  slovakia: "\u{1F1F8}\u{1F1F0}",
  slovenia: "\u{1F1F8}\u{1F1EE}",
  solomon_islands: "\u{1F1F8}\u{1F1E7}",
  somalia: "\u{1F1F8}\u{1F1F4}",
  south_africa: "\u{1F1FF}\u{1F1E6}",
  south_georgia_south_sandwich_islands: "\u{1F1EC}\u{1F1F8}",
  kr: "\u{1F1F0}\u{1F1F7}",
  south_sudan: "\u{1F1F8}\u{1F1F8}",
  es: "\u{1F1EA}\u{1F1F8}",
  sri_lanka: "\u{1F1F1}\u{1F1F0}",
  sudan: "\u{1F1F8}\u{1F1E9}",
  suriname: "\u{1F1F8}\u{1F1F7}",
  swaziland: "\u{1F1F8}\u{1F1FF}",
  sweden: "\u{1F1F8}\u{1F1EA}",
  switzerland: "\u{1F1E8}\u{1F1ED}",
  syria: "\u{1F1F8}\u{1F1FE}",
  taiwan: "\u{1F1F9}\u{1F1FC}",
  tajikistan: "\u{1F1F9}\u{1F1EF}",
  tanzania: "\u{1F1F9}\u{1F1FF}",
  thailand: "\u{1F1F9}\u{1F1ED}",
  timor_leste: "\u{1F1F9}\u{1F1F1}",
  togo: "\u{1F1F9}\u{1F1EC}",
  tokelau: "\u{1F1F9}\u{1F1F0}",
  tonga: "\u{1F1F9}\u{1F1F4}",
  trinidad_tobago: "\u{1F1F9}\u{1F1F9}",
  tunisia: "\u{1F1F9}\u{1F1F3}",
  tr: "\u{1F1F9}\u{1F1F7}",
  turkmenistan: "\u{1F1F9}\u{1F1F2}",
  turks_caicos_islands: "\u{1F1F9}\u{1F1E8}",
  tuvalu: "\u{1F1F9}\u{1F1FB}",
  uganda: "\u{1F1FA}\u{1F1EC}",
  ukraine: "\u{1F1FA}\u{1F1E6}",
  united_arab_emirates: "\u{1F1E6}\u{1F1EA}",
  uk: "\u{1F1EC}\u{1F1E7}",
  england: "\u{1F3F4}\u{E0067}\u{E0062}\u{E0065}\u{E006E}\u{E0067}\u{E007F}",
  scotland: "\u{1F3F4}\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}",
  wales: "\u{1F3F4}\u{E0067}\u{E0062}\u{E0077}\u{E006C}\u{E0073}\u{E007F}",
  us: "\u{1F1FA}\u{1F1F8}",
  us_virgin_islands: "\u{1F1FB}\u{1F1EE}",
  uruguay: "\u{1F1FA}\u{1F1FE}",
  uzbekistan: "\u{1F1FA}\u{1F1FF}",
  vanuatu: "\u{1F1FB}\u{1F1FA}",
  vatican_city: "\u{1F1FB}\u{1F1E6}",
  venezuela: "\u{1F1FB}\u{1F1EA}",
  vietnam: "\u{1F1FB}\u{1F1F3}",
  wallis_futuna: "\u{1F1FC}\u{1F1EB}",
  western_sahara: "\u{1F1EA}\u{1F1ED}",
  yemen: "\u{1F1FE}\u{1F1EA}",
  zambia: "\u{1F1FF}\u{1F1F2}",
  zimbabwe: "\u{1F1FF}\u{1F1FC}",
  united_nations: "\u{1F1FA}\u{1F1F3}",
  pirate_flag: "\u{1F3F4}\u200D\u2620\uFE0F"
};

// client/core/emoji.ts
var BY_NAME = new Map(Object.entries(simplemap_default));
var SHORTCODE = /(?<![A-Za-z0-9]):([A-Za-z0-9_+-]{1,64}):(?![A-Za-z0-9])/g;
function emojify(text) {
  if (!text.includes(":")) return text;
  return text.replace(SHORTCODE, (whole, name) => BY_NAME.get(name) ?? whole);
}
function searchEmoji(query, limit = 40) {
  const q = query.replace(/:/g, "").trim().toLowerCase();
  const found = [];
  for (const [name, emoji2] of BY_NAME) if (name.includes(q)) found.push({
    emoji: emoji2,
    name
  });
  const rank = (m) => m.name === q ? 0 : m.name.startsWith(q) ? 1 : 2;
  return found.sort((a, b) => rank(a) - rank(b)).slice(0, limit);
}

// client/core/mentions.ts
function mentions(text, nick) {
  if (!nick) return false;
  const escaped = nick.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`(^|[^\\p{L}\\p{N}_])@?${escaped}(?![\\p{L}\\p{N}_])`, "iu").test(text);
}

// client/local_commands.ts
var LOCAL_COMMANDS = [
  {
    name: "ignore",
    usage: "/ignore [NICK]",
    help: "Hide messages from NICK on this client; alone, list who is ignored.",
    run(args, { ignores: ignores2 }) {
      if (args === "") {
        const list = ignores2.list();
        return list.length === 0 ? "--- you are ignoring nobody; /ignore NICK hides a nick's messages" : `--- ignoring: ${list.join(", ")}`;
      }
      const nick = args.split(/\s+/)[0];
      const invalid = validateNick(nick);
      if (invalid) return `!!! Cannot ignore "${nick}": ${invalid}`;
      return ignores2.add(nick) ? `--- ignoring ${nick}: their messages are hidden (/unignore ${nick} to undo)` : `--- already ignoring ${nick}`;
    }
  },
  {
    name: "unignore",
    usage: "/unignore NICK",
    help: "Show messages from NICK again.",
    run(args, { ignores: ignores2 }) {
      const nick = args.split(/\s+/)[0];
      if (nick === "") return "!!! Usage: /unignore NICK";
      return ignores2.remove(nick) ? `--- no longer ignoring ${nick}` : `--- you were not ignoring ${nick}`;
    }
  },
  {
    name: "emoji",
    usage: "/emoji [SEARCH]",
    help: "List emoji shortcodes matching SEARCH; type :name: in a message to send one.",
    run(args) {
      const matches = searchEmoji(args, 60);
      if (matches.length === 0) return `--- no emoji match "${args}"`;
      const cells = matches.map((m) => `${m.emoji} :${m.name}:`);
      const rows = [];
      for (let i = 0; i < cells.length; i += 4) {
        rows.push("    " + cells.slice(i, i + 4).join("  "));
      }
      return `--- emoji${args ? ` matching "${args}"` : ""}:
${rows.join("\n")}`;
    }
  }
];
var BY_NAME2 = new Map(LOCAL_COMMANDS.map((c) => [
  c.name,
  c
]));
function runLocalCommand(line2, ctx) {
  const match = /^\/(\S+)\s*([\s\S]*)$/.exec(line2);
  if (!match) return void 0;
  const command = BY_NAME2.get(match[1].toLowerCase());
  return command?.run(match[2].trim(), ctx);
}
var TEXT_COMMANDS = /* @__PURE__ */ new Set([
  "me",
  "msg",
  "topic",
  "away",
  "cowsay",
  "cowthink",
  "say"
]);
function prepareLine(line2) {
  if (!line2.startsWith("/") || line2.startsWith("//")) return emojify(line2);
  const name = /^\/(\S+)/.exec(line2)?.[1].toLowerCase() ?? "";
  return TEXT_COMMANDS.has(name) ? emojify(line2) : line2;
}
function withLocalHelp(help) {
  return {
    type: "help",
    commands: [
      ...help.commands,
      ...LOCAL_COMMANDS.map(({ name, usage, help: help2 }) => ({
        name,
        usage,
        help: help2
      })),
      SAVE_HELP
    ]
  };
}
var SAVE_HELP = {
  name: "save",
  usage: "/save ID [FILE]",
  help: "Save a voice or video message to a file (default: parley-voice-ID.webm or parley-video-ID.webm)."
};

// web/src/elements.ts
var $ = (id) => document.getElementById(id);
var joinForm = $("join-form");
var nickInput = $("nick");
var passwordInput = $("password");
var joinError = $("join-error");
var chat = $("chat");
var roomTitle = $("room-title");
var topicEl = $("topic");
var statusEl = $("status");
var notifyToggle = $("notify-toggle");
var sidebar = $("sidebar");
var roomsEl = $("rooms");
var usersEl = $("users");
var userCount = $("user-count");
var pane = $("messages-pane");
var messagesEl = $("messages");
var composer = $("composer");
var input = $("input");
var joinRoomForm = $("join-room");
var roomNameInput = $("room-name");
var recorderEl = $("recorder");
var recLive = $("rec-live");
var recVideo = $("rec-video");
var recAudio = $("rec-audio");
var recStatus = $("rec-status");
var recStop = $("rec-stop");
var recSend = $("rec-send");
var recCancel = $("rec-cancel");

// web/src/attention.ts
var NOTIFY_KEY = "parley.notify";
var BASE_TITLE = "Parley";
function updateTitle() {
  let unread = 0;
  for (const view of rooms.values()) unread += view.unread;
  const title = unread > 0 ? `(${unread}) ${BASE_TITLE}` : BASE_TITLE;
  if (document.title !== title) document.title = title;
}
function notifyEnabled() {
  try {
    return localStorage.getItem(NOTIFY_KEY) === "on";
  } catch (error) {
    if (error instanceof DOMException) return false;
    throw error;
  }
}
function renderToggle() {
  const on = notifyEnabled();
  notifyToggle.setAttribute("aria-pressed", String(on));
  notifyToggle.textContent = on ? "\u{1F514}" : "\u{1F515}";
  notifyToggle.title = on ? "Mentions notify you (desktop notification and sound); click to turn off" : "Click to be notified of mentions (desktop notification and sound)";
}
var audio;
function chime() {
  audio ??= new AudioContext();
  if (audio.state === "suspended") void audio.resume().catch(() => {
  });
  const start = audio.currentTime;
  for (const [offset, frequency] of [
    [
      0,
      880
    ],
    [
      0.12,
      1320
    ]
  ]) {
    const oscillator = audio.createOscillator();
    const gain = audio.createGain();
    oscillator.frequency.value = frequency;
    gain.gain.setValueAtTime(0.08, start + offset);
    gain.gain.exponentialRampToValueAtTime(1e-4, start + offset + 0.2);
    oscillator.connect(gain).connect(audio.destination);
    oscillator.start(start + offset);
    oscillator.stop(start + offset + 0.2);
  }
}
function alertMention(title, body, read) {
  if (read || app.restoring || !notifyEnabled()) return;
  if ("Notification" in globalThis && Notification.permission === "granted") {
    const notification = new Notification(title, {
      body,
      tag: "parley-mention"
    });
    notification.addEventListener("click", () => {
      globalThis.focus();
      notification.close();
    });
  }
  try {
    chime();
  } catch (error) {
    if (!(error instanceof DOMException)) throw error;
  }
}
notifyToggle.addEventListener("click", async () => {
  const on = !notifyEnabled();
  try {
    localStorage.setItem(NOTIFY_KEY, on ? "on" : "off");
  } catch (error) {
    if (!(error instanceof DOMException)) throw error;
  }
  renderToggle();
  if (!on) return;
  audio ??= new AudioContext();
  if ("Notification" in globalThis && Notification.permission === "default") {
    await Notification.requestPermission();
  }
});
renderToggle();

// client/core/input_history.ts
var InputHistory = class {
  #lines = [];
  #limit;
  /** Index of the line shown; `#lines.length` when the draft is shown. */
  #at = 0;
  #draft = "";
  /** @param limit Most lines kept; the oldest go first. */
  constructor(limit = 200) {
    this.#limit = limit;
  }
  /** The lines kept, oldest first. */
  get lines() {
    return this.#lines;
  }
  /**
   * Records a line the user sent and resets browsing to the draft. A line
   * equal to the newest one, or blank, is not added again.
   *
   * @param line The line as typed.
   */
  add(line2) {
    if (line2.trim() !== "" && this.#lines.at(-1) !== line2) this.#lines.push(line2);
    if (this.#lines.length > this.#limit) this.#lines.shift();
    this.#at = this.#lines.length;
    this.#draft = "";
  }
  /**
   * The line before the one shown.
   *
   * @param current What the input holds now (kept as the draft when leaving it).
   * @returns The older line, or `undefined` at the oldest (the input stays as it is).
   */
  up(current) {
    if (this.#at === 0) return void 0;
    if (this.#at === this.#lines.length) this.#draft = current;
    return this.#lines[--this.#at];
  }
  /**
   * The line after the one shown, and the draft after the newest.
   *
   * @param _current What the input holds now.
   * @returns The newer line or the draft, or `undefined` when the draft is shown already.
   */
  down(_current) {
    if (this.#at >= this.#lines.length) return void 0;
    this.#at++;
    return this.#at === this.#lines.length ? this.#draft : this.#lines[this.#at];
  }
};

// client/completion.ts
function completeLine(text, candidates) {
  const match = /(\S*)$/.exec(text);
  const word = match[1];
  if (word === "") return text;
  const lower = word.replace(/^@/, "").toLowerCase();
  const at = word.startsWith("@") ? "@" : "";
  const matches = [
    ...new Set(candidates)
  ].filter((c) => c.toLowerCase().startsWith(lower));
  if (matches.length === 0) return text;
  const head = text.slice(0, match.index);
  if (matches.length === 1) {
    const done = matches[0];
    const suffix = head === "" && !at && !/^[/#]/.test(done) ? ": " : " ";
    return head + at + done + suffix;
  }
  let prefix = matches[0];
  for (const m of matches) {
    while (!m.toLowerCase().startsWith(prefix.toLowerCase())) prefix = prefix.slice(0, -1);
  }
  return prefix.length > lower.length ? head + at + prefix : text;
}
var ROOM_COMMANDS = /* @__PURE__ */ new Set([
  "/join",
  "/part",
  "/who",
  "/search"
]);
function completeInput(text, sources) {
  let word = /(\S*)$/.exec(text)[1];
  const head = text.slice(0, text.length - word.length);
  const firstWord = /^\S+/.exec(text)?.[0].toLowerCase() ?? "";
  const argumentOf = head.trim() === firstWord && head !== "" ? firstWord : "";
  let candidates;
  if (head === "" && word.startsWith("/")) candidates = [
    ...sources.commands
  ];
  else if (word.startsWith("#") || ROOM_COMMANDS.has(argumentOf)) {
    candidates = [
      ...sources.rooms
    ];
    if (word !== "" && !word.startsWith("#")) word = "#" + word;
  } else {
    const me = sources.me?.toLowerCase();
    candidates = [
      ...sources.nicks
    ].filter((n) => n.toLowerCase() !== me);
  }
  const lower = word.replace(/^@/, "").toLowerCase();
  const matches = word === "" ? [] : [
    ...new Set(candidates)
  ].filter((c) => c.toLowerCase().startsWith(lower)).sort();
  if (matches.length === 0) return {
    text,
    matches
  };
  return {
    text: completeLine(head + word, candidates),
    matches
  };
}

// ../../root/.cache/deno/npm/registry.npmjs.org/linkifyjs/4.4.0/dist/linkify.mjs
var encodedTlds = "aaa1rp3bb0ott3vie4c1le2ogado5udhabi7c0ademy5centure6ountant0s9o1tor4d0s1ult4e0g1ro2tna4f0l1rica5g0akhan5ency5i0g1rbus3force5tel5kdn3l0ibaba4pay4lfinanz6state5y2sace3tom5m0azon4ericanexpress7family11x2fam3ica3sterdam8nalytics7droid5quan4z2o0l2partments8p0le4q0uarelle8r0ab1mco4chi3my2pa2t0e3s0da2ia2sociates9t0hleta5torney7u0ction5di0ble3o3spost5thor3o0s4w0s2x0a2z0ure5ba0by2idu3namex4d1k2r0celona5laycard4s5efoot5gains6seball5ketball8uhaus5yern5b0c1t1va3cg1n2d1e0ats2uty4er2rlin4st0buy5t2f1g1h0arti5i0ble3d1ke2ng0o3o1z2j1lack0friday9ockbuster8g1omberg7ue3m0s1w2n0pparibas9o0ats3ehringer8fa2m1nd2o0k0ing5sch2tik2on4t1utique6x2r0adesco6idgestone9oadway5ker3ther5ussels7s1t1uild0ers6siness6y1zz3v1w1y1z0h3ca0b1fe2l0l1vinklein9m0era3p2non3petown5ital0one8r0avan4ds2e0er0s4s2sa1e1h1ino4t0ering5holic7ba1n1re3c1d1enter4o1rn3f0a1d2g1h0anel2nel4rity4se2t2eap3intai5ristmas6ome4urch5i0priani6rcle4sco3tadel4i0c2y3k1l0aims4eaning6ick2nic1que6othing5ud3ub0med6m1n1o0ach3des3ffee4llege4ogne5m0mbank4unity6pany2re3uter5sec4ndos3struction8ulting7tact3ractors9oking4l1p2rsica5untry4pon0s4rses6pa2r0edit0card4union9icket5own3s1uise0s6u0isinella9v1w1x1y0mru3ou3z2dad1nce3ta1e1ing3sun4y2clk3ds2e0al0er2s3gree4livery5l1oitte5ta3mocrat6ntal2ist5si0gn4v2hl2iamonds6et2gital5rect0ory7scount3ver5h2y2j1k1m1np2o0cs1tor4g1mains5t1wnload7rive4tv2ubai3pont4rban5vag2r2z2earth3t2c0o2deka3u0cation8e1g1mail3erck5nergy4gineer0ing9terprises10pson4quipment8r0icsson6ni3s0q1tate5t1u0rovision8s2vents5xchange6pert3osed4ress5traspace10fage2il1rwinds6th3mily4n0s2rm0ers5shion4t3edex3edback6rrari3ero6i0delity5o2lm2nal1nce1ial7re0stone6mdale6sh0ing5t0ness6j1k1lickr3ghts4r2orist4wers5y2m1o0o0d1tball6rd1ex2sale4um3undation8x2r0ee1senius7l1ogans4ntier7tr2ujitsu5n0d2rniture7tbol5yi3ga0l0lery3o1up4me0s3p1rden4y2b0iz3d0n2e0a1nt0ing5orge5f1g0ee3h1i0ft0s3ves2ing5l0ass3e1obal2o4m0ail3bh2o1x2n1odaddy5ld0point6f2odyear5g0le4p1t1v2p1q1r0ainger5phics5tis4een3ipe3ocery4up4s1t1u0cci3ge2ide2tars5ru3w1y2hair2mburg5ngout5us3bo2dfc0bank7ealth0care8lp1sinki6re1mes5iphop4samitsu7tachi5v2k0t2m1n1ockey4ldings5iday5medepot5goods5s0ense7nda3rse3spital5t0ing5t0els3mail5use3w2r1sbc3t1u0ghes5yatt3undai7ibm2cbc2e1u2d1e0ee3fm2kano4l1m0amat4db2mo0bilien9n0c1dustries8finiti5o2g1k1stitute6urance4e4t0ernational10uit4vestments10o1piranga7q1r0ish4s0maili5t0anbul7t0au2v3jaguar4va3cb2e0ep2tzt3welry6io2ll2m0p2nj2o0bs1urg4t1y2p0morgan6rs3uegos6kaufen5ddi3e0rryhotels6properties14fh2g1h1i0a1ds2m1ndle4tchen5wi3m1n1oeln3matsu5sher5p0mg2n2r0d1ed3uokgroup8w1y0oto4z2la0caixa5mborghini8er3nd0rover6xess5salle5t0ino3robe5w0yer5b1c1ds2ease3clerc5frak4gal2o2xus4gbt3i0dl2fe0insurance9style7ghting6ke2lly3mited4o2ncoln4k2ve1ing5k1lc1p2oan0s3cker3us3l1ndon4tte1o3ve3pl0financial11r1s1t0d0a3u0ndbeck6xe1ury5v1y2ma0drid4if1son4keup4n0agement7go3p1rket0ing3s4riott5shalls7ttel5ba2c0kinsey7d1e0d0ia3et2lbourne7me1orial6n0u2rck0msd7g1h1iami3crosoft7l1ni1t2t0subishi9k1l0b1s2m0a2n1o0bi0le4da2e1i1m1nash3ey2ster5rmon3tgage6scow4to0rcycles9v0ie4p1q1r1s0d2t0n1r2u0seum3ic4v1w1x1y1z2na0b1goya4me2vy3ba2c1e0c1t0bank4flix4work5ustar5w0s2xt0direct7us4f0l2g0o2hk2i0co2ke1on3nja3ssan1y5l1o0kia3rton4w0ruz3tv4p1r0a1w2tt2u1yc2z2obi1server7ffice5kinawa6layan0group9lo3m0ega4ne1g1l0ine5oo2pen3racle3nge4g0anic5igins6saka4tsuka4t2vh3pa0ge2nasonic7ris2s1tners4s1y3y2ccw3e0t2f0izer5g1h0armacy6d1ilips5one2to0graphy6s4ysio5ics1tet2ures6d1n0g1k2oneer5zza4k1l0ace2y0station9umbing5s3m1n0c2ohl2ker3litie5rn2st3r0axi3ess3ime3o0d0uctions8f1gressive8mo2perties3y5tection8u0dential9s1t1ub2w0c2y2qa1pon3uebec3st5racing4dio4e0ad1lestate6tor2y4cipes5d0umbrella9hab3ise0n3t2liance6n0t0als5pair3ort3ublican8st0aurant8view0s5xroth6ich0ardli6oh3l1o1p2o0cks3deo3gers4om3s0vp3u0gby3hr2n2w0e2yukyu6sa0arland6fe0ty4kura4le1on3msclub4ung5ndvik0coromant12ofi4p1rl2s1ve2xo3b0i1s2c0b1haeffler7midt4olarships8ol3ule3warz5ience5ot3d1e0arch3t2cure1ity6ek2lect4ner3rvices6ven3w1x0y3fr2g1h0angrila6rp3ell3ia1ksha5oes2p0ping5uji3w3i0lk2na1gles5te3j1k0i0n2y0pe4l0ing4m0art3ile4n0cf3o0ccer3ial4ftbank4ware6hu2lar2utions7ng1y2y2pa0ce3ort2t3r0l2s1t0ada2ples4r1tebank4farm7c0group6ockholm6rage3e3ream4udio2y3yle4u0cks3pplies3y2ort5rf1gery5zuki5v1watch4iss4x1y0dney4stems6z2tab1ipei4lk2obao4rget4tamotors6r2too4x0i3c0i2d0k2eam2ch0nology8l1masek5nnis4va3f1g1h0d1eater2re6iaa2ckets5enda4ps2res2ol4j0maxx4x2k0maxx5l1m0all4n1o0day3kyo3ols3p1ray3shiba5tal3urs3wn2yota3s3r0ade1ing4ining5vel0ers0insurance16ust3v2t1ube2i1nes3shu4v0s2w1z2ua1bank3s2g1k1nicom3versity8o2ol2ps2s1y1z2va0cations7na1guard7c1e0gas3ntures6risign5m\xF6gensberater2ung14sicherung10t2g1i0ajes4deo3g1king4llas4n1p1rgin4sa1ion4va1o3laanderen9n1odka3lvo3te1ing3o2yage5u2wales2mart4ter4ng0gou5tch0es6eather0channel12b0cam3er2site5d0ding5ibo2r3f1hoswho6ien2ki2lliamhill9n0dows4e1ners6me2oodside6rk0s2ld3w2s1tc1f3xbox3erox4ihuan4n2xx2yz3yachts4hoo3maxun5ndex5e1odobashi7ga2kohama6u0tube6t1un3za0ppos4ra3ero3ip2m1one3uerich6w2";
var encodedUtlds = "\u03B5\u03BB1\u03C52\u0431\u04331\u0435\u043B3\u0434\u0435\u0442\u04384\u0435\u044E2\u043A\u0430\u0442\u043E\u043B\u0438\u043A6\u043E\u043C3\u043C\u043A\u04342\u043E\u043D1\u0441\u043A\u0432\u04306\u043E\u043D\u043B\u0430\u0439\u043D5\u0440\u04333\u0440\u0443\u04412\u04442\u0441\u0430\u0439\u04423\u0440\u04313\u0443\u043A\u04403\u049B\u0430\u04373\u0570\u0561\u05753\u05D9\u05E9\u05E8\u05D0\u05DC5\u05E7\u05D5\u05DD3\u0627\u0628\u0648\u0638\u0628\u064A5\u0631\u0627\u0645\u0643\u06485\u0644\u0627\u0631\u062F\u06464\u0628\u062D\u0631\u064A\u06465\u062C\u0632\u0627\u0626\u06315\u0633\u0639\u0648\u062F\u064A\u06296\u0639\u0644\u064A\u0627\u06465\u0645\u063A\u0631\u06285\u0645\u0627\u0631\u0627\u062A5\u06CC\u0631\u0627\u06465\u0628\u0627\u0631\u062A2\u0632\u0627\u06314\u064A\u062A\u06433\u06BE\u0627\u0631\u062A5\u062A\u0648\u0646\u06334\u0633\u0648\u062F\u0627\u06463\u0631\u064A\u06295\u0634\u0628\u0643\u06294\u0639\u0631\u0627\u06422\u06282\u0645\u0627\u06464\u0641\u0644\u0633\u0637\u064A\u06466\u0642\u0637\u06313\u0643\u0627\u062B\u0648\u0644\u064A\u06436\u0648\u06453\u0645\u0635\u06312\u0644\u064A\u0633\u064A\u06275\u0648\u0631\u064A\u062A\u0627\u0646\u064A\u06277\u0642\u06394\u0647\u0645\u0631\u0627\u06475\u067E\u0627\u06A9\u0633\u062A\u0627\u06467\u0680\u0627\u0631\u062A4\u0915\u0949\u092E3\u0928\u0947\u091F3\u092D\u093E\u0930\u09240\u092E\u094D3\u094B\u09245\u0938\u0902\u0917\u0920\u09285\u09AC\u09BE\u0982\u09B2\u09BE5\u09AD\u09BE\u09B0\u09A42\u09F0\u09A44\u0A2D\u0A3E\u0A30\u0A244\u0AAD\u0ABE\u0AB0\u0AA44\u0B2D\u0B3E\u0B30\u0B244\u0B87\u0BA8\u0BCD\u0BA4\u0BBF\u0BAF\u0BBE6\u0BB2\u0B99\u0BCD\u0B95\u0BC86\u0B9A\u0BBF\u0B99\u0BCD\u0B95\u0BAA\u0BCD\u0BAA\u0BC2\u0BB0\u0BCD11\u0C2D\u0C3E\u0C30\u0C24\u0C4D5\u0CAD\u0CBE\u0CB0\u0CA44\u0D2D\u0D3E\u0D30\u0D24\u0D025\u0DBD\u0D82\u0D9A\u0DCF4\u0E04\u0E2D\u0E213\u0E44\u0E17\u0E223\u0EA5\u0EB2\u0EA73\u10D2\u10D42\u307F\u3093\u306A3\u30A2\u30DE\u30BE\u30F34\u30AF\u30E9\u30A6\u30C94\u30B0\u30FC\u30B0\u30EB4\u30B3\u30E02\u30B9\u30C8\u30A23\u30BB\u30FC\u30EB3\u30D5\u30A1\u30C3\u30B7\u30E7\u30F36\u30DD\u30A4\u30F3\u30C84\u4E16\u754C2\u4E2D\u4FE11\u56FD1\u570B1\u6587\u7F513\u4E9A\u9A6C\u900A3\u4F01\u4E1A2\u4F5B\u5C712\u4FE1\u606F2\u5065\u5EB72\u516B\u53662\u516C\u53F81\u76CA2\u53F0\u6E7E1\u70632\u5546\u57CE1\u5E971\u68072\u5609\u91CC0\u5927\u9152\u5E975\u5728\u7EBF2\u5927\u62FF2\u5929\u4E3B\u65593\u5A31\u4E502\u5BB6\u96FB2\u5E7F\u4E1C2\u5FAE\u535A2\u6148\u55842\u6211\u7231\u4F603\u624B\u673A2\u62DB\u80582\u653F\u52A11\u5E9C2\u65B0\u52A0\u57612\u95FB2\u65F6\u5C1A2\u66F8\u7C4D2\u673A\u67842\u6DE1\u9A6C\u95213\u6E38\u620F2\u6FB3\u95802\u70B9\u770B2\u79FB\u52A82\u7EC4\u7EC7\u673A\u67844\u7F51\u57401\u5E971\u7AD91\u7EDC2\u8054\u901A2\u8C37\u6B4C2\u8D2D\u72692\u901A\u8CA92\u96C6\u56E22\u96FB\u8A0A\u76C8\u79D14\u98DE\u5229\u6D663\u98DF\u54C12\u9910\u53852\u9999\u683C\u91CC\u62C93\u6E2F2\uB2F7\uB1371\uCEF42\uC0BC\uC1312\uD55C\uAD6D2";
var numeric = "numeric";
var ascii = "ascii";
var alpha = "alpha";
var asciinumeric = "asciinumeric";
var alphanumeric = "alphanumeric";
var domain = "domain";
var emoji = "emoji";
var scheme = "scheme";
var slashscheme = "slashscheme";
var whitespace = "whitespace";
function registerGroup(name, groups) {
  if (!(name in groups)) {
    groups[name] = [];
  }
  return groups[name];
}
function addToGroups(t, flags, groups) {
  if (flags[numeric]) {
    flags[asciinumeric] = true;
    flags[alphanumeric] = true;
  }
  if (flags[ascii]) {
    flags[asciinumeric] = true;
    flags[alpha] = true;
  }
  if (flags[asciinumeric]) {
    flags[alphanumeric] = true;
  }
  if (flags[alpha]) {
    flags[alphanumeric] = true;
  }
  if (flags[alphanumeric]) {
    flags[domain] = true;
  }
  if (flags[emoji]) {
    flags[domain] = true;
  }
  for (const k in flags) {
    const group = registerGroup(k, groups);
    if (group.indexOf(t) < 0) {
      group.push(t);
    }
  }
}
function flagsForToken(t, groups) {
  const result = {};
  for (const c in groups) {
    if (groups[c].indexOf(t) >= 0) {
      result[c] = true;
    }
  }
  return result;
}
function State(token = null) {
  this.j = {};
  this.jr = [];
  this.jd = null;
  this.t = token;
}
State.groups = {};
State.prototype = {
  accepts() {
    return !!this.t;
  },
  /**
   * Follow an existing transition from the given input to the next state.
   * Does not mutate.
   * @param {string} input character or token type to transition on
   * @returns {?State<T>} the next state, if any
   */
  go(input2) {
    const state = this;
    const nextState = state.j[input2];
    if (nextState) {
      return nextState;
    }
    for (let i = 0; i < state.jr.length; i++) {
      const regex = state.jr[i][0];
      const nextState2 = state.jr[i][1];
      if (nextState2 && regex.test(input2)) {
        return nextState2;
      }
    }
    return state.jd;
  },
  /**
   * Whether the state has a transition for the given input. Set the second
   * argument to true to only look for an exact match (and not a default or
   * regular-expression-based transition)
   * @param {string} input
   * @param {boolean} exactOnly
   */
  has(input2, exactOnly = false) {
    return exactOnly ? input2 in this.j : !!this.go(input2);
  },
  /**
   * Short for "transition all"; create a transition from the array of items
   * in the given list to the same final resulting state.
   * @param {string | string[]} inputs Group of inputs to transition on
   * @param {Transition<T> | State<T>} [next] Transition options
   * @param {Flags} [flags] Collections flags to add token to
   * @param {Collections<T>} [groups] Master list of token groups
   */
  ta(inputs, next, flags, groups) {
    for (let i = 0; i < inputs.length; i++) {
      this.tt(inputs[i], next, flags, groups);
    }
  },
  /**
   * Short for "take regexp transition"; defines a transition for this state
   * when it encounters a token which matches the given regular expression
   * @param {RegExp} regexp Regular expression transition (populate first)
   * @param {T | State<T>} [next] Transition options
   * @param {Flags} [flags] Collections flags to add token to
   * @param {Collections<T>} [groups] Master list of token groups
   * @returns {State<T>} taken after the given input
   */
  tr(regexp, next, flags, groups) {
    groups = groups || State.groups;
    let nextState;
    if (next && next.j) {
      nextState = next;
    } else {
      nextState = new State(next);
      if (flags && groups) {
        addToGroups(next, flags, groups);
      }
    }
    this.jr.push([
      regexp,
      nextState
    ]);
    return nextState;
  },
  /**
   * Short for "take transitions", will take as many sequential transitions as
   * the length of the given input and returns the
   * resulting final state.
   * @param {string | string[]} input
   * @param {T | State<T>} [next] Transition options
   * @param {Flags} [flags] Collections flags to add token to
   * @param {Collections<T>} [groups] Master list of token groups
   * @returns {State<T>} taken after the given input
   */
  ts(input2, next, flags, groups) {
    let state = this;
    const len = input2.length;
    if (!len) {
      return state;
    }
    for (let i = 0; i < len - 1; i++) {
      state = state.tt(input2[i]);
    }
    return state.tt(input2[len - 1], next, flags, groups);
  },
  /**
   * Short for "take transition", this is a method for building/working with
   * state machines.
   *
   * If a state already exists for the given input, returns it.
   *
   * If a token is specified, that state will emit that token when reached by
   * the linkify engine.
   *
   * If no state exists, it will be initialized with some default transitions
   * that resemble existing default transitions.
   *
   * If a state is given for the second argument, that state will be
   * transitioned to on the given input regardless of what that input
   * previously did.
   *
   * Specify a token group flags to define groups that this token belongs to.
   * The token will be added to corresponding entires in the given groups
   * object.
   *
   * @param {string} input character, token type to transition on
   * @param {T | State<T>} [next] Transition options
   * @param {Flags} [flags] Collections flags to add token to
   * @param {Collections<T>} [groups] Master list of groups
   * @returns {State<T>} taken after the given input
   */
  tt(input2, next, flags, groups) {
    groups = groups || State.groups;
    const state = this;
    if (next && next.j) {
      state.j[input2] = next;
      return next;
    }
    const t = next;
    let nextState, templateState = state.go(input2);
    if (templateState) {
      nextState = new State();
      Object.assign(nextState.j, templateState.j);
      nextState.jr.push.apply(nextState.jr, templateState.jr);
      nextState.jd = templateState.jd;
      nextState.t = templateState.t;
    } else {
      nextState = new State();
    }
    if (t) {
      if (groups) {
        if (nextState.t && typeof nextState.t === "string") {
          const allFlags = Object.assign(flagsForToken(nextState.t, groups), flags);
          addToGroups(t, allFlags, groups);
        } else if (flags) {
          addToGroups(t, flags, groups);
        }
      }
      nextState.t = t;
    }
    state.j[input2] = nextState;
    return nextState;
  }
};
var ta = (state, input2, next, flags, groups) => state.ta(input2, next, flags, groups);
var tr = (state, regexp, next, flags, groups) => state.tr(regexp, next, flags, groups);
var ts = (state, input2, next, flags, groups) => state.ts(input2, next, flags, groups);
var tt = (state, input2, next, flags, groups) => state.tt(input2, next, flags, groups);
var WORD = "WORD";
var UWORD = "UWORD";
var ASCIINUMERICAL = "ASCIINUMERICAL";
var ALPHANUMERICAL = "ALPHANUMERICAL";
var LOCALHOST = "LOCALHOST";
var TLD = "TLD";
var UTLD = "UTLD";
var SCHEME = "SCHEME";
var SLASH_SCHEME = "SLASH_SCHEME";
var NUM = "NUM";
var WS = "WS";
var NL = "NL";
var OPENBRACE = "OPENBRACE";
var CLOSEBRACE = "CLOSEBRACE";
var OPENBRACKET = "OPENBRACKET";
var CLOSEBRACKET = "CLOSEBRACKET";
var OPENPAREN = "OPENPAREN";
var CLOSEPAREN = "CLOSEPAREN";
var OPENANGLEBRACKET = "OPENANGLEBRACKET";
var CLOSEANGLEBRACKET = "CLOSEANGLEBRACKET";
var FULLWIDTHLEFTPAREN = "FULLWIDTHLEFTPAREN";
var FULLWIDTHRIGHTPAREN = "FULLWIDTHRIGHTPAREN";
var LEFTCORNERBRACKET = "LEFTCORNERBRACKET";
var RIGHTCORNERBRACKET = "RIGHTCORNERBRACKET";
var LEFTWHITECORNERBRACKET = "LEFTWHITECORNERBRACKET";
var RIGHTWHITECORNERBRACKET = "RIGHTWHITECORNERBRACKET";
var FULLWIDTHLESSTHAN = "FULLWIDTHLESSTHAN";
var FULLWIDTHGREATERTHAN = "FULLWIDTHGREATERTHAN";
var AMPERSAND = "AMPERSAND";
var APOSTROPHE = "APOSTROPHE";
var ASTERISK = "ASTERISK";
var AT = "AT";
var BACKSLASH = "BACKSLASH";
var BACKTICK = "BACKTICK";
var CARET = "CARET";
var COLON = "COLON";
var COMMA = "COMMA";
var DOLLAR = "DOLLAR";
var DOT = "DOT";
var EQUALS = "EQUALS";
var EXCLAMATION = "EXCLAMATION";
var HYPHEN = "HYPHEN";
var PERCENT = "PERCENT";
var PIPE = "PIPE";
var PLUS = "PLUS";
var POUND = "POUND";
var QUERY = "QUERY";
var QUOTE = "QUOTE";
var FULLWIDTHMIDDLEDOT = "FULLWIDTHMIDDLEDOT";
var SEMI = "SEMI";
var SLASH = "SLASH";
var TILDE = "TILDE";
var UNDERSCORE = "UNDERSCORE";
var EMOJI$1 = "EMOJI";
var SYM = "SYM";
var tk = /* @__PURE__ */ Object.freeze({
  __proto__: null,
  ALPHANUMERICAL,
  AMPERSAND,
  APOSTROPHE,
  ASCIINUMERICAL,
  ASTERISK,
  AT,
  BACKSLASH,
  BACKTICK,
  CARET,
  CLOSEANGLEBRACKET,
  CLOSEBRACE,
  CLOSEBRACKET,
  CLOSEPAREN,
  COLON,
  COMMA,
  DOLLAR,
  DOT,
  EMOJI: EMOJI$1,
  EQUALS,
  EXCLAMATION,
  FULLWIDTHGREATERTHAN,
  FULLWIDTHLEFTPAREN,
  FULLWIDTHLESSTHAN,
  FULLWIDTHMIDDLEDOT,
  FULLWIDTHRIGHTPAREN,
  HYPHEN,
  LEFTCORNERBRACKET,
  LEFTWHITECORNERBRACKET,
  LOCALHOST,
  NL,
  NUM,
  OPENANGLEBRACKET,
  OPENBRACE,
  OPENBRACKET,
  OPENPAREN,
  PERCENT,
  PIPE,
  PLUS,
  POUND,
  QUERY,
  QUOTE,
  RIGHTCORNERBRACKET,
  RIGHTWHITECORNERBRACKET,
  SCHEME,
  SEMI,
  SLASH,
  SLASH_SCHEME,
  SYM,
  TILDE,
  TLD,
  UNDERSCORE,
  UTLD,
  UWORD,
  WORD,
  WS
});
var ASCII_LETTER = /[a-z]/;
var LETTER = /[a-z]/i;
var EMOJI = /[\u{1F000}-\u{1FAFF}\u{2600}-\u{27BF}]|\u{FE0F}/u;
try {
  LETTER = new RegExp("\\p{L}", "u");
  EMOJI = new RegExp("\\p{Emoji}", "u");
} catch {
}
var DIGIT = /\d/;
var SPACE = /\s/;
var CR = "\r";
var LF = "\n";
var EMOJI_VARIATION = "\uFE0F";
var EMOJI_JOINER = "\u200D";
var OBJECT_REPLACEMENT = "\uFFFC";
var tlds = null;
var utlds = null;
function init$2(customSchemes = []) {
  const groups = {};
  State.groups = groups;
  const Start = new State();
  if (tlds == null) {
    tlds = decodeTlds(encodedTlds);
  }
  if (utlds == null) {
    utlds = decodeTlds(encodedUtlds);
  }
  tt(Start, "'", APOSTROPHE);
  tt(Start, "{", OPENBRACE);
  tt(Start, "}", CLOSEBRACE);
  tt(Start, "[", OPENBRACKET);
  tt(Start, "]", CLOSEBRACKET);
  tt(Start, "(", OPENPAREN);
  tt(Start, ")", CLOSEPAREN);
  tt(Start, "<", OPENANGLEBRACKET);
  tt(Start, ">", CLOSEANGLEBRACKET);
  tt(Start, "\uFF08", FULLWIDTHLEFTPAREN);
  tt(Start, "\uFF09", FULLWIDTHRIGHTPAREN);
  tt(Start, "\u300C", LEFTCORNERBRACKET);
  tt(Start, "\u300D", RIGHTCORNERBRACKET);
  tt(Start, "\u300E", LEFTWHITECORNERBRACKET);
  tt(Start, "\u300F", RIGHTWHITECORNERBRACKET);
  tt(Start, "\uFF1C", FULLWIDTHLESSTHAN);
  tt(Start, "\uFF1E", FULLWIDTHGREATERTHAN);
  tt(Start, "&", AMPERSAND);
  tt(Start, "*", ASTERISK);
  tt(Start, "@", AT);
  tt(Start, "`", BACKTICK);
  tt(Start, "^", CARET);
  tt(Start, ":", COLON);
  tt(Start, ",", COMMA);
  tt(Start, "$", DOLLAR);
  tt(Start, ".", DOT);
  tt(Start, "=", EQUALS);
  tt(Start, "!", EXCLAMATION);
  tt(Start, "-", HYPHEN);
  tt(Start, "%", PERCENT);
  tt(Start, "|", PIPE);
  tt(Start, "+", PLUS);
  tt(Start, "#", POUND);
  tt(Start, "?", QUERY);
  tt(Start, '"', QUOTE);
  tt(Start, "/", SLASH);
  tt(Start, ";", SEMI);
  tt(Start, "~", TILDE);
  tt(Start, "_", UNDERSCORE);
  tt(Start, "\\", BACKSLASH);
  tt(Start, "\u30FB", FULLWIDTHMIDDLEDOT);
  const Num = tr(Start, DIGIT, NUM, {
    [numeric]: true
  });
  tr(Num, DIGIT, Num);
  const Asciinumeric = tr(Num, ASCII_LETTER, ASCIINUMERICAL, {
    [asciinumeric]: true
  });
  const Alphanumeric = tr(Num, LETTER, ALPHANUMERICAL, {
    [alphanumeric]: true
  });
  const Word = tr(Start, ASCII_LETTER, WORD, {
    [ascii]: true
  });
  tr(Word, DIGIT, Asciinumeric);
  tr(Word, ASCII_LETTER, Word);
  tr(Asciinumeric, DIGIT, Asciinumeric);
  tr(Asciinumeric, ASCII_LETTER, Asciinumeric);
  const UWord = tr(Start, LETTER, UWORD, {
    [alpha]: true
  });
  tr(UWord, ASCII_LETTER);
  tr(UWord, DIGIT, Alphanumeric);
  tr(UWord, LETTER, UWord);
  tr(Alphanumeric, DIGIT, Alphanumeric);
  tr(Alphanumeric, ASCII_LETTER);
  tr(Alphanumeric, LETTER, Alphanumeric);
  const Nl2 = tt(Start, LF, NL, {
    [whitespace]: true
  });
  const Cr = tt(Start, CR, WS, {
    [whitespace]: true
  });
  const Ws = tr(Start, SPACE, WS, {
    [whitespace]: true
  });
  tt(Start, OBJECT_REPLACEMENT, Ws);
  tt(Cr, LF, Nl2);
  tt(Cr, OBJECT_REPLACEMENT, Ws);
  tr(Cr, SPACE, Ws);
  tt(Ws, CR);
  tt(Ws, LF);
  tr(Ws, SPACE, Ws);
  tt(Ws, OBJECT_REPLACEMENT, Ws);
  const Emoji = tr(Start, EMOJI, EMOJI$1, {
    [emoji]: true
  });
  tt(Emoji, "#");
  tr(Emoji, EMOJI, Emoji);
  tt(Emoji, EMOJI_VARIATION, Emoji);
  const EmojiJoiner = tt(Emoji, EMOJI_JOINER);
  tt(EmojiJoiner, "#");
  tr(EmojiJoiner, EMOJI, Emoji);
  const wordjr = [
    [
      ASCII_LETTER,
      Word
    ],
    [
      DIGIT,
      Asciinumeric
    ]
  ];
  const uwordjr = [
    [
      ASCII_LETTER,
      null
    ],
    [
      LETTER,
      UWord
    ],
    [
      DIGIT,
      Alphanumeric
    ]
  ];
  for (let i = 0; i < tlds.length; i++) {
    fastts(Start, tlds[i], TLD, WORD, wordjr);
  }
  for (let i = 0; i < utlds.length; i++) {
    fastts(Start, utlds[i], UTLD, UWORD, uwordjr);
  }
  addToGroups(TLD, {
    tld: true,
    ascii: true
  }, groups);
  addToGroups(UTLD, {
    utld: true,
    alpha: true
  }, groups);
  fastts(Start, "file", SCHEME, WORD, wordjr);
  fastts(Start, "mailto", SCHEME, WORD, wordjr);
  fastts(Start, "http", SLASH_SCHEME, WORD, wordjr);
  fastts(Start, "https", SLASH_SCHEME, WORD, wordjr);
  fastts(Start, "ftp", SLASH_SCHEME, WORD, wordjr);
  fastts(Start, "ftps", SLASH_SCHEME, WORD, wordjr);
  addToGroups(SCHEME, {
    scheme: true,
    ascii: true
  }, groups);
  addToGroups(SLASH_SCHEME, {
    slashscheme: true,
    ascii: true
  }, groups);
  customSchemes = customSchemes.sort((a, b) => a[0] > b[0] ? 1 : -1);
  for (let i = 0; i < customSchemes.length; i++) {
    const sch = customSchemes[i][0];
    const optionalSlashSlash = customSchemes[i][1];
    const flags = optionalSlashSlash ? {
      [scheme]: true
    } : {
      [slashscheme]: true
    };
    if (sch.indexOf("-") >= 0) {
      flags[domain] = true;
    } else if (!ASCII_LETTER.test(sch)) {
      flags[numeric] = true;
    } else if (DIGIT.test(sch)) {
      flags[asciinumeric] = true;
    } else {
      flags[ascii] = true;
    }
    ts(Start, sch, sch, flags);
  }
  ts(Start, "localhost", LOCALHOST, {
    ascii: true
  });
  Start.jd = new State(SYM);
  return {
    start: Start,
    tokens: Object.assign({
      groups
    }, tk)
  };
}
function run$1(start, str2) {
  const iterable = stringToArray(str2.replace(/[A-Z]/g, (c) => c.toLowerCase()));
  const charCount = iterable.length;
  const tokens = [];
  let cursor = 0;
  let charCursor = 0;
  while (charCursor < charCount) {
    let state = start;
    let nextState = null;
    let tokenLength = 0;
    let latestAccepting = null;
    let sinceAccepts = -1;
    let charsSinceAccepts = -1;
    while (charCursor < charCount && (nextState = state.go(iterable[charCursor]))) {
      state = nextState;
      if (state.accepts()) {
        sinceAccepts = 0;
        charsSinceAccepts = 0;
        latestAccepting = state;
      } else if (sinceAccepts >= 0) {
        sinceAccepts += iterable[charCursor].length;
        charsSinceAccepts++;
      }
      tokenLength += iterable[charCursor].length;
      cursor += iterable[charCursor].length;
      charCursor++;
    }
    cursor -= sinceAccepts;
    charCursor -= charsSinceAccepts;
    tokenLength -= sinceAccepts;
    tokens.push({
      t: latestAccepting.t,
      // token type/name
      v: str2.slice(cursor - tokenLength, cursor),
      // string value
      s: cursor - tokenLength,
      // start index
      e: cursor
      // end index (excluding)
    });
  }
  return tokens;
}
function stringToArray(str2) {
  const result = [];
  const len = str2.length;
  let index = 0;
  while (index < len) {
    let first = str2.charCodeAt(index);
    let second;
    let char = first < 55296 || first > 56319 || index + 1 === len || (second = str2.charCodeAt(index + 1)) < 56320 || second > 57343 ? str2[index] : str2.slice(index, index + 2);
    result.push(char);
    index += char.length;
  }
  return result;
}
function fastts(state, input2, t, defaultt, jr) {
  let next;
  const len = input2.length;
  for (let i = 0; i < len - 1; i++) {
    const char = input2[i];
    if (state.j[char]) {
      next = state.j[char];
    } else {
      next = new State(defaultt);
      next.jr = jr.slice();
      state.j[char] = next;
    }
    state = next;
  }
  next = new State(t);
  next.jr = jr.slice();
  state.j[input2[len - 1]] = next;
  return next;
}
function decodeTlds(encoded) {
  const words = [];
  const stack = [];
  let i = 0;
  let digits = "0123456789";
  while (i < encoded.length) {
    let popDigitCount = 0;
    while (digits.indexOf(encoded[i + popDigitCount]) >= 0) {
      popDigitCount++;
    }
    if (popDigitCount > 0) {
      words.push(stack.join(""));
      for (let popCount = parseInt(encoded.substring(i, i + popDigitCount), 10); popCount > 0; popCount--) {
        stack.pop();
      }
      i += popDigitCount;
    } else {
      stack.push(encoded[i]);
      i++;
    }
  }
  return words;
}
var defaults = {
  defaultProtocol: "http",
  events: null,
  format: noop,
  formatHref: noop,
  nl2br: false,
  tagName: "a",
  target: null,
  rel: null,
  validate: true,
  truncate: Infinity,
  className: null,
  attributes: null,
  ignoreTags: [],
  ignoreClasses: [],
  render: null
};
function Options(opts, defaultRender = null) {
  let o = Object.assign({}, defaults);
  if (opts) {
    o = Object.assign(o, opts instanceof Options ? opts.o : opts);
  }
  const ignoredTags = o.ignoreTags;
  const uppercaseIgnoredTags = [];
  for (let i = 0; i < ignoredTags.length; i++) {
    uppercaseIgnoredTags.push(ignoredTags[i].toUpperCase());
  }
  this.o = o;
  if (defaultRender) {
    this.defaultRender = defaultRender;
  }
  this.ignoreTags = uppercaseIgnoredTags;
  this.ignoreClasses = o.ignoreClasses.slice();
}
Options.prototype = {
  o: defaults,
  /**
   * @type string[]
   */
  ignoreTags: [],
  /**
   * @type string[]
   */
  ignoreClasses: [],
  /**
   * Returns whether a whitespace-separated class attribute contains an
   * ignored class name.
   * @param {unknown} classNames
   * @returns {boolean}
   */
  isIgnoredClass(classNames) {
    if (typeof classNames !== "string" || this.ignoreClasses.length === 0) {
      return false;
    }
    const classes = classNames.split(/\s+/);
    for (let i = 0; i < classes.length; i++) {
      if (this.ignoreClasses.indexOf(classes[i]) >= 0) {
        return true;
      }
    }
    return false;
  },
  /**
   * @param {IntermediateRepresentation} ir
   * @returns {any}
   */
  defaultRender(ir) {
    return ir;
  },
  /**
   * Returns true or false based on whether a token should be displayed as a
   * link based on the user options.
   * @param {MultiToken} token
   * @returns {boolean}
   */
  check(token) {
    return this.get("validate", token.toString(), token);
  },
  // Private methods
  /**
   * Resolve an option's value based on the value of the option and the given
   * params. If operator and token are specified and the target option is
   * callable, automatically calls the function with the given argument.
   * @template {keyof Opts} K
   * @param {K} key Name of option to use
   * @param {string} [operator] will be passed to the target option if it's a
   * function. If not specified, RAW function value gets returned
   * @param {MultiToken} [token] The token from linkify.tokenize
   * @returns {Opts[K] | any}
   */
  get(key, operator, token) {
    const isCallable = operator != null;
    let option = this.o[key];
    if (!option) {
      return option;
    }
    if (typeof option === "object") {
      option = token.t in option ? option[token.t] : defaults[key];
      if (typeof option === "function" && isCallable) {
        option = option(operator, token);
      }
    } else if (typeof option === "function" && isCallable) {
      option = option(operator, token.t, token);
    }
    return option;
  },
  /**
   * @template {keyof Opts} L
   * @param {L} key Name of options object to use
   * @param {string} [operator]
   * @param {MultiToken} [token]
   * @returns {Opts[L] | any}
   */
  getObj(key, operator, token) {
    let obj = this.o[key];
    if (typeof obj === "function" && operator != null) {
      obj = obj(operator, token.t, token);
    }
    return obj;
  },
  /**
   * Convert the given token to a rendered element that may be added to the
   * calling-interface's DOM
   * @param {MultiToken} token Token to render to an HTML element
   * @returns {any} Render result; e.g., HTML string, DOM element, React
   *   Component, etc.
   */
  render(token) {
    const ir = token.render(this);
    const renderFn = this.get("render", null, token) || this.defaultRender;
    return renderFn(ir, token.t, token);
  }
};
function noop(val) {
  return val;
}
function MultiToken(value, tokens) {
  this.t = "token";
  this.v = value;
  this.tk = tokens;
}
MultiToken.prototype = {
  isLink: false,
  /**
   * Return the string this token represents.
   * @return {string}
   */
  toString() {
    return this.v;
  },
  /**
   * What should the value for this token be in the `href` HTML attribute?
   * Returns the `.toString` value by default.
   * @param {string} [scheme]
   * @return {string}
   */
  toHref(scheme2) {
    return this.toString();
  },
  /**
   * @param {Options} options Formatting options
   * @returns {string}
   */
  toFormattedString(options) {
    const val = this.toString();
    const truncate = options.get("truncate", val, this);
    const formatted = options.get("format", val, this);
    return truncate && formatted.length > truncate ? formatted.substring(0, truncate) + "\u2026" : formatted;
  },
  /**
   *
   * @param {Options} options
   * @returns {string}
   */
  toFormattedHref(options) {
    return options.get("formatHref", this.toHref(options.get("defaultProtocol")), this);
  },
  /**
   * The start index of this token in the original input string
   * @returns {number}
   */
  startIndex() {
    return this.tk[0].s;
  },
  /**
   * The end index of this token in the original input string (up to this
   * index but not including it)
   * @returns {number}
   */
  endIndex() {
    return this.tk[this.tk.length - 1].e;
  },
  /**
  	Returns an object  of relevant values for this token, which includes keys
  	* type - Kind of token ('url', 'email', etc.)
  	* value - Original text
  	* href - The value that should be added to the anchor tag's href
  		attribute
  		@method toObject
  	@param {string} [protocol] `'http'` by default
  */
  toObject(protocol = defaults.defaultProtocol) {
    return {
      type: this.t,
      value: this.toString(),
      isLink: this.isLink,
      href: this.toHref(protocol),
      start: this.startIndex(),
      end: this.endIndex()
    };
  },
  /**
   *
   * @param {Options} options Formatting option
   */
  toFormattedObject(options) {
    return {
      type: this.t,
      value: this.toFormattedString(options),
      isLink: this.isLink,
      href: this.toFormattedHref(options),
      start: this.startIndex(),
      end: this.endIndex()
    };
  },
  /**
   * Whether this token should be rendered as a link according to the given options
   * @param {Options} options
   * @returns {boolean}
   */
  validate(options) {
    return options.get("validate", this.toString(), this);
  },
  /**
   * Return an object that represents how this link should be rendered.
   * @param {Options} options Formattinng options
   */
  render(options) {
    const token = this;
    const href = this.toHref(options.get("defaultProtocol"));
    const formattedHref = options.get("formatHref", href, this);
    const tagName = options.get("tagName", href, token);
    const content = this.toFormattedString(options);
    const attributes = {};
    const className = options.get("className", href, token);
    const target = options.get("target", href, token);
    const rel = options.get("rel", href, token);
    const attrs = options.getObj("attributes", href, token);
    const eventListeners = options.getObj("events", href, token);
    attributes.href = formattedHref;
    if (className) {
      attributes.class = className;
    }
    if (target) {
      attributes.target = target;
    }
    if (rel) {
      attributes.rel = rel;
    }
    if (attrs) {
      Object.assign(attributes, attrs);
    }
    return {
      tagName,
      attributes,
      content,
      eventListeners
    };
  }
};
function createTokenClass(type, props) {
  class Token extends MultiToken {
    constructor(value, tokens) {
      super(value, tokens);
      this.t = type;
    }
  }
  for (const p in props) {
    Token.prototype[p] = props[p];
  }
  Token.t = type;
  return Token;
}
var Email = createTokenClass("email", {
  isLink: true,
  toHref() {
    return "mailto:" + this.toString();
  }
});
var Text2 = createTokenClass("text");
var Nl = createTokenClass("nl");
var Url = createTokenClass("url", {
  isLink: true,
  /**
  	Lowercases relevant parts of the domain and adds the protocol if
  	required. Note that this will not escape unsafe HTML characters in the
  	URL.
  		@param {string} [scheme] default scheme (e.g., 'https')
  	@return {string} the full href
  */
  toHref(scheme2 = defaults.defaultProtocol) {
    return this.hasProtocol() ? this.v : `${scheme2}://${this.v}`;
  },
  /**
   * Check whether this URL token has a protocol
   * @return {boolean}
   */
  hasProtocol() {
    const tokens = this.tk;
    return tokens.length >= 2 && tokens[0].t !== LOCALHOST && tokens[1].t === COLON;
  }
});
var makeState = (arg) => new State(arg);
function init$1({ groups }) {
  const qsAccepting = groups.domain.concat([
    AMPERSAND,
    ASTERISK,
    AT,
    BACKSLASH,
    BACKTICK,
    CARET,
    DOLLAR,
    EQUALS,
    HYPHEN,
    NUM,
    PERCENT,
    PIPE,
    PLUS,
    POUND,
    SLASH,
    SYM,
    TILDE,
    UNDERSCORE
  ]);
  const qsNonAccepting = [
    APOSTROPHE,
    COLON,
    COMMA,
    DOT,
    EXCLAMATION,
    PERCENT,
    QUERY,
    QUOTE,
    SEMI,
    OPENANGLEBRACKET,
    CLOSEANGLEBRACKET,
    OPENBRACE,
    CLOSEBRACE,
    CLOSEBRACKET,
    OPENBRACKET,
    OPENPAREN,
    CLOSEPAREN,
    FULLWIDTHLEFTPAREN,
    FULLWIDTHRIGHTPAREN,
    LEFTCORNERBRACKET,
    RIGHTCORNERBRACKET,
    LEFTWHITECORNERBRACKET,
    RIGHTWHITECORNERBRACKET,
    FULLWIDTHLESSTHAN,
    FULLWIDTHGREATERTHAN
  ];
  const localpartAccepting = [
    AMPERSAND,
    APOSTROPHE,
    ASTERISK,
    BACKSLASH,
    BACKTICK,
    CARET,
    DOLLAR,
    EQUALS,
    HYPHEN,
    OPENBRACE,
    CLOSEBRACE,
    PERCENT,
    PIPE,
    PLUS,
    POUND,
    QUERY,
    SLASH,
    SYM,
    TILDE,
    UNDERSCORE
  ];
  const Start = makeState();
  const Localpart = tt(Start, TILDE);
  ta(Localpart, localpartAccepting, Localpart);
  ta(Localpart, groups.domain, Localpart);
  const Domain = makeState(), Scheme = makeState(), SlashScheme = makeState();
  ta(Start, groups.domain, Domain);
  ta(Start, groups.scheme, Scheme);
  ta(Start, groups.slashscheme, SlashScheme);
  ta(Domain, localpartAccepting, Localpart);
  ta(Domain, groups.domain, Domain);
  const LocalpartAt = tt(Domain, AT);
  tt(Localpart, AT, LocalpartAt);
  tt(Scheme, AT, LocalpartAt);
  tt(SlashScheme, AT, LocalpartAt);
  const LocalpartDot = tt(Localpart, DOT);
  ta(LocalpartDot, localpartAccepting, Localpart);
  ta(LocalpartDot, groups.domain, Localpart);
  const EmailDomain = makeState();
  ta(LocalpartAt, groups.domain, EmailDomain);
  ta(EmailDomain, groups.domain, EmailDomain);
  const EmailDomainDot = tt(EmailDomain, DOT);
  ta(EmailDomainDot, groups.domain, EmailDomain);
  const Email$1 = makeState(Email);
  ta(EmailDomainDot, groups.tld, Email$1);
  ta(EmailDomainDot, groups.utld, Email$1);
  tt(LocalpartAt, LOCALHOST, Email$1);
  const EmailDomainHyphen = tt(EmailDomain, HYPHEN);
  tt(EmailDomainHyphen, HYPHEN, EmailDomainHyphen);
  ta(EmailDomainHyphen, groups.domain, EmailDomain);
  ta(Email$1, groups.domain, EmailDomain);
  tt(Email$1, DOT, EmailDomainDot);
  tt(Email$1, HYPHEN, EmailDomainHyphen);
  const DomainHyphen = tt(Domain, HYPHEN);
  const DomainDot = tt(Domain, DOT);
  tt(DomainHyphen, HYPHEN, DomainHyphen);
  ta(DomainHyphen, groups.domain, Domain);
  ta(DomainDot, localpartAccepting, Localpart);
  ta(DomainDot, groups.domain, Domain);
  const DomainDotTld = makeState(Url);
  ta(DomainDot, groups.tld, DomainDotTld);
  ta(DomainDot, groups.utld, DomainDotTld);
  ta(DomainDotTld, groups.domain, Domain);
  ta(DomainDotTld, localpartAccepting, Localpart);
  tt(DomainDotTld, DOT, DomainDot);
  tt(DomainDotTld, HYPHEN, DomainHyphen);
  tt(DomainDotTld, AT, LocalpartAt);
  const DomainDotTldColon = tt(DomainDotTld, COLON);
  const DomainDotTldColonPort = makeState(Url);
  ta(DomainDotTldColon, groups.numeric, DomainDotTldColonPort);
  const Url$1 = makeState(Url);
  const UrlNonaccept = makeState();
  ta(Url$1, qsAccepting, Url$1);
  ta(Url$1, qsNonAccepting, UrlNonaccept);
  ta(UrlNonaccept, qsAccepting, Url$1);
  ta(UrlNonaccept, qsNonAccepting, UrlNonaccept);
  tt(DomainDotTld, SLASH, Url$1);
  tt(DomainDotTldColonPort, SLASH, Url$1);
  tt(DomainDotTld, QUERY, UrlNonaccept);
  tt(DomainDotTld, POUND, Url$1);
  tt(DomainDotTldColonPort, QUERY, UrlNonaccept);
  tt(DomainDotTldColonPort, POUND, Url$1);
  const SchemeColon = tt(Scheme, COLON);
  const SlashSchemeColon = tt(SlashScheme, COLON);
  const SlashSchemeColonSlash = tt(SlashSchemeColon, SLASH);
  const UriPrefix = tt(SlashSchemeColonSlash, SLASH);
  ta(Scheme, groups.domain, Domain);
  tt(Scheme, DOT, DomainDot);
  tt(Scheme, HYPHEN, DomainHyphen);
  ta(SlashScheme, groups.domain, Domain);
  tt(SlashScheme, DOT, DomainDot);
  tt(SlashScheme, HYPHEN, DomainHyphen);
  ta(SchemeColon, groups.domain, Url$1);
  tt(SchemeColon, SLASH, Url$1);
  tt(SchemeColon, QUERY, Url$1);
  ta(UriPrefix, groups.domain, Url$1);
  ta(UriPrefix, qsAccepting, Url$1);
  tt(UriPrefix, SLASH, Url$1);
  const bracketPairs = [
    [
      OPENBRACE,
      CLOSEBRACE
    ],
    // {}
    [
      OPENBRACKET,
      CLOSEBRACKET
    ],
    // []
    [
      OPENPAREN,
      CLOSEPAREN
    ],
    // ()
    [
      OPENANGLEBRACKET,
      CLOSEANGLEBRACKET
    ],
    // <>
    [
      FULLWIDTHLEFTPAREN,
      FULLWIDTHRIGHTPAREN
    ],
    // （）
    [
      LEFTCORNERBRACKET,
      RIGHTCORNERBRACKET
    ],
    // 「」
    [
      LEFTWHITECORNERBRACKET,
      RIGHTWHITECORNERBRACKET
    ],
    // 『』
    [
      FULLWIDTHLESSTHAN,
      FULLWIDTHGREATERTHAN
    ]
    // ＜＞
  ];
  for (let i = 0; i < bracketPairs.length; i++) {
    const [OPEN, CLOSE] = bracketPairs[i];
    const UrlOpen = tt(Url$1, OPEN);
    tt(UrlNonaccept, OPEN, UrlOpen);
    const UrlOpenQ = makeState(Url);
    ta(UrlOpen, qsAccepting, UrlOpenQ);
    const UrlOpenSyms = makeState();
    ta(UrlOpen, qsNonAccepting, UrlOpenSyms);
    tt(UrlOpen, CLOSE, Url$1);
    ta(UrlOpenQ, qsAccepting, UrlOpenQ);
    ta(UrlOpenQ, qsNonAccepting, UrlOpenSyms);
    ta(UrlOpenSyms, qsAccepting, UrlOpenQ);
    ta(UrlOpenSyms, qsNonAccepting, UrlOpenSyms);
    tt(UrlOpenQ, CLOSE, Url$1);
    tt(UrlOpenSyms, CLOSE, Url$1);
  }
  tt(Start, LOCALHOST, DomainDotTld);
  tt(Start, NL, Nl);
  return {
    start: Start,
    tokens: tk
  };
}
function run(start, input2, tokens) {
  let len = tokens.length;
  let cursor = 0;
  let multis = [];
  let textTokens = [];
  const dead = [];
  while (cursor < len) {
    let state = start;
    let secondState = null;
    let nextState = null;
    let multiLength = 0;
    let latestAccepting = null;
    let sinceAccepts = -1;
    let visited = [];
    while (cursor < len && !(secondState = state.go(tokens[cursor].t))) {
      textTokens.push(tokens[cursor++]);
    }
    while (cursor < len && (nextState = secondState || state.go(tokens[cursor].t))) {
      secondState = null;
      state = nextState;
      cursor++;
      multiLength++;
      if (state.accepts()) {
        sinceAccepts = 0;
        latestAccepting = state;
        visited = [];
      } else {
        if (sinceAccepts >= 0) {
          sinceAccepts++;
        }
        visited.push(state);
        if (dead[cursor] && dead[cursor].has(state)) {
          break;
        }
      }
    }
    for (let k = 0, pos = cursor - visited.length + 1; k < visited.length; k++, pos++) {
      (dead[pos] || (dead[pos] = /* @__PURE__ */ new Set())).add(visited[k]);
    }
    if (sinceAccepts < 0) {
      cursor -= multiLength;
      if (cursor < len) {
        textTokens.push(tokens[cursor]);
        cursor++;
      }
    } else {
      if (textTokens.length > 0) {
        multis.push(initMultiToken(Text2, input2, textTokens));
        textTokens = [];
      }
      cursor -= sinceAccepts;
      multiLength -= sinceAccepts;
      const Multi = latestAccepting.t;
      const subtokens = tokens.slice(cursor - multiLength, cursor);
      multis.push(initMultiToken(Multi, input2, subtokens));
    }
  }
  if (textTokens.length > 0) {
    multis.push(initMultiToken(Text2, input2, textTokens));
  }
  return multis;
}
function initMultiToken(Multi, input2, tokens) {
  const startIdx = tokens[0].s;
  const endIdx = tokens[tokens.length - 1].e;
  const value = input2.slice(startIdx, endIdx);
  return new Multi(value, tokens);
}
var INIT = {
  scanner: null,
  parser: null,
  tokenQueue: [],
  pluginQueue: [],
  customSchemes: [],
  initialized: false
};
function init() {
  INIT.scanner = init$2(INIT.customSchemes);
  for (let i = 0; i < INIT.tokenQueue.length; i++) {
    INIT.tokenQueue[i][1]({
      scanner: INIT.scanner
    });
  }
  INIT.parser = init$1(INIT.scanner.tokens);
  for (let i = 0; i < INIT.pluginQueue.length; i++) {
    INIT.pluginQueue[i][1]({
      scanner: INIT.scanner,
      parser: INIT.parser
    });
  }
  INIT.initialized = true;
  return INIT;
}
function tokenize(str2) {
  if (!INIT.initialized) {
    init();
  }
  return run(INIT.parser.start, str2, run$1(INIT.scanner.start, str2));
}
tokenize.scan = run$1;

// web/src/message_text.ts
function linkTarget(text, href) {
  if (!/^https?:\/\//i.test(text) && !/^www\./i.test(text)) return void 0;
  let url;
  try {
    url = new URL(href);
  } catch (error) {
    if (error instanceof TypeError) return void 0;
    throw error;
  }
  return url.protocol === "http:" || url.protocol === "https:" ? url.href : void 0;
}
function textNodes(text) {
  const nodes = [];
  for (const token of tokenize(text)) {
    const value = token.toString();
    const href = token.isLink && token.t === "url" ? linkTarget(value, token.toHref("https")) : void 0;
    if (href === void 0) {
      const last = nodes.at(-1);
      if (last instanceof Text) last.appendData(value);
      else nodes.push(document.createTextNode(value));
      continue;
    }
    const link = document.createElement("a");
    link.href = href;
    link.rel = "noopener noreferrer";
    link.target = "_blank";
    link.textContent = value;
    nodes.push(link);
  }
  return nodes;
}
function messageText(text) {
  const block = text.includes("\n");
  const node = document.createElement(block ? "pre" : "span");
  node.className = block ? "text block" : "text";
  node.append(...textNodes(text));
  return node;
}

// client/core/day_label.ts
function localDay(ts2) {
  const d = new Date(ts2);
  const pad = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}
function dayLabel(ts2, now = Date.now()) {
  const day = localDay(ts2);
  if (day === localDay(now)) return "Today";
  const yesterday = new Date(now);
  yesterday.setDate(yesterday.getDate() - 1);
  if (day === localDay(yesterday.getTime())) return "Yesterday";
  const d = new Date(ts2);
  return `${WEEKDAYS[d.getDay()]} ${d.getDate()} ${MONTHS[d.getMonth()]} ${d.getFullYear()}`;
}
var WEEKDAYS = [
  "Sunday",
  "Monday",
  "Tuesday",
  "Wednesday",
  "Thursday",
  "Friday",
  "Saturday"
];
var MONTHS = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December"
];

// client/core/nick_color.ts
var NICK_COLOR_COUNT = 6;
function nickColorIndex(nick) {
  return nickHash(nick) % NICK_COLOR_COUNT;
}
function nickHash(nick) {
  let hash = 2166136261;
  for (const ch of nameKey(nick)) {
    hash = Math.imul(hash ^ ch.codePointAt(0), 16777619);
  }
  return hash >>> 0;
}

// web/src/room_view.ts
function clock(ts2) {
  const d = new Date(ts2);
  return `${String(d.getHours()).padStart(2, "0")}:${String(d.getMinutes()).padStart(2, "0")}`;
}
function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== void 0) node.textContent = text;
  return node;
}
function nickSpan(n) {
  return el("span", `nick nick-${nickColorIndex(n)}`, n);
}
function room2(name) {
  const key = nameKey(name);
  let view = rooms.get(key);
  if (!view) {
    view = {
      name,
      items: [],
      users: /* @__PURE__ */ new Map(),
      topic: "",
      unread: 0,
      seen: /* @__PURE__ */ new Set()
    };
    rooms.set(key, view);
    renderRooms();
  }
  return view;
}
function activeView() {
  return room2(app.state?.activeRoom ?? "#lobby");
}
function setStatus(kind, text) {
  statusEl.dataset.state = kind;
  statusEl.textContent = text;
}
var MESSAGE_CLASSES = [
  "msg",
  "action",
  "media",
  "privmsg"
];
function line(view, item, ts2) {
  if (ts2 !== void 0) {
    const day = localDay(ts2);
    if (day !== (view.lastDay ?? localDay(Date.now()))) {
      const separator = el("li", "day-separator");
      separator.append(el("span", void 0, dayLabel(ts2)));
      separator.setAttribute("role", "separator");
      append(view, separator);
    }
    view.lastDay = day;
    item.prepend(el("time", void 0, clock(ts2)));
  }
  append(view, item);
  const counts = MESSAGE_CLASSES.some((c) => item.classList.contains(c)) && !item.classList.contains("own") && !item.classList.contains("history");
  if (counts && !app.restoring && !beingRead(view)) {
    view.unread++;
    view.firstUnread ??= item;
    renderRooms();
    updateTitle();
  }
}
function append(view, item) {
  view.items.push(item);
  if (view.items.length > MAX_ITEMS) {
    const gone = view.items.shift();
    gone?.remove();
    if (gone === view.firstUnread) view.firstUnread = view.items[0];
  }
  if (view === activeView()) {
    const atBottom = pane.scrollTop + pane.clientHeight >= pane.scrollHeight - 40;
    messagesEl.append(item);
    if (atBottom || !app.restoring) pane.scrollTop = pane.scrollHeight;
  }
}
function beingRead(view) {
  return view === activeView() && document.visibilityState === "visible";
}
function markRead(view = activeView()) {
  const first = view.firstUnread;
  view.unread = 0;
  view.firstUnread = void 0;
  updateTitle();
  if (!first) return;
  const index = view.items.indexOf(first);
  if (index < 0) return;
  const old = view.items.findIndex((i) => i.classList.contains("new-marker"));
  if (old >= 0) view.items.splice(old, 1)[0].remove();
  const marker = el("li", "new-marker");
  marker.append(el("span", void 0, "new messages"));
  marker.setAttribute("role", "separator");
  view.items.splice(view.items.indexOf(first), 0, marker);
  if (first.isConnected) first.before(marker);
}
function systemLine(text, extra = "", view = activeView(), ts2) {
  line(view, el("li", `system ${extra}`.trim(), text), ts2);
}
function remember(message) {
  if (app.restoring) return;
  app.saved.push(message);
  if (app.saved.length > MAX_SAVED) app.saved = app.saved.slice(-MAX_SAVED);
  try {
    sessionStorage.setItem(TRANSCRIPT_KEY, JSON.stringify(app.saved));
  } catch (error) {
    if (!(error instanceof DOMException)) throw error;
  }
}
function renderRooms() {
  const active = nameKey(app.state?.activeRoom ?? "#lobby");
  const items = [];
  for (const [key, view] of rooms) {
    const item = el("li", key === active ? "active" : "");
    const button = el("button", void 0, view.name);
    button.type = "button";
    button.addEventListener("click", () => switchRoom(view.name));
    if (view.unread > 0 && key !== active) button.append(el("span", "unread", String(view.unread)));
    item.append(button);
    items.push(item);
  }
  roomsEl.replaceChildren(...items);
}
function renderUsers() {
  const view = activeView();
  const users = [
    ...view.users.values()
  ].sort((a, b) => a.nick.localeCompare(b.nick));
  usersEl.replaceChildren(...users.map((u) => {
    const item = el("li", u.away !== void 0 ? "away" : "");
    item.dataset.nick = u.nick;
    item.append(nickSpan(u.nick));
    if (u.away !== void 0) item.append(el("span", "away-text", `away: ${u.away}`));
    return item;
  }));
  userCount.textContent = `(${users.length})`;
}
function showRoom() {
  const view = activeView();
  if (document.visibilityState === "visible") markRead(view);
  roomTitle.textContent = view.name;
  topicEl.textContent = view.topic;
  input.placeholder = `Message ${view.name} \u2014 /help for commands, :smile: for emoji`;
  messagesEl.replaceChildren(...view.items);
  pane.scrollTop = pane.scrollHeight;
  renderRooms();
  renderUsers();
}
function switchRoom(name) {
  if (!app.state) return;
  app.state.activeRoom = room2(name).name;
  sidebar.classList.remove("open");
  showRoom();
}

// web/src/outbox.ts
var welcomed;
function markWelcomed(socket) {
  welcomed = socket;
}
function isOnline() {
  return welcomed !== void 0 && app.socket === welcomed && welcomed.readyState === WebSocket.OPEN;
}
function send(message) {
  if (!isOnline()) {
    systemLine("Not connected; the message was not sent", "error");
    return false;
  }
  app.socket.send(JSON.stringify(message));
  historyRequests.sent(message);
  return true;
}
function joinRoom(name) {
  const target = name.startsWith("#") ? name : `#${name}`;
  if (rooms.has(nameKey(target))) {
    switchRoom(target);
    return;
  }
  send({
    type: "command",
    ref: app.nextRef++,
    room: app.state?.activeRoom,
    name: "join",
    args: target
  });
}

// client/core/fallback_commands.ts
var FALLBACK_COMMANDS = [
  "/help",
  "/who",
  "/msg",
  "/me",
  "/nick",
  "/join",
  "/part",
  "/rooms",
  "/topic",
  "/history",
  "/quit"
];

// web/src/composer.ts
var MAX_QUEUED = 100;
var queue = [];
var history = new InputHistory();
var serverCommands = FALLBACK_COMMANDS;
var silentHelps = /* @__PURE__ */ new Set();
function askForCommands() {
  const ref = app.nextRef++;
  if (send({
    type: "command",
    ref,
    name: "help",
    args: ""
  })) silentHelps.add(ref);
}
function takeHelp(message) {
  serverCommands = message.commands.map((c) => `/${c.name}`);
  return message.ref !== void 0 && silentHelps.delete(message.ref);
}
function localAnswer(text) {
  const error = text.startsWith("!!!");
  systemLine(text.replace(/^(---|!!!) /, ""), error ? "error" : "");
}
function submitLine(typed) {
  if (!app.state || typed.trim() === "") return false;
  history.add(typed);
  const local = runLocalCommand(typed, {
    ignores
  });
  if (local !== void 0) {
    localAnswer(local);
    return true;
  }
  const text = prepareLine(typed);
  if (!isOnline()) return enqueue(text);
  const out = app.state.outgoing(text, app.nextRef++);
  if (out.kind === "local") {
    systemLine(out.text.replace(/^--- /, ""));
    showRoom();
  } else if (out.kind === "send" || out.kind === "quit") {
    if (out.message.type === "fetch_media") {
      systemLine("/save is for the terminal client; press play on the message instead");
      return true;
    }
    return send(out.message);
  }
  return true;
}
function enqueue(text) {
  if (queue.length >= MAX_QUEUED) {
    systemLine(`Not connected, and ${MAX_QUEUED} lines are already waiting; this one was not kept`, "error");
    return false;
  }
  const view = activeView();
  const item = el("li", "pending");
  item.title = "Not sent yet: it goes out when the page is connected again";
  item.append(el("span", "pending-mark", "\u23F3 "), nickSpan(app.state.me), messageText(text));
  line(view, item);
  queue.push({
    line: text,
    room: view.name,
    item
  });
  return true;
}
function flushQueue() {
  if (queue.length === 0 || !app.state) return;
  const waiting = queue.splice(0);
  systemLine(`Sending ${waiting.length} line(s) typed while offline`);
  const active = app.state.activeRoom;
  for (const { line: text, room: name, item } of waiting) {
    const view = room2(name);
    const index = view.items.indexOf(item);
    if (index >= 0) view.items.splice(index, 1);
    item.remove();
    app.state.activeRoom = view.name;
    const out = app.state.outgoing(text, app.nextRef++);
    if (out.kind === "send" || out.kind === "quit") send(out.message);
  }
  app.state.activeRoom = active;
}
function complete() {
  const state = app.state;
  if (!state) return;
  const caret = input.selectionStart ?? input.value.length;
  const before = input.value.slice(0, caret);
  const after = input.value.slice(caret);
  const nicks = new Set(state.nicks);
  for (const user2 of activeView().users.values()) nicks.add(user2.nick);
  const result = completeInput(before, {
    nicks,
    rooms: [
      ...state.knownRooms.values(),
      ...state.rooms.values()
    ],
    commands: [
      ...serverCommands,
      ...LOCAL_COMMANDS.map((c) => `/${c.name}`)
    ],
    me: state.me
  });
  if (result.text !== before) {
    input.value = result.text + after;
    input.setSelectionRange(result.text.length, result.text.length);
  } else if (result.matches.length > 1) systemLine(result.matches.join("  "), "choices");
}
function recall(text) {
  if (text === void 0) return;
  input.value = text;
  input.setSelectionRange(text.length, text.length);
}
input.addEventListener("keydown", (event) => {
  if (event.isComposing || event.altKey || event.ctrlKey || event.metaKey) return;
  if (event.key === "Tab" && !event.shiftKey) {
    if (input.value.trim() === "") return;
    event.preventDefault();
    complete();
  } else if (event.key === "ArrowUp") {
    event.preventDefault();
    recall(history.up(input.value));
  } else if (event.key === "ArrowDown") {
    event.preventDefault();
    recall(history.down(input.value));
  }
});

// web/src/media_ui.ts
function formatDuration(ms) {
  const seconds = Math.max(0, Math.round(ms / 1e3));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
}
function learnDuration(player) {
  player.addEventListener("loadedmetadata", () => {
    if (Number.isFinite(player.duration)) return;
    const back = () => {
      if (!Number.isFinite(player.duration)) return;
      player.removeEventListener("durationchange", back);
      player.currentTime = 0;
    };
    player.addEventListener("durationchange", back);
    player.currentTime = Number.MAX_SAFE_INTEGER;
  });
}
function mediaItem(message, url) {
  const item = el("li", `media ${message.kind}`);
  const me = app.state?.me ?? app.nick;
  item.dataset.mediaId = String(message.id);
  if (message.history) item.classList.add("history");
  item.append(nickSpan(message.from));
  item.append(el("span", "media-label", `${message.kind === "voice" ? "\u{1F3A4}" : "\u{1F3A5}"} ${message.kind}`));
  const length = el("time", "media-duration", formatDuration(message.durationMs));
  length.dateTime = `PT${(message.durationMs / 1e3).toFixed(3)}S`;
  length.title = "length";
  item.append(length);
  const player = message.kind === "voice" ? el("audio") : el("video");
  player.controls = true;
  player.preload = "metadata";
  if (player instanceof HTMLVideoElement) player.playsInline = true;
  player.dataset.mediaId = String(message.id);
  player.dataset.mediaToken = message.token;
  learnDuration(player);
  item.append(player);
  if (url) player.src = url;
  else {
    const ref = app.nextRef++;
    fetching.set(ref, player);
    if (isOnline()) {
      send({
        type: "fetch_media",
        ref,
        token: message.token
      });
    }
  }
  if (message.from === me) item.classList.add("own");
  return item;
}
function gotMedia(message) {
  const player = fetching.get(message.ref);
  fetching.delete(message.ref);
  if (!player) return;
  const bytes = Uint8Array.fromBase64(message.data);
  player.src = URL.createObjectURL(new Blob([
    bytes
  ], {
    type: message.mime
  }));
}
var recorder;
var recording;
var recordTimer;
function pickMime(kind) {
  const candidates = kind === "voice" ? [
    "audio/webm;codecs=opus",
    "audio/ogg;codecs=opus",
    "audio/webm",
    "audio/mp4"
  ] : [
    "video/webm;codecs=vp8,opus",
    "video/webm",
    "video/mp4"
  ];
  return candidates.find((m) => MediaRecorder.isTypeSupported(m));
}
async function startRecording(kind) {
  if (recorder) return;
  if (!navigator.mediaDevices?.getUserMedia) {
    systemLine("Recording needs HTTPS (or localhost) and a browser with a microphone", "error");
    return;
  }
  let stream;
  try {
    stream = await navigator.mediaDevices.getUserMedia(kind === "voice" ? {
      audio: true
    } : {
      audio: true,
      video: {
        width: {
          ideal: 320
        },
        height: {
          ideal: 240
        }
      }
    });
  } catch (error) {
    systemLine(`Cannot record: ${error.message}`, "error");
    return;
  }
  const mimeType = pickMime(kind);
  const rec = new MediaRecorder(stream, {
    ...mimeType ? {
      mimeType
    } : {},
    audioBitsPerSecond: 32e3,
    ...kind === "video" ? {
      videoBitsPerSecond: 4e5
    } : {}
  });
  recorder = rec;
  recording = {
    kind,
    durationMs: 0,
    stream
  };
  const chunks = [];
  rec.addEventListener("dataavailable", (event) => {
    if (event.data.size > 0) chunks.push(event.data);
  });
  const started = performance.now();
  const limit = MEDIA_LIMIT_MS[kind];
  rec.addEventListener("stop", () => {
    clearInterval(recordTimer);
    const durationMs = Math.min(limit, Math.max(1, Math.round(performance.now() - started)));
    for (const track of stream.getTracks()) track.stop();
    recLive.hidden = true;
    recLive.srcObject = null;
    recorder = void 0;
    if (!recording) return;
    const blob = new Blob(chunks, {
      type: rec.mimeType || mimeType || ""
    });
    recording.blob = blob;
    recording.durationMs = durationMs;
    recording.url = URL.createObjectURL(blob);
    const preview = kind === "voice" ? recAudio : recVideo;
    preview.src = recording.url;
    preview.hidden = false;
    recStatus.textContent = `${kind} ${(durationMs / 1e3).toFixed(1)} s, ${Math.ceil(blob.size / 1024)} KiB`;
    recStop.hidden = true;
    recSend.disabled = false;
  });
  recorderEl.hidden = false;
  recStop.hidden = false;
  recSend.disabled = true;
  recAudio.hidden = true;
  recVideo.hidden = true;
  if (kind === "video") {
    recLive.srcObject = stream;
    recLive.hidden = false;
    void recLive.play().catch(() => {
    });
  }
  rec.start(250);
  const tick = () => {
    const left = Math.max(0, limit - (performance.now() - started));
    recStatus.textContent = `recording ${kind}\u2026 ${(left / 1e3).toFixed(0)} s left`;
    if (left <= 0 && rec.state === "recording") rec.stop();
  };
  tick();
  recordTimer = setInterval(tick, 100);
}
function stopRecording() {
  recorder?.stop();
}
function resetRecorder() {
  if (recorder && recorder.state !== "inactive") recorder.stop();
  for (const track of recording?.stream?.getTracks() ?? []) track.stop();
  recording = void 0;
  recorderEl.hidden = true;
  recAudio.removeAttribute("src");
  recVideo.removeAttribute("src");
  recStatus.textContent = "";
}
async function sendRecording() {
  if (!recording?.blob || !app.state) return;
  const { kind, blob, durationMs, url } = recording;
  const max = app.welcome?.limits.maxMediaBytes;
  if (max !== void 0 && blob.size > max) {
    systemLine(`The recording is ${blob.size} bytes; this server accepts up to ${max}`, "error");
    return;
  }
  const bytes = new Uint8Array(await blob.arrayBuffer());
  const ref = app.nextRef++;
  const target = app.state.activeRoom;
  ownMedia.set(ref, {
    kind,
    mime: blob.type,
    durationMs,
    url,
    bytes: bytes.length,
    room: target
  });
  send({
    type: "media",
    ref,
    room: target,
    kind,
    mime: blob.type,
    durationMs,
    data: bytes.toBase64()
  });
  recording = void 0;
  recorderEl.hidden = true;
}

// web/src/dom_render.ts
function show(message) {
  const me = app.state?.me ?? app.nick;
  if (ignores.hides(message)) return;
  switch (message.type) {
    case "msg":
    case "action": {
      const view = room2(message.room);
      if (view.seen.has(message.id) && !historyRequests.answering) return;
      view.seen.add(message.id);
      const item = el("li", message.type);
      const own = nameKey(message.from) === nameKey(me);
      if (own) item.classList.add("own");
      if (message.history) item.classList.add("history");
      if (message.type === "action") item.append(el("span", "star", "* "));
      item.append(nickSpan(message.from), messageText(emojify(message.text)));
      const mentioned = !own && mentions(message.text, me);
      if (mentioned) item.classList.add("mention");
      line(view, item, message.ts);
      if (mentioned && !message.history) {
        alertMention(`${message.from} in ${view.name}`, message.text, beingRead(view));
      }
      remember(message);
      return;
    }
    case "privmsg": {
      const own = nameKey(message.from) === nameKey(me);
      const item = el("li", "privmsg");
      if (own) item.classList.add("own");
      if (message.history) item.classList.add("history");
      item.append(el("span", "tag", own ? `\u2192 *${message.to}* ` : `*${message.from}* `));
      item.append(messageText(emojify(message.text)));
      const view = activeView();
      line(view, item, message.ts);
      if (!own && !message.history) {
        alertMention(`${message.from} (private)`, message.text, beingRead(view));
      }
      return;
    }
    case "media": {
      const view = room2(message.room);
      if (view.seen.has(message.id) && !historyRequests.answering) return;
      view.seen.add(message.id);
      line(view, mediaItem(message), message.ts);
      remember(message);
      return;
    }
    case "join": {
      const view = room2(message.room);
      view.users.set(nameKey(message.nick), {
        nick: message.nick
      });
      systemLine(`\u2192 ${message.nick} joined ${message.room}`, "join", view, message.ts);
      if (!app.restoring) remember(message);
      renderUsers();
      return;
    }
    case "leave": {
      const view = room2(message.room);
      view.users.delete(nameKey(message.nick));
      systemLine(`\u2190 ${message.nick} left ${message.room} (${message.reason})`, "leave", view, message.ts);
      if (message.code !== void 0) view.items.at(-1).dataset.code = message.code;
      if (nameKey(message.nick) === nameKey(me) && !app.restoring) {
        rooms.delete(nameKey(message.room));
        showRoom();
      }
      if (!app.restoring) remember(message);
      renderUsers();
      return;
    }
    case "nick":
      for (const view of rooms.values()) {
        const user2 = view.users.get(nameKey(message.old));
        if (!user2) continue;
        view.users.delete(nameKey(message.old));
        view.users.set(nameKey(message.nick), {
          ...user2,
          nick: message.nick
        });
        systemLine(`${message.old} is now known as ${message.nick}`, "", view, message.ts);
      }
      if (nameKey(message.old) === nameKey(app.nick)) {
        app.nick = message.nick;
        saveSession();
      }
      renderUsers();
      return;
    case "who": {
      const view = room2(message.room);
      view.users = new Map(message.users.map((u) => [
        nameKey(u.nick),
        u
      ]));
      renderUsers();
      systemLine(`${message.room} (${message.users.length}): ` + message.users.map((u) => u.away === void 0 ? u.nick : `${u.nick} (away: ${u.away})`).join(", "), "who", view);
      return;
    }
    case "topic": {
      const view = room2(message.room);
      view.topic = message.topic;
      systemLine(message.topic ? `Topic: ${message.topic} (set by ${message.by})` : "No topic", "", view, message.ts);
      showRoom();
      return;
    }
    case "rooms": {
      const item = el("li", "system", "Rooms: ");
      for (const r of message.rooms) {
        const button = el("button", "room-link", `${r.name} (${r.members})`);
        button.type = "button";
        button.addEventListener("click", () => joinRoom(r.name));
        item.append(button, " ");
      }
      line(activeView(), item);
      return;
    }
    case "help":
      if (takeHelp(message)) return;
      for (const c of withLocalHelp(message).commands) {
        if (c.name !== "save") systemLine(`${c.usage} \u2014 ${c.help}`);
      }
      return;
    case "away":
      for (const view of rooms.values()) {
        const user2 = view.users.get(nameKey(message.nick));
        if (!user2) continue;
        view.users.set(nameKey(message.nick), message.away === void 0 ? {
          nick: user2.nick
        } : {
          nick: user2.nick,
          away: message.away
        });
      }
      systemLine(message.away === void 0 ? `${message.nick} is back` : `${message.nick} is away: ${message.away}`, "", activeView(), message.ts);
      renderUsers();
      return;
    case "search":
      systemLine(`${message.results.length} result(s) for "${message.query}", newest first`);
      for (const hit of message.results) {
        systemLine(`${hit.room ?? `*${hit.to ?? ""}*`} <${hit.from}> ${hit.text}`, "", activeView(), hit.ts);
      }
      return;
    case "notice":
      systemLine(message.text, "notice", message.room ? room2(message.room) : activeView(), message.ts);
      return;
    case "error":
      systemLine(message.message, "error");
      return;
    case "shutdown":
      systemLine(`Server shutting down: ${message.reason}`, "error", activeView(), message.ts);
      return;
    case "welcome":
    case "ack":
    case "ping":
    case "pong":
    case "media_data":
    case "bye":
      return;
  }
}

// web/src/connection.ts
function connect() {
  clearTimeout(app.reconnectTimer);
  setStatus(app.everConnected ? "reconnecting" : "connecting", app.everConnected ? "reconnecting\u2026" : "connecting\u2026");
  app.identity ??= loadOrCreateBrowserIdentity();
  const scheme2 = location.protocol === "https:" ? "wss" : "ws";
  const ws = new WebSocket(`${scheme2}://${location.host}/ws`);
  let identity;
  app.socket = ws;
  let welcomed2 = false;
  let bye;
  let refusal;
  ws.addEventListener("open", async () => {
    identity = await app.identity;
    if (ws.readyState !== WebSocket.OPEN) return;
    const hello = {
      type: "hello",
      version: PROTOCOL_VERSION,
      nick: app.nick,
      client: "parley-web"
    };
    if (app.password) hello.password = app.password;
    if (policy.resume !== void 0 && nameKey(policy.nick) === nameKey(app.nick)) {
      hello.resume = policy.resume;
    }
    if (identity) hello.key = helloKey(identity);
    ws.send(JSON.stringify(hello));
  });
  ws.addEventListener("message", (event) => {
    if (typeof event.data !== "string") return;
    let message;
    try {
      message = parseServerMessage(new TextEncoder().encode(event.data));
    } catch (error) {
      console.warn("Ignoring a malformed server message", error);
      return;
    }
    if (!message) return;
    if (!welcomed2) {
      if (message.type === "challenge" && identity) {
        void answerChallenge(ws, identity, message.nonce);
      } else if (message.type === "welcome") {
        welcomed2 = true;
        onWelcome(message);
      } else if (message.type === "error") refusal = onRefused(message.code, message.message);
      return;
    }
    if (message.type === "bye") bye = message;
    onMessage(message);
  });
  ws.addEventListener("close", () => {
    if (app.socket !== ws) return;
    app.socket = void 0;
    if (refusal === "stop") return;
    if (!app.everConnected && !welcomed2 && refusal !== "retry") return;
    if (welcomed2) {
      if (!reconnectsAfter(bye)) {
        setStatus("offline", "disconnected");
        systemLine(`Disconnected: ${bye.reason}`, "error");
        return;
      }
      policy.dropped(app.nick);
    }
    const { delayMs } = policy.next();
    setStatus("offline", `offline \u2014 retrying in ${Math.round(delayMs / 1e3)} s`);
    app.reconnectTimer = setTimeout(connect, delayMs);
  });
}
async function answerChallenge(ws, identity, nonce) {
  let signature;
  try {
    signature = await proveSignature(identity, fromBase64(nonce), location.hostname);
  } catch (error) {
    console.warn("Cannot answer the identity challenge", error);
    return;
  }
  if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({
    type: "prove",
    signature
  }));
}
function onRefused(code, text) {
  if (app.everConnected || app.autoJoin) {
    const next = policy.refused(code);
    if (next.action === "retry") {
      if (next.nick !== void 0) app.nick = next.nick;
      return "retry";
    }
  }
  if (app.everConnected) {
    setStatus("offline", "offline");
    systemLine(`Reconnect refused: ${text}`, "error");
    return "stop";
  }
  app.socket?.close();
  app.socket = void 0;
  sessionStorage.removeItem(SESSION_KEY);
  chat.hidden = true;
  joinForm.hidden = false;
  joinError.textContent = text;
  if (code === "auth_failed") passwordInput.focus();
  else nickInput.focus();
  return "stop";
}
function onWelcome(message) {
  const previousRooms = [
    ...rooms.values()
  ].map((v) => v.name);
  const unconfirmed = app.state?.dropPending() ?? [];
  const previousActive = app.state?.activeRoom;
  app.welcome = message;
  app.nick = message.nick;
  app.state = new ChatState(message.nick);
  app.state.welcome(message);
  markWelcomed(app.socket);
  historyRequests.clear();
  policy.welcomed(message);
  saveSession();
  setStatus("online", "online");
  joinForm.hidden = true;
  chat.hidden = false;
  const lobby = room2(message.room);
  lobby.users = new Map(message.users.map((u) => [
    nameKey(u.nick),
    u
  ]));
  if (!app.everConnected) {
    restoreTranscript();
    systemLine(`Connected to ${message.server} as ${message.nick}`, "", lobby);
    systemLine(message.identity ? `You are ${message.nick} (${message.identity})` : `You are ${message.nick} (guest: no identity key)`, "identity", lobby);
  } else {
    systemLine("Reconnected", "", lobby);
    if (unconfirmed.length > 0) {
      systemLine(`${unconfirmed.length} line(s) sent just before the connection dropped were not confirmed and may not have arrived (Up recalls them): ${unconfirmed.join(" \xB7 ")}`, "error");
    }
    for (const [ref, player] of [
      ...fetching
    ]) {
      fetching.delete(ref);
      const token = player.dataset.mediaToken ?? "";
      const again = app.nextRef++;
      fetching.set(again, player);
      send({
        type: "fetch_media",
        ref: again,
        token
      });
    }
  }
  app.everConnected = true;
  for (const name of previousRooms) {
    if (nameKey(name) !== nameKey(message.room)) {
      send({
        type: "command",
        ref: app.nextRef++,
        room: message.room,
        name: "join",
        args: name
      });
    }
  }
  if (previousActive) app.state.activeRoom = previousActive;
  flushQueue();
  askForCommands();
  showRoom();
  input.focus();
}
function onMessage(message) {
  if (!app.state) return;
  if (message.type === "ping") {
    send({
      type: "pong",
      token: message.token
    });
    return;
  }
  historyRequests.settle(message);
  if (message.type === "media_data") {
    gotMedia(message);
    return;
  }
  if (message.type === "ack" && ownMedia.has(message.ref)) {
    const own = ownMedia.get(message.ref);
    ownMedia.delete(message.ref);
    const notice = {
      type: "media",
      id: message.id,
      // The ack carries no token; the sender plays its own recording from memory.
      token: "",
      ts: message.ts,
      room: own.room,
      from: app.state.me,
      kind: own.kind,
      mime: own.mime,
      durationMs: own.durationMs,
      bytes: own.bytes
    };
    const view = room2(own.room);
    view.seen.add(message.id);
    line(view, mediaItem(notice, own.url), message.ts);
    remember(notice);
    return;
  }
  if (message.type === "error" && message.ref !== void 0 && ownMedia.has(message.ref)) {
    ownMedia.delete(message.ref);
  }
  const before = app.state.activeRoom;
  for (const item of app.state.incoming(message)) show(item);
  if (app.state.activeRoom !== before) showRoom();
}
function restoreTranscript() {
  try {
    app.saved = JSON.parse(sessionStorage.getItem(TRANSCRIPT_KEY) ?? "[]");
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    app.saved = [];
  }
  if (!Array.isArray(app.saved) || app.saved.length === 0) {
    app.saved = [];
    return;
  }
  app.restoring = true;
  try {
    for (const message of app.saved) {
      const checked = parseServerMessage(new TextEncoder().encode(JSON.stringify(message)));
      if (checked) show(checked);
    }
  } catch (error) {
    if (!(error instanceof TypeError || error instanceof SyntaxError)) throw error;
  } finally {
    app.restoring = false;
  }
  for (const view of rooms.values()) {
    if (view.items.length > 0) systemLine("\u2014 earlier messages \u2014", "", view);
  }
}

// web/src/app.ts
joinForm.addEventListener("submit", (event) => {
  event.preventDefault();
  app.nick = nickInput.value.trim();
  app.password = passwordInput.value || void 0;
  joinError.textContent = "";
  if (!app.nick) return;
  connect();
});
composer.addEventListener("submit", (event) => {
  event.preventDefault();
  if (submitLine(input.value)) input.value = "";
});
joinRoomForm.addEventListener("submit", (event) => {
  event.preventDefault();
  const name = roomNameInput.value.trim();
  if (name) joinRoom(name);
  roomNameInput.value = "";
});
$("toggle-sidebar").addEventListener("click", () => {
  sidebar.classList.toggle("open");
});
$("record-voice").addEventListener("click", () => void startRecording("voice"));
$("record-video").addEventListener("click", () => void startRecording("video"));
recStop.addEventListener("click", () => stopRecording());
recSend.addEventListener("click", () => void sendRecording());
recCancel.addEventListener("click", resetRecorder);
document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "visible" && app.state) markRead();
});
var session = sessionStorage.getItem(SESSION_KEY);
if (session) {
  try {
    const parsed = JSON.parse(session);
    if (typeof parsed.nick === "string" && parsed.nick) {
      app.nick = parsed.nick;
      app.password = typeof parsed.password === "string" ? parsed.password : void 0;
      policy.remember(app.nick, typeof parsed.resume === "string" ? parsed.resume : void 0);
      nickInput.value = app.nick;
      app.autoJoin = true;
      connect();
    }
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    sessionStorage.removeItem(SESSION_KEY);
  }
}
