/**
 * The one table of limits on the string fields of client messages, and the
 * reader that enforces it. Every string a client sends is read by
 * {@linkcode readClientString}, which looks the field up in
 * {@linkcode CLIENT_FIELD_LIMITS} and refuses a field that has no row: a
 * field added to a client message later cannot skip the checks.
 *
 * Each value must be well-formed Unicode (no lone UTF-16 surrogates, which
 * JSON escapes such as `"\ud800"` can produce and strict UTF-8 decoders
 * reject), at most its row's UTF-8 bytes, and is then sanitized as its row
 * says:
 *
 * - `verbatim`: kept as sent. Names (nick, room) are refused by the name rules
 *   in `names.ts` rather than silently changed; secrets and tokens (password,
 *   resume token, key, signature, media token) are compared as sent; media
 *   data is checked as base64; command arguments carry names too, so each
 *   command sanitizes its text arguments.
 * - `line`: terminal escapes, control and bidi characters removed, tabs made
 *   spaces, no newlines (`sanitizeText(value)`).
 * - `text`: the same but newlines kept (`sanitizeText(value, true)`).
 *
 * `protocol/README.md` ("Limits") lists the same table.
 *
 * @module
 */

import { ClientMessageError } from "./client_message_error.ts";
import { utf8LongerThan } from "./encode_message.ts";
import type { ErrorCode } from "./message_types.ts";
import { sanitizeText } from "./sanitize.ts";

/** The limits a server announces, as the field limits use them. */
export interface FieldLimitContext {
  /** Largest `text`, in UTF-8 bytes (`welcome.limits.maxTextBytes`). */
  maxTextBytes: number;
  /** Largest decoded recording, in bytes (`welcome.limits.maxMediaBytes`). */
  maxMediaBytes: number;
}

/** Default {@linkcode FieldLimitContext}: the server's default limits. */
export const DEFAULT_FIELD_LIMIT_CONTEXT: FieldLimitContext = {
  maxTextBytes: 8192,
  maxMediaBytes: 2_097_152,
};

/** How a field's value is cleaned after it passed its checks. */
export type FieldSanitize = "verbatim" | "line" | "text";

/** One row of {@linkcode CLIENT_FIELD_LIMITS}. */
export interface FieldLimit {
  /** Most UTF-8 bytes: a number, or computed from the server's announced limits. */
  maxBytes: number | ((context: FieldLimitContext) => number);
  /** What is done to the value; see the module documentation. */
  sanitize: FieldSanitize;
  /**
   * Error code for a value over `maxBytes`.
   * @default {"bad_message"}
   */
  tooLong?: ErrorCode;
}

/** Longest reason (`/part`, `/quit`, `/kick`, `/ban`) kept, in characters. */
export const MAX_REASON_CHARS = 200;

/**
 * A reason a user gave (`/part`, `/quit`), as shown to others: one line with
 * no control, escape or bidi characters, trimmed, at most
 * {@linkcode MAX_REASON_CHARS} characters.
 *
 * @param raw What the user typed.
 * @returns The cleaned reason; `""` when nothing is left.
 *
 * @example
 * ```ts
 * import { reasonText } from "./field_limits.ts";
 * reasonText(" bye\x1b[2J now "); // "bye now"
 * ```
 */
export function reasonText(raw: string): string {
  const clean = sanitizeText(raw).trim();
  if (clean.length <= MAX_REASON_CHARS) return clean;
  const cut = clean.charCodeAt(MAX_REASON_CHARS - 1);
  // Do not leave half of a surrogate pair at the end.
  return clean.slice(0, cut >= 0xd800 && cut <= 0xdbff ? MAX_REASON_CHARS - 1 : MAX_REASON_CHARS);
}

/** Room names: `#` and at most 32 code points of up to 4 bytes. */
const ROOM_BYTES = 1 + 32 * 4;

/**
 * The limit of every string field of every client message, keyed
 * `"type.field"`. A parser reading a string field without a row here throws.
 */
