import { assertEqual } from "../../_helpers/assert.ts";
import { dayLabel, localDay } from "../../../client/core/day_label.ts";

Deno.test("localDay tells local calendar days apart at midnight", () => {
  const late = new Date(2026, 10, 30, 23, 59, 59).getTime();
  const early = new Date(2026, 11, 1, 0, 0, 1).getTime();
  assertEqual(localDay(late), "2026-11-30");
  assertEqual(localDay(early), "2026-12-01");
  assertEqual(localDay(new Date(2026, 0, 5, 12).getTime()), "2026-01-05");
});

Deno.test("dayLabel says Today, Yesterday, or the weekday and date", () => {
  const now = new Date(2026, 11, 2, 9, 0).getTime();
  assertEqual(dayLabel(new Date(2026, 11, 2, 0, 1).getTime(), now), "Today");
  assertEqual(dayLabel(new Date(2026, 11, 1, 23, 59).getTime(), now), "Yesterday");
  assertEqual(dayLabel(new Date(2026, 10, 30, 12).getTime(), now), "Monday 30 November 2026");
  // Across a month and a year boundary.
  assertEqual(
    dayLabel(new Date(2026, 11, 31, 22).getTime(), new Date(2027, 0, 1, 1).getTime()),
    "Yesterday",
  );
});
