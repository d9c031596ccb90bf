/**
 * Rules for nicks and room names, shared by server and client so that both
 * give the same answer. See "Nicks and rooms" in `protocol/README.md`.
 *
 * @module
 */

/** Longest nick, in Unicode code points. */
export const MAX_NICK_LENGTH = 32;
/** Longest room name after the `#`, in Unicode code points. */
export const MAX_ROOM_LENGTH = 32;

// Whitespace, C0/C1 controls, DEL, and invisible or direction-changing format
// characters (bidi embeddings/overrides/isolates, zero-width joiners, BOM).
const FORBIDDEN = /[\s\p{Cc}\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/u;

/**
 * Checks a nick: 1–32 code points; no whitespace, control, bidi-override or
 * zero-width characters; does not start with `#`, `@` or `/`.
 *
 * @param nick The proposed nick.
 * @returns `undefined` when valid, otherwise a sentence saying what is wrong.
 *
 * @example
 * ```ts
 * import { validateNick } from "./names.ts";
 * validateNick("alice"); // undefined
 * validateNick("a b"); // "Nick cannot contain whitespace or control characters"
 * ```
 */
export function validateNick(nick: string): string | undefined {
  const length = [...nick].length;
  if (length === 0) return "Nick cannot be empty";
  if (length > MAX_NICK_LENGTH) {
    return `Nick is ${length} characters long; the limit is ${MAX_NICK_LENGTH}`;
  }
  if (FORBIDDEN.test(nick)) {
    return "Nick cannot contain whitespace, control, invisible or bidi-override characters";
  }
  if (/^[#@/]/.test(nick)) return "Nick cannot start with #, @ or /";
  return undefined;
}

/**
 * Checks a room name: `#` then 1–32 code points with the same character rules as nicks.
 *
 * @param name The proposed room name, including `#`.
 * @returns `undefined` when valid, otherwise a sentence saying what is wrong.
 */
export function validateRoomName(name: string): string | undefined {
  if (!name.startsWith("#")) return "Room name must start with #";
  const rest = name.slice(1);
  const length = [...rest].length;
  if (length === 0) return "Room name needs at least one character after #";
  if (length > MAX_ROOM_LENGTH) {
    return `Room name is ${length} characters long; the limit is ${MAX_ROOM_LENGTH}`;
  }
  if (FORBIDDEN.test(rest) || rest.includes(",")) {
    return "Room name cannot contain whitespace, commas, control or invisible characters";
  }
  return undefined;
}

/**
 * The key under which a nick or room name is unique: Unicode NFKC, lower case.
 * `"Alice"`, `"ALICE"` and `"ａｌｉｃｅ"` share one key.
 *
 * @param name A nick or room name.
 * @returns The comparison key.
 */
export function nameKey(name: string): string {
  // Every chat line looks up its room's key, usually the same room's again.
  if (name === lastName) return lastKey;
  const key = NON_ASCII.test(name) ? name.normalize("NFKC").toLowerCase() : name.toLowerCase();
  lastName = name;
  lastKey = key;
  return key;
}

/** ASCII text is its own NFKC form (Unicode UAX #15), so it needs only lower case. */
const NON_ASCII = /[\u0080-\uffff]/;
let lastName = "";
let lastKey = "";
