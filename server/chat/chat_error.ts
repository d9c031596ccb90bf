import type { ErrorCode } from "../../protocol/messages.ts";

/**
 * A refusal that goes back to the client as an `error` message with `code`.
 * Thrown by the hub and command handlers; anything else thrown is a bug.
 *
 * @example
 * ```ts
 * import { ChatError } from "./chat_error.ts";
 * try {
 *   throw new ChatError("no_such_nick", "No user is called bob");
 * } catch (error) {
 *   if (!(error instanceof ChatError)) throw error;
 *   error.code; // "no_such_nick"
 * }
 * ```
 */
export class ChatError extends Error {
  /** The protocol error code. */
  readonly code: ErrorCode;
  /**
   * How long to wait before answering, in ms (a wrong secret is answered
   * late, on that connection only); 0 to answer at once.
   */
  readonly delayMs: number;
  /**
   * @param code The protocol error code.
   * @param message A sentence for the user.
   * @param options `delayMs`: answer this much later (default 0).
   */
  constructor(code: ErrorCode, message: string, options: { delayMs?: number } = {}) {
    super(message);
    this.name = "ChatError";
    this.code = code;
    this.delayMs = options.delayMs ?? 0;
  }
}
