/**
 * Throwing one user out: the notice and `bye` they get, the log line, and the
 * close whose reason their rooms see in `leave` (code `kicked`).
 *
 * @module
 */

import { getLogger } from "../log.ts";
import { logText } from "../log_text.ts";
import { encodeMessage } from "../../protocol/messages.ts";
import { sanitizeText } from "../../protocol/sanitize.ts";
import type { Session } from "./session.ts";

const log = getLogger(["parley", "moderation"]);

/**
 * Disconnects a session with a reason, telling it (a `notice`, then `bye`
 * code `kicked`) and, through the close, its rooms.
 *
 * @param session Who.
 * @param reason Why; shown to everyone (sanitized, at most 200 characters).
 * @param by Who kicked (`"server"` for the console).
 * @param now Server time, ms since the epoch.
 *
 * @example
 * ```ts ignore
 * kickSession(session, "spam", "op", Date.now());
 * ```
 */
export function kickSession(session: Session, reason: string, by: string, now: number): void {
  const why = sanitizeText(reason).slice(0, 200) || "no reason given";
  log.warn("kick {nick} ({address}) by {by}: {reason}", {
    nick: session.nick,
    address: session.remoteAddr,
    by,
    reason: logText(why),
  });
  session.send(
    encodeMessage({ type: "notice", ts: now, text: `You were kicked by ${by}: ${why}` }),
  );
  session.send(encodeMessage({ type: "bye", code: "kicked", reason: `Kicked by ${by}: ${why}` }));
  session.close(`kicked by ${by}: ${why}`, "kicked");
}
