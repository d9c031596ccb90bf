/**
 * The validating parser for messages a client sends. Every string field is
 * read through `readClientString`, so it is checked against the one table of
 * field limits in `field_limits.ts` (well-formed, capped, sanitized).
 *
 * @module
 */

import { ClientMessageError } from "./client_message_error.ts";
import {
  DEFAULT_FIELD_LIMIT_CONTEXT,
  type FieldLimitContext,
  readClientString,
} from "./field_limits.ts";
import { type Json, mediaKind, optBool, parseObject, ping, uint } from "./json_fields.ts";
import type {
  ClientMessage,
  CommandMessage,
  HelloMessage,
  MediaUpload,
  SendMessage,
} from "./message_types.ts";

/** Reads a required string field through the field limits. */
function str(o: Json, field: string, context: FieldLimitContext): string {
  const value = readClientString(o, field, context);
  if (value === undefined) {
    throw new ClientMessageError(
      `Cannot decode "${o.type as string}" message: field "${field}" must be a string`,
    );
  }
  return value;
}

const clientParsers: Record<string, (o: Json, c: FieldLimitContext) => ClientMessage> = {
  hello(o, c) {
    const m: HelloMessage = {
      type: "hello",
      version: uint(o, "version"),
      nick: str(o, "nick", c),
    };
    const password = readClientString(o, "password", c);
    if (password !== undefined) m.password = password;
    const client = readClientString(o, "client", c);
    if (client !== undefined) m.client = client;
    const probe = optBool(o, "probe");
    if (probe !== undefined) m.probe = probe;
    const resume = readClientString(o, "resume", c);
    if (resume !== undefined) m.resume = resume;
    const key = readClientString(o, "key", c);
    if (key !== undefined) m.key = key;
    return m;
  },
  msg(o, c) {
    const m: SendMessage = { type: "msg", ref: uint(o, "ref"), text: str(o, "text", c) };
    const r = readClientString(o, "room", c);
    if (r !== undefined) m.room = r;
    return m;
  },
  command(o, c) {
    const m: CommandMessage = {
      type: "command",
      ref: uint(o, "ref"),
      name: str(o, "name", c),
      args: readClientString(o, "args", c) ?? "",
    };
    const r = readClientString(o, "room", c);
    if (r !== undefined) m.room = r;
    return m;
  },
  ping,
  pong: ping,
  media(o, c) {
    const m: MediaUpload = {
      type: "media",
      ref: uint(o, "ref"),
      kind: mediaKind(o),
      mime: str(o, "mime", c),
      durationMs: uint(o, "durationMs"),
      data: str(o, "data", c),
    };
    const r = readClientString(o, "room", c);
    if (r !== undefined) m.room = r;
    return m;
  },
  fetch_media: (o, c) => ({
    type: "fetch_media",
    ref: uint(o, "ref"),
    token: str(o, "token", c),
  }),
  prove: (o, c) => ({ type: "prove", signature: str(o, "signature", c) }),
};

/** The message types a client may send, for tests and documentation. */
export const CLIENT_MESSAGE_TYPES: readonly string[] = Object.keys(clientParsers);

/**
 * Decodes and validates a frame payload sent by a client.
 *
 * @param payload UTF-8 JSON bytes (one frame's payload).
 * @param context The server's announced limits, for the fields whose limit
 *   follows them (`msg.text`, `command.args`, `media.data`); the defaults when absent.
 * @returns The message, with only the documented fields, its strings checked
 *   and sanitized per `CLIENT_FIELD_LIMITS`.
 * @throws {SyntaxError} If the payload is not UTF-8 JSON.
 * @throws {ClientMessageError} (a `TypeError`) If it is not an object, has an
 *   unknown `type`, or a field is of the wrong type, too long or not
 *   well-formed; the message names the field, and the error carries the code
 *   to answer with and the message's `ref` when it was readable.
 */
export function parseClientMessage(
  payload: Uint8Array,
  context: FieldLimitContext = DEFAULT_FIELD_LIMIT_CONTEXT,
): ClientMessage {
  let o: Json;
  try {
    o = parseObject(payload);
  } catch (error) {
    if (error instanceof TypeError && !(error instanceof ClientMessageError)) {
      throw new ClientMessageError(error.message, { cause: error });
    }
    throw error;
  }
  const parse = Object.hasOwn(clientParsers, o.type as string)
    ? clientParsers[o.type as string]
    : undefined;
  try {
    if (!parse) {
      throw new ClientMessageError(
        `Cannot decode message: unknown type ${quote(o.type as string)}`,
      );
    }
    return parse(o, context);
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    const refused = error instanceof ClientMessageError
      ? error
      : new ClientMessageError(error.message, { cause: error });
    // Answer to the ref when it is readable, so a client waiting on it is told.
    const ref = o.ref;
    if (typeof ref === "number" && Number.isSafeInteger(ref) && ref >= 0) refused.ref = ref;
    if (parse) refused.messageType = o.type as string;
    throw refused;
  }
}

/** A client's string quoted in an error: at most 40 characters, well-formed. */
function quote(text: string): string {
  const shown = text.length > 40 ? `${text.slice(0, 40)}…` : text;
  return JSON.stringify(shown.toWellFormed());
}
