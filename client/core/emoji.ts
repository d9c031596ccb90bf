/**
 * `:shortcode:` to emoji, and emoji search, for every client (terminal, scripted
 * join, browser). The names and emoji are `emojilib`'s name-to-emoji map (the
 * data `node-emoji` serves), imported as JSON so that the browser bundle can
 * include it; no hand-typed table here. Browser-safe: no `Deno.*`, no `node:`.
 *
 * @module
 */

import simplemap from "npm:emojilib@2.4.0/simplemap.json" with { type: "json" };

/** Shortcode name (without colons) to emoji, in `emojilib`'s order. */
const BY_NAME: ReadonlyMap<string, string> = new Map(
  Object.entries(simplemap as Record<string, string>),
);

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
  return text.replace(SHORTCODE, (whole, name: string) => BY_NAME.get(name) ?? whole);
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
  const found: EmojiMatch[] = [];
  for (const [name, emoji] of BY_NAME) if (name.includes(q)) found.push({ emoji, name });
  const rank = (m: EmojiMatch) => m.name === q ? 0 : m.name.startsWith(q) ? 1 : 2;
  // Array.prototype.sort is stable, so each rank keeps emojilib's order.
  return found.sort((a, b) => rank(a) - rank(b)).slice(0, limit);
}
