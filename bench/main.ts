/**
 * `deno task bench`: runs the fanout scenarios against `parley serve` and,
 * when installed, InspIRCd in the same run, prints a side-by-side table and
 * writes it to `bench/results/`.
 *
 * Options:
 * - `--runs N` runs per scenario and server; the median is reported (default 3)
 * - `--workers N` load-generator processes (default 2)
 * - `--duration MS` send window of throughput runs (default 3000)
 * - `--sizes LIST` client counts of the throughput scenarios (default `50,200,1000`)
 * - `--latency-sizes LIST` client counts of the latency scenario (default `200,1000`)
 * - `--scenarios LIST` comma-separated subset of
 *   `throughput,open,latency,idle,storm,history` (default all)
 * - `--parley-only` skip InspIRCd
 * - `--reference DIR` also run `DIR/main.ts serve` (another checkout of Parley), with the
 *   same flags, as a third column "Parley (ref)", with ratios Parley/ref
 * - `--reference-rev REV` the same for revision REV of this repository, checked out into a
 *   temporary `git worktree` that is removed afterwards
 * - `--install-peers` install InspIRCd with apt-get when it is missing
 * - `--profile` write a `--cpu-prof` profile of each Parley server to `bench/results/profiles/`
 * - `--cluster LIST` also run Parley as clusters of N nodes sharing one
 *   `nats-server -js` (e.g. `1,2,3`), the room's clients spread over the nodes,
 *   as columns "Parley cluster ×N" beside the single process (needs
 *   `nats-server` and `serve --cluster`)
 * - `--generator deno|c` the load generator: `deno` (default) runs `bench/load_worker.ts`;
 *   `c` runs its C twin `bench/c_worker/load_worker.c` (same protocol and checks, epoll, one
 *   thread), compiled once per run with `cc -O2 -Wall -Wextra` into a temporary directory
 *   (needs gcc), whose own delay hides less of the server's latency
 * - `--smoke` tiny counts for the test suite (implies `--parley-only`, 1 run)
 * - `--out DIR` results directory (default `bench/results`)
 *
 * @module
 */

import os from "node:os";
import {
  type BenchServer,
  inspircdInstalled,
  natsServerInstalled,
  parleyHasDataOption,
  pinProcess,
  pinServersTo,
  startInspircd,
  startParley,
  startParleyCluster,
} from "./servers.ts";
import { idleRun, messageRun, type RunResult, stormRun } from "./scenarios.ts";
import { type Cell, formatReport, type ReportRow } from "./report.ts";
import type { LatencyPercentiles } from "./histogram.ts";
import { checkoutRevision } from "./revision_checkout.ts";
import { type BenchOptions, parseBenchOptions } from "./bench_options.ts";
import { type PreparedGenerator, prepareGenerator } from "./worker_pool.ts";

async function fdLimit(): Promise<number> {
  const out = await new Deno.Command("sh", { args: ["-c", "ulimit -n"], stdout: "piped" }).output();
  const text = new TextDecoder().decode(out.stdout).trim();
  return text === "unlimited" ? Infinity : Number(text);
}

async function installInspircd(): Promise<boolean> {
  console.log("Installing InspIRCd with apt-get (--install-peers)...");
  for (const args of [["update"], ["install", "-y", "inspircd"]]) {
    const status = await new Deno.Command("apt-get", {
      args,
      env: { DEBIAN_FRONTEND: "noninteractive" },
      stdin: "null",
    }).spawn().status;
    if (!status.success) {
      console.log(`apt-get ${args.join(" ")} failed (exit ${status.code}); running Parley alone.`);
      return false;
    }
  }
  return true;
}

/**
 * Per-sender cap on unacknowledged messages in open-loop runs: a room-wide
 * budget of 16,384 messages in flight, at least 16 per sender. Without a cap a
 * flood leaves more in kernel buffers than any server can deliver before the
 * delivery check gives up (InspIRCd at 1,000 clients: minutes).
 */
export function openLoopCap(clients: number): number {
  return Math.max(16, Math.floor(16_384 / clients / 16) * 16);
}

/**
 * Per-sender limit of messages in flight to the next member, for the
 * closed-loop run whose window is "the next member received it": 16 at 50
 * clients, 4 at 200, 1 at 1,000 (about 800 in flight room-wide, at most 16 per
 * sender, at least 1).
 */
export function nextMemberWindow(clients: number): number {
  return Math.max(1, Math.min(16, Math.floor(800 / clients)));
}

