/// <reference no-default-lib="true" />
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/// <reference lib="esnext" />
/**
 * The Parley web client. Speaks the same protocol messages as the terminal
 * client over a WebSocket (one JSON message per text message) and shares the
 * client core with it (`client/core/`): `ChatState`, mention matching, nick
 * colours, emoji and the reconnect policy (backoff, resume token, and `bye`
 * codes deciding whether to reconnect). Nicks and rooms are keyed by the
 * protocol's `nameKey`. All user text reaches the page through `textContent`,
 * never as HTML.
 *
 * Built into `web/app.gen.js` by `deno task web:build`.
 *
 * @module
 */

import { ChatState } from "../../client/core/chat_state.ts";
import { emojify } from "../../client/core/emoji.ts";
import { mentions } from "../../client/core/mentions.ts";
import { nickColorIndex } from "../../client/core/nick_color.ts";
import { ReconnectPolicy, reconnectsAfter } from "../../client/core/reconnect_policy.ts";
import {
  type ByeMessage,
  type ClientMessage,
  type ErrorCode,
  type MediaDataMessage,
  type MediaKind,
  type MediaNotice,
  parseServerMessage,
  PROTOCOL_VERSION,
  type ServerMessage,
  type UserInfo,
  type WelcomeMessage,
} from "../../protocol/messages.ts";
import { nameKey } from "../../protocol/names.ts";

// ------------------------------------------------------------------ elements

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const joinForm = $<HTMLFormElement>("join-form");
const nickInput = $<HTMLInputElement>("nick");
const passwordInput = $<HTMLInputElement>("password");
const joinError = $<HTMLParagraphElement>("join-error");
const chat = $<HTMLDivElement>("chat");
const roomTitle = $<HTMLHeadingElement>("room-title");
const topicEl = $<HTMLSpanElement>("topic");
const statusEl = $<HTMLSpanElement>("status");
const sidebar = $<HTMLElement>("sidebar");
const roomsEl = $<HTMLUListElement>("rooms");
const usersEl = $<HTMLUListElement>("users");
const userCount = $<HTMLSpanElement>("user-count");
const pane = $<HTMLElement>("messages-pane");
const messagesEl = $<HTMLOListElement>("messages");
const composer = $<HTMLFormElement>("composer");
const input = $<HTMLInputElement>("input");
const joinRoomForm = $<HTMLFormElement>("join-room");
const roomNameInput = $<HTMLInputElement>("room-name");
const recorderEl = $<HTMLDivElement>("recorder");
const recLive = $<HTMLVideoElement>("rec-live");
const recVideo = $<HTMLVideoElement>("rec-video");
const recAudio = $<HTMLAudioElement>("rec-audio");
const recStatus = $<HTMLSpanElement>("rec-status");
const recStop = $<HTMLButtonElement>("rec-stop");
const recSend = $<HTMLButtonElement>("rec-send");
const recCancel = $<HTMLButtonElement>("rec-cancel");

// ------------------------------------------------------------------ state

/** What one room shows. */
interface RoomView {
  name: string;
  /** Rendered lines. */
  items: HTMLLIElement[];
  /** Members by `nameKey` of the nick. */
  users: Map<string, UserInfo>;
  topic: string;
  unread: number;
  /** Message ids already shown (history replay and the saved transcript overlap). */
  seen: Set<number>;
}

const SESSION_KEY = "parley.session";
const TRANSCRIPT_KEY = "parley.transcript";
const MAX_ITEMS = 500;
const MAX_SAVED = 300;
const MEDIA_LIMIT_MS: Record<MediaKind, number> = { voice: 10_000, video: 15_000 };

let socket: WebSocket | undefined;
let state: ChatState | undefined;
let welcome: WelcomeMessage | undefined;
let nick = "";
let password: string | undefined;
let nextRef = 1;
/** Backoff, nick and resume token for reconnecting; shared with the terminal client. */
const policy = new ReconnectPolicy();
let reconnectTimer: ReturnType<typeof setTimeout> | undefined;
let everConnected = false;
/** Whether this page rejoined from the tab's saved session (a reload). */
let autoJoin = false;
const rooms = new Map<string, RoomView>();
/** Refs of own media uploads, to show them once acknowledged. */
const ownMedia = new Map<
  number,
  { kind: MediaKind; mime: string; durationMs: number; url: string; bytes: number; room: string }
