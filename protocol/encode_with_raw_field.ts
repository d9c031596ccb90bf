/**
 * Encoding a message one of whose fields is already JSON bytes (a room's
 * member list, see `server/chat/roster_cache.ts`).
 *
 * @module
 */

import { FRAME_HEADER_BYTES, writeFrameHeader } from "./frame.ts";
import type { ServerMessage } from "./messages.ts";

const encoder = new TextEncoder();

/**
 * The bytes of a frame around a field whose JSON the caller already has:
 * `head` (frame header, `{`, the fields before `key`, `"key":`) and `tail`
 * (`rawSuffix`, then the fields after `key` and `}`). `head`, the raw JSON and
 * `tail` laid end to end are one complete frame, so a transport can send the
 * raw part without copying it.
 *
 * @param message The message; `message[key]` is present (its value is ignored).
 * @param key The field whose JSON is given.
 * @param rawLength Length of the raw JSON the caller puts between head and tail, in bytes,
 *   not counting `rawSuffix`.
 * @param rawSuffix Bytes that end the raw JSON (e.g. `"]"`), written at the start of `tail`.
 * @returns `[head, tail]`.
 * @throws {TypeError} If `message` has no field `key`.
 *
 * @example
 * ```ts
 * import { frameAroundField } from "./encode_with_raw_field.ts";
 * const body = new TextEncoder().encode('[{"nick":"ann"}');
 * const [head, tail] = frameAroundField({ type: "who", room: "#a", users: [] }, "users", body.length, "]");
 * // head + body + tail: the frame of {"type":"who","room":"#a","users":[{"nick":"ann"}]}
 * ```
 */
export function frameAroundField(
  message: ServerMessage,
  key: string,
  rawLength: number,
  rawSuffix = "",
): [Uint8Array, Uint8Array] {
  const before: Record<string, unknown> = {};
  const after: Record<string, unknown> = {};
  let seen = false;
  for (const [k, v] of Object.entries(message)) {
    if (k === key) seen = true;
    else (seen ? after : before)[k] = v;
  }
  if (!seen) throw new TypeError(`Cannot encode message: it has no field "${key}"`);
  const headJson = JSON.stringify(before);
  const headText = (headJson.length > 2 ? headJson.slice(0, -1) + "," : "{") +
    JSON.stringify(key) + ":";
  const afterJson = JSON.stringify(after);
  const tail = encoder.encode(rawSuffix + (afterJson.length > 2 ? "," + afterJson.slice(1) : "}"));
  const headBytes = encoder.encode(headText);
  const head = new Uint8Array(FRAME_HEADER_BYTES + headBytes.length);
  writeFrameHeader(head, 0, headBytes.length + rawLength + tail.length);
  head.set(headBytes, FRAME_HEADER_BYTES);
  return [head, tail];
}

/**
 * Encodes `message` as one frame, with the value of field `key` taken from
 * `rawJson` instead of being stringified. The bytes equal
 * `encodeMessage({ ...message, [key]: JSON.parse(rawJson) })` with `key` in
 * its place in `message`'s key order.
 *
 * @param message The message; `message[key]` is present (its value is ignored).
 * @param key The field whose JSON is given.
 * @param rawJson Valid JSON for that field, UTF-8.
 * @returns A complete frame (4-byte length + payload).
 * @throws {TypeError} If `message` has no field `key`.
 *
 * @example
 * ```ts
 * import { encodeWithRawField } from "./encode_with_raw_field.ts";
 * const users = new TextEncoder().encode('[{"nick":"ann"}]');
 * encodeWithRawField({ type: "who", room: "#lobby", users: [] }, "users", users);
 * // the frame of {"type":"who","room":"#lobby","users":[{"nick":"ann"}]}
 * ```
 */
export function encodeWithRawField(
  message: ServerMessage,
  key: string,
  rawJson: Uint8Array,
): Uint8Array {
  const [head, tail] = frameAroundField(message, key, rawJson.length);
  const frame = new Uint8Array(head.length + rawJson.length + tail.length);
  frame.set(head);
  frame.set(rawJson, head.length);
  frame.set(tail, head.length + rawJson.length);
  return frame;
}
