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

/** What Tab can complete to. */
export interface CompletionSources {
  /** Nicks in the rooms the user is in (own nick excluded by the caller or by `me`). */
  nicks: Iterable<string>;
  /** Room names, joined or listed by `/rooms`. */
  rooms: Iterable<string>;
  /** Command names with their slash, e.g. `"/join"`. */
  commands: Iterable<string>;
  /** Own nick, never offered. */
  me?: string;
}

/** Result of {@linkcode completeInput}. */
export interface Completion {
  /** The new input text (unchanged when nothing or several things match). */
  text: string;
  /** Every candidate that matches the word, for showing the choice. */
  matches: string[];
}

const ROOM_COMMANDS = new Set(["/join", "/part", "/who", "/search"]);

/**
 * Context-aware Tab completion of the word before the end of `text`: a first
 * word starting with `/` completes commands; a word starting with `#`, or the
 * argument of `/join`, `/part` or `/who`, completes rooms; anything else
 * (optionally after `@`) completes nicks; a nick alone at the start of the
 * line gets `": "`. Matching is case-insensitive; with several matches the
 * text grows to their longest common prefix and `matches` lists them.
 *
 * @param text The input line.
 * @param sources Candidates.
 * @returns The completed text and all matches.
 *
 * @example
 * ```ts
 * import { completeInput } from "./completion.ts";
 * completeInput("/jo", { nicks: [], rooms: [], commands: ["/join", "/who"] }).text; // "/join "
 * completeInput("/join #d", { nicks: [], rooms: ["#dev"], commands: [] }).text; // "/join #dev "
 * completeInput("@al", { nicks: ["alice"], rooms: [], commands: [] }).text; // "@alice "
 * ```
 */
export function completeInput(text: string, sources: CompletionSources): Completion {
  let word = /(\S*)$/.exec(text)![1];
  const head = text.slice(0, text.length - word.length);
  const firstWord = /^\S+/.exec(text)?.[0].toLowerCase() ?? "";
  const argumentOf = head.trim() === firstWord && head !== "" ? firstWord : "";
  let candidates: string[];
  if (head === "" && word.startsWith("/")) candidates = [...sources.commands];
  else if (word.startsWith("#") || ROOM_COMMANDS.has(argumentOf)) {
    candidates = [...sources.rooms];
    if (word !== "" && !word.startsWith("#")) word = "#" + word;
  } else {
    const me = sources.me?.toLowerCase();
    candidates = [...sources.nicks].filter((n) => n.toLowerCase() !== me);
  }
  const lower = word.replace(/^@/, "").toLowerCase();
  const matches = word === ""
    ? []
    : [...new Set(candidates)].filter((c) => c.toLowerCase().startsWith(lower)).sort();
  if (matches.length === 0) return { text, matches };
  return { text: completeLine(head + word, candidates), matches };
}
