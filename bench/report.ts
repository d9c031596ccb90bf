/**
 * Formats bench rows as a Markdown table with machine, date and commit, and
 * the ratio Parley/InspIRCd for each row.
 *
 * @module
 */

import os from "node:os";

/** One server's summary for a row (medians over passing runs). */
export interface Cell {
  server: string;
  runs: number;
  failed: number;
  error: string;
  value: number;
  values: number[];
  latency?: { p50: number; p90: number; p99: number; max: number; count: number };
  /** Server CPU, % of one core. */
  serverCpu: number;
  /** Busiest load worker's CPU, % of one core. */
  workerCpu: number;
}

/** One table row: a scenario measured on one or more servers. */
export interface ReportRow {
  scenario: string;
  unit: string;
  higherIsBetter: boolean;
  /** A ratio Parley/InspIRCd to reach, or an absolute ceiling for Parley. */
  target?: { ratio?: number; max?: number };
  cells: (Cell & { server: string })[];
  note?: string;
}

/** Context printed with the table. */
export interface ReportContext {
  notes: string[];
  /** Load averages before and after. */
  load: [number[], number[]];
  workers: number;
  runs: number;
  durationMs: number;
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
    const dirty = await run(["status", "--porcelain", "--", "server", "protocol", "bench"]);
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

function cellText(row: ReportRow, c: Cell | undefined): string {
  if (!c) return "—";
  const failed = c.failed > 0 ? ` **FAILED ${c.failed}/${c.runs}**` : "";
  if (c.latency) {
    const l = c.latency;
    return `${fmt(l.p50, "ms")} / ${fmt(l.p90, "ms")} / ${fmt(l.p99, "ms")} / ${
      fmt(l.max, "ms")
    }${failed}`;
  }
  return `${fmt(c.value, row.unit)}${failed}`;
}

function verdict(row: ReportRow, parley: Cell | undefined, ratio: number): string {
  if (!row.target || !parley) return "";
  if (parley.failed > 0) return "missed (runs failed)";
  const value = parley.latency ? parley.latency.p99 : parley.value;
  if (row.target.max !== undefined) {
    return value <= row.target.max
      ? `met (≤ ${fmt(row.target.max, row.unit)})`
      : `missed (≤ ${fmt(row.target.max, row.unit)})`;
  }
  if (row.target.ratio !== undefined) {
    if (!Number.isFinite(ratio)) return "no peer to compare";
    return ratio >= row.target.ratio
      ? `met (≥ ${row.target.ratio}×)`
      : `missed (≥ ${row.target.ratio}×)`;
  }
  return "";
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
    ...context.notes.map((n) => `- ${n}`),
    "",
    "| scenario | Parley | InspIRCd | Parley/InspIRCd | target | Parley server CPU / busiest generator CPU |",
    "|---|---|---|---|---|---|",
  ];
  for (const row of rows) {
    if (row.note) {
      lines.push(`| ${row.scenario} | ${row.note} | | | | |`);
      continue;
    }
    const parley = row.cells.find((c) => c.server === "Parley");
    const peer = row.cells.find((c) => c.server === "InspIRCd");
    const pv = parley?.latency ? parley.latency.p99 : parley?.value ?? NaN;
    const iv = peer?.latency ? peer.latency.p99 : peer?.value ?? NaN;
    const ratio = pv / iv;
    const unit = parley?.latency ? " (p50 / p90 / p99 / max)" : "";
    lines.push(
      `| ${row.scenario}${unit} | ${cellText(row, parley)} | ${cellText(row, peer)} | ${
        Number.isFinite(ratio) ? `${ratio.toFixed(2)}×` : "—"
      }${row.higherIsBetter ? "" : " (lower is better)"} | ${verdict(row, parley, ratio)} | ${
        parley && Number.isFinite(parley.serverCpu) && parley.serverCpu > 0
          ? `${parley.serverCpu.toFixed(0)}% / ${parley.workerCpu.toFixed(0)}%`
          : ""
      } |`,
    );
  }
  const failures = rows.flatMap((r) =>
    r.cells.filter((c) => c.failed > 0).map((c) => `- ${r.scenario}, ${c.server}: ${c.error}`)
  );
  if (failures.length) lines.push("", "Failed runs (delivery check or join failed):", ...failures);
  lines.push("");
  return { markdown: lines.join("\n"), json: { date, commit, machine, context, rows } };
}
