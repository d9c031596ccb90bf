/// <reference no-default-lib="true" />
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/// <reference lib="esnext" />
/**
 * Rendering of the web client: server messages to lines, the room and member
 * lists, and the active room. All user text reaches the page through
 * `textContent`, never as HTML.
 *
 * @module
 */

import { emojify } from "../../client/core/emoji.ts";
import { mentions } from "../../client/core/mentions.ts";
import { nickColorIndex } from "../../client/core/nick_color.ts";
import type { ServerMessage } from "../../protocol/messages.ts";
import { nameKey } from "../../protocol/names.ts";
import {
  app,
  MAX_ITEMS,
  MAX_SAVED,
  rooms,
  type RoomView,
  saveSession,
  TRANSCRIPT_KEY,
} from "./app_state.ts";
import { send } from "./connection.ts";
import {
  input,
  messagesEl,
  pane,
  roomsEl,
  roomTitle,
  sidebar,
  statusEl,
  topicEl,
  userCount,
  usersEl,
} from "./elements.ts";
import { mediaItem } from "./media_ui.ts";

/** Formats a time as `HH:MM`, local time. */
export function clock(ts: number): string {
  const d = new Date(ts);
  return `${String(d.getHours()).padStart(2, "0")}:${String(d.getMinutes()).padStart(2, "0")}`;
}

/** Creates an element with an optional class and text (set as `textContent`, never HTML). */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className?: string,
  text?: string,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** A nick, coloured like the terminal client colours it. */
export function nickSpan(n: string): HTMLSpanElement {
  return el("span", `nick nick-${nickColorIndex(n)}`, n);
}

/** The view of a room, created (and listed) on first use. */
export function room(name: string): RoomView {
  const key = nameKey(name);
  let view = rooms.get(key);
  if (!view) {
    view = { name, items: [], users: new Map(), topic: "", unread: 0, seen: new Set() };
    rooms.set(key, view);
    renderRooms();
  }
  return view;
}

/** The view of the room being shown. */
export function activeView(): RoomView {
  return room(app.state?.activeRoom ?? "#lobby");
}

/** Shows the connection state in the header. */
export function setStatus(
  kind: "connecting" | "online" | "reconnecting" | "offline",
  text: string,
): void {
  statusEl.dataset.state = kind;
  statusEl.textContent = text;
}

/** Appends a line to a room, keeping the last `MAX_ITEMS` and counting unread lines elsewhere. */
export function line(view: RoomView, item: HTMLLIElement, ts?: number): void {
  if (ts !== undefined) item.prepend(el("time", undefined, clock(ts)));
  view.items.push(item);
  if (view.items.length > MAX_ITEMS) view.items.shift()?.remove();
  if (view === activeView()) {
    const atBottom = pane.scrollTop + pane.clientHeight >= pane.scrollHeight - 40;
    messagesEl.append(item);
    if (atBottom || !app.restoring) pane.scrollTop = pane.scrollHeight;
  } else if (!app.restoring) {
    view.unread++;
    renderRooms();
  }
}

/** Appends a line of text from the client itself. */
export function systemLine(text: string, extra = "", view = activeView(), ts?: number): void {
  line(view, el("li", `system ${extra}`.trim(), text), ts);
}

/** Adds a message to the saved transcript (not while restoring it). */
export function remember(message: ServerMessage): void {
  if (app.restoring) return;
  app.saved.push(message);
  if (app.saved.length > MAX_SAVED) app.saved = app.saved.slice(-MAX_SAVED);
  try {
    sessionStorage.setItem(TRANSCRIPT_KEY, JSON.stringify(app.saved));
  } catch (error) {
    // Storage full or disabled: the transcript is a convenience only.
    if (!(error instanceof DOMException)) throw error;
  }
}

/** Renders one server message (after `ChatState` has seen it). */
export function show(message: ServerMessage): void {
  const me = app.state?.me ?? app.nick;
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
      if (!app.restoring) remember(message);
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
        const user = view.users.get(nameKey(message.old));
        if (!user) continue;
        view.users.delete(nameKey(message.old));
        view.users.set(nameKey(message.nick), { ...user, nick: message.nick });
        systemLine(`${message.old} is now known as ${message.nick}`, "", view, message.ts);
      }
      if (nameKey(message.old) === nameKey(app.nick)) {
        app.nick = message.nick;
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

/** Redraws the room list. */
export function renderRooms(): void {
  const active = nameKey(app.state?.activeRoom ?? "#lobby");
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

/** Redraws the member list of the room being shown. */
export function renderUsers(): void {
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

/** Shows the active room: title, topic, lines, lists. */
export function showRoom(): void {
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

/** Makes a room the active one. */
export function switchRoom(name: string): void {
  if (!app.state) return;
  app.state.activeRoom = room(name).name;
  sidebar.classList.remove("open");
  showRoom();
}

/** Switches to a room already joined, else asks the server to join it. */
export function joinRoom(name: string): void {
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
    args: target,
  });
}
