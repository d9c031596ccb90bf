/**
 * Presence commands: `/away [message]` and `/back`.
 *
 * @module
 */

import { encodeMessage } from "../../protocol/messages.ts";
import { sanitizeText } from "../../protocol/sanitize.ts";
import type { CommandSpec } from "./commands.ts";
import type { Hub } from "./hub.ts";
import type { Session } from "./session.ts";

/** Longest away message kept, in characters. */
export const MAX_AWAY_LENGTH = 200;

/**
 * Marks a user away (or back) and tells them and everyone sharing a room with them.
 *
 * @param hub The chat.
 * @param session The user.
 * @param message Away message, or `undefined` for back.
 * @returns Whether anything changed.
 */
export function setAway(hub: Hub, session: Session, message: string | undefined): boolean {
  const away = message === undefined
    ? undefined
    : sanitizeText(message).slice(0, MAX_AWAY_LENGTH) || "away";
  if (session.away === away) return false;
  session.away = away;
  hub.roster.changed(session);
  const frame = encodeMessage(
    away === undefined
      ? { type: "away", ts: hub.now(), nick: session.nick }
      : { type: "away", ts: hub.now(), nick: session.nick, away },
  );
  session.send(frame);
  for (const peer of hub.neighbours(session)) peer.send(frame);
  return true;
}

/** `/away` and `/back`. */
export const PRESENCE_COMMANDS: CommandSpec[] = [
  {
    name: "away",
    usage: "/away [MESSAGE]",
    help: "Mark yourself away (shown in /who); /away with no message when away comes back.",
    minArgs: 0,
    maxArgs: 1,
    run({ hub, session, args }) {
      if (args.length === 0 && session.away !== undefined) setAway(hub, session, undefined);
      else setAway(hub, session, args[0] ?? "away");
      return undefined;
    },
  },
  {
    name: "back",
    usage: "/back",
    help: "Mark yourself back after /away.",
    minArgs: 0,
    maxArgs: 0,
    run({ hub, session }) {
      setAway(hub, session, undefined);
      return undefined;
    },
  },
];
