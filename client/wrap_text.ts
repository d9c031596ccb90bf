/**
 * Word wrapping for terminal text that may hold colour codes: lines break at
 * spaces, never inside a word (a word wider than the line, such as a long
 * URL, gets a line of its own and overflows it, so it stays whole for
 * copying), and continuation lines get a hanging indent. Pure.
 *
 * @module
 */

// deno-lint-ignore no-control-regex -- colour codes are escape sequences
const ESCAPE = /\x1b\[[0-9;?]*[A-Za-z]/y;

/**
 * Columns a code point takes on a terminal: 2 for East Asian wide and
 * emoji ranges, 0 for combining marks, 1 otherwise (an approximation of
 * `wcwidth`).
 *
 * @param codePoint A Unicode code point.
 * @returns 0, 1 or 2.
 */
export function charWidth(codePoint: number): number {
  if (
    (codePoint >= 0x300 && codePoint <= 0x36f) || (codePoint >= 0x200b && codePoint <= 0x200f) ||
    (codePoint >= 0xfe00 && codePoint <= 0xfe0f)
  ) return 0;
  if (
    (codePoint >= 0x1100 && codePoint <= 0x115f) || (codePoint >= 0x2e80 && codePoint <= 0xa4cf) ||
    (codePoint >= 0xac00 && codePoint <= 0xd7a3) || (codePoint >= 0xf900 && codePoint <= 0xfaff) ||
    (codePoint >= 0xfe30 && codePoint <= 0xfe4f) || (codePoint >= 0xff00 && codePoint <= 0xff60) ||
    (codePoint >= 0xffe0 && codePoint <= 0xffe6) ||
    (codePoint >= 0x1f300 && codePoint <= 0x1faff) ||
    (codePoint >= 0x20000 && codePoint <= 0x3fffd)
  ) return 2;
  return 1;
}

/**
 * Columns a text takes on a terminal, colour codes not counted.
 *
 * @param text One line.
 * @returns Its width in columns.
 */
export function textWidth(text: string): number {
  let width = 0;
  for (const piece of pieces(text)) {
    if (piece.escape) continue;
    for (const ch of piece.text) width += charWidth(ch.codePointAt(0)!);
  }
  return width;
}

/**
 * Wraps text to `columns`: each line breaks at spaces, continuation lines
 * start with `indent` spaces, and a word wider than a line is kept whole.
 *
 * @param text Text, possibly several lines, possibly with colour codes.
 * @param columns Width to fit, in columns (at least `indent + 10` is used,
 *   so a deep indent on a narrow terminal still leaves room for words).
 * @param indent Spaces before each continuation line.
 * @returns The wrapped text, lines joined with `\n`.
 *
 * @example
 * ```ts
 * import { wrapText } from "./wrap_text.ts";
 * wrapText("[12:00] <bob> one two three", 24, 14); // "[12:00] <bob> one two\n              three"
 * ```
 */
export function wrapText(text: string, columns: number, indent: number): string {
  const width = Math.max(columns, indent + 10);
  return text.split("\n").map((line) => wrapLine(line, width, indent)).join("\n");
}

function wrapLine(line: string, width: number, indent: number): string {
  if (textWidth(line) <= width) return line;
  const out: string[] = [];
  const pad = " ".repeat(indent);
  let current = "";
  let used = 0;
  // Words keep their colour codes; spaces between them are where lines may break.
  for (const word of line.split(/(?<= )(?=[^ ])/)) {
    const wordWidth = textWidth(word.replace(/ +$/, ""));
    if (used > 0 && used + wordWidth > width && current.trim() !== "") {
      out.push(current.replace(/ +$/, ""));
      current = pad;
      used = indent;
    }
    // A word wider than a whole line (a long URL) stays whole and overflows.
    current += word;
    used += textWidth(word);
  }
  out.push(current.replace(/ +$/, ""));
  return out.join("\n");
}

function* pieces(text: string): Generator<{ text: string; escape: boolean }> {
  let at = 0;
  let plain = "";
  while (at < text.length) {
    ESCAPE.lastIndex = at;
    const match = ESCAPE.exec(text);
    if (match) {
      if (plain) yield { text: plain, escape: false };
      plain = "";
      yield { text: match[0], escape: true };
      at += match[0].length;
    } else {
      plain += text[at++];
    }
  }
  if (plain) yield { text: plain, escape: false };
}
