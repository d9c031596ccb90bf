/**
 * Durations as people type them (`500ms`, `10s`, `5m`, `2h`, `7d`): the
 * `/ban NICK [DURATION]` argument of the chat protocol, and the command line's
 * duration options. It lives in `protocol/` because `server/` parses it too and
 * `server/` imports nothing from `cli/` or `client/`.
 *
 * @module
 */

/**
 * Parses durations such as `500ms`, `10s`, `5m`, `2h`, `7d`.
 *
 * @param text A number with an optional unit (`ms`, `s`, `m`, `h`, `d`); a bare number is seconds.
 * @returns The duration in ms.
 * @throws {TypeError} If `text` is not a non-negative duration, or is too
 *   long to count in whole ms (past 2^53 ms).
 *
 * @example
 * ```ts
 * import { parseDuration } from "./duration.ts";
 * parseDuration("10s"); // 10000
 * parseDuration("1.5m"); // 90000
 * ```
 */
export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(text.trim());
  if (!match) {
    throw new TypeError(
      `"${text.slice(0, 40)}" is not a duration; use e.g. 500ms, 10s, 5m, 2h or 7d`,
    );
  }
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] ?? "s"]!;
  const ms = Math.round(Number(match[1]) * unit);
  if (!Number.isSafeInteger(ms)) {
    // A TypeError like the syntax errors, so callers handle one class.
    throw new TypeError(`"${text.slice(0, 40)}" is too long a duration`);
  }
  return ms;
}

/** Longest ban or mute, in ms: ten years (3650 days). */
export const MAX_SANCTION_MS = 3650 * 86_400_000;
