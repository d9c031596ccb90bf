// protocol/messages.ts
var PROTOCOL_VERSION = 1;
var DEFAULT_ROOM = "#lobby";
var encoder = new TextEncoder();
var decoder = new TextDecoder("utf-8", {
  fatal: true
});
var scratch = new Uint8Array(64 * 1024);
function parseObject(payload) {
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
var serverParsers = {
  welcome(o) {
    const limits = o.limits;
    if (typeof limits !== "object" || limits === null) fail("welcome", "limits", "an object");
    const l = {
      type: "welcome",
      ...limits
    };
    const welcome2 = {
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
        }
      }
    };
    const resume = optStr(o, "resume");
    if (resume !== void 0) welcome2.resume = resume;
    return welcome2;
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
  leave: (o) => ({
    type: "leave",
    ts: uint(o, "ts"),
    room: str(o, "room"),
    nick: str(o, "nick"),
    reason: str(o, "reason")
  }),
  nick: (o) => ({
    type: "nick",
    ts: uint(o, "ts"),
    old: str(o, "old"),
    nick: str(o, "nick")
  }),
  who: (o) => ({
    type: "who",
    room: str(o, "room"),
    users: array(o, "users", user)
  }),
  rooms: (o) => ({
    type: "rooms",
    rooms: array(o, "rooms", room)
  }),
  topic: (o) => ({
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
    return m;
  },
  shutdown: (o) => ({
    type: "shutdown",
    ts: uint(o, "ts"),
    reason: str(o, "reason")
  }),
  help: (o) => ({
    type: "help",
    commands: array(o, "commands", (c) => ({
      name: str(c, "name"),
      usage: str(c, "usage"),
      help: str(c, "help")
    }))
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
    ...optBool(o, "history") ? {
      history: true
    } : {}
  }),
  media_data: (o) => ({
    type: "media_data",
    ref: uint(o, "ref"),
    id: uint(o, "id"),
    kind: mediaKind(o),
    mime: str(o, "mime"),
    durationMs: uint(o, "durationMs"),
    data: str(o, "data")
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
    return m;
  }
};
function withHistory(o, m) {
  const history = optBool(o, "history");
  if (history !== void 0) m.history = history;
  return m;
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

// client/chat_state.ts
var ChatState = class {
  /** Own nick, updated on `welcome` and own `nick` notices. */
  me;
  /** The room plain lines go to. */
  activeRoom = DEFAULT_ROOM;
  /** Rooms joined, by lower-case name to display name. */
  rooms = /* @__PURE__ */ new Map([
    [
      DEFAULT_ROOM,
      DEFAULT_ROOM
    ]
  ]);
  /** Nicks in the rooms joined (kept from `welcome`, `who`, `join`, `leave`, `nick`), for completion. */
  nicks = /* @__PURE__ */ new Set();
  /** Rooms seen in `/rooms` listings or joined, by lower-case name, for completion. */
  knownRooms = /* @__PURE__ */ new Map([
    [
      DEFAULT_ROOM,
      DEFAULT_ROOM
    ]
  ]);
  #members = /* @__PURE__ */ new Map();
  #pending = /* @__PURE__ */ new Map();
  #saves = /* @__PURE__ */ new Map();
  /** Rooms being rejoined after a reconnect, by lower-case name. */
  #rejoining = /* @__PURE__ */ new Set();
  /** @param nick The nick asked for. */
  constructor(nick2) {
    this.me = nick2;
  }
  /** Number of sent messages not yet acknowledged. */
  get unacknowledged() {
    return this.#pending.size;
  }
  /**
   * Applies the server's welcome.
   *
   * @param welcome The welcome message.
   */
  welcome(welcome2) {
    this.me = welcome2.nick;
    this.activeRoom = welcome2.room || DEFAULT_ROOM;
    this.rooms.clear();
    this.rooms.set(this.activeRoom.toLowerCase(), this.activeRoom);
    this.#members.clear();
    this.#setMembers(this.activeRoom, welcome2.users.map((u) => u.nick));
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
  resume(welcome2) {
    const rooms2 = [
      ...this.rooms.values()
    ];
    const active = this.activeRoom;
    this.welcome(welcome2);
    const rejoin = rooms2.filter((r) => r.toLowerCase() !== this.activeRoom.toLowerCase()).sort((a, b) => Number(a === active) - Number(b === active));
    for (const room3 of rejoin) {
      this.rooms.set(room3.toLowerCase(), room3);
      this.#rejoining.add(room3.toLowerCase());
    }
    if (this.rooms.has(active.toLowerCase())) this.activeRoom = active;
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
        const known = this.rooms.get(room3.toLowerCase());
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
   * The file a `/save` asked for, once its `media_data` arrived (issue 7).
   *
   * @param ref The `ref` of the `fetch_media` request.
   * @returns The path typed after the id, or `undefined` for the default name.
   */
  takeSaveTarget(ref) {
    const file = this.#saves.get(ref);
    this.#saves.delete(ref);
    return file;
  }
  /** `/save ID [FILE]`: asks the server for a media message's bytes. */
  #save(args, ref) {
    const match = /^(\d{1,15})(?:\s+([\s\S]+))?$/.exec(args);
    if (!match) return {
      kind: "local",
      text: "--- usage: /save ID [FILE]"
    };
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
        id: Number(match[1])
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
      case "join":
        if (message.nick === this.me) {
          this.rooms.set(message.room.toLowerCase(), message.room);
          this.knownRooms.set(message.room.toLowerCase(), message.room);
          if (!this.#rejoining.delete(message.room.toLowerCase())) this.activeRoom = message.room;
        } else {
          this.#members.get(message.room.toLowerCase())?.add(message.nick);
          this.nicks.add(message.nick);
        }
        return [
          message
        ];
      case "leave":
        this.#members.get(message.room.toLowerCase())?.delete(message.nick);
        if (message.nick === this.me) {
          this.#members.delete(message.room.toLowerCase());
          this.rooms.delete(message.room.toLowerCase());
          if (this.activeRoom.toLowerCase() === message.room.toLowerCase()) {
            this.activeRoom = this.rooms.values().next().value ?? DEFAULT_ROOM;
          }
        }
        this.#recountNicks();
        return [
          message
        ];
      case "nick":
        if (message.old === this.me) this.me = message.nick;
        for (const members of this.#members.values()) {
          if (members.delete(message.old)) members.add(message.nick);
        }
        this.nicks.delete(message.old);
        this.nicks.add(message.nick);
        return [
          message
        ];
      case "who":
        if (this.rooms.has(message.room.toLowerCase())) {
          this.#setMembers(message.room, message.users.map((u) => u.nick));
        } else for (const user2 of message.users) this.nicks.add(user2.nick);
        return [
          message
        ];
      case "rooms":
        for (const room3 of message.rooms) this.knownRooms.set(room3.name.toLowerCase(), room3.name);
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
    this.#members.set(room3.toLowerCase(), new Set(nicks));
    this.#recountNicks();
  }
  #recountNicks() {
    this.nicks.clear();
    for (const members of this.#members.values()) {
      for (const nick2 of members) this.nicks.add(nick2);
    }
  }
};

// web/src/emoji.ts
var EMOJI = Object.freeze({
  smile: "\u{1F604}",
  grin: "\u{1F601}",
  joy: "\u{1F602}",
  laughing: "\u{1F606}",
  wink: "\u{1F609}",
  blush: "\u{1F60A}",
  heart_eyes: "\u{1F60D}",
  thinking: "\u{1F914}",
  neutral_face: "\u{1F610}",
  sweat_smile: "\u{1F605}",
  cry: "\u{1F622}",
  sob: "\u{1F62D}",
  angry: "\u{1F620}",
  scream: "\u{1F631}",
  sunglasses: "\u{1F60E}",
  upside_down: "\u{1F643}",
  thumbsup: "\u{1F44D}",
  "+1": "\u{1F44D}",
  thumbsdown: "\u{1F44E}",
  "-1": "\u{1F44E}",
  clap: "\u{1F44F}",
  wave: "\u{1F44B}",
  pray: "\u{1F64F}",
  ok_hand: "\u{1F44C}",
  muscle: "\u{1F4AA}",
  eyes: "\u{1F440}",
  heart: "\u2764\uFE0F",
  broken_heart: "\u{1F494}",
  fire: "\u{1F525}",
  star: "\u2B50",
  sparkles: "\u2728",
  tada: "\u{1F389}",
  rocket: "\u{1F680}",
  coffee: "\u2615",
  pizza: "\u{1F355}",
  beer: "\u{1F37A}",
  bug: "\u{1F41B}",
  check: "\u2705",
  x: "\u274C",
  warning: "\u26A0\uFE0F",
  question: "\u2753",
  bulb: "\u{1F4A1}",
  zap: "\u26A1",
  "100": "\u{1F4AF}",
  poop: "\u{1F4A9}",
  skull: "\u{1F480}",
  sun: "\u2600\uFE0F",
  moon: "\u{1F319}"
});
function emojify(text) {
  if (!text.includes(":")) return text;
  return text.replace(/:([a-z0-9_+-]{1,30}):/g, (whole, name) => Object.hasOwn(EMOJI, name) ? EMOJI[name] : whole);
}

// web/src/app.ts
var $ = (id) => document.getElementById(id);
var joinForm = $("join-form");
var nickInput = $("nick");
var passwordInput = $("password");
var joinError = $("join-error");
var chat = $("chat");
var roomTitle = $("room-title");
var topicEl = $("topic");
var statusEl = $("status");
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
var SESSION_KEY = "parley.session";
var TRANSCRIPT_KEY = "parley.transcript";
var MAX_ITEMS = 500;
var MAX_SAVED = 300;
var MEDIA_LIMIT_MS = {
  voice: 1e4,
  video: 15e3
};
var socket;
var state;
var welcome;
var nick = "";
var password;
var nextRef = 1;
var reconnectDelay = 1e3;
var reconnectTimer;
var everConnected = false;
var nickRetries = 0;
var autoJoin = false;
var rooms = /* @__PURE__ */ new Map();
var ownMedia = /* @__PURE__ */ new Map();
var fetching = /* @__PURE__ */ new Map();
var saved = [];
var restoring = false;
function nickColor(n) {
  let hash = 2166136261;
  for (const ch of n.toLowerCase()) hash = Math.imul(hash ^ ch.codePointAt(0), 16777619);
  return (hash >>> 0) % 6;
}
function mentions(text, who) {
  if (!who) return false;
  const escaped = who.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`(^|[^\\p{L}\\p{N}_])@?${escaped}(?![\\p{L}\\p{N}_])`, "iu").test(text);
}
function clock(ts) {
  const d = new Date(ts);
  return `${String(d.getHours()).padStart(2, "0")}:${String(d.getMinutes()).padStart(2, "0")}`;
}
function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== void 0) node.textContent = text;
  return node;
}
function nickSpan(n) {
  return el("span", `nick nick-${nickColor(n)}`, n);
}
function room2(name) {
  const key = name.toLowerCase();
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
  return room2(state?.activeRoom ?? "#lobby");
}
function send(message) {
  if (!socket || socket.readyState !== WebSocket.OPEN) {
    systemLine("Not connected; the message was not sent", "error");
    return false;
  }
  socket.send(JSON.stringify(message));
  return true;
}
function setStatus(kind, text) {
  statusEl.dataset.state = kind;
  statusEl.textContent = text;
}
function line(view, item, ts) {
  if (ts !== void 0) item.prepend(el("time", void 0, clock(ts)));
  view.items.push(item);
  if (view.items.length > MAX_ITEMS) view.items.shift()?.remove();
  if (view === activeView()) {
    const atBottom = pane.scrollTop + pane.clientHeight >= pane.scrollHeight - 40;
    messagesEl.append(item);
    if (atBottom || !restoring) pane.scrollTop = pane.scrollHeight;
  } else if (!restoring) {
    view.unread++;
    renderRooms();
  }
}
function systemLine(text, extra = "", view = activeView(), ts) {
  line(view, el("li", `system ${extra}`.trim(), text), ts);
}
function remember(message) {
  if (restoring) return;
  saved.push(message);
  if (saved.length > MAX_SAVED) saved = saved.slice(-MAX_SAVED);
  try {
    sessionStorage.setItem(TRANSCRIPT_KEY, JSON.stringify(saved));
  } catch (error) {
    if (!(error instanceof DOMException)) throw error;
  }
}
function show(message) {
  const me = state?.me ?? nick;
  switch (message.type) {
    case "msg":
    case "action": {
      const view = room2(message.room);
      if (view.seen.has(message.id)) return;
      view.seen.add(message.id);
      const item = el("li", message.type);
      if (message.type === "action") item.append(el("span", "star", "* "));
      item.append(nickSpan(message.from), el("span", "text", emojify(message.text)));
      if (message.from !== me && mentions(message.text, me)) item.classList.add("mention");
      line(view, item, message.ts);
      remember(message);
      return;
    }
    case "privmsg": {
      const own = message.from.toLowerCase() === me.toLowerCase();
      const item = el("li", "privmsg");
      item.append(el("span", "tag", own ? `\u2192 *${message.to}* ` : `*${message.from}* `));
      item.append(el("span", "text", emojify(message.text)));
      line(activeView(), item, message.ts);
      return;
    }
    case "media": {
      const view = room2(message.room);
      if (view.seen.has(message.id)) return;
      view.seen.add(message.id);
      line(view, mediaItem(message), message.ts);
      remember(message);
      return;
    }
    case "join": {
      const view = room2(message.room);
      view.users.set(message.nick.toLowerCase(), {
        nick: message.nick
      });
      systemLine(`\u2192 ${message.nick} joined ${message.room}`, "join", view, message.ts);
      if (!restoring) remember(message);
      renderUsers();
      return;
    }
    case "leave": {
      const view = room2(message.room);
      view.users.delete(message.nick.toLowerCase());
      systemLine(`\u2190 ${message.nick} left ${message.room} (${message.reason})`, "leave", view, message.ts);
      if (message.nick === me && !restoring) {
        rooms.delete(message.room.toLowerCase());
        showRoom();
      }
      if (!restoring) remember(message);
      renderUsers();
      return;
    }
    case "nick":
      for (const view of rooms.values()) {
        const user2 = view.users.get(message.old.toLowerCase());
        if (!user2) continue;
        view.users.delete(message.old.toLowerCase());
        view.users.set(message.nick.toLowerCase(), {
          ...user2,
          nick: message.nick
        });
        systemLine(`${message.old} is now known as ${message.nick}`, "", view, message.ts);
      }
      if (message.old === nick) {
        nick = message.nick;
        saveSession();
      }
      renderUsers();
      return;
    case "who": {
      const view = room2(message.room);
      view.users = new Map(message.users.map((u) => [
        u.nick.toLowerCase(),
        u
      ]));
      renderUsers();
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
      for (const c of message.commands) systemLine(`${c.usage} \u2014 ${c.help}`);
      return;
    case "away":
      for (const view of rooms.values()) {
        const user2 = view.users.get(message.nick.toLowerCase());
        if (!user2) continue;
        view.users.set(message.nick.toLowerCase(), message.away === void 0 ? {
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
      return;
  }
}
function mediaItem(message, url) {
  const item = el("li", `media ${message.kind}`);
  const me = state?.me ?? nick;
  item.dataset.mediaId = String(message.id);
  item.append(nickSpan(message.from));
  const seconds = Math.max(1, Math.round(message.durationMs / 1e3));
  item.append(el("span", "media-label", `${message.kind === "voice" ? "\u{1F3A4}" : "\u{1F3A5}"} ${message.kind} ${seconds}s`));
  const player = message.kind === "voice" ? el("audio") : el("video");
  player.controls = true;
  player.preload = "metadata";
  if (player instanceof HTMLVideoElement) player.playsInline = true;
  player.dataset.mediaId = String(message.id);
  item.append(player);
  if (url) player.src = url;
  else {
    const ref = nextRef++;
    fetching.set(ref, player);
    if (socket?.readyState === WebSocket.OPEN) send({
      type: "fetch_media",
      ref,
      id: message.id
    });
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
function renderRooms() {
  const active = state?.activeRoom.toLowerCase() ?? "#lobby";
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
  view.unread = 0;
  roomTitle.textContent = view.name;
  topicEl.textContent = view.topic;
  input.placeholder = `Message ${view.name} \u2014 /help for commands, :smile: for emoji`;
  messagesEl.replaceChildren(...view.items);
  pane.scrollTop = pane.scrollHeight;
  renderRooms();
  renderUsers();
}
function switchRoom(name) {
  if (!state) return;
  state.activeRoom = room2(name).name;
  sidebar.classList.remove("open");
  showRoom();
}
function joinRoom(name) {
  const target = name.startsWith("#") ? name : `#${name}`;
  if (rooms.has(target.toLowerCase())) {
    switchRoom(target);
    return;
  }
  send({
    type: "command",
    ref: nextRef++,
    room: state?.activeRoom,
    name: "join",
    args: target
  });
}
function saveSession() {
  sessionStorage.setItem(SESSION_KEY, JSON.stringify({
    nick,
    password
  }));
}
function connect() {
  clearTimeout(reconnectTimer);
  setStatus(everConnected ? "reconnecting" : "connecting", everConnected ? "reconnecting\u2026" : "connecting\u2026");
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const ws = new WebSocket(`${scheme}://${location.host}/ws`);
  socket = ws;
  let welcomed = false;
  ws.addEventListener("open", () => {
    const hello = {
      type: "hello",
      version: PROTOCOL_VERSION,
      nick,
      client: "parley-web"
    };
    if (password) hello.password = password;
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
    if (!welcomed) {
      if (message.type === "welcome") {
        welcomed = true;
        onWelcome(message);
      } else if (message.type === "error") onRefused(message.code, message.message);
      return;
    }
    onMessage(message);
  });
  ws.addEventListener("close", () => {
    if (socket !== ws) return;
    socket = void 0;
    if (!everConnected && !welcomed) return;
    const wait = reconnectDelay;
    reconnectDelay = Math.min(reconnectDelay * 2, 15e3);
    setStatus("offline", `offline \u2014 retrying in ${Math.round(wait / 1e3)} s`);
    reconnectTimer = setTimeout(connect, wait);
  });
}
function onRefused(code, text) {
  if (code === "nick_taken" && (everConnected || autoJoin) && nickRetries < 5) {
    nickRetries++;
    if (!everConnected) reconnectTimer = setTimeout(connect, 1e3);
    return;
  }
  if (everConnected) {
    setStatus("offline", "offline");
    systemLine(`Reconnect refused: ${text}`, "error");
    return;
  }
  socket?.close();
  socket = void 0;
  sessionStorage.removeItem(SESSION_KEY);
  chat.hidden = true;
  joinForm.hidden = false;
  joinError.textContent = text;
  if (code === "auth_failed") passwordInput.focus();
  else nickInput.focus();
}
function onWelcome(message) {
  const previousRooms = [
    ...rooms.values()
  ].map((v) => v.name);
  const previousActive = state?.activeRoom;
  welcome = message;
  nick = message.nick;
  state = new ChatState(message.nick);
  state.welcome(message);
  saveSession();
  reconnectDelay = 1e3;
  nickRetries = 0;
  setStatus("online", "online");
  joinForm.hidden = true;
  chat.hidden = false;
  const lobby = room2(message.room);
  lobby.users = new Map(message.users.map((u) => [
    u.nick.toLowerCase(),
    u
  ]));
  if (!everConnected) {
    restoreTranscript();
    systemLine(`Connected to ${message.server} as ${message.nick}`, "", lobby);
  } else {
    systemLine("Reconnected", "", lobby);
    for (const [ref, player] of [
      ...fetching
    ]) {
      fetching.delete(ref);
      const id = Number(player.dataset.mediaId);
      const again = nextRef++;
      fetching.set(again, player);
      send({
        type: "fetch_media",
        ref: again,
        id
      });
    }
  }
  everConnected = true;
  for (const name of previousRooms) {
    if (name.toLowerCase() !== message.room.toLowerCase()) {
      send({
        type: "command",
        ref: nextRef++,
        room: message.room,
        name: "join",
        args: name
      });
    }
  }
  if (previousActive) state.activeRoom = previousActive;
  showRoom();
  input.focus();
}
function onMessage(message) {
  if (!state) return;
  if (message.type === "ping") {
    send({
      type: "pong",
      token: message.token
    });
    return;
  }
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
      ts: message.ts,
      room: own.room,
      from: state.me,
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
  const before = state.activeRoom;
  for (const item of state.incoming(message)) show(item);
  if (state.activeRoom !== before) showRoom();
}
function restoreTranscript() {
  try {
    saved = JSON.parse(sessionStorage.getItem(TRANSCRIPT_KEY) ?? "[]");
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    saved = [];
  }
  if (!Array.isArray(saved) || saved.length === 0) {
    saved = [];
    return;
  }
  restoring = true;
  try {
    for (const message of saved) {
      const checked = parseServerMessage(new TextEncoder().encode(JSON.stringify(message)));
      if (checked) show(checked);
    }
  } catch (error) {
    if (!(error instanceof TypeError || error instanceof SyntaxError)) throw error;
  } finally {
    restoring = false;
  }
  for (const view of rooms.values()) {
    if (view.items.length > 0) systemLine("\u2014 earlier messages \u2014", "", view);
  }
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
  if (!recording?.blob || !state) return;
  const { kind, blob, durationMs, url } = recording;
  const max = welcome?.limits.maxMediaBytes;
  if (max !== void 0 && blob.size > max) {
    systemLine(`The recording is ${blob.size} bytes; this server accepts up to ${max}`, "error");
    return;
  }
  const bytes = new Uint8Array(await blob.arrayBuffer());
  const ref = nextRef++;
  const target = state.activeRoom;
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
joinForm.addEventListener("submit", (event) => {
  event.preventDefault();
  nick = nickInput.value.trim();
  password = passwordInput.value || void 0;
  joinError.textContent = "";
  if (!nick) return;
  connect();
});
composer.addEventListener("submit", (event) => {
  event.preventDefault();
  if (!state) return;
  const text = emojify(input.value);
  if (text.trim() === "") return;
  const out = state.outgoing(text, nextRef++);
  if (out.kind === "local") {
    systemLine(out.text.replace(/^--- /, ""));
    showRoom();
  } else if (out.kind === "send" || out.kind === "quit") {
    if (out.message.type === "fetch_media") {
      systemLine("/save is for the terminal client; press play on the message instead");
      input.value = "";
      return;
    }
    if (!send(out.message)) return;
  }
  input.value = "";
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
recStop.addEventListener("click", () => recorder?.stop());
recSend.addEventListener("click", () => void sendRecording());
recCancel.addEventListener("click", resetRecorder);
var session = sessionStorage.getItem(SESSION_KEY);
if (session) {
  try {
    const parsed = JSON.parse(session);
    if (typeof parsed.nick === "string" && parsed.nick) {
      nick = parsed.nick;
      password = typeof parsed.password === "string" ? parsed.password : void 0;
      nickInput.value = nick;
      autoJoin = true;
      connect();
    }
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    sessionStorage.removeItem(SESSION_KEY);
  }
}
