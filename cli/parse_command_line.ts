/**
 * Command-line parsing for every `parley` subcommand: `node:util` `parseArgs`
 * in strict mode, with its errors rewritten as short sentences. A mistyped
 * option names the nearest real one (`unknown option --nik; did you mean
 * --nick?`) instead of `parseArgs`' advice about positional arguments.
 *
 * @module
 */

import { parseArgs } from "node:util";

/** One option as `parseArgs` takes it. */
export interface OptionShape {
  /** `string` takes a value, `boolean` does not. */
  type: "string" | "boolean";
  /** One-letter alias. */
  short?: string;
}

/**
 * Parses arguments like `parseArgs({ args, options, allowPositionals, strict: true })`.
 *
 * @param args The arguments after the subcommand.
 * @param options The options, by long name.
 * @param allowPositionals Whether positional arguments are allowed.
 * @returns What `parseArgs` returns.
 * @throws {TypeError} For an unknown option (naming the nearest known one), a
 *   missing or unexpected option value, or an unexpected positional argument.
 *
 * @example
 * ```ts
 * import { parseCommandLine } from "./parse_command_line.ts";
 * try {
 *   parseCommandLine(["--nik", "ann"], { nick: { type: "string" } }, true);
 * } catch (error) {
 *   (error as Error).message; // "unknown option --nik; did you mean --nick?"
 * }
 * ```
 */
export function parseCommandLine<T extends Record<string, OptionShape>>(
  args: string[],
  options: T,
  allowPositionals: boolean,
): ReturnType<typeof parseArgs<{ args: string[]; options: T; allowPositionals: boolean }>> {
  try {
    return parseArgs({ args, options, allowPositionals, strict: true });
  } catch (error) {
    throw explainParseError(error, options);
  }
}

/**
 * Rewrites an error thrown by `node:util` `parseArgs` as a `TypeError` with a
 * sentence; other errors are returned unchanged.
 *
 * @param error What `parseArgs` threw.
 * @param options The options it was given, for suggestions.
 * @returns The error to throw.
 */
export function explainParseError(
  error: unknown,
  options: Record<string, OptionShape>,
): unknown {
  const code = String((error as { code?: unknown } | undefined)?.code ?? "");
  if (!(error instanceof Error) || !code.startsWith("ERR_PARSE_ARGS")) return error;
  const quoted = /'([^']*)'/.exec(error.message)?.[1] ?? "";
  switch (code) {
    case "ERR_PARSE_ARGS_UNKNOWN_OPTION": {
      const nearest = nearestOption(quoted, options);
      return new TypeError(
        `unknown option ${quoted}${nearest ? `; did you mean ${nearest}?` : ""}`,
      );
    }
    case "ERR_PARSE_ARGS_INVALID_OPTION_VALUE": {
      const long = /--([\w-]+)/.exec(error.message)?.[1];
      const name = long ? `--${long}` : quoted;
      return new TypeError(
        options[long ?? ""]?.type === "boolean"
          ? `option ${name} takes no value`
          : `option ${name} needs a value`,
      );
    }
    case "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL":
      return new TypeError(`unexpected argument "${quoted}"`);
    default:
      return new TypeError(error.message);
  }
}

/**
 * The known option nearest to a mistyped one, as it would be typed
 * (`--nick`), or `undefined` when none is close.
 *
 * @param typed The unknown option as typed, e.g. `--nik` or `-x`.
 * @param options The known options, by long name.
 */
export function nearestOption(
  typed: string,
  options: Record<string, OptionShape>,
): string | undefined {
  const word = typed.replace(/^-+/, "").replace(/=.*$/, "");
  if (word === "") return undefined;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const name of Object.keys(options)) {
    const distance = editDistance(word.toLowerCase(), name);
    if (distance < bestDistance) {
      best = name;
      bestDistance = distance;
    }
  }
  // Close enough to be a typo: a third of the word, at least one edit, at most three.
  const limit = Math.min(3, Math.max(1, Math.floor(word.length / 3)));
  if (best !== undefined && bestDistance <= limit) return `--${best}`;
  // A long option typed with one dash (`-nick`).
  if (typed.startsWith("-") && !typed.startsWith("--") && word in options) return `--${word}`;
  return undefined;
}

/**
 * Optimal string alignment distance: insertions, deletions, substitutions and
 * swaps of neighbours each cost one.
 *
 * @param a One string.
 * @param b The other.
 * @returns The number of edits.
 */
export function editDistance(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  const d: number[][] = Array.from({ length: x.length + 1 }, (_, i) => [i]);
  for (let j = 1; j <= y.length; j++) d[0][j] = j;
  for (let i = 1; i <= x.length; i++) {
    for (let j = 1; j <= y.length; j++) {
      const cost = x[i - 1] === y[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && x[i - 1] === y[j - 2] && x[i - 2] === y[j - 1]) {
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[x.length][y.length];
}
