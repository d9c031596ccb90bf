import { assert, assertEqual, assertThrows } from "../../_helpers/assert.ts";
import { DEFAULT_FLOOD_LIMITS, floodLimitsOf, SendPacer } from "../../../client/core/send_pacer.ts";
import { FloodControl } from "../../../server/guards/flood_control.ts";

const LIMITS = DEFAULT_FLOOD_LIMITS;

/**
 * Runs a paced sender against the server's own flood control on one clock:
 * `count` frames of `bytes` bytes, each sent as soon as the pacer allows and
 * arriving `jitter(i)` ms later.
 */
function simulate(
  count: number,
  bytes: number,
  options: { jitter?: (i: number) => number; rate?: number } = {},
) {
  const server = new FloodControl(LIMITS, 1_048_576, 0);
  const pacer = new SendPacer(LIMITS, 0, { rate: options.rate });
  let now = 0;
  const arrivals: number[] = [];
  for (let i = 0; i < count; i++) {
    now += pacer.delay(bytes, now);
    pacer.spend(bytes, now);
    arrivals.push(now + (options.jitter?.(i) ?? 0));
  }
  // The server sees the frames in order, at their arrival times (never before an earlier one).
  let last = 0;
  const verdicts = arrivals.map((t) => server.check(bytes, last = Math.max(last, t)));
  return { verdicts, elapsed: now };
}

Deno.test("SendPacer keeps 10,000 frames under the default flood limits", () => {
  const { verdicts, elapsed } = simulate(10_000, 40);
  assertEqual(verdicts.filter((v) => v !== "accept").length, 0);
  // At the announced pace, not far below it: (10,000 - burst) / (0.95 × 10/s).
  assert(elapsed < (10_000 - 50) / 9.5 * 1000 + 1000, `took ${elapsed} ms`);
  assert(elapsed > (10_000 - 60) / 10 * 1000, `faster than the server allows: ${elapsed} ms`);
});

Deno.test("SendPacer stays under the byte rate with large frames", () => {
  const { verdicts, elapsed } = simulate(300, 8_000);
  assertEqual(verdicts.filter((v) => v !== "accept").length, 0);
  // 300 × 8 KB = 2.4 MB: well past the 1 MiB burst, so the byte rate sets the pace.
  assert(elapsed > (300 * 8_000 - 1_048_576) / 65_536 * 1000, `took ${elapsed} ms`);
});

Deno.test("SendPacer absorbs arrivals bunched by network jitter", () => {
  // Every tenth frame is held up 400 ms and arrives together with the ones after it.
  const { verdicts } = simulate(2_000, 40, { jitter: (i) => (i % 10 === 0 ? 400 : 0) });
  assertEqual(verdicts.filter((v) => v !== "accept").length, 0);
});

Deno.test("SendPacer only lowers the pace: a higher rate is capped at the announced one", () => {
  const slow = new SendPacer(LIMITS, 0, { rate: 2 });
  assertEqual(slow.rate, 2);
  const fast = new SendPacer(LIMITS, 0, { rate: 1000 });
  assertEqual(fast.rate, 9.5);
  const { elapsed } = simulate(200, 40, { rate: 2 });
  assert(elapsed > (200 - 54) / 2 * 1000 - 1, `took ${elapsed} ms at 2/s`);
});

Deno.test("SendPacer waits after a rate_limited refusal", () => {
  const pacer = new SendPacer(LIMITS, 0);
  assertEqual(pacer.delay(40, 0), 0);
  pacer.backOff(0);
  assert(pacer.delay(40, 0) >= 100, "a refused frame waits for a fresh token");
});

Deno.test("SendPacer refuses limits that are not positive numbers", () => {
  assertThrows(() => new SendPacer({ ...LIMITS, floodRate: 0 }, 0), RangeError, /floodRate/);
  assertThrows(() => new SendPacer(LIMITS, 0, { rate: -1 }), RangeError, /rate/);
});

Deno.test("floodLimitsOf fills what an older server does not announce with the defaults", () => {
  const old = floodLimitsOf({ maxFrameBytes: 2_798_252, maxTextBytes: 8192, heartbeatMs: 30_000 });
  assertEqual(old, {
    floodRate: 10,
    floodBurst: 60,
    floodBytesRate: 65_536,
    // The server raises the byte burst to one maximal frame.
    floodBytesBurst: 2_798_256,
  });
  const announced = floodLimitsOf({
    maxFrameBytes: 1024,
    maxTextBytes: 512,
    heartbeatMs: 30_000,
    floodRate: 100,
    floodBurst: 5,
    floodBytesRate: 1000,
    floodBytesBurst: 2000,
  });
  assertEqual(announced, {
    floodRate: 100,
    floodBurst: 5,
    floodBytesRate: 1000,
    floodBytesBurst: 2000,
  });
});