>();
/** Refs of `fetch_media` requests, to the element waiting for the bytes. */
const fetching = new Map<number, HTMLMediaElement>();
/** Saved transcript: displayable server messages, oldest first. */
let saved: ServerMessage[] = [];
let restoring = false;

// ------------------------------------------------------------------ helpers

function clock(ts: number): string {
  const d = new Date(ts);
  return `${String(d.getHours()).padStart(2, "0")}:${String(d.getMinutes()).padStart(2, "0")}`;
}

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className?: string,
  text?: string,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function nickSpan(n: string): HTMLSpanElement {
  return el("span", `nick nick-${nickColorIndex(n)}`, n);
}

function room(name: string): RoomView {
  const key = nameKey(name);
  let view = rooms.get(key);
  if (!view) {
    view = { name, items: [], users: new Map(), topic: "", unread: 0, seen: new Set() };
    rooms.set(key, view);
    renderRooms();
  }
  return view;
}

function activeView(): RoomView {
  return room(state?.activeRoom ?? "#lobby");
}

function send(message: ClientMessage): boolean {
  if (!socket || socket.readyState !== WebSocket.OPEN) {
    systemLine("Not connected; the message was not sent", "error");
    return false;
  }
  socket.send(JSON.stringify(message));
  return true;
}

function setStatus(kind: "connecting" | "online" | "reconnecting" | "offline", text: string): void {
  statusEl.dataset.state = kind;
  statusEl.textContent = text;
}

// ------------------------------------------------------------------ rendering

