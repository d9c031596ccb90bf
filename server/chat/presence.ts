/**
 * Presence: who shares a room with whom, and away status.
 *
 * @module
 */

import { encodeMessage } from "../../protocol/messages.ts";
import { sanitizeText } from "../../protocol/sanitize.ts";
import type { RosterCache } from "./roster_cache.ts";
import type { Session } from "./session.ts";

/** Longest away message kept, in characters. */
export const MAX_AWAY_LENGTH = 200;

/**
 * Everyone who shares at least one room with `session`, without `session`.
 *
 * @param session The user.
 * @returns The other members of its rooms, each once.
 */
export function neighboursOf(session: Session): Set<Session> {
  const seen = new Set<Session>();
  for (const room of session.rooms) {
    for (const member of room.members()) if (member !== session) seen.add(member);
  }
  return seen;
}

/**
 * Marks a user away (or back) and tells them and everyone sharing a room with them.
 *
 * @param session The user.
 * @param message Unsanitized away message (at most {@linkcode MAX_AWAY_LENGTH}
 *   characters kept; `"away"` when empty), or `undefined` for back.
 * @param context `roster` is told of the change; `now` is the clock for the notice, ms since the epoch.
 * @returns Whether anything changed.
 */
export function markAway(
  session: Session,
  message: string | undefined,
  context: { roster: RosterCache; now: () => number },
): boolean {
  const away = message === undefined
    ? undefined
    : sanitizeText(message).slice(0, MAX_AWAY_LENGTH) || "away";
  if (session.away === away) return false;
  session.away = away;
  session.clearAwayReplies();
  context.roster.changed(session);
  const frame = encodeMessage(
    away === undefined
      ? { type: "away", ts: context.now(), nick: session.nick }
      : { type: "away", ts: context.now(), nick: session.nick, away },
  );
  session.send(frame);
  for (const peer of neighboursOf(session)) peer.send(frame);
  return true;
}
