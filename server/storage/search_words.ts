/**
 * The one tokenizer of search: it splits and folds text as FTS5's default
 * `unicode61` tokenizer (with `remove_diacritics=1`) does, so that the
 * in-memory search over the rings and the FTS5 query built from user input
 * see the same words. (SQLite classifies characters by Unicode 6.1 and treats
 * code points assigned later, such as emoji skin-tone modifiers, as letters;
 * this tokenizer uses the current Unicode data, so such rare symbols may split
 * differently.)
 *
 * @module
 */

/** Runs of token characters: letters, digits, private-use characters and combining diacritics. */
const TOKEN = /[\p{L}\p{N}\p{Co}\u0300-\u036f]+/gu;
/** A combining diacritic of the block `unicode61` removes. */
const DIACRITIC = /^[\u0300-\u036f]$/u;

/**
 * The words of `text` as `unicode61` indexes them: runs of letters, digits
 * and private-use characters (other marks and punctuation separate words),
 * lower-cased, with a single diacritic removed from a letter (`é` → `e`; a
 * letter with two, as `ệ`, is kept as it is).
 *
 * @param text Any text.
 * @returns The words in order; `[]` when there are none.
 * @example
 * ```ts
 * import { searchWords } from "./search_words.ts";
 * searchWords("Un CAFÉ, s'il vous plaît"); // ["un", "cafe", "s", "il", "vous", "plait"]
 * ```
 */
export function searchWords(text: string): string[] {
  const words: string[] = [];
  for (const run of text.normalize("NFC").toLowerCase().match(TOKEN) ?? []) {
    let word = "";
    for (const char of run) word += fold(char);
    if (word.length > 0) words.push(word);
  }
  return words;
}

/** One character without its diacritic, when it carries exactly one. */
function fold(char: string): string {
  if (DIACRITIC.test(char)) return "";
  const parts = [...char.normalize("NFD")];
  if (parts.length === 2 && DIACRITIC.test(parts[1])) return parts[0];
  return char;
}