function line(view: RoomView, item: HTMLLIElement, ts?: number): void {
  if (ts !== undefined) item.prepend(el("time", undefined, clock(ts)));
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

function systemLine(text: string, extra = "", view = activeView(), ts?: number): void {
  line(view, el("li", `system ${extra}`.trim(), text), ts);
}

function remember(message: ServerMessage): void {
  if (restoring) return;
  saved.push(message);
  if (saved.length > MAX_SAVED) saved = saved.slice(-MAX_SAVED);
  try {
    sessionStorage.setItem(TRANSCRIPT_KEY, JSON.stringify(saved));
  } catch (error) {
    // Storage full or disabled: the transcript is a convenience only.
    if (!(error instanceof DOMException)) throw error;
  }
}

function show(message: ServerMessage): void {
  const me = state?.me ?? nick;
  switch (message.type) {
    case "msg":
    case "action": {
      const view = room(message.room);
      if (view.seen.has(message.id)) return;
      view.seen.add(message.id);
      const item = el("li", message.type);
      if (message.type === "action") item.append(el("span", "star", "* "));
      item.append(nickSpan(message.from), el("span", "text", emojify(message.text)));
      if (nameKey(message.from) !== nameKey(me) && mentions(message.text, me)) {
        item.classList.add("mention");
      }
      line(view, item, message.ts);
      remember(message);
      return;
    }
    case "privmsg": {
      const own = nameKey(message.from) === nameKey(me);
      const item = el("li", "privmsg");
      item.append(el("span", "tag", own ? `→ *${message.to}* ` : `*${message.from}* `));
      item.append(el("span", "text", emojify(message.text)));
      line(activeView(), item, message.ts);
      return;
    }
    case "media": {
      const view = room(message.room);
      if (view.seen.has(message.id)) return;
      view.seen.add(message.id);
      line(view, mediaItem(message), message.ts);
      remember(message);
      return;
    }
    case "join": {
      const view = room(message.room);
      view.users.set(nameKey(message.nick), { nick: message.nick });
      systemLine(`→ ${message.nick} joined ${message.room}`, "join", view, message.ts);
      if (!restoring) remember(message);
      renderUsers();
      return;
    }
    case "leave": {
      const view = room(message.room);
      view.users.delete(nameKey(message.nick));
      systemLine(
        `← ${message.nick} left ${message.room} (${message.reason})`,
        "leave",
        view,
        message.ts,
      );
      // The machine code, for styling (e.g. kicks apart from quits).
      if (message.code !== undefined) view.items.at(-1)!.dataset.code = message.code;
      if (nameKey(message.nick) === nameKey(me) && !restoring) {
        rooms.delete(nameKey(message.room));
        showRoom();
      }
      if (!restoring) remember(message);
      renderUsers();
      return;
    }
    case "nick":
      for (const view of rooms.values()) {
        const user = view.users.get(nameKey(message.old));
        if (!user) continue;
        view.users.delete(nameKey(message.old));
        view.users.set(nameKey(message.nick), { ...user, nick: message.nick });
        systemLine(`${message.old} is now known as ${message.nick}`, "", view, message.ts);
      }
      if (nameKey(message.old) === nameKey(nick)) {
        nick = message.nick;
        saveSession();
      }
      renderUsers();
      return;
    case "who": {
      const view = room(message.room);
      view.users = new Map(message.users.map((u) => [nameKey(u.nick), u]));
      renderUsers();
      return;
    }
    case "topic": {
      const view = room(message.room);
      view.topic = message.topic;
      systemLine(
        message.topic ? `Topic: ${message.topic} (set by ${message.by})` : "No topic",
        "",
        view,
        message.ts,
      );
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
      for (const c of message.commands) systemLine(`${c.usage} — ${c.help}`);
      return;
    case "away":
      for (const view of rooms.values()) {
        const user = view.users.get(nameKey(message.nick));
        if (!user) continue;
        view.users.set(
          nameKey(message.nick),
          message.away === undefined
            ? { nick: user.nick }
            : { nick: user.nick, away: message.away },
        );
      }
      systemLine(
        message.away === undefined
          ? `${message.nick} is back`
          : `${message.nick} is away: ${message.away}`,
        "",
        activeView(),
        message.ts,
      );
      renderUsers();
      return;
    case "search":
      systemLine(`${message.results.length} result(s) for "${message.query}", newest first`);
      for (const hit of message.results) {
        systemLine(
          `${hit.room ?? `*${hit.to ?? ""}*`} <${hit.from}> ${hit.text}`,
          "",
          activeView(),
          hit.ts,
        );
      }
      return;
    case "notice":
      systemLine(
        message.text,
        "notice",
        message.room ? room(message.room) : activeView(),
        message.ts,
      );
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

function mediaItem(message: MediaNotice, url?: string): HTMLLIElement {
  const item = el("li", `media ${message.kind}`);
  const me = state?.me ?? nick;
  item.dataset.mediaId = String(message.id);
  item.append(nickSpan(message.from));
  const seconds = Math.max(1, Math.round(message.durationMs / 1000));
  item.append(
    el(
      "span",
      "media-label",
      `${message.kind === "voice" ? "🎤" : "🎥"} ${message.kind} ${seconds}s`,
    ),
  );
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
    if (socket?.readyState === WebSocket.OPEN) send({ type: "fetch_media", ref, id: message.id });
  }
  if (message.from === me) item.classList.add("own");
  return item;
}

function gotMedia(message: MediaDataMessage): void {
  const player = fetching.get(message.ref);
  fetching.delete(message.ref);
  if (!player) return;
  const bytes = Uint8Array.fromBase64(message.data);
  player.src = URL.createObjectURL(new Blob([bytes], { type: message.mime }));
}

function renderRooms(): void {
  const active = nameKey(state?.activeRoom ?? "#lobby");
  const items: HTMLLIElement[] = [];
  for (const [key, view] of rooms) {
    const item = el("li", key === active ? "active" : "");
    const button = el("button", undefined, view.name);
    button.type = "button";
    button.addEventListener("click", () => switchRoom(view.name));
    if (view.unread > 0 && key !== active) button.append(el("span", "unread", String(view.unread)));
    item.append(button);
    items.push(item);
  }
  roomsEl.replaceChildren(...items);
}

function renderUsers(): void {
  const view = activeView();
  const users = [...view.users.values()].sort((a, b) => a.nick.localeCompare(b.nick));
  usersEl.replaceChildren(...users.map((u) => {
    const item = el("li", u.away !== undefined ? "away" : "");
    item.dataset.nick = u.nick;
    item.append(nickSpan(u.nick));
    if (u.away !== undefined) item.append(el("span", "away-text", `away: ${u.away}`));
    return item;
  }));
  userCount.textContent = `(${users.length})`;
}

function showRoom(): void {
  const view = activeView();
  view.unread = 0;
  roomTitle.textContent = view.name;
  topicEl.textContent = view.topic;
  input.placeholder = `Message ${view.name} — /help for commands, :smile: for emoji`;
  messagesEl.replaceChildren(...view.items);
  pane.scrollTop = pane.scrollHeight;
  renderRooms();
  renderUsers();
}

function switchRoom(name: string): void {
  if (!state) return;
  state.activeRoom = room(name).name;
  sidebar.classList.remove("open");
  showRoom();
}

function joinRoom(name: string): void {
  const target = name.startsWith("#") ? name : `#${name}`;
  if (rooms.has(nameKey(target))) {
    switchRoom(target);
    return;
  }
  send({ type: "command", ref: nextRef++, room: state?.activeRoom, name: "join", args: target });
}

// ------------------------------------------------------------------ connection

function saveSession(): void {
  sessionStorage.setItem(SESSION_KEY, JSON.stringify({ nick, password, resume: policy.resume }));
}

function connect(): void {
  clearTimeout(reconnectTimer);
  setStatus(
    everConnected ? "reconnecting" : "connecting",
    everConnected ? "reconnecting…" : "connecting…",
  );
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const ws = new WebSocket(`${scheme}://${location.host}/ws`);
  socket = ws;
  let welcomed = false;
  /** The server's `bye` on this socket: its code decides whether to reconnect. */
  let bye: ByeMessage | undefined;
  /** What a refusal of this socket's hello called for. */
  let refusal: "retry" | "stop" | undefined;
  ws.addEventListener("open", () => {
    const hello: ClientMessage = {
      type: "hello",
      version: PROTOCOL_VERSION,
      nick,
      client: "parley-web",
    };
    if (password) hello.password = password;
    // Our own ghost (a reload, a dropped network) still holds the nick: the token takes it back.
    if (policy.resume !== undefined && nameKey(policy.nick) === nameKey(nick)) {
      hello.resume = policy.resume;
    }
    ws.send(JSON.stringify(hello));
  });
  ws.addEventListener("message", (event) => {
    if (typeof event.data !== "string") return;
    let message: ServerMessage | null;
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
      } else if (message.type === "error") refusal = onRefused(message.code, message.message);
      return;
    }
    if (message.type === "bye") bye = message;
    onMessage(message);
  });
  ws.addEventListener("close", () => {
    if (socket !== ws) return;
    socket = undefined;
    if (refusal === "stop") return;
    // Never reached, or refused on the form: the form shows why.
    if (!everConnected && !welcomed && refusal !== "retry") return;
    if (welcomed) {
      if (!reconnectsAfter(bye)) {
        setStatus("offline", "disconnected");
        systemLine(`Disconnected: ${bye!.reason}`, "error");
        return;
      }
      policy.dropped(nick);
    }
    const { delayMs } = policy.next();
    setStatus("offline", `offline — retrying in ${Math.round(delayMs / 1000)} s`);
    reconnectTimer = setTimeout(connect, delayMs);
  });
}

/** Handles a refused hello; returns whether to try again (after backoff) or stop. */
function onRefused(code: ErrorCode, text: string): "retry" | "stop" {
  if (everConnected || autoJoin) {
    const next = policy.refused(code);
    if (next.action === "retry") {
      if (next.nick !== undefined) nick = next.nick;
      return "retry";
    }
  }
  if (everConnected) {
    setStatus("offline", "offline");
    systemLine(`Reconnect refused: ${text}`, "error");
    return "stop";
  }
  socket?.close();
  socket = undefined;
  sessionStorage.removeItem(SESSION_KEY);
  chat.hidden = true;
  joinForm.hidden = false;
  joinError.textContent = text;
  if (code === "auth_failed") passwordInput.focus();
  else nickInput.focus();
  return "stop";
}

function onWelcome(message: WelcomeMessage): void {
  const previousRooms = [...rooms.values()].map((v) => v.name);
  const previousActive = state?.activeRoom;
  welcome = message;
  nick = message.nick;
  state = new ChatState(message.nick);
  state.welcome(message);
  policy.welcomed(message);
  saveSession();
  setStatus("online", "online");
  joinForm.hidden = true;
  chat.hidden = false;
  const lobby = room(message.room);
  lobby.users = new Map(message.users.map((u) => [nameKey(u.nick), u]));
  if (!everConnected) {
    restoreTranscript();
    systemLine(`Connected to ${message.server} as ${message.nick}`, "", lobby);
  } else {
    systemLine("Reconnected", "", lobby);
    // Fetch media whose bytes were still on the way when the connection dropped.
    for (const [ref, player] of [...fetching]) {
      fetching.delete(ref);
      const id = Number(player.dataset.mediaId);
      const again = nextRef++;
      fetching.set(again, player);
      send({ type: "fetch_media", ref: again, id });
    }
  }
  everConnected = true;
  for (const name of previousRooms) {
    if (nameKey(name) !== nameKey(message.room)) {
      send({ type: "command", ref: nextRef++, room: message.room, name: "join", args: name });
    }
  }
  if (previousActive) state.activeRoom = previousActive;
  showRoom();
  input.focus();
}

function onMessage(message: ServerMessage): void {
  if (!state) return;
  if (message.type === "ping") {
    send({ type: "pong", token: message.token });
    return;
  }
  if (message.type === "media_data") {
    gotMedia(message);
    return;
  }
  if (message.type === "ack" && ownMedia.has(message.ref)) {
    const own = ownMedia.get(message.ref)!;
    ownMedia.delete(message.ref);
    const notice: MediaNotice = {
      type: "media",
      id: message.id,
      ts: message.ts,
      room: own.room,
      from: state.me,
      kind: own.kind,
      mime: own.mime,
      durationMs: own.durationMs,
      bytes: own.bytes,
    };
    const view = room(own.room);
    view.seen.add(message.id);
    line(view, mediaItem(notice, own.url), message.ts);
    remember(notice);
    return;
  }
  if (message.type === "error" && message.ref !== undefined && ownMedia.has(message.ref)) {
    ownMedia.delete(message.ref);
  }
  const before = state.activeRoom;
  for (const item of state.incoming(message)) show(item);
  if (state.activeRoom !== before) showRoom();
}

function restoreTranscript(): void {
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
      // Re-validate what comes back from storage like anything from the network.
      const checked = parseServerMessage(new TextEncoder().encode(JSON.stringify(message)));
      if (checked) show(checked);
    }
  } catch (error) {
    if (!(error instanceof TypeError || error instanceof SyntaxError)) throw error;
  } finally {
    restoring = false;
  }
  for (const view of rooms.values()) {
    if (view.items.length > 0) systemLine("— earlier messages —", "", view);
  }
}

