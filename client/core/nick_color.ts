/**
 * A stable colour for each nick, shared by the terminal (six ANSI colours) and
 * the browser (CSS classes `nick-0` … `nick-5`), so a nick looks the same in
 * both. Pure and browser-safe.
 *
 * @module
 */

import { nameKey } from "../../protocol/names.ts";

/** How many nick colours there are; {@linkcode nickColorIndex} is below it. */
export const NICK_COLOR_COUNT = 6;

/**
 * A stable colour for a nick: every spelling with the same {@linkcode nameKey}
 * (`Alice`, `ALICE`) gets the same colour. FNV-1a over the key's code points.
 *
 * @param nick A nick.
 * @returns An index in `[0, NICK_COLOR_COUNT)`.
 *
 * @example
 * ```ts
 * import { nickColorIndex } from "./nick_color.ts";
 * nickColorIndex("Alice") === nickColorIndex("alice"); // true
 * ```
 */
export function nickColorIndex(nick: string): number {
  let hash = 2166136261;
  for (const ch of nameKey(nick)) {
    hash = Math.imul(hash ^ ch.codePointAt(0)!, 16777619);
  }
  return (hash >>> 0) % NICK_COLOR_COUNT;
}
