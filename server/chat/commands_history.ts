/**
 * History commands: `/history` replays more of a room, `/search` finds past
 * messages through the store's full-text search (both via `chat_history.ts`).
 *
 * @module
 */

import { validateRoomName } from "../../protocol/names.ts";
import { sanitizeText } from "../../protocol/sanitize.ts";
import { ChatError } from "./chat_error.ts";
import type { CommandSpec } from "./command_dispatch.ts";

/** Most messages one `/history` may ask for. */
export const MAX_HISTORY_REQUEST = 500;

/** Most results one `/search` returns. */
export const MAX_SEARCH_RESULTS = 20;

/** What one `/search` counts as in flood control, in messages. */
export const SEARCH_FLOOD_COST = 10;

/** `/history` and `/search`. */
export const HISTORY_COMMANDS: CommandSpec[] = [
  {
    name: "history",
    usage: "/history [N] [#room]",
    help:
      `Replay the last N messages of the room (default as on join, at most ${MAX_HISTORY_REQUEST}).`,
    minArgs: 0,
    maxArgs: 2,
    run({ chat, history, session, args, room, ref, notice }) {
      let count = history.replayCount || 50;
      let named: string | undefined;
      for (const arg of args) {
        if (arg.startsWith("#")) named = arg;
        else if (/^\d+$/.test(arg) && Number(arg) >= 1) {
          count = Math.min(Number(arg), MAX_HISTORY_REQUEST);
        } else throw new ChatError("bad_arguments", "Usage: /history [N] [#room]");
      }
      const target = chat.roomOf(session, named ?? room);
      const sent = history.replay(session, target, count, { ref });
      notice(
        sent === 0
          ? `No history in ${target.name}`
          : `End of history: ${sent} message${sent === 1 ? "" : "s"} of ${target.name}`,
        target.name,
      );
      return undefined;
    },
  },
  {
    name: "search",
    usage: "/search TEXT [#room]",
    help:
      "Find past messages containing every word of TEXT in the rooms you are in, newest first (and your own private messages).",
    minArgs: 1,
    maxArgs: 1,
    // A search reads many stored messages: it counts as SEARCH_FLOOD_COST messages.
    floodCost: SEARCH_FLOOD_COST,
    run({ chat, history, session, args, reply }) {
      let text = args[0];
      let room: string | undefined;
      const trailing = /\s+(#\S+)$/.exec(text);
      if (trailing && validateRoomName(trailing[1]) === undefined) {
        // Like /history: only a room you are in (an unknown room gives the same answer).
        room = chat.roomOf(session, trailing[1]).name;
        text = text.slice(0, trailing.index);
      }
      const results = history.search(text, {
        party: session.party,
        rooms: [...session.rooms].map((r) => r.name),
        room,
        limit: MAX_SEARCH_RESULTS,
      });
      reply({
        type: "search",
        query: sanitizeText(text).slice(0, 200),
        ...(room === undefined ? {} : { room }),
        results,
      });
      return undefined;
    },
  },
];
