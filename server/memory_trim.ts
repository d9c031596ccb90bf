/**
 * Gives back the heap that a burst grew, once the server is quiet again.
 *
 * A join storm (thousands of clients connecting at once, say after a
 * restart) allocates far more than the connections keep: at 10,000
 * connections V8's heap grew to 185–240 MB for 75–87 MB of live objects.
 * V8's own memory reducer shrinks such a heap, but in an idle server it did
 * not run: twelve seconds after such a storm the resident memory was still
 * at its peak (bench/README.md, "Runs, cheaper acks and a quiet heap"). So
 * the server does it: when the heap has grown by
 * {@linkcode TRIM_GROWTH_BYTES} since the last trim, stopped growing, and
 * few frames arrive, it runs one full garbage collection, which gives the
 * free pages back (measured: 20.3 → 8.3 KB of RSS per idle connection at
 * 10,000). A busy server is never paused for it.
 *
 * The collection is V8's `gc()`, reached the way Node documents for
 * `v8.setFlagsFromString`: the `--expose-gc` flag set at run time, and the
 * function taken from a new `node:vm` context. Where that is not available
 * the trim does nothing.
 *
 * @module
 */

import v8 from "node:v8";
import vm from "node:vm";
import { getLogger } from "./log.ts";
import { framesHandled } from "./transport/read_pacing.ts";

const log = getLogger(["parley", "server"]);

/** How often the heap is looked at, in ms. */
export const TRIM_CHECK_MS = 250;
/** Heap growth since the last trim (or the start) that makes a trim worth it, in bytes. */
export const TRIM_GROWTH_BYTES = 64 * 1024 * 1024;
/** At most this many frames handled since the last check for the server to count as quiet. */
export const QUIET_FRAMES = 64;

/** One look at the server: V8's heap size and the frames handled so far. */
export interface TrimSample {
  /** V8's heap size (`Deno.memoryUsage().heapTotal`), in bytes. */
  heapBytes: number;
  /** Frames handled since the server started (a running count). */
  frames: number;
}

/** What {@linkcode shouldTrim} remembers between samples. */
export interface TrimState {
  /** The heap size after the last trim, or at the start, in bytes. */
  baseBytes: number;
  /** The previous sample. */
  last: TrimSample;
}

/**
 * Whether to collect now: the heap is at least {@linkcode TRIM_GROWTH_BYTES}
 * above its size after the last trim, did not grow since the previous
 * sample (the burst is over), and at most {@linkcode QUIET_FRAMES} frames
 * arrived since then.
 *
 * @param state The base and the previous sample.
 * @param now This sample.
 */
export function shouldTrim(state: TrimState, now: TrimSample): boolean {
  return now.heapBytes >= state.baseBytes + TRIM_GROWTH_BYTES &&
    now.heapBytes <= state.last.heapBytes &&
    now.frames - state.last.frames <= QUIET_FRAMES;
}

/**
 * V8's full garbage collection, or `undefined` where it cannot be reached.
 *
 * @returns A function that collects synchronously.
 */
export function fullCollection(): (() => void) | undefined {
  try {
    v8.setFlagsFromString("--expose-gc");
    const gc: unknown = vm.runInNewContext("gc");
    return typeof gc === "function" ? () => void gc() : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Starts the trim: every {@linkcode TRIM_CHECK_MS} ms, one
 * `Deno.memoryUsage()` and a {@linkcode shouldTrim} decision. The timer does
 * not keep the process alive.
 *
 * @returns A function that stops it.
 */
export function startMemoryTrim(): () => void {
  const collect = fullCollection();
  if (collect === undefined) return () => {};
  const sample = (): TrimSample => ({
    heapBytes: Deno.memoryUsage().heapTotal,
    frames: framesHandled(),
  });
  const state: TrimState = { baseBytes: 0, last: sample() };
  state.baseBytes = state.last.heapBytes;
  const timer = setInterval(() => {
    const now = sample();
    if (shouldTrim(state, now)) {
      const started = performance.now();
      collect();
      const after = sample();
      log.info("heap trimmed from {before} to {after} MB in {ms} ms", {
        before: Math.round(now.heapBytes / 2 ** 20),
        after: Math.round(after.heapBytes / 2 ** 20),
        ms: Math.round(performance.now() - started),
      });
      state.baseBytes = after.heapBytes;
      state.last = after;
      return;
    }
    state.last = now;
    // A heap that shrank on its own is the new base.
    state.baseBytes = Math.min(state.baseBytes, now.heapBytes);
  }, TRIM_CHECK_MS);
  Deno.unrefTimer(timer);
  return () => clearInterval(timer);
}
