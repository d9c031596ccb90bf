/**
 * Length-prefixed framing for the Parley wire protocol.
 *
 * A frame is a 4-byte unsigned big-endian length `N` followed by `N` bytes of
 * payload. See `protocol/README.md` ("Framing") for the normative description.
 *
 * @module
 */

/** Size of the frame header, in bytes. */
export const FRAME_HEADER_BYTES = 4;

/** Default largest payload a peer accepts after the handshake: 1 MiB, in bytes. */
export const DEFAULT_MAX_FRAME_BYTES = 1_048_576;

/**
 * Largest payload a server accepts before the handshake has completed, in bytes.
 * A `hello` is a few hundred bytes; anything larger is an attack or a bug.
 */
export const HANDSHAKE_MAX_FRAME_BYTES = 8_192;

/** Largest length the 4-byte header can express, in bytes. */
export const MAX_FRAME_LENGTH = 0xffff_ffff;

/**
 * Prefixes `payload` with its 4-byte big-endian length.
 *
 * @param payload The frame body (any bytes, usually UTF-8 JSON).
 * @returns A new buffer of `4 + payload.length` bytes.
 * @throws {RangeError} If the payload is longer than 2^32 - 1 bytes.
 *
 * @example
 * ```ts
 * import { encodeFrame } from "./frame.ts";
 * encodeFrame(new Uint8Array([0x7b, 0x7d])); // Uint8Array [0, 0, 0, 2, 0x7b, 0x7d]
 * ```
 */
export function encodeFrame(payload: Uint8Array): Uint8Array {
  if (payload.length > MAX_FRAME_LENGTH) {
    throw new RangeError(
      `Cannot encode frame: length ${payload.length} exceeds ${MAX_FRAME_LENGTH} bytes`,
    );
  }
  const frame = new Uint8Array(FRAME_HEADER_BYTES + payload.length);
  writeFrameHeader(frame, 0, payload.length);
  frame.set(payload, FRAME_HEADER_BYTES);
  return frame;
}

/**
 * Writes a 4-byte big-endian length at `offset` of `target`.
 *
 * @param target Buffer with at least `offset + 4` bytes.
 * @param offset Byte offset of the header.
 * @param length Payload length in bytes, 0 to 2^32 - 1.
 */
export function writeFrameHeader(target: Uint8Array, offset: number, length: number): void {
  target[offset] = length >>> 24;
  target[offset + 1] = (length >>> 16) & 0xff;
  target[offset + 2] = (length >>> 8) & 0xff;
  target[offset + 3] = length & 0xff;
}

/**
 * Reads the 4-byte big-endian length at `offset` of `source`.
 *
 * @param source Buffer with at least `offset + 4` bytes.
 * @param offset Byte offset of the header.
 * @returns The declared payload length, in bytes.
 */
export function readFrameHeader(source: Uint8Array, offset: number): number {
  return ((source[offset] << 24) | (source[offset + 1] << 16) | (source[offset + 2] << 8) |
    source[offset + 3]) >>> 0;
}
