/**
 * The command line of `deno task bench` (`bench/main.ts`): the parsed
 * options ({@linkcode BenchOptions}) and their parser, with defaults and the
 * `--smoke` overrides.
 *
 * @module
 */

import { parseArgs } from "node:util";
import type { GeneratorKind } from "./worker_pool.ts";

/** Parsed bench options. */
export interface BenchOptions {
  runs: number;
  workers: number;
  durationMs: number;
  latencyDurationMs: number;
  scenarios: Set<string>;
  parleyOnly: boolean;
  /** Another checkout of Parley to run beside this one. */
  reference?: string;
  /** A revision of this repository to check out and run beside this one. */
  referenceRev?: string;
  installPeers: boolean;
  profile: boolean;
  smoke: boolean;
  /** Client counts of the throughput scenarios. */
  sizes: number[];
  /** Client counts of the latency scenario. */
  latencySizes: number[];
  /** Node counts of the cluster columns (`--cluster`); none when empty. */
  cluster: number[];
  /**
   * Pin the servers to the last CPU and this process with its load workers
   * to the others (`--pin`, Linux `taskset`), so that server and generator do
   * not share a core.
   */
  pin: boolean;
  /**
   * The load generator (`--generator`): `deno` runs `bench/load_worker.ts`,
   * `c` its C twin `bench/c_worker/load_worker.c` (compiled with `cc` once per
   * run), which adds less of its own delay to the latency figures.
   *
   * @default "deno"
   */
  generator: GeneratorKind;
  out: string;
}

/** Every scenario `--scenarios` can name, in run order. */
export const ALL_SCENARIOS = ["throughput", "open", "latency", "idle", "storm", "history"];

/**
 * Parses the bench's command line (see `bench/main.ts` for the options);
 * `--smoke` overrides runs, durations, sizes and `--parley-only`.
 *
 * @param args Command-line arguments.
 * @returns The options, with defaults filled in.
 * @throws {TypeError} For an unknown scenario, a bad `--cluster` list, an
 *   unknown `--generator`, or `--reference` with `--reference-rev`.
 */
export function parseBenchOptions(args: string[]): BenchOptions {
  const { values } = parseArgs({
    args,
    options: {
      runs: { type: "string", default: "3" },
      workers: { type: "string", default: "2" },
      duration: { type: "string", default: "3000" },
      "latency-duration": { type: "string", default: "5000" },
      scenarios: { type: "string", default: ALL_SCENARIOS.join(",") },
      "parley-only": { type: "boolean", default: false },
      reference: { type: "string" },
      "reference-rev": { type: "string" },
      "install-peers": { type: "boolean", default: false },
      profile: { type: "boolean", default: false },
      smoke: { type: "boolean", default: false },
      sizes: { type: "string", default: "50,200,1000" },
      "latency-sizes": { type: "string", default: "200,1000" },
      cluster: { type: "string" },
      pin: { type: "boolean", default: false },
      generator: { type: "string", default: "deno" },
      out: { type: "string", default: new URL("./results", import.meta.url).pathname },
    },
  });
  const scenarios = new Set(values.scenarios.split(",").map((s) => s.trim()).filter(Boolean));
  for (const s of scenarios) {
    if (!ALL_SCENARIOS.includes(s)) {
      throw new TypeError(`Unknown scenario "${s}"; choose from ${ALL_SCENARIOS.join(", ")}`);
    }
  }
  const cluster = values.cluster === undefined
    ? []
    : values.cluster.split(",").map((n) => n.trim()).filter(Boolean).map(Number);
  if (cluster.some((n) => !Number.isInteger(n) || n < 1 || n > 16)) {
    throw new TypeError(`--cluster takes node counts from 1 to 16, got "${values.cluster}"`);
  }
  const generator = values.generator;
  if (generator !== "deno" && generator !== "c") {
    throw new TypeError(`--generator takes deno or c, got "${generator}"`);
  }
  if (values.reference !== undefined && values["reference-rev"] !== undefined) {
    throw new TypeError("Cannot use --reference and --reference-rev together");
  }
  return {
    runs: values.smoke ? 1 : Number(values.runs),
    workers: Number(values.workers),
    durationMs: values.smoke ? 300 : Number(values.duration),
    latencyDurationMs: values.smoke ? 300 : Number(values["latency-duration"]),
    scenarios,
    parleyOnly: values["parley-only"] || values.smoke,
    reference: values.reference,
    referenceRev: values["reference-rev"],
    installPeers: values["install-peers"],
    profile: values.profile,
    smoke: values.smoke,
    sizes: values.smoke ? [4] : values.sizes.split(",").map(Number),
    latencySizes: values.smoke ? [4] : values["latency-sizes"].split(",").map(Number),
    cluster,
    pin: values.pin,
    generator,
    out: values.out,
  };
}
