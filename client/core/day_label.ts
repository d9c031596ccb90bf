/**
 * Local calendar days for separators between messages of different days:
 * a key that tells two times apart by local day, and a label for the day as
 * a reader expects it ("Today", "Yesterday", "Monday 30 November 2026").
 * Pure and browser-safe.
 *
 * @module
 */

/**
 * The local calendar day of a time, as `YYYY-MM-DD`.
 *
 * @param ts Milliseconds since the epoch.
 * @returns The day in the local time zone.
 *
 * @example
 * ```ts
 * import { localDay } from "./day_label.ts";
 * localDay(new Date(2026, 10, 30, 23, 59).getTime()); // "2026-11-30"
 * ```
 */
export function localDay(ts: number): string {
  const d = new Date(ts);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/**
 * A label for the local day of `ts`, relative to `now`.
 *
 * @param ts Milliseconds since the epoch.
 * @param now The current time, ms since the epoch.
 * @returns `"Today"`, `"Yesterday"`, or the weekday and date in English.
 *
 * @example
 * ```ts
 * import { dayLabel } from "./day_label.ts";
 * dayLabel(Date.now()); // "Today"
 * dayLabel(new Date(2026, 10, 30, 12).getTime(), new Date(2026, 11, 2).getTime()); // "Monday 30 November 2026"
 * ```
 */
export function dayLabel(ts: number, now: number = Date.now()): string {
  const day = localDay(ts);
  if (day === localDay(now)) return "Today";
  const yesterday = new Date(now);
  yesterday.setDate(yesterday.getDate() - 1);
  if (day === localDay(yesterday.getTime())) return "Yesterday";
  const d = new Date(ts);
  return `${WEEKDAYS[d.getDay()]} ${d.getDate()} ${MONTHS[d.getMonth()]} ${d.getFullYear()}`;
}

const WEEKDAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const MONTHS = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];
