/**
 * Field readers shared by the validating message parsers: each reads one field
 * of an untrusted JSON object and throws a `TypeError` naming the field when
 * its type is wrong.
 *
 * @module
 */

import type { MediaKind, PingMessage, PongMessage } from "./message_types.ts";

const decoder = new TextDecoder("utf-8", { fatal: true });

/** A decoded JSON object whose `type` field is a string. */
export type Json = Record<string, unknown>;

/**
 * Decodes a frame payload into a JSON object with a string `type`.
 *
 * @param payload UTF-8 JSON bytes (one frame's payload).
 * @returns The object, not yet validated beyond `type`.
 * @throws {SyntaxError} If the payload is not UTF-8 JSON.
 * @throws {TypeError} If it is not an object or `type` is not a string.
 */
export function parseObject(payload: Uint8Array): Json {
  let text: string;
  try {
    text = decoder.decode(payload);
  } catch (error) {
    if (error instanceof TypeError) {
      throw new SyntaxError("Cannot decode message: payload is not valid UTF-8");
    }
    throw error;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    if (error instanceof SyntaxError) {
      throw new SyntaxError(`Cannot decode message: payload is not JSON (${error.message})`);
    }
    throw error;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new TypeError("Cannot decode message: payload is not a JSON object");
  }
  const object = value as Json;
  if (typeof object.type !== "string") {
    throw new TypeError('Cannot decode message: field "type" must be a string');
  }
  return object;
}

/**
 * Throws the `TypeError` for a field of the wrong type.
 *
 * @param type The message type.
 * @param field The field name.
 * @param what What the field must be, e.g. "a string".
 * @throws {TypeError} Always.
 */
export function fail(type: string, field: string, what: string): never {
  throw new TypeError(`Cannot decode "${type}" message: field "${field}" must be ${what}`);
}

/**
 * Reads a required string field.
 *
 * @throws {TypeError} If the field is not a string.
 */
export function str(o: Json, field: string): string {
  const v = o[field];
  if (typeof v !== "string") fail(o.type as string, field, "a string");
  return v;
}

/**
 * Reads an optional string field.
 *
 * @throws {TypeError} If the field is present and not a string.
 */
export function optStr(o: Json, field: string): string | undefined {
  const v = o[field];
  if (v === undefined) return undefined;
  if (typeof v !== "string") fail(o.type as string, field, "a string when present");
  return v;
}

/**
 * Reads a required non-negative safe integer field.
 *
 * @throws {TypeError} If the field is not a non-negative safe integer.
 */
export function uint(o: Json, field: string): number {
  const v = o[field];
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0) {
    fail(o.type as string, field, "a non-negative integer");
  }
  return v;
}

/**
 * Reads an optional non-negative safe integer field.
 *
 * @throws {TypeError} If the field is present and not a non-negative safe integer.
 */
export function optUint(o: Json, field: string): number | undefined {
  return o[field] === undefined ? undefined : uint(o, field);
}

/**
 * Reads an optional boolean field.
 *
 * @throws {TypeError} If the field is present and not a boolean.
 */
export function optBool(o: Json, field: string): boolean | undefined {
  const v = o[field];
  if (v === undefined) return undefined;
  if (typeof v !== "boolean") fail(o.type as string, field, "a boolean when present");
  return v;
}

/**
 * Reads a required array of objects, decoding each with `item`; each entry
 * inherits the message `type` so that errors name the message.
 *
 * @throws {TypeError} If the field is not an array of objects, or `item` throws.
 */
export function array<T>(o: Json, field: string, item: (v: Json) => T): T[] {
  const v = o[field];
  if (!Array.isArray(v)) fail(o.type as string, field, "an array");
  return v.map((entry) => {
    if (typeof entry !== "object" || entry === null || Array.isArray(entry)) {
      fail(o.type as string, field, "an array of objects");
    }
    return item({ type: o.type, ...entry as Json });
  });
}

/**
 * Reads the `kind` field of a media message.
 *
 * @throws {TypeError} If `kind` is not "voice" or "video".
 */
export function mediaKind(o: Json): MediaKind {
  const v = o.kind;
  if (v !== "voice" && v !== "video") fail(o.type as string, "kind", '"voice" or "video"');
  return v;
}

/**
 * Decodes a `ping` or `pong` (valid in both directions).
 *
 * @throws {TypeError} If `token` is present and not a non-negative integer.
 */
export function ping(o: Json): PingMessage | PongMessage {
  const token = optUint(o, "token");
  const type = o.type as "ping" | "pong";
  return token === undefined ? { type } : { type, token };
}
