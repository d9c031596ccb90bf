/**
 * The one way client-controlled text enters a log line: {@linkcode logText}
 * cuts it to a fixed number of characters and says how long it was, so no
 * client can make one event write more than a few hundred bytes to
 * `chat.log`. The log formatter (`cli/logging.ts`) applies it again to every
 * value with a larger cap, as a backstop for a call that forgot.
 *
 * @module
 */

/** Characters of one client-controlled value kept in a log line. */
export const LOG_TEXT_CHARS = 200;

/** Characters of any one value kept in a log line (the formatter's backstop). */
export const LOG_VALUE_CHARS = 1000;

/**
 * Cuts `text` to `max` characters for a log line, on a code point boundary,
 * and appends `…(N bytes)` with its full UTF-8 length when it was longer.
 *
 * @param text Any text, typically from a client (nick, reason, error message).
 * @param max Most characters (UTF-16 code units) kept.
 * @returns `text` itself when short enough, otherwise its start and the marker.
 *
 * @example
 * ```ts
 * import { logText } from "./log_text.ts";
 * logText("hello"); // "hello"
 * logText("x".repeat(1000), 3); // "xxx…(1000 bytes)"
 * ```
 */
export function logText(text: string, max: number = LOG_TEXT_CHARS): string {
  if (text.length <= max) return text;
  let end = max;
  // Do not leave half of a surrogate pair at the end.
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return `${text.slice(0, end)}…(${new TextEncoder().encode(text).length} bytes)`;
}
