/**
 * The error a client message is refused with when it cannot be decoded.
 *
 * @module
 */

import type { ErrorCode } from "./message_types.ts";

/** Options for {@linkcode ClientMessageError}. */
export interface ClientMessageErrorOptions extends ErrorOptions {
  /**
   * The protocol error code to answer with.
   * @default {"bad_message"}
   */
  code?: ErrorCode;
  /** The message's `ref`, when it could be read. */
  ref?: number;
  /** The message's `type`, when it is one the parser knows. */
  messageType?: string;
}

/**
 * A client message that could not be decoded: a field of the wrong type, too
 * long, or not well-formed Unicode. A `TypeError`, so callers that catch
 * decoding errors as `TypeError` keep working; it adds the code to answer with
 * and the `ref` to answer to, so a client waiting on that `ref` is told.
 *
 * @example
 * ```ts
 * import { ClientMessageError } from "./client_message_error.ts";
 * const error = new ClientMessageError("Field is too long", { code: "text_too_long", ref: 7 });
 * error.code; // "text_too_long"
 * error.ref; // 7
 * ```
 */
export class ClientMessageError extends TypeError {
  /** The protocol error code to answer with. */
  readonly code: ErrorCode;
  /** The message's `ref`, when it could be read. */
  ref: number | undefined;
  /** The message's `type`, when it is one the parser knows. */
  messageType: string | undefined;

  /**
   * @param message A sentence saying what is wrong.
   * @param options Code, `ref` and cause.
   */
  constructor(message: string, options: ClientMessageErrorOptions = {}) {
    super(message, options);
    this.name = "ClientMessageError";
    this.code = options.code ?? "bad_message";
    this.ref = options.ref;
    this.messageType = options.messageType;
  }
}
