/**
 * Formats bench rows as a Markdown table with machine, date and commit, and
 * the ratios Parley/InspIRCd and, with a reference checkout, Parley/ref for
 * each row.
 *
 * @module
 */

import os from "node:os";
import type { LatencyPercentiles } from "./histogram.ts";

/** One server's summary for a row (medians over passing runs). */
export interface Cell {
  server: string;
  runs: number;
  failed: number;
  error: string;
  value: number;
  values: number[];
  /** Send-to-receipt time at every receiver, ms (message scenarios). */
  latency?: LatencyPercentiles;
  /** The same at the receivers that share a process with the senders (latency scenario). */
  localLatency?: LatencyPercentiles;
  /** Server event-loop lag: ping round trips every 10 ms, ms. */
  serverLag?: LatencyPercentiles;
  /** Load generators' own event-loop lag, ms. */
  generatorLag?: LatencyPercentiles;
  /** Server CPU, % of one core. */
  serverCpu: number;
  /** Busiest load worker's CPU, % of one core. */
  workerCpu: number;
  /** The message bus' CPU (nats-server), % of one core; clusters only. */
  busCpu?: number;
}

/**
 * What a row shows: `value` (with the p99 at every receiver when there is
 * one), `latency` (p50 / p99 / p99.9 / max at every receiver; compared on
 * p99) or `lag` (the server's ping round trips, p50 / p99 / max; compared on
 * p99).
 */
export type RowKind = "value" | "latency" | "lag";

/** One table row: a scenario measured on one or more servers. */
export interface ReportRow {
  scenario: string;
  unit: string;
  higherIsBetter: boolean;
  /** @default "value" */
  kind?: RowKind;
  /** What Parley must reach on this row; every condition given must hold. See {@linkcode RowTarget}. */
  target?: RowTarget;
  cells: (Cell & { server: string })[];
  note?: string;
}

/**
 * A row's target (the table's "target" column says met or missed, and which
 * condition missed).
 */
export interface RowTarget {
  /**
   * Parley/InspIRCd on the row's headline number: at least this on a row
   * where higher is better, at most this where lower is better.
   */
  ratio?: number;
  /** A ceiling for Parley's headline number, in the row's unit. */
  max?: number;
  /** Parley's p99 at every receiver no higher than InspIRCd's (throughput rows). */
  p99NoWorse?: boolean;
}

/** Context printed with the table. */
export interface ReportContext {
  notes: string[];
  /** Load averages before and after. */
  load: [number[], number[]];
  workers: number;
  /** The load generator, as the report names it (e.g. "Deno (`bench/load_worker.ts`, …)"). */
  generator: string;
  runs: number;
  durationMs: number;
  /** Whether a "Parley (ref)" column is shown. */
  reference?: boolean;
}

async function gitCommit(): Promise<string> {
  const dir = new URL("..", import.meta.url).pathname;
  try {
    const run = async (args: string[]) =>
      new TextDecoder().decode(
        (await new Deno.Command("git", { args: ["-C", dir, ...args], stdout: "piped" }).output())
          .stdout,
      ).trim();
    const head = await run(["rev-parse", "--short", "HEAD"]);
    // Results written by earlier runs do not make the measured code dirty.
    const dirty = await run([
      "status",
      "--porcelain",
      "--",
      "server",
      "protocol",
      "cli",
      "main.ts",
      "bench",
      ":!bench/results",
    ]);
    return head + (dirty ? " (with uncommitted changes)" : "");
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return "unknown (git not installed)";
    throw error;
  }
}

function fmt(value: number, unit: string): string {
  if (!Number.isFinite(value)) return "—";
  if (unit === "deliveries/s") {
    return value >= 1e6 ? `${(value / 1e6).toFixed(2)} M` : `${(value / 1e3).toFixed(0)} k`;
  }
  if (unit.startsWith("bytes")) return `${(value / 1024).toFixed(1)} KB`;
  if (unit.startsWith("ms")) {
    return value < 10 ? `${value.toFixed(2)} ms` : `${value.toFixed(0)} ms`;
  }
  return value.toFixed(2);
}

/** The number a row compares servers on. */
function headline(row: ReportRow, c: Cell | undefined): number {
  if (!c || c.failed === c.runs) return NaN;
  if (row.kind === "latency") return c.latency?.p99 ?? NaN;
  if (row.kind === "lag") return c.serverLag?.p99 ?? NaN;
  return c.value;
}

