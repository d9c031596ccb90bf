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
   * @param code The protocol error code.
   * @param message A sentence for the user.
   */
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = "ChatError";
    this.code = code;
  }
}
