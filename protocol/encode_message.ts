/**
 * Encoders for Parley protocol messages: a message object to one complete frame.
 *
 * @module
 */

import { FRAME_HEADER_BYTES, writeFrameHeader } from "./frame.ts";
import type { ClientMessage, ServerMessage } from "./message_types.ts";

const encoder = new TextEncoder();
let scratch = new Uint8Array(64 * 1024);

/**
 * Encodes a message as one complete frame: 4-byte length, then UTF-8 JSON.
 * Encode once and hand the same bytes to every recipient.
 *
 * @param message Any protocol message; keys are written in insertion order.
 * @returns A new buffer holding the frame.
 *
 * @example
 * ```ts
 * import { encodeMessage } from "./messages.ts";
 * encodeMessage({ type: "ping" }); // 00 00 00 0f 7b 22 74 79 70 65 ... ("{\"type\":\"ping\"}")
 * ```
 */
export function encodeMessage(message: ClientMessage | ServerMessage): Uint8Array {
  const json = JSON.stringify(message);
  const worst = frameBytesAtMost(json);
  if (worst > scratch.length) scratch = new Uint8Array(Math.max(worst, scratch.length * 2));
  return scratch.slice(0, encodeJsonInto(json, scratch, 0));
}

/**
 * The most bytes the frame of a JSON text can take: the header and 3 UTF-8
 * bytes per UTF-16 code unit.
 *
 * @param json A JSON text.
 * @returns A bound, in bytes.
 */
export function frameBytesAtMost(json: string): number {
  return FRAME_HEADER_BYTES + json.length * 3;
}

/**
 * Writes the frame of a JSON text (4-byte length, then its UTF-8 bytes) into
 * `target` at `offset`, without allocating.
 *
 * @param json A JSON text, such as `JSON.stringify(message)`.
 * @param target Where the frame goes; must hold {@linkcode frameBytesAtMost}
 *   bytes from `offset`.
 * @param offset Where in `target` the frame starts, in bytes.
 * @returns The frame's length, in bytes.
 * @throws {RangeError} If `target` cannot hold the frame.
 */
export function encodeJsonInto(json: string, target: Uint8Array, offset: number): number {
  const payload = target.subarray(offset + FRAME_HEADER_BYTES);
  const { read, written } = encoder.encodeInto(json, payload);
  if (read < json.length) {
    throw new RangeError(`Cannot fit a ${json.length}-character frame in ${payload.length} bytes`);
  }
  writeFrameHeader(target, offset, written);
  return FRAME_HEADER_BYTES + written;
}

/**
 * Encodes an `ack` frame without building an object or calling
 * `JSON.stringify`: the bytes equal `encodeMessage({ type: "ack", ref, id, ts })`.
 * The server sends one per chat message, so this is on the hot path.
 *
 * @param ref The client's `ref` (a non-negative integer).
 * @param id The message id.
 * @param ts The message time, ms since the epoch.
 * @returns A complete frame (header + JSON payload).
 * @example
 * ```ts
 * import { encodeAck } from "./messages.ts";
 * encodeAck(7, 42, 1700000000000); // frame of {"type":"ack","ref":7,"id":42,"ts":1700000000000}
 * ```
 */
export function encodeAck(ref: number, id: number, ts: number): Uint8Array {
  const json = `{"type":"ack","ref":${ref},"id":${id},"ts":${ts}}`;
  const frame = new Uint8Array(FRAME_HEADER_BYTES + json.length);
  // All ASCII: digits, letters and punctuation.
  for (let i = 0; i < json.length; i++) frame[FRAME_HEADER_BYTES + i] = json.charCodeAt(i);
  writeFrameHeader(frame, 0, json.length);
  return frame;
}

/**
 * Returns the number of UTF-8 bytes in `text`.
 *
 * @param text Any string.
 * @returns Its UTF-8 length, in bytes.
 */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}