function cellText(row: ReportRow, c: Cell | undefined): string {
  if (!c) return "—";
  const failed = c.failed > 0 ? ` **FAILED ${c.failed}/${c.runs}**` : "";
  if (c.failed === c.runs) return failed.trim();
  if (row.kind === "latency" && c.latency) {
    const l = c.latency;
    return `${fmt(l.p50, "ms")} / ${fmt(l.p99, "ms")} / ${fmt(l.p999, "ms")} / ${
      fmt(l.max, "ms")
    }${failed}`;
  }
  if (row.kind === "lag") {
    if (!c.serverLag) return `not measured${failed}`;
    const l = c.serverLag;
    return `${fmt(l.p50, "ms")} / ${fmt(l.p99, "ms")} / ${fmt(l.max, "ms")}${failed}`;
  }
  const p99 = c.latency ? `, p99 ${fmt(c.latency.p99, "ms")}` : "";
  return `${fmt(c.value, row.unit)}${p99}${failed}`;
}

function ratioText(row: ReportRow, a: number, b: number): string {
  const ratio = a / b;
  if (!Number.isFinite(ratio)) return "—";
  return `${ratio.toFixed(2)}×${row.higherIsBetter ? "" : " (lower is better)"}`;
}

function verdict(row: ReportRow, parley: Cell | undefined, peer: Cell | undefined): string {
  const target = row.target;
  if (!target || !parley) return "";
  if (parley.failed > 0) return "missed (runs failed)";
  const value = headline(row, parley);
  const ratio = value / headline(row, peer);
  const checks: [boolean, string][] = [];
  if (target.max !== undefined) {
    checks.push([value <= target.max, `≤ ${fmt(target.max, row.unit)}`]);
  }
  if (target.ratio !== undefined) {
    if (!Number.isFinite(ratio)) return "no peer to compare";
    checks.push(
      row.higherIsBetter
        ? [ratio >= target.ratio, `≥ ${target.ratio}× InspIRCd`]
        : [ratio <= target.ratio, `≤ ${target.ratio}× InspIRCd`],
    );
  }
  if (target.p99NoWorse) {
    const mine = parley.latency?.p99 ?? NaN;
    const theirs = peer?.latency?.p99 ?? NaN;
    if (!Number.isFinite(theirs)) return "no peer to compare";
    checks.push([mine <= theirs, "p99 ≤ InspIRCd's"]);
  }
  const missed = checks.filter(([ok]) => !ok).map(([, text]) => text);
  return missed.length === 0
    ? `met (${checks.map(([, text]) => text).join(", ")})`
    : `missed (${missed.join(", ")})`;
}

function cpuText(c: Cell | undefined): string {
  if (!c || !Number.isFinite(c.serverCpu) || c.serverCpu <= 0) return "";
  const lag = c.generatorLag ? `; ${fmt(c.generatorLag.p99, "ms")}` : "";
  return `${c.serverCpu.toFixed(0)}% / ${c.workerCpu.toFixed(0)}%${lag}`;
}

/**
 * Builds the Markdown report and its JSON twin.
 *
 * @param rows Scenario rows.
 * @param context Notes and run parameters.
 */
