/**
 * Tab completion for the input line. Pure.
 *
 * @module
 */

/**
 * Completes the word before the end of `text` against `candidates`: the
 * longest common prefix of the matches, plus a space (or `": "` for a nick at
 * the start of the line) when exactly one matches.
 *
 * @param text The input line.
 * @param candidates Nicks, `/commands` and `#rooms`.
 * @returns The completed line, or `text` unchanged when nothing matches.
 *
 * @example
 * ```ts
 * import { completeLine } from "./completion.ts";
 * completeLine("hi al", ["alice", "bob"]); // "hi alice "
 * ```
 */
export function completeLine(text: string, candidates: Iterable<string>): string {
  const match = /(\S*)$/.exec(text)!;
  const word = match[1];
  if (word === "") return text;
  const lower = word.replace(/^@/, "").toLowerCase();
  const at = word.startsWith("@") ? "@" : "";
  const matches = [...new Set(candidates)].filter((c) => c.toLowerCase().startsWith(lower));
  if (matches.length === 0) return text;
  const head = text.slice(0, match.index);
  if (matches.length === 1) {
    const done = matches[0];
    const suffix = head === "" && !at && !/^[/#]/.test(done) ? ": " : " ";
    return head + at + done + suffix;
  }
  let prefix = matches[0];
  for (const m of matches) {
    while (!m.toLowerCase().startsWith(prefix.toLowerCase())) prefix = prefix.slice(0, -1);
  }
  return prefix.length > lower.length ? head + at + prefix : text;
}
