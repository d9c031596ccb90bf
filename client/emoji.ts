/**
 * `:shortcode:` to emoji, and emoji search, from the `node-emoji` package
 * (its names come from `emojilib`; no hand-typed table here).
 *
 * @module
 */

import * as nodeEmoji from "npm:node-emoji@2.2.0";

/** `:name:` not glued to letters or digits on either side (so `a:b:c` and `12:30:00` stay). */
const SHORTCODE = /(?<![A-Za-z0-9]):([A-Za-z0-9_+-]{1,64}):(?![A-Za-z0-9])/g;

/** One search result. */
export interface EmojiMatch {
  /** The emoji itself. */
  emoji: string;
  /** Its shortcode name, without colons, e.g. `"coffee"`. */
  name: string;
}

/**
 * Replaces every known `:shortcode:` in `text` with its emoji. Unknown
 * shortcodes, and colons inside words or numbers (`12:30:00`, `a:b:c`), are
 * left as they are.
 *
 * @param text Text the user typed.
 * @returns The text with emoji.
 *
 * @example
 * ```ts
 * import { emojify } from "./emoji.ts";
 * emojify("I :heart: :pizza: at 12:30:00"); // "I ❤️ 🍕 at 12:30:00"
 * ```
 */
export function emojify(text: string): string {
  if (!text.includes(":")) return text;
  return text.replace(SHORTCODE, (whole, name: string) => nodeEmoji.get(name) ?? whole);
}

/**
 * Finds emoji whose shortcode contains `query`: an exact name first, then
 * names that start with it, then the rest.
 *
 * @param query Part of a shortcode, case-insensitive; colons are ignored. Empty
 *   lists the first `limit` emoji.
 * @param limit Most results.
 * @returns Matches, best first.
 *
 * @example
 * ```ts
 * import { searchEmoji } from "./emoji.ts";
 * searchEmoji("coffee"); // [{ emoji: "☕", name: "coffee" }]
 * ```
 */
export function searchEmoji(query: string, limit = 40): EmojiMatch[] {
  const q = query.replace(/:/g, "").trim().toLowerCase();
  const found = nodeEmoji.search(q) as EmojiMatch[];
  const rank = (m: EmojiMatch) => m.name === q ? 0 : m.name.startsWith(q) ? 1 : 2;
  // Array.prototype.sort is stable, so each rank keeps the package's order.
  return found.sort((a, b) => rank(a) - rank(b)).slice(0, limit);
}
