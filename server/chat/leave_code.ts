/**
 * Maps the reasons the server closes a session with to `leave` codes.
 *
 * @module
 */

import type { LeaveCode } from "../../protocol/messages.ts";

/**
 * The `leave` code for a close reason. The reasons are composed by the server
 * itself (`close(reason)` callers), so their fixed prefixes are reliable; user
 * text only ever follows the prefix.
 *
 * @param reason The reason passed to `close(reason)`.
 * @returns The code sent in the `leave` notice.
 */
export function leaveCode(reason: string): LeaveCode {
  if (reason === "quit" || reason.startsWith("quit: ")) return "quit";
  if (reason.startsWith("kicked by ")) return "kicked";
  if (reason === "reconnected") return "replaced";
  if (reason.startsWith("server shutdown")) return "shutdown";
  if (reason.startsWith("heartbeat timeout")) return "timeout";
  if (reason.startsWith("slow consumer")) return "slow_consumer";
  if (reason.startsWith("rate_limited")) return "rate_limited";
  return "disconnected";
}
