import { assert, assertEqual, assertThrows } from "../../_helpers/assert.ts";
import { TokenBucket } from "../../../server/guards/token_bucket.ts";

Deno.test("TokenBucket starts full and refuses once the burst is spent", () => {
  const bucket = new TokenBucket({ ratePerSecond: 2, capacity: 3, now: 0 });
  assert(bucket.take(1, 0) && bucket.take(1, 0) && bucket.take(1, 0));
  assertEqual(bucket.take(1, 0), false);
});

Deno.test("TokenBucket refills at its rate and never above its capacity", () => {
  const bucket = new TokenBucket({ ratePerSecond: 2, capacity: 3, now: 0 });
  assert(bucket.take(3, 0));
  assertEqual(bucket.take(1, 499), false);
  assert(bucket.take(1, 500), "one token after 500 ms at 2/s");
  assertEqual(bucket.available(60_000), 3);
});

Deno.test("TokenBucket takes nothing when a cost is refused", () => {
  const bucket = new TokenBucket({ ratePerSecond: 1, capacity: 10, now: 0 });
  assertEqual(bucket.take(11, 0), false);
  assertEqual(bucket.available(0), 10);
});

Deno.test("TokenBucket rejects a non-positive rate or capacity", () => {
  assertThrows(
    () => new TokenBucket({ ratePerSecond: 0, capacity: 1 }),
    RangeError,
    /ratePerSecond/,
  );
  assertThrows(() => new TokenBucket({ ratePerSecond: 1, capacity: NaN }), RangeError, /capacity/);
});
