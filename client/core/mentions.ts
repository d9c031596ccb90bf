/**
 * Whether a chat line mentions a nick: the rule every client uses to highlight
 * a line and ring the bell. Pure and browser-safe.
 *
 * @module
 */

/**
 * Whether `text` mentions `nick`: `@nick` or the nick as a whole word,
 * case-insensitively. A word is a run of letters, digits and `_`, so
 * `alice` is mentioned in `"hi alice!"` and `"@alice"` but not in `"malice"`.
 *
 * @param text Message text.
 * @param nick The nick to look for; empty never matches.
 * @returns True if the nick is mentioned.
 *
 * @example
 * ```ts
 * import { mentions } from "./mentions.ts";
 * mentions("ping @Alice", "alice"); // true
 * mentions("malice", "alice"); // false
 * ```
 */
export function mentions(text: string, nick: string): boolean {
  if (!nick) return false;
  const escaped = nick.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`(^|[^\\p{L}\\p{N}_])@?${escaped}(?![\\p{L}\\p{N}_])`, "iu").test(text);
}
