/**
 * Times inside server text shown in the reader's local time, as chat lines
 * are. Servers write times in text (ban expiry, for instance) as RFC 3339 UTC
 * (`2026-11-30T18:05:00.000Z`), which only the client can put in its own time
 * zone. Pure and browser-safe.
 *
 * @module
 */

const RFC3339_UTC = /\b(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?Z\b/g;

const pad = (n: number) => String(n).padStart(2, "0");

/**
 * A time in local time: `HH:MM` when it falls on the same local day as `now`,
 * otherwise `YYYY-MM-DD HH:MM`.
 *
 * @param ts Milliseconds since the epoch.
 * @param now The current time, ms since the epoch.
 * @returns The local time.
 *
 * @example
 * ```ts
 * import { localTime } from "./local_times.ts";
 * localTime(Date.now(), Date.now()); // e.g. "18:05"
 * ```
 */
export function localTime(ts: number, now: number = Date.now()): string {
  const d = new Date(ts);
  const today = new Date(now);
  const hhmm = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  const sameDay = d.getFullYear() === today.getFullYear() && d.getMonth() === today.getMonth() &&
    d.getDate() === today.getDate();
  return sameDay ? hhmm : `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${hhmm}`;
}

/**
 * Rewrites every RFC 3339 UTC time in `text` as a local time (see {@linkcode localTime}).
 *
 * @param text Server text, e.g. a notice or an error message.
 * @param now The current time, ms since the epoch.
 * @returns The text with local times.
 *
 * @example
 * ```ts
 * import { localizeTimes } from "./local_times.ts";
 * localizeTimes("banned until 2026-11-30T18:05:00.000Z"); // "banned until 2026-11-30 19:05" in UTC+1
 * ```
 */
export function localizeTimes(text: string, now: number = Date.now()): string {
  return text.replace(RFC3339_UTC, (match) => {
    const ts = Date.parse(match);
    return Number.isNaN(ts) ? match : localTime(ts, now);
  });
}