/** `nats-server --version`, e.g. `nats-server: v2.9.10`. */
async function natsVersion(): Promise<string> {
  const out = await new Deno.Command("nats-server", {
    args: ["--version"],
    stdout: "piped",
    stderr: "null",
  }).output();
  return new TextDecoder().decode(out.stdout).trim();
}

/** `DIR (commit abc1234)`, or just `DIR` when it is not a git checkout. */
async function describeCheckout(dir: string): Promise<string> {
  try {
    const out = await new Deno.Command("git", {
      args: ["-C", dir, "rev-parse", "--short", "HEAD"],
      stdin: "null",
      stdout: "piped",
      stderr: "null",
    }).output();
    const commit = new TextDecoder().decode(out.stdout).trim();
    return out.success && commit ? `${dir} (commit ${commit})` : dir;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return dir;
    throw error;
  }
}

function median(values: number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Median of each percentile over the runs that have them. */
function medianPercentiles(
  list: (LatencyPercentiles | undefined)[],
): LatencyPercentiles | undefined {
  const have = list.filter((x): x is LatencyPercentiles => x !== undefined);
  if (have.length === 0) return undefined;
  const m = (k: keyof LatencyPercentiles) => median(have.map((x) => x[k]));
  return {
    count: m("count"),
    p50: m("p50"),
    p90: m("p90"),
    p99: m("p99"),
    p999: m("p999"),
    max: m("max"),
    mean: m("mean"),
  };
}

/** Median of each field over the passing runs, plus failure notes. */
function summarize(results: RunResult[]): Omit<Cell, "server"> {
  const good = results.filter((r) => r.ok);
  const bad = results.filter((r) => !r.ok);
  return {
    runs: results.length,
    failed: bad.length,
    error: bad[0]?.error ?? "",
    value: median(good.map((r) => r.value)),
    values: good.map((r) => r.value),
    latency: medianPercentiles(good.map((r) => r.latency)),
    localLatency: medianPercentiles(good.map((r) => r.localLatency)),
    serverLag: medianPercentiles(good.map((r) => r.serverLag)),
    generatorLag: medianPercentiles(good.map((r) => r.generatorLag)),
    serverCpu: median(good.map((r) => r.serverCpu)),
    workerCpu: median(good.map((r) => r.workerCpu)),
    ...(good.some((r) => r.busCpu !== undefined)
      ? { busCpu: median(good.flatMap((r) => r.busCpu === undefined ? [] : [r.busCpu])) }
      : {}),
  };
}

type Starter = () => Promise<BenchServer>;

/** Runs `run` `runs` times against a fresh server each time. */
async function repeat(
  runs: number,
  start: Starter,
  run: (server: BenchServer) => Promise<RunResult>,
  label: string,
): Promise<RunResult[]> {
  const results: RunResult[] = [];
  for (let i = 0; i < runs; i++) {
    await using server = await start();
    const result = await run(server);
    results.push(result);
    console.log(
      `  ${label} ${server.name} run ${i + 1}/${runs}: ${
        result.ok ? result.value.toFixed(result.value < 100 ? 2 : 0) : `FAILED: ${result.error}`
      }${result.latency ? ` (p99 at every receiver ${result.latency.p99.toFixed(2)} ms)` : ""}${
        result.serverLag ? ` lag p99 ${result.serverLag.p99.toFixed(2)} ms` : ""
      }${result.serverLagError ? ` (lag probe: ${result.serverLagError})` : ""} server ${
        result.serverCpu.toFixed(0)
      }% cpu, busiest worker ${result.workerCpu.toFixed(0)}%`,
    );
  }
  return results;
}

/**
 * Runs the bench.
 *
 * @param args Command-line arguments (see the module doc).
 * @returns Exit code: 0 when every run passed its delivery checks, 1 otherwise, 2 on usage
 *   errors and when the C generator cannot be built.
 */
export async function main(args: string[]): Promise<number> {
  let o: BenchOptions;
  try {
    o = parseBenchOptions(args);
  } catch (error) {
    console.error(`bench: ${(error as Error).message}`);
    return 2;
  }
  const notes: string[] = [];
  let peers = !o.parleyOnly && await inspircdInstalled();
  if (!o.parleyOnly && !peers) {
    if (o.installPeers) peers = await installInspircd() && await inspircdInstalled();
    if (!peers) {
      const note =
        "InspIRCd is not installed (/usr/sbin/inspircd): running Parley alone. Install it with `deno task bench --install-peers` (apt-get install inspircd).";
      console.log(note);
      notes.push(note);
    }
  }
  const limit = await fdLimit();
  const idleCounts = o.smoke ? [20] : [1000, 10000];
  const fits = (n: number) => n + 200 <= limit;
  if (o.scenarios.has("idle") && !idleCounts.every(fits)) {
    notes.push(
      `The file-descriptor limit is ${limit}; idle runs above ${
        limit - 200
      } connections are skipped. Run through \`deno task bench\` (bench/run.sh raises it with ulimit -n).`,
    );
  }
  notes.push(`File-descriptor limit (ulimit -n) during the run: ${limit}.`);
  if (o.pin) {
    const cpus = navigator.hardwareConcurrency;
    if (cpus < 2) {
      console.error("bench: --pin needs at least 2 CPUs");
      return 2;
    }
    const generator = cpus === 2 ? "0" : `0-${cpus - 2}`;
    // This process's load workers, started later, inherit its mask.
    await pinProcess(Deno.pid, generator);
    pinServersTo(String(cpus - 1));
    notes.push(
      `Pinned (\`--pin\`): every server (and nats-server) on CPU ${
        cpus - 1
      }, the bench and its load workers on CPU ${generator}.`,
    );
  }
  let generator: PreparedGenerator;
  try {
    generator = await prepareGenerator(o.generator);
  } catch (error) {
    console.error(`bench: ${(error as Error).message}`);
    return 2;
  }
  // Removes the compiled C generator when the bench ends.
  await using _built = generator;
  const profileDir = o.profile ? `${o.out}/profiles` : undefined;
  if (profileDir) await Deno.mkdir(profileDir, { recursive: true });
  await using checkout = o.referenceRev
    ? await checkoutRevision(new URL("..", import.meta.url).pathname, o.referenceRev)
    : undefined;
  const reference = checkout?.dir ?? o.reference;
  const servers: { name: string; start: Starter }[] = [
    { name: "Parley", start: () => startParley({ profileDir }) },
  ];
  if (reference) {
    const name = "Parley (ref)";
    servers.push({ name, start: () => startParley({ profileDir, checkout: reference, name }) });
    notes.push(
      `Parley (ref): ${
        checkout
          ? `revision \`${o.referenceRev}\` (commit ${
            checkout.commit.slice(0, 7)
          }, checked out into a temporary git worktree)`
          : await describeCheckout(reference)
      }, started with the same flags.`,
    );
  }
  if (o.cluster.length > 0) {
    if (await natsServerInstalled()) {
      for (const nodes of o.cluster) {
        servers.push({
          name: `Parley cluster ×${nodes}`,
          start: () => startParleyCluster(nodes, { profileDir }),
        });
      }
      notes.push(
        `Parley cluster ×N: N \`serve --cluster\` nodes and one \`nats-server -js\` (${await natsVersion()}) on this machine, the room's clients spread over the nodes round-robin; CPU columns below: the nodes summed, nats-server separately.`,
      );
    } else {
      const note =
        "nats-server is not installed: the --cluster columns were skipped (apt-get install nats-server).";
      console.log(note);
      notes.push(note);
    }
  }
  if (peers) servers.push({ name: "InspIRCd", start: startInspircd });
  const w = { workers: o.workers, generator };
  const rows: ReportRow[] = [];
  const load0 = os.loadavg();

  const scenario = async (
    row: Omit<ReportRow, "cells">,
    run: (server: BenchServer) => Promise<RunResult>,
    only?: string[],
  ) => {
    console.log(`${row.scenario}`);
    const cells: ReportRow["cells"] = [];
    for (const s of servers) {
      if (only && !only.includes(s.name)) continue;
      cells.push({
        server: s.name,
        ...summarize(await repeat(o.runs, s.start, run, row.scenario)),
      });
    }
    rows.push({ ...row, cells });
  };

  const sizes = o.sizes;
  if (o.scenarios.has("throughput")) {
    for (const clients of sizes) {
      await scenario(
        {
          scenario: `throughput, ${clients} clients, bounded (≤4 unacked)`,
          unit: "deliveries/s",
          higherIsBetter: true,
          target: clients === 200 ? { ratio: 1 } : undefined,
        },
        (server) =>
          messageRun(server, {
            ...w,
            clients,
            mode: "bounded",
            window: 4,
            durationMs: o.durationMs,
          }),
      );
      const window = nextMemberWindow(clients);
      await scenario(
        {
          scenario:
            `throughput, ${clients} clients, bounded (≤${window} in flight to the next member)`,
          unit: "deliveries/s",
          higherIsBetter: true,
          target: { ratio: 1, p99NoWorse: true },
        },
        (server) =>
          messageRun(server, {
            ...w,
            clients,
            mode: "next",
            window,
            durationMs: o.durationMs,
          }),
      );
    }
  }
  if (o.scenarios.has("open")) {
    for (const clients of sizes) {
      await scenario(
        {
          scenario: `throughput, ${clients} clients, open loop`,
          unit: "deliveries/s",
          higherIsBetter: true,
          target: { ratio: 2.5 },
        },
        (server) =>
          messageRun(server, {
            ...w,
            clients,
            mode: "open",
            window: openLoopCap(clients),
            durationMs: o.durationMs,
          }),
      );
    }
  }
  if (o.scenarios.has("latency")) {
    for (const clients of o.latencySizes) {
      const senders = o.smoke ? 2 : 10;
      await scenario(
        {
          scenario: `latency at every receiver, ${clients} clients, ${senders} senders × 50 msg/s`,
          unit: "ms p99",
          kind: "latency",
          higherIsBetter: false,
          target: clients === 200
            ? { max: 5 }
            : clients === 1000
            ? { max: 20, ratio: 1 }
            : undefined,
        },
        (server) =>
          messageRun(server, {
            ...w,
            clients,
            mode: "rate",
            senders,
            rate: 50,
            durationMs: o.latencyDurationMs,
          }),
      );
      const measured = rows[rows.length - 1];
      rows.push({
        scenario: `server event-loop lag (ping every 10 ms) during latency, ${clients} clients`,
        unit: "ms p99",
        kind: "lag",
        higherIsBetter: false,
        cells: measured.cells,
      });
    }
  }
  if (o.scenarios.has("idle")) {
    for (const clients of idleCounts.filter(fits)) {
      await scenario(
        {
          scenario: `idle memory, ${clients} connections`,
          unit: "bytes RSS/conn",
          higherIsBetter: false,
          target: clients === 10000 ? { max: 20_480 } : undefined,
        },
        (server) => idleRun(server, { ...w, clients, settleMs: o.smoke ? 200 : 1500 }),
      );
    }
  }
  if (o.scenarios.has("storm")) {
    const clients = o.smoke ? 20 : 1000;
    await scenario(
      {
        scenario: `join storm, ${clients} clients at once`,
        unit: "ms",
        higherIsBetter: false,
        target: clients === 1000 ? { max: 1000 } : undefined,
      },
      (server) => stormRun(server, { ...w, clients }),
    );
  }
  if (o.scenarios.has("history")) {
    const clients = o.smoke ? 4 : 200;
    if (await parleyHasDataOption()) {
      const dir = await Deno.makeTempDir({ prefix: "parley-bench-data-" });
      for (
        const [label, data] of [["SQLite file", `${dir}/history.db`], [":memory:", ":memory:"]]
      ) {
        const start = () => startParley({ profileDir, args: ["--data", data] });
        console.log(`history ${label}`);
        const results = await repeat(
          o.runs,
          start,
          (server) =>
            messageRun(server, {
              ...w,
              clients,
              mode: "bounded",
              window: 4,
              durationMs: o.durationMs,
            }),
          `history ${label}`,
        );
        rows.push({
          scenario: `history on (${label}), ${clients} clients, bounded`,
          unit: "deliveries/s",
          higherIsBetter: true,
          cells: [{ server: "Parley", ...summarize(results) }],
        });
      }
      await Deno.remove(dir, { recursive: true });
    } else {
      rows.push({
        scenario: "history on vs :memory:",
        unit: "",
        higherIsBetter: true,
        cells: [],
        note: "not available on this build (`parley serve` has no --data option)",
      });
    }
  }

  const report = await formatReport(rows, {
    notes,
    load: [load0, os.loadavg()],
    workers: o.workers,
    generator: generator.label,
    runs: o.runs,
    durationMs: o.durationMs,
    reference: reference !== undefined,
  });
  console.log("\n" + report.markdown);
  await Deno.mkdir(o.out, { recursive: true });
  const stamp = new Date().toISOString().replaceAll(":", "-").replace(/\.\d+Z$/, "Z");
  const base = `${o.out}/${o.smoke ? "smoke-" : ""}${stamp}`;
  await Deno.writeTextFile(`${base}.md`, report.markdown);
  await Deno.writeTextFile(`${base}.json`, JSON.stringify(report.json, null, 2) + "\n");
  if (!o.smoke) await Deno.writeTextFile(`${o.out}/latest.md`, report.markdown);
  console.log(`Results written to ${base}.md and ${base}.json`);
  const anyFailed = rows.some((r) => r.cells.some((c) => c.failed > 0));
  return anyFailed ? 1 : 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