export async function formatReport(
  rows: ReportRow[],
  context: ReportContext,
): Promise<{ markdown: string; json: unknown }> {
  const cpus = os.cpus();
  const machine = `${cpus[0]?.model ?? "unknown CPU"}, ${cpus.length} cores, ${
    (os.totalmem() / 2 ** 30).toFixed(1)
  } GiB RAM, Linux ${os.release()}, Deno ${Deno.version.deno}`;
  const date = new Date().toISOString();
  const commit = await gitCommit();
  const lines = [
    `# Parley fanout bench`,
    "",
    `- Date: ${date}`,
    `- Commit: ${commit}`,
    `- Machine: ${machine}`,
    `- Load average (1/5/15 min) before: ${
      context.load[0].map((x) => x.toFixed(2)).join(" ")
    }, after: ${context.load[1].map((x) => x.toFixed(2)).join(" ")}`,
    `- ${context.runs} run(s) per cell, median shown; ${context.workers} load-generator processes; ${context.durationMs} ms send window; 100-byte messages, one room`,
    `- Load generator: ${context.generator}`,
    ...context.notes.map((n) => `- ${n}`),
    "",
    ...(context.reference
      ? [
        "| scenario | Parley | Parley (ref) | Parley/ref | InspIRCd | Parley/InspIRCd | target | Parley server CPU / busiest generator CPU; generator loop lag p99 |",
        "|---|---|---|---|---|---|---|---|",
      ]
      : [
        "| scenario | Parley | InspIRCd | Parley/InspIRCd | target | Parley server CPU / busiest generator CPU; generator loop lag p99 |",
        "|---|---|---|---|---|---|",
      ]),
  ];
  for (const row of rows) {
    const blank = context.reference ? " | | | | | |" : " | | | |";
    if (row.note) {
      lines.push(`| ${row.scenario} | ${row.note}${blank}`);
      continue;
    }
    const parley = row.cells.find((c) => c.server === "Parley");
    const ref = row.cells.find((c) => c.server === "Parley (ref)");
    const peer = row.cells.find((c) => c.server === "InspIRCd");
    const pv = headline(row, parley);
    const unit = row.kind === "latency"
      ? " (p50 / p99 / p99.9 / max)"
      : row.kind === "lag"
      ? " (p50 / p99 / max)"
      : "";
    const refCells = context.reference
      ? ` ${cellText(row, ref)} | ${ratioText(row, pv, headline(row, ref))} |`
      : "";
    lines.push(
      `| ${row.scenario}${unit} | ${cellText(row, parley)} |${refCells} ${cellText(row, peer)} | ${
        ratioText(row, pv, headline(row, peer))
      } | ${verdict(row, parley, peer)} | ${row.kind === "lag" ? "" : cpuText(parley)} |`,
    );
  }
  // Lag rows repeat the cells of the latency row above them.
  const failures = rows.filter((r) => r.kind !== "lag").flatMap((r) =>
    r.cells.filter((c) => c.failed > 0).map((c) => `- ${r.scenario}, ${c.server}: ${c.error}`)
  );
  if (failures.length) lines.push("", "Failed runs (delivery check or join failed):", ...failures);
  lines.push(...clusterTable(rows));
  lines.push("");
  return { markdown: lines.join("\n"), json: { date, commit, machine, context, rows } };
}

/**
 * CPU time per delivered message, in µs: `cpu` (% of one core) over
 * `rate` deliveries per second.
 *
 * @param cpu CPU use, % of one core.
 * @param rate Deliveries per second.
 * @returns µs of CPU per delivery, NaN when either is unknown.
 */
export function cpuPerDelivery(cpu: number | undefined, rate: number): number {
  if (cpu === undefined || !Number.isFinite(cpu) || !(rate > 0)) return NaN;
  return cpu / 100 * 1e6 / rate;
}

/**
 * The side-by-side table of the single-process server and its clusters
 * (`--cluster`): throughput, latency, and CPU per delivered message for the
 * nodes together and for nats-server. Empty when no cluster ran.
 */
function clusterTable(rows: ReportRow[]): string[] {
  const isParley = (c: Cell) => c.server === "Parley" || c.server.startsWith("Parley cluster");
  if (!rows.some((r) => r.cells.some((c) => c.server.startsWith("Parley cluster")))) return [];
  const lines = [
    "",
    "Single process and clusters (nodes share one nats-server on this machine; clients spread over the nodes):",
    "",
    "| scenario | server | result | nodes CPU | nats-server CPU | nodes µs CPU/delivery | nats-server µs CPU/delivery |",
    "|---|---|---|---|---|---|---|",
  ];
  for (const row of rows) {
    if (row.note || row.kind === "lag") continue;
    for (const c of row.cells.filter(isParley)) {
      const throughput = row.unit === "deliveries/s" && c.failed < c.runs;
      const us = (cpu: number | undefined) => {
        const v = throughput ? cpuPerDelivery(cpu, c.value) : NaN;
        return Number.isFinite(v) ? v.toFixed(2) : "—";
      };
      const pct = (cpu: number | undefined) =>
        cpu !== undefined && Number.isFinite(cpu) ? `${cpu.toFixed(0)}%` : "—";
      lines.push(
        `| ${row.scenario} | ${c.server} | ${cellText(row, c)} | ${pct(c.serverCpu)} | ${
          pct(c.busCpu)
        } | ${us(c.serverCpu)} | ${us(c.busCpu)} |`,
      );
    }
  }
  return lines;
}