// ------------------------------------------------------------------ recording

let recorder: MediaRecorder | undefined;
let recording: {
  kind: MediaKind;
  blob?: Blob;
  url?: string;
  durationMs: number;
  stream?: MediaStream;
} | undefined;
let recordTimer: ReturnType<typeof setInterval> | undefined;

function pickMime(kind: MediaKind): string | undefined {
  const candidates = kind === "voice"
    ? ["audio/webm;codecs=opus", "audio/ogg;codecs=opus", "audio/webm", "audio/mp4"]
    : ["video/webm;codecs=vp8,opus", "video/webm", "video/mp4"];
  return candidates.find((m) => MediaRecorder.isTypeSupported(m));
}

async function startRecording(kind: MediaKind): Promise<void> {
  if (recorder) return;
  if (!navigator.mediaDevices?.getUserMedia) {
    systemLine("Recording needs HTTPS (or localhost) and a browser with a microphone", "error");
    return;
  }
  let stream: MediaStream;
  try {
    stream = await navigator.mediaDevices.getUserMedia(
      kind === "voice"
        ? { audio: true }
        : { audio: true, video: { width: { ideal: 320 }, height: { ideal: 240 } } },
    );
  } catch (error) {
    systemLine(`Cannot record: ${(error as Error).message}`, "error");
    return;
  }
  const mimeType = pickMime(kind);
  const rec = new MediaRecorder(stream, {
    ...(mimeType ? { mimeType } : {}),
    audioBitsPerSecond: 32_000,
    ...(kind === "video" ? { videoBitsPerSecond: 400_000 } : {}),
  });
  recorder = rec;
  recording = { kind, durationMs: 0, stream };
  const chunks: Blob[] = [];
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
    recorder = undefined;
    if (!recording) return;
    const blob = new Blob(chunks, { type: rec.mimeType || mimeType || "" });
    recording.blob = blob;
    recording.durationMs = durationMs;
    recording.url = URL.createObjectURL(blob);
    const preview = kind === "voice" ? recAudio : recVideo;
    preview.src = recording.url;
    preview.hidden = false;
    recStatus.textContent = `${kind} ${(durationMs / 1000).toFixed(1)} s, ${
      Math.ceil(blob.size / 1024)
    } KiB`;
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
    void recLive.play().catch(() => {});
  }
  rec.start(250);
  const tick = () => {
    const left = Math.max(0, limit - (performance.now() - started));
    recStatus.textContent = `recording ${kind}… ${(left / 1000).toFixed(0)} s left`;
    if (left <= 0 && rec.state === "recording") rec.stop();
  };
  tick();
  recordTimer = setInterval(tick, 100);
}

