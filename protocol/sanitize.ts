// deno-lint-ignore-file no-control-regex -- matching control characters is this module's purpose
/**
 * Removal of terminal control sequences from text written by other users.
 *
 * @module
 */

// ANSI/ECMA-48 sequences: CSI (ESC [ or 0x9b) params and a final byte; OSC, DCS,
// SOS, PM and APC strings up to BEL or ST; and two-byte ESC sequences.
const SEQUENCES =
  /(?:\u001b\[|\u009b)[\x20-\x3f]*[\x40-\x7e]?|(?:\u001b[\]PX^_]|[\u0090\u0098\u009d-\u009f])[^\u0007\u001b\u009c]*(?:\u0007|\u001b\\|\u009c)?|\u001b[\x20-\x7e]?/g;
// Remaining C0 controls except TAB and LF, DEL, C1 controls, and bidi
// embeddings, overrides and isolates (which can make a line read backwards).
const CONTROLS_KEEP_NEWLINES = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g;
const CONTROLS = /[\x00-\x08\x0a-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Strips ANSI escape sequences (CSI, OSC, DCS, ...), C0/C1 control characters
 * and bidi override characters from `text`, so that printing it cannot move
 * the cursor, clear the screen, set the window title or forge another line.
 * Sequence syntax follows ECMA-48 (5th edition).
 *
 * @param text Untrusted text.
 * @param allowNewlines Keep `\n` (multi-line messages); `\r` is always removed.
 * @returns The text with those characters removed; tabs become spaces.
 *
 * @example
 * ```ts
 * import { sanitizeText } from "./sanitize.ts";
 * sanitizeText("hi\x1b[2J there"); // "hi there"
 * ```
 */
export function sanitizeText(text: string, allowNewlines = false): string {
  if (!/[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/.test(text)) return text;
  return text.replace(SEQUENCES, "").replace(/\t/g, " ").replace(
    allowNewlines ? CONTROLS_KEEP_NEWLINES : CONTROLS,
    "",
  );
}