export const CLIENT_FIELD_LIMITS: Readonly<Record<string, FieldLimit>> = {
  // Nick rules (names.ts) refuse controls; 32 code points of up to 4 bytes.
  "hello.nick": { maxBytes: 32 * 4, sanitize: "verbatim" },
  "hello.password": { maxBytes: 1024, sanitize: "verbatim" },
  "hello.client": { maxBytes: 200, sanitize: "line" },
  // Tokens are 43 characters; anything much longer is not one.
  "hello.resume": { maxBytes: 128, sanitize: "verbatim" },
  // An Ed25519 public key is 44 characters of base64.
  "hello.key": { maxBytes: 64, sanitize: "verbatim" },
  // An Ed25519 signature is 88 characters of base64.
  "prove.signature": { maxBytes: 128, sanitize: "verbatim" },
  "msg.room": { maxBytes: ROOM_BYTES, sanitize: "verbatim" },
  "msg.text": { maxBytes: (c) => c.maxTextBytes, sanitize: "text", tooLong: "text_too_long" },
  "command.room": { maxBytes: ROOM_BYTES, sanitize: "verbatim" },
  "command.name": { maxBytes: 32, sanitize: "line" },
  // Room for a nick or room before a text as long as `msg.text` (`/msg NICK TEXT`).
  "command.args": {
    maxBytes: (c) => c.maxTextBytes + 256,
    sanitize: "verbatim",
    tooLong: "text_too_long",
  },
  "media.room": { maxBytes: ROOM_BYTES, sanitize: "verbatim" },
  // Media tokens are 32 hex digits.
  "fetch_media.token": { maxBytes: 64, sanitize: "verbatim" },
  "media.mime": { maxBytes: 128, sanitize: "line" },
  // Padded base64 of the largest recording.
  "media.data": {
    maxBytes: (c) => Math.ceil(c.maxMediaBytes / 3) * 4,
    sanitize: "verbatim",
    tooLong: "media_too_large",
  },
};

/** {@linkcode CLIENT_FIELD_LIMITS} by type, then field: no key string to build per field read. */
const LIMITS_BY_TYPE = new Map<string, Map<string, FieldLimit>>();
for (const [key, limit] of Object.entries(CLIENT_FIELD_LIMITS)) {
  const [type, field] = key.split(".");
  LIMITS_BY_TYPE.set(type, (LIMITS_BY_TYPE.get(type) ?? new Map()).set(field, limit));
}

/**
 * Reads one string field of a client message through its row of
 * {@linkcode CLIENT_FIELD_LIMITS}: type, well-formedness, size, sanitizing.
 *
 * @param message The decoded JSON object; its `type` names the message.
 * @param field The field name.
 * @param context The server's limits (the default ones when absent).
 * @returns The sanitized value, or `undefined` when the field is absent.
 * @throws {ClientMessageError} If the field has no row in the table, is not a
 *   string, is not well-formed Unicode (`bad_message`), or is too long (the
 *   row's `tooLong` code).
 *
 * @example
 * ```ts
 * import { readClientString } from "./field_limits.ts";
 * readClientString({ type: "hello", client: "cli\x1b[2J 1.0" }, "client"); // "cli 1.0"
 * ```
 */
export function readClientString(
  message: Record<string, unknown>,
  field: string,
  context: FieldLimitContext = DEFAULT_FIELD_LIMIT_CONTEXT,
): string | undefined {
  const type = String(message.type);
  const limit = LIMITS_BY_TYPE.get(type)?.get(field);
  if (limit === undefined) {
    // A parser bug, refused like bad input so that it fails closed.
    throw new ClientMessageError(
      `Cannot decode "${type}" message: field "${field}" has no limit in CLIENT_FIELD_LIMITS`,
    );
  }
  const value = message[field];
  if (value === undefined) return undefined;
  if (typeof value !== "string") {
    throw new ClientMessageError(
      `Cannot decode "${type}" message: field "${field}" must be a string`,
    );
  }
  const max = typeof limit.maxBytes === "number" ? limit.maxBytes : limit.maxBytes(context);
  if (utf8LongerThan(value, max)) {
    throw new ClientMessageError(
      `Field "${field}" of a "${type}" message is longer than ${max} bytes`,
      { code: limit.tooLong },
    );
  }
  if (!value.isWellFormed()) {
    throw new ClientMessageError(
      `Field "${field}" of a "${type}" message is not well-formed Unicode (a lone surrogate)`,
    );
  }
  switch (limit.sanitize) {
    case "verbatim":
      return value;
    case "line":
      return sanitizeText(value);
    case "text":
      return sanitizeText(value, true);
  }
}