function resetRecorder(): void {
  if (recorder && recorder.state !== "inactive") recorder.stop();
  for (const track of recording?.stream?.getTracks() ?? []) track.stop();
  recording = undefined;
  recorderEl.hidden = true;
  recAudio.removeAttribute("src");
  recVideo.removeAttribute("src");
  recStatus.textContent = "";
}

async function sendRecording(): Promise<void> {
  if (!recording?.blob || !state) return;
  const { kind, blob, durationMs, url } = recording;
  const max = welcome?.limits.maxMediaBytes;
  if (max !== undefined && blob.size > max) {
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
    url: url!,
    bytes: bytes.length,
    room: target,
  });
  send({
    type: "media",
    ref,
    room: target,
    kind,
    mime: blob.type,
    durationMs,
    data: bytes.toBase64(),
  });
  recording = undefined;
  recorderEl.hidden = true;
}

// ------------------------------------------------------------------ events

joinForm.addEventListener("submit", (event) => {
  event.preventDefault();
  nick = nickInput.value.trim();
  password = passwordInput.value || undefined;
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

$<HTMLButtonElement>("toggle-sidebar").addEventListener("click", () => {
  sidebar.classList.toggle("open");
});
$<HTMLButtonElement>("record-voice").addEventListener("click", () => void startRecording("voice"));
$<HTMLButtonElement>("record-video").addEventListener("click", () => void startRecording("video"));
recStop.addEventListener("click", () => recorder?.stop());
recSend.addEventListener("click", () => void sendRecording());
recCancel.addEventListener("click", resetRecorder);

// A reload in the same tab rejoins with the same nick and restores the transcript.
const session = sessionStorage.getItem(SESSION_KEY);
if (session) {
  try {
    const parsed = JSON.parse(session) as { nick?: unknown; password?: unknown; resume?: unknown };
    if (typeof parsed.nick === "string" && parsed.nick) {
      nick = parsed.nick;
      password = typeof parsed.password === "string" ? parsed.password : undefined;
      policy.remember(nick, typeof parsed.resume === "string" ? parsed.resume : undefined);
      nickInput.value = nick;
      autoJoin = true;
      connect();
    }
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    sessionStorage.removeItem(SESSION_KEY);
  }
}
