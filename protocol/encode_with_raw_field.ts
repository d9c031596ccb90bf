/**
 * Encoding a message one of whose fields is already JSON bytes (a room's
 * member list, see `server/roster_cache.ts`).
 *
 * @module
 */

import { FRAME_HEADER_BYTES, writeFrameHeader } from "./frame.ts";
import type { ServerMessage } from "./messages.ts";

const encoder = new TextEncoder();

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
  const before: Record<string, unknown> = {};
  const after: Record<string, unknown> = {};
  let seen = false;
  for (const [k, v] of Object.entries(message)) {
    if (k === key) seen = true;
    else (seen ? after : before)[k] = v;
  }
  if (!seen) throw new TypeError(`Cannot encode message: it has no field "${key}"`);
  const headJson = JSON.stringify(before);
  const head = (headJson.length > 2 ? headJson.slice(0, -1) + "," : "{") +
    JSON.stringify(key) + ":";
  const afterJson = JSON.stringify(after);
  const tail = afterJson.length > 2 ? "," + afterJson.slice(1) : "}";
  const headBytes = encoder.encode(head);
  const tailBytes = encoder.encode(tail);
  const length = headBytes.length + rawJson.length + tailBytes.length;
  const frame = new Uint8Array(FRAME_HEADER_BYTES + length);
  writeFrameHeader(frame, 0, length);
  frame.set(headBytes, FRAME_HEADER_BYTES);
  frame.set(rawJson, FRAME_HEADER_BYTES + headBytes.length);
  frame.set(tailBytes, FRAME_HEADER_BYTES + headBytes.length + rawJson.length);
  return frame;
}
