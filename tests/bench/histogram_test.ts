import fc from "npm:fast-check@4.10.2";
import { Histogram, LINEAR_LIMIT_US } from "../../bench/histogram.ts";
import { assert, assertEqual, assertThrows } from "../_helpers/assert.ts";

/** Nearest-rank percentile of plain samples, µs. */
function exactPercentile(samples: number[], q: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil(q * sorted.length)) - 1];
}

Deno.test("Histogram is exact below the linear limit", () => {
  const h = new Histogram();
  for (let us = 1; us <= 100; us++) h.recordUs(us);
  assertEqual(h.count, 100);
  assertEqual(h.percentileMs(0.5), 0.05);
  assertEqual(h.percentileMs(0.99), 0.099);
  assertEqual(h.percentileMs(1), 0.1);
  assertEqual(h.percentileMs(0), 0.001);
  assertEqual(h.summary().max, 0.1);
  assert(Math.abs(h.summary().mean - 0.0505) < 1e-9, String(h.summary().mean));
});

Deno.test("Histogram percentiles are within 1/64 above the true sample", () => {
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: 0, max: 2 ** 36 }), { minLength: 1, maxLength: 300 }),
      fc.double({ min: 0, max: 1, noNaN: true }),
      (samples, q) => {
        const h = new Histogram();
        for (const s of samples) h.recordUs(s);
        const exact = exactPercentile(samples, q);
        const got = h.percentileMs(q) * 1000;
        const tolerance = exact < LINEAR_LIMIT_US ? 0 : exact / 64;
        // ms → µs in floating point is not exact at 2^36 µs.
        const rounding = 1e-9 * exact + 1e-6;
        return got >= exact - rounding && got <= exact + tolerance + rounding;
      },
    ),
  );
});

Deno.test("Histogram merged from parts equals one histogram of all samples", () => {
  fc.assert(
    fc.property(
      fc.array(fc.array(fc.integer({ min: 0, max: 10_000_000 }), { maxLength: 100 }), {
        minLength: 1,
        maxLength: 5,
      }),
      (parts) => {
        const whole = new Histogram();
        const merged = new Histogram();
        for (const part of parts) {
          const h = new Histogram();
          for (const s of part) {
            h.recordUs(s);
            whole.recordUs(s);
          }
          // Through JSON, as the load workers send them.
          merged.merge(JSON.parse(JSON.stringify(h.toJSON())));
        }
        assertEqual(merged.toJSON(), whole.toJSON());
        assertEqual(merged.summary(), whole.summary());
        return true;
      },
    ),
  );
});

Deno.test("Histogram reports the largest sample as max and p100 exactly", () => {
  const h = new Histogram();
  h.recordMs(3095.4321);
  h.recordMs(1);
  assertEqual(h.summary().max, 3095.432);
  assertEqual(h.percentileMs(1), 3095.432);
  // The p50 of two samples is the smaller one, reported as the top of its bin.
  const p50 = h.percentileMs(0.5);
  assert(p50 >= 1 && p50 <= 1 + 1 / 64, String(p50));
});

Deno.test("Histogram counts negative durations (clock skew) as zero", () => {
  const h = new Histogram();
  h.recordMs(-0.5);
  assertEqual(h.count, 1);
  assertEqual(h.summary().max, 0);
});

Deno.test("Histogram of nothing reports zeros and rejects a quantile outside [0, 1]", () => {
  const h = new Histogram();
  assertEqual(h.summary(), { count: 0, p50: 0, p90: 0, p99: 0, p999: 0, max: 0, mean: 0 });
  assertThrows(() => h.percentileMs(1.5), RangeError);
  const merged = Histogram.fromJSON(h.toJSON());
  assertEqual(merged.count, 0);
});
