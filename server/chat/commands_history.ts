/**
 * History commands: `/history` replays more of a room, `/search` finds past
 * messages through SQLite full-text search.
 *
 * @module
 */

import { validateRoomName } from "../../protocol/names.ts";
import { sanitizeText } from "../../protocol/sanitize.ts";
import { ChatError } from "./chat_error.ts";
import type { CommandSpec } from "./commands.ts";
import { ftsQuery } from "../storage/history_store.ts";

/** Most messages one `/history` may ask for. */
export const MAX_HISTORY_REQUEST = 500;

/** Most results one `/search` returns. */
export const MAX_SEARCH_RESULTS = 20;

/** `/history` and `/search`. */
export const HISTORY_COMMANDS: CommandSpec[] = [
  {
    name: "history",
    usage: "/history [N] [#room]",
    help:
      `Replay the last N messages of the room (default as on join, at most ${MAX_HISTORY_REQUEST}).`,
    minArgs: 0,
    maxArgs: 2,
    run({ hub, session, args, room }) {
      let count = hub.historyReplay || 50;
      let named: string | undefined;
      for (const arg of args) {
        if (arg.startsWith("#")) named = arg;
        else if (/^\d+$/.test(arg) && Number(arg) >= 1) {
          count = Math.min(Number(arg), MAX_HISTORY_REQUEST);
        } else throw new ChatError("bad_arguments", "Usage: /history [N] [#room]");
      }
      const target = hub.roomOf(session, named ?? room);
      const sent = hub.replayHistory(session, target, count);
      hub.sendTo(session, {
        type: "notice",
        ts: hub.now(),
        room: target.name,
        text: sent === 0
          ? `No history in ${target.name}`
          : `End of history: ${sent} message${sent === 1 ? "" : "s"} of ${target.name}`,
      });
      return undefined;
    },
  },
  {
    name: "search",
    usage: "/search TEXT [#room]",
    help:
      "Find past messages containing every word of TEXT, newest first (you only see your own private messages).",
    minArgs: 1,
    maxArgs: 1,
    run({ hub, session, args }) {
      let text = args[0];
      let room: string | undefined;
      const trailing = /\s+(#\S+)$/.exec(text);
      if (trailing && validateRoomName(trailing[1]) === undefined) {
        room = hub.room(trailing[1])?.name ?? trailing[1];
        text = text.slice(0, trailing.index);
      }
      if (!ftsQuery(text)) {
        throw new ChatError("bad_arguments", "Search needs at least one word of letters or digits");
      }
      const results = hub.history.search(text, {
        nick: session.nick,
        room,
        limit: MAX_SEARCH_RESULTS,
      });
      hub.sendTo(session, {
        type: "search",
        query: sanitizeText(text).slice(0, 200),
        ...(room === undefined ? {} : { room }),
        results: results.map((m) => ({
          id: m.id,
          ts: m.ts,
          kind: m.kind,
          ...(m.room === undefined ? {} : { room: m.room }),
          from: m.from,
          ...(m.to === undefined ? {} : { to: m.to }),
          text: m.text,
        })),
      });
      return undefined;
    },
  },
];
