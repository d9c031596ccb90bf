/**
 * Diagnostics of the write path, for profiling the fanout: how many frames
 * each socket write carries, and how long a frame waits from being queued to
 * its write completing. Off unless the environment variable
 * `PARLEY_WRITE_TRACE` names a file (`%p` in the name becomes the process id);
 * the server then rewrites that file with a JSON summary every second. When off, the write path pays one comparison
 * per write.
 *
 * @module
 */

/** Name of the environment variable that turns tracing on (a file path). */
export const WRITE_TRACE_ENV = "PARLEY_WRITE_TRACE";

/** Percentiles of a {@linkcode WriteTrace} wait histogram, in ms. */
export interface WaitPercentiles {
  /** Writes recorded. */
  count: number;
  /** Median, in ms. */
  p50: number;
  /** 90th percentile, in ms. */
  p90: number;
  /** 99th percentile, in ms. */
  p99: number;
  /** 99.9th percentile, in ms. */
  p999: number;
  /** Longest, in ms. */
  max: number;
}

/** What {@linkcode WriteTrace.summary} reports. */
export interface WriteTraceSummary {
  /** Frames queued (a frame given in parts counts once per part). */
  frames: number;
  /** Completed socket writes. */
  writes: number;
  /** Bytes written. */
  bytes: number;
  /** `frames / writes`. */
  framesPerWrite: number;
  /** Writes the socket did not take whole at once (the rest waited for Deno's write). */
  partialWrites: number;
  /**
   * From the oldest frame of a write being queued to that write completing, in
   * ms; the wait of the frame that waited longest in each write.
   */
  waitMs: WaitPercentiles;
}

/** Buckets per power of two of the histograms (about 9% wide). */
const BUCKETS_PER_OCTAVE = 8;
/** Histogram range: 1 µs to 2^24 µs (about 17 s); longer waits land in the last bucket. */
const BUCKETS = 24 * BUCKETS_PER_OCTAVE + 1;

/** A log-bucketed histogram of durations in ms, resolution 1 µs. */
class DurationHistogram {
  readonly #counts = new Float64Array(BUCKETS);
  #count = 0;
  #max = 0;

  add(ms: number): void {
    const us = ms * 1000;
    const bucket = us < 1
      ? 0
      : Math.min(BUCKETS - 1, Math.ceil(Math.log2(us) * BUCKETS_PER_OCTAVE));
    this.#counts[bucket]++;
    this.#count++;
    if (ms > this.#max) this.#max = ms;
  }

  percentiles(): WaitPercentiles {
    const at = (q: number): number => {
      if (this.#count === 0) return 0;
      const rank = Math.ceil(q * this.#count);
      let seen = 0;
      for (let i = 0; i < BUCKETS; i++) {
        seen += this.#counts[i];
        if (seen >= rank) return Math.min(this.#max, 2 ** (i / BUCKETS_PER_OCTAVE) / 1000);
      }
      return this.#max;
    };
    return {
      count: this.#count,
      p50: at(0.5),
      p90: at(0.9),
      p99: at(0.99),
      p999: at(0.999),
      max: this.#max,
    };
  }
}

/**
 * Counters and histograms of the write path. One instance per process
 * ({@linkcode WRITE_TRACE}); tests may make their own.
 *
 * @example
 * ```ts
 * import { WriteTrace } from "./write_trace.ts";
 * const trace = new WriteTrace();
 * trace.queued(2);
 * trace.written(2.5, 200);
 * trace.summary().framesPerWrite; // 2
 * ```
 */
export class WriteTrace {
  #frames = 0;
  #writes = 0;
  #bytes = 0;
  #partial = 0;
  readonly #wait = new DurationHistogram();

  /**
   * Counts frames queued.
   *
   * @param frames How many.
   */
  queued(frames: number): void {
    this.#frames += frames;
  }

  /**
   * Records a completed write.
   *
   * @param waitMs How long its oldest frame waited from queueing to now, in ms.
   * @param bytes Bytes written.
   */
  written(waitMs: number, bytes: number): void {
    this.#writes++;
    this.#bytes += bytes;
    this.#wait.add(waitMs);
  }

  /** Counts a write the socket did not take whole at once. */
  partial(): void {
    this.#partial++;
  }

  /** Everything recorded so far. */
  summary(): WriteTraceSummary {
    return {
      frames: this.#frames,
      writes: this.#writes,
      bytes: this.#bytes,
      framesPerWrite: this.#writes === 0 ? 0 : this.#frames / this.#writes,
      partialWrites: this.#partial,
      waitMs: this.#wait.percentiles(),
    };
  }
}

function traceFile(): string | undefined {
  try {
    const state = Deno.permissions.querySync({ name: "env", variable: WRITE_TRACE_ENV }).state;
    if (state !== "granted") return undefined;
    return Deno.env.get(WRITE_TRACE_ENV)?.replaceAll("%p", String(Deno.pid)) || undefined;
  } catch (error) {
    if (error instanceof Deno.errors.NotCapable) return undefined;
    throw error;
  }
}

function start(path: string): WriteTrace {
  const trace = new WriteTrace();
  const encoder = new TextEncoder();
  const timer = setInterval(() => {
    try {
      Deno.writeFileSync(path, encoder.encode(JSON.stringify(trace.summary()) + "\n"));
    } catch (error) {
      // A diagnostic must not take the server down; stop writing instead.
      if (!(error instanceof Deno.errors.NotCapable || error instanceof Deno.errors.NotFound)) {
        throw error;
      }
      clearInterval(timer);
    }
  }, 1000);
  Deno.unrefTimer(timer);
  return trace;
}

const path = traceFile();

/** The process's trace when `PARLEY_WRITE_TRACE` is set, else `undefined`. */
export const WRITE_TRACE: WriteTrace | undefined = path === undefined ? undefined : start(path);
