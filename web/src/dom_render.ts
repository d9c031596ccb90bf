/// <reference no-default-lib="true" />
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/// <reference lib="esnext" />
/**
 * Rendering of server messages in the web client: chat lines, private
 * messages, media, joins and leaves, nick and away changes, topics, room lists,
 * help, search results, notices and errors.
 *
 * @module
 */

import { emojify } from "../../client/core/emoji.ts";
import { mentions } from "../../client/core/mentions.ts";
import { withLocalHelp } from "../../client/local_commands.ts";
import type { ServerMessage } from "../../protocol/messages.ts";
import { nameKey } from "../../protocol/names.ts";
import { app, historyRequests, ignores, rooms, saveSession } from "./app_state.ts";
import { alertMention } from "./attention.ts";
import { takeHelp } from "./composer.ts";
import { mediaItem } from "./media_ui.ts";
import { messageText } from "./message_text.ts";
import { joinRoom } from "./outbox.ts";
import {
  activeView,
  beingRead,
  el,
  line,
  nickSpan,
  remember,
  renderUsers,
  room,
  showRoom,
  systemLine,
} from "./room_view.ts";

/** Renders one server message (after `ChatState` has seen it). */
export function show(message: ServerMessage): void {
  const me = app.state?.me ?? app.nick;
  if (ignores.hides(message)) return;
  switch (message.type) {
    case "msg":
    case "action": {
      const view = room(message.room);
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
      item.append(el("span", "tag", own ? `→ *${message.to}* ` : `*${message.from}* `));
      item.append(messageText(emojify(message.text)));
      const view = activeView();
      line(view, item, message.ts);
      if (!own && !message.history) {
        alertMention(`${message.from} (private)`, message.text, beingRead(view));
      }
      return;
    }
    case "media": {
      const view = room(message.room);
      if (view.seen.has(message.id) && !historyRequests.answering) return;
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
      // Also in the messages, as the terminal shows it.
      systemLine(
        `${message.room} (${message.users.length}): ` +
          message.users.map((u) => u.away === undefined ? u.nick : `${u.nick} (away: ${u.away})`)
            .join(", "),
        "who",
        view,
      );
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
      if (takeHelp(message)) return;
      for (const c of withLocalHelp(message).commands) {
        if (c.name !== "save") systemLine(`${c.usage} — ${c.help}`);
      }
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
