/// <reference no-default-lib="true" />
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/// <reference lib="esnext" />
/**
 * The message field, with what the terminal client offers: client-side
 * commands (`/ignore`, `/unignore`, `/emoji`, from `client/local_commands.ts`),
 * `:shortcode:` emoji in text, Tab completion of nicks, rooms and commands
 * (`client/completion.ts`), Up/Down recall of earlier lines
 * (`client/core/input_history.ts`), and a queue for lines typed while
 * offline: each shows at once as a pending line and is sent, in order, once
 * the page is connected again.
 *
 * @module
 */

import { InputHistory } from "../../client/core/input_history.ts";
import { completeInput } from "../../client/completion.ts";
import { LOCAL_COMMANDS, prepareLine, runLocalCommand } from "../../client/local_commands.ts";
import type { HelpMessage } from "../../protocol/messages.ts";
import { app, ignores } from "./app_state.ts";
import { input } from "./elements.ts";
import { messageText } from "./message_text.ts";
import { isOnline, send } from "./outbox.ts";
import { activeView, el, line, nickSpan, room, showRoom, systemLine } from "./room_view.ts";
import { FALLBACK_COMMANDS } from "../../client/core/fallback_commands.ts";

/** Most lines kept while offline, as in the terminal client. */
export const MAX_QUEUED = 100;

/** A line typed while offline. */
interface Queued {
  line: string;
  /** The room it was typed in. */
  room: string;
  /** Its pending line on the page. */
  item: HTMLLIElement;
}

const queue: Queued[] = [];

const history = new InputHistory();

/** Commands offered by Tab: the server's list once its `help` reply arrived. */
let serverCommands: readonly string[] = FALLBACK_COMMANDS;

/** Refs of the page's own silent `/help` requests (the server's reply carries the ref). */
const silentHelps = new Set<number>();

/** Asks the server for its command list, for Tab, without showing the answer. */
export function askForCommands(): void {
  const ref = app.nextRef++;
  if (send({ type: "command", ref, name: "help", args: "" })) silentHelps.add(ref);
}

/**
 * Takes the server's command list for Tab completion.
 *
 * @param message A `help` message from the server.
 * @returns Whether it answers the page's silent request (then it is not shown).
 */
export function takeHelp(message: HelpMessage): boolean {
  serverCommands = message.commands.map((c) => `/${c.name}`);
  return message.ref !== undefined && silentHelps.delete(message.ref);
}

/** Shows what a local command answered (`--- ` text, or `!!! ` for an error). */
function localAnswer(text: string): void {
  const error = text.startsWith("!!!");
  systemLine(text.replace(/^(---|!!!) /, ""), error ? "error" : "");
}

/**
 * Handles a line from the message field.
 *
 * @param typed The line as typed.
 * @returns Whether the field should be cleared (false keeps the line to retry).
 */
export function submitLine(typed: string): boolean {
  if (!app.state || typed.trim() === "") return false;
  history.add(typed);
  const local = runLocalCommand(typed, { ignores });
  if (local !== undefined) {
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

/** Keeps a line typed offline, showing it as pending in its room. */
function enqueue(text: string): boolean {
  if (queue.length >= MAX_QUEUED) {
    systemLine(
      `Not connected, and ${MAX_QUEUED} lines are already waiting; this one was not kept`,
      "error",
    );
    return false;
  }
  const view = activeView();
  const item = el("li", "pending");
  item.title = "Not sent yet: it goes out when the page is connected again";
  item.append(el("span", "pending-mark", "⏳ "), nickSpan(app.state!.me), messageText(text));
  line(view, item);
  queue.push({ line: text, room: view.name, item });
  return true;
}

/** Sends the lines typed while offline, in order, each to the room it was typed in. */
export function flushQueue(): void {
  if (queue.length === 0 || !app.state) return;
  const waiting = queue.splice(0);
  systemLine(`Sending ${waiting.length} line(s) typed while offline`);
  const active = app.state.activeRoom;
  for (const { line: text, room: name, item } of waiting) {
    const view = room(name);
    const index = view.items.indexOf(item);
    if (index >= 0) view.items.splice(index, 1);
    item.remove();
    app.state.activeRoom = view.name;
    const out = app.state.outgoing(text, app.nextRef++);
    if (out.kind === "send" || out.kind === "quit") send(out.message);
  }
  app.state.activeRoom = active;
}

/** Tab: completes the word before the cursor; several matches are listed. */
function complete(): void {
  const state = app.state;
  if (!state) return;
  const caret = input.selectionStart ?? input.value.length;
  const before = input.value.slice(0, caret);
  const after = input.value.slice(caret);
  const nicks = new Set(state.nicks);
  for (const user of activeView().users.values()) nicks.add(user.nick);
  const result = completeInput(before, {
    nicks,
    rooms: [...state.knownRooms.values(), ...state.rooms.values()],
    commands: [...serverCommands, ...LOCAL_COMMANDS.map((c) => `/${c.name}`)],
    me: state.me,
  });
  if (result.text !== before) {
    input.value = result.text + after;
    input.setSelectionRange(result.text.length, result.text.length);
  } else if (result.matches.length > 1) systemLine(result.matches.join("  "), "choices");
}

/** Puts recalled text in the field, the cursor at its end. */
function recall(text: string | undefined): void {
  if (text === undefined) return;
  input.value = text;
  input.setSelectionRange(text.length, text.length);
}

input.addEventListener("keydown", (event) => {
  if (event.isComposing || event.altKey || event.ctrlKey || event.metaKey) return;
  if (event.key === "Tab" && !event.shiftKey) {
    // Tab in an empty field still moves focus, as a keyboard user expects.
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
