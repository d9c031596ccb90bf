import {
  fullCollection,
  QUIET_FRAMES,
  shouldTrim,
  TRIM_GROWTH_BYTES,
} from "../../server/memory_trim.ts";
import { assert, assertEqual } from "../_helpers/assert.ts";

const MB = 2 ** 20;

Deno.test("shouldTrim: only a heap that grew by the threshold, stopped growing, on a quiet server", () => {
  const base = 30 * MB;
  const grown = base + TRIM_GROWTH_BYTES;
  const state = (heapBytes: number, frames = 0) => ({
    baseBytes: base,
    last: { heapBytes, frames },
  });
  assert(shouldTrim(state(grown), { heapBytes: grown, frames: 0 }), "grown, flat, quiet");
  assert(shouldTrim(state(grown + MB), { heapBytes: grown, frames: QUIET_FRAMES }), "shrinking");
  assertEqual(
    shouldTrim(state(grown - MB), { heapBytes: grown, frames: 0 }),
    false,
    "still growing",
  );
  assertEqual(
    shouldTrim(state(grown), { heapBytes: grown, frames: QUIET_FRAMES + 1 }),
    false,
    "busy: frames arriving",
  );
  assertEqual(
    shouldTrim(state(grown - 1), { heapBytes: grown - 1, frames: 0 }),
    false,
    "not grown enough",
  );
});

Deno.test("fullCollection gives back the free heap that garbage grew", () => {
  const collect = fullCollection();
  assert(collect !== undefined, "V8's gc() is reachable under Deno");
  collect();
  const before = Deno.memoryUsage().heapTotal;
  let kept: unknown[] = [];
  for (let i = 0; i < 400_000; i++) kept.push({ i, text: `garbage ${i}`, list: [i, i] });
  const grown = Deno.memoryUsage().heapTotal;
  assert(grown > before + 20 * MB, `the heap grew (${before} → ${grown})`);
  kept = [];
  collect();
  const after = Deno.memoryUsage().heapTotal;
  assert(after < grown - 20 * MB, `the heap shrank (${grown} → ${after})`);
  assertEqual(kept.length, 0);
});
