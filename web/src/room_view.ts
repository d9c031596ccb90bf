/// <reference no-default-lib="true" />
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/// <reference lib="esnext" />
/**
 * The web client's rooms on the page: lines (with a timestamp, capped per
 * room, day separators, unread counts and a "new messages" marker for rooms
 * not being read), the room and member lists, the active room and the status
 * indicator. All user text reaches the page through
 * `textContent`, never as HTML.
 *
 * @module
 */

import { dayLabel, localDay } from "../../client/core/day_label.ts";
import { nickColorIndex } from "../../client/core/nick_color.ts";
import type { ServerMessage } from "../../protocol/messages.ts";
import { nameKey } from "../../protocol/names.ts";
import { app, MAX_ITEMS, MAX_SAVED, rooms, type RoomView, TRANSCRIPT_KEY } from "./app_state.ts";
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
import { updateTitle } from "./attention.ts";

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

/** Classes of lines that count as unread messages (not joins, leaves or notices). */
const MESSAGE_CLASSES = ["msg", "action", "media", "privmsg"];

/**
 * Appends a line to a room, keeping the last `MAX_ITEMS`. A dated line on
 * another local day than the room's previous one (or, for the first, than
 * today) comes after a day separator. A message that arrives while the room is not being read (another
 * room is shown, or the page is hidden) counts as unread, unless it is the
 * user's own (class `own`) or replayed history (class `history`).
 */
export function line(view: RoomView, item: HTMLLIElement, ts?: number): void {
  if (ts !== undefined) {
    const day = localDay(ts);
    // The first dated line of a room gets one too, unless it is from today.
    if (day !== (view.lastDay ?? localDay(Date.now()))) {
      const separator = el("li", "day-separator");
      separator.append(el("span", undefined, dayLabel(ts)));
      separator.setAttribute("role", "separator");
      append(view, separator);
    }
    view.lastDay = day;
    item.prepend(el("time", undefined, clock(ts)));
  }
  append(view, item);
  const counts = MESSAGE_CLASSES.some((c) => item.classList.contains(c)) &&
    !item.classList.contains("own") && !item.classList.contains("history");
  if (counts && !app.restoring && !beingRead(view)) {
    view.unread++;
    view.firstUnread ??= item;
    renderRooms();
    updateTitle();
  }
}

/** Adds an element to a room's lines, and to the page when the room is shown. */
function append(view: RoomView, item: HTMLLIElement): void {
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

/** Whether the user can see new lines of `view`: it is shown and the page is visible. */
export function beingRead(view: RoomView): boolean {
  return view === activeView() && document.visibilityState === "visible";
}

/**
 * Marks the room shown as read: a "new messages" line goes before the first
 * message that arrived while it was not being read (and any older marker goes).
 */
export function markRead(view: RoomView = activeView()): void {
  const first = view.firstUnread;
  view.unread = 0;
  view.firstUnread = undefined;
  updateTitle();
  if (!first) return;
  const index = view.items.indexOf(first);
  if (index < 0) return;
  const old = view.items.findIndex((i) => i.classList.contains("new-marker"));
  if (old >= 0) view.items.splice(old, 1)[0].remove();
  const marker = el("li", "new-marker");
  marker.append(el("span", undefined, "new messages"));
  marker.setAttribute("role", "separator");
  view.items.splice(view.items.indexOf(first), 0, marker);
  if (first.isConnected) first.before(marker);
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
  if (document.visibilityState === "visible") markRead(view);
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
