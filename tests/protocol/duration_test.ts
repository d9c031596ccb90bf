import { assertEqual, assertThrows } from "../_helpers/assert.ts";
import { parseDuration } from "../../protocol/duration.ts";

Deno.test("parseDuration reads each unit, and a bare number as seconds", () => {
  assertEqual(parseDuration("500ms"), 500);
  assertEqual(parseDuration("10s"), 10_000);
  assertEqual(parseDuration("10"), 10_000);
  assertEqual(parseDuration("1.5m"), 90_000);
  assertEqual(parseDuration("2h"), 7_200_000);
  assertEqual(parseDuration(" 7d "), 604_800_000);
  assertEqual(parseDuration("0"), 0);
});

Deno.test("parseDuration refuses negative numbers, unknown units and empty text", () => {
  for (const text of ["", "-1s", "5w", "1e3", "s", "1 s"]) {
    assertThrows(() => parseDuration(text), TypeError, /is not a duration; use e\.g\. 500ms/);
  }
});
