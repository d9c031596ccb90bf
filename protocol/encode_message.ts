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
 * The server sends one per chat message, so this is on the hot path: the
 * frame is written digit by digit into a shared chunk ({@linkcode ACK_CHUNK_BYTES})
 * and returned as a view of it, so that it costs no buffer of its own, and a
 * sender's acks written in one turn lie end to end, where a write queue merges
 * them into one span (see `server/transport/write_queue.ts`). An ack that
 * waits in a full socket's queue keeps its chunk alive until it is written:
 * at most 16 KiB per stalled connection, well inside a queue's byte bound.
 *
 * @param ref The client's `ref` (a non-negative integer).
 * @param id The message id.
 * @param ts The message time, ms since the epoch.
 * @returns A complete frame (header + JSON payload); a view that must not be
 *   modified.
 * @example
 * ```ts
 * import { encodeAck } from "./messages.ts";
 * encodeAck(7, 42, 1700000000000); // frame of {"type":"ack","ref":7,"id":42,"ts":1700000000000}
 * ```
 */
export function encodeAck(ref: number, id: number, ts: number): Uint8Array {
  if (!isDigits(ref) || !isDigits(id) || !isDigits(ts)) {
    return encodeMessage({ type: "ack", ref, id, ts });
  }
  if (ackChunk.length - ackUsed < ACK_FRAME_BYTES_AT_MOST) {
    ackChunk = new Uint8Array(ACK_CHUNK_BYTES);
    ackUsed = 0;
  }
  const chunk = ackChunk;
  const start = ackUsed;
  let at = start + FRAME_HEADER_BYTES;
  chunk.set(ACK_REF, at);
  at = writeDigits(chunk, at + ACK_REF.length, ref);
  chunk.set(ACK_ID, at);
  at = writeDigits(chunk, at + ACK_ID.length, id);
  chunk.set(ACK_TS, at);
  at = writeDigits(chunk, at + ACK_TS.length, ts);
  chunk[at++] = 0x7d; // }
  writeFrameHeader(chunk, start, at - start - FRAME_HEADER_BYTES);
  ackUsed = at;
  return chunk.subarray(start, at);
}

/** Size of the chunks acks are written into, in bytes. */
const ACK_CHUNK_BYTES = 16 * 1024;
// `@__PURE__`: a bundle of the browser client, which sends no acks, leaves these out.
const ACK_REF = /* @__PURE__ */ encoder.encode('{"type":"ack","ref":');
const ACK_ID = /* @__PURE__ */ encoder.encode(',"id":');
const ACK_TS = /* @__PURE__ */ encoder.encode(',"ts":');
/**
 * At least the longest ack frame: the header (4), the fixed text (20 + 6 + 6
 * bytes), three numbers of at most 16 digits and `}`: 85 bytes.
 */
const ACK_FRAME_BYTES_AT_MOST = 96;
let ackChunk = /* @__PURE__ */ new Uint8Array(ACK_CHUNK_BYTES);
let ackUsed = 0;

/** Whether `JSON.stringify(n)` is plain decimal digits (at most 16 of them). */
function isDigits(n: number): boolean {
  return Number.isSafeInteger(n) && n >= 0;
}

/**
 * Writes a safe non-negative integer in decimal ASCII at `at`.
 *
 * @returns The offset after the last digit.
 */
function writeDigits(target: Uint8Array, at: number, n: number): number {
  let end = at + 1;
  for (let rest = n; rest >= 10; rest = Math.floor(rest / 10)) end++;
  let rest = n;
  for (let i = end - 1; i > at; i--) {
    const next = Math.floor(rest / 10);
    target[i] = 0x30 + (rest - next * 10);
    rest = next;
  }
  target[at] = 0x30 + rest;
  return end;
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

/**
 * Whether `text` takes more than `max` bytes in UTF-8. A UTF-16 code unit is
 * 1 to 3 UTF-8 bytes, so the bytes are counted ({@linkcode utf8Length}) only
 * when the length alone does not decide.
 *
 * @param text Any string.
 * @param max A limit, in bytes.
 * @returns `utf8Length(text) > max`.
 */
export function utf8LongerThan(text: string, max: number): boolean {
  return text.length > max || (text.length * 3 > max && utf8Length(text) > max);
}
