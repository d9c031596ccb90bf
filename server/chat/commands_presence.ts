/**
 * Presence commands: `/away [message]` and `/back` (the state change itself is
 * the hub's `setAway`).
 *
 * @module
 */

import type { CommandSpec } from "./command_dispatch.ts";

/** `/away` and `/back`. */
export const PRESENCE_COMMANDS: CommandSpec[] = [
  {
    name: "away",
    usage: "/away [MESSAGE]",
    help: "Mark yourself away (shown in /who); /away with no message when away comes back.",
    minArgs: 0,
    maxArgs: 1,
    run({ chat, session, args }) {
      if (args.length === 0 && session.away !== undefined) chat.setAway(session, undefined);
      else chat.setAway(session, args[0] ?? "away");
      return undefined;
    },
  },
  {
    name: "back",
    usage: "/back",
    help: "Mark yourself back after /away.",
    minArgs: 0,
    maxArgs: 0,
    run({ chat, session }) {
      chat.setAway(session, undefined);
      return undefined;
    },
  },
];
