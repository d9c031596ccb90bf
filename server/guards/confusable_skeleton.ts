/**
 * Nick comparison that treats look-alike nicks as the same nick, so nobody
 * can take `аlice` (Cyrillic а) while `alice` is online, or `rn` beside `m`.
 *
 * The folding is the skeleton of Unicode Technical Standard #39 (Unicode
 * Security Mechanisms, section 4 "Confusable Detection"): every character is
 * replaced by its prototype from `confusables.txt`, between two NFD
 * normalisations. The mapping data comes from `unhomoglyph` (nodeca), which
 * ships `confusables.txt` version 13.0.0 as a table of single code points to
 * prototypes and applies it in one pass.
 *
 * The skeleton is composed with today's uniqueness key, `nameKey` (NFKC, lower
 * case), so that two nicks with the same `nameKey` always have the same
 * skeleton: first `nameKey`, then the skeleton, then lower case again (a
 * prototype may be a capital, e.g. `0` → `O`, and the comparison is
 * case-insensitive), then the skeleton once more for what lower-casing exposed.
 * Case confusables that only exist across case (capital `I` against small `l`)
 * are not folded: the nick is lower-cased before the table is applied.
 *
 * @module
 */

import unhomoglyph from "npm:unhomoglyph@1.0.6";
import { nameKey } from "../../protocol/names.ts";

/**
 * The key under which a nick must be unique when look-alikes are refused.
 * Not meant for display: `m` becomes `rn`, `0` becomes `o`.
 *
 * @param nick A nick (already validated by `validateNick`).
 * @returns The folded comparison key.
 *
 * @example
 * ```ts
 * import { nickSkeleton } from "./confusable_skeleton.ts";
 * nickSkeleton("\u0430lice") === nickSkeleton("alice"); // true (Cyrillic а)
 * nickSkeleton("m") === nickSkeleton("rn"); // true
 * nickSkeleton("alice") === nickSkeleton("bob"); // false
 * ```
 */
export function nickSkeleton(nick: string): string {
  const once = skeleton(nameKey(nick)).toLowerCase();
  return skeleton(once).toLowerCase();
}

/** UTS #39 skeleton(X) = NFD(map(NFD(X))). */
function skeleton(text: string): string {
  return unhomoglyph(text.normalize("NFD")).normalize("NFD");
}
