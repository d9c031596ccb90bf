import { assert, assertEqual, assertThrows } from "../../_helpers/assert.ts";
import { reconnectDelay } from "../../../client/core/backoff.ts";

Deno.test("reconnectDelay doubles its ceiling each attempt and caps it", () => {
  const low = (n: number) => reconnectDelay(n, { random: () => 0 });
  const high = (n: number) => reconnectDelay(n, { random: () => 0.999999 });
  assertEqual([1, 2, 3, 4, 5].map(low), [250, 500, 1000, 2000, 4000]);
  assertEqual([1, 2, 3, 4, 5].map(high), [499, 999, 1999, 3999, 7999]);
  assertEqual(low(20), 15_000);
  assertEqual(high(20), 29_999);
  assertEqual(low(10_000), 15_000, "huge attempt numbers stay capped, never Infinity or NaN");
  assertEqual(reconnectDelay(3, { baseMs: 100, maxMs: 300, random: () => 0 }), 150);
});

Deno.test("reconnectDelay jitters within [ceiling/2, ceiling]", () => {
  const seen = new Set<number>();
  for (let i = 0; i < 200; i++) {
    const d = reconnectDelay(4);
    assert(d >= 2000 && d <= 4000, String(d));
    seen.add(d);
  }
  assert(seen.size > 20, "delays must vary so clients spread out");
});

Deno.test("reconnectDelay rejects attempt numbers below 1", () => {
  assertThrows(() => reconnectDelay(0), RangeError, /attempt 0 is not 1 or more/);
  assertThrows(() => reconnectDelay(1.5), RangeError);
});
