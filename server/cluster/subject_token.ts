/**
 * Room keys and nick keys as one NATS subject token or KV key part.
 *
 * @module
 */

const encoder = new TextEncoder();

/**
 * Encodes a key (a room key such as `#lobby`, a nick key such as `alice`) as
 * one token that is valid both in a NATS subject and in a KV key: ASCII
 * letters, digits, `_` and `-` stay, every other UTF-8 byte becomes `=XX`
 * (upper-case hex). The mapping is injective, so two keys never share a token,
 * and dots, `*`, `>` and whitespace in a key cannot change a subject's shape.
 *
 * @example
 * ```ts
 * import { subjectToken } from "./subject_token.ts";
 * subjectToken("#lobby"); // "=23lobby"
 * subjectToken("a.b"); // "a=2Eb"
 * ```
 *
 * @param key Any non-empty string; callers pass `nameKey(name)`.
 * @returns The token, 1 to 3 × (UTF-8 length) characters.
 * @throws {RangeError} When `key` is empty.
 */
export function subjectToken(key: string): string {
  if (key === "") throw new RangeError("Cannot make a subject token of an empty key");
  let out = "";
  for (const byte of encoder.encode(key)) {
    const safe = (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5a) ||
      (byte >= 0x61 && byte <= 0x7a) || byte === 0x5f || byte === 0x2d;
    out += safe
      ? String.fromCharCode(byte)
      : `=${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}
