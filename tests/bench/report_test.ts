import { type Cell, formatReport, type ReportRow } from "../../bench/report.ts";
import { assert } from "../_helpers/assert.ts";

function cell(server: string, value: number, p99: number): Cell & { server: string } {
  const latency = {
    count: 100,
    p50: p99 / 4,
    p90: p99 / 2,
    p99,
    p999: p99,
    max: p99,
    mean: p99 / 3,
  };
  return {
    server,
    runs: 1,
    failed: 0,
    error: "",
    value,
    values: [value],
    latency,
    serverCpu: 100,
    workerCpu: 20,
  };
}

/** The target column of the one row in the report. */
async function targetOf(row: ReportRow): Promise<string> {
  const { markdown } = await formatReport([row], {
    notes: [],
    load: [[0, 0, 0], [0, 0, 0]],
    workers: 1,
    generator: "test",
    runs: 1,
    durationMs: 1000,
  });
  const line = markdown.split("\n").find((l) => l.startsWith(`| ${row.scenario}`))!;
  return line.split(" | ")[4];
}

Deno.test("the target column checks every condition of a row and names the ones missed", async () => {
  const throughput = (parley: Cell & { server: string }, peer: Cell & { server: string }) =>
    targetOf({
      scenario: "throughput",
      unit: "deliveries/s",
      higherIsBetter: true,
      target: { ratio: 1, p99NoWorse: true },
      cells: [parley, peer],
    });
  assert(
    (await throughput(cell("Parley", 2e6, 10), cell("InspIRCd", 1e6, 20)))
      .startsWith("met (≥ 1× InspIRCd, p99 ≤ InspIRCd's)"),
  );
  assert(
    (await throughput(cell("Parley", 2e6, 30), cell("InspIRCd", 1e6, 20))) ===
      "missed (p99 ≤ InspIRCd's)",
  );
  assert(
    (await throughput(cell("Parley", 0.5e6, 30), cell("InspIRCd", 1e6, 20))) ===
      "missed (≥ 1× InspIRCd, p99 ≤ InspIRCd's)",
  );
  const latency = (parleyP99: number, peerP99: number) =>
    targetOf({
      scenario: "latency",
      unit: "ms p99",
      kind: "latency",
      higherIsBetter: false,
      target: { max: 20, ratio: 1 },
      cells: [cell("Parley", 0, parleyP99), cell("InspIRCd", 0, peerP99)],
    });
  assert((await latency(15, 30)) === "met (≤ 20 ms, ≤ 1× InspIRCd)", await latency(15, 30));
  assert((await latency(21, 30)) === "missed (≤ 20 ms)");
  assert((await latency(15, 12)) === "missed (≤ 1× InspIRCd)");
  assert(
    (await targetOf({
      scenario: "alone",
      unit: "deliveries/s",
      higherIsBetter: true,
      target: { ratio: 2.5 },
      cells: [cell("Parley", 1e6, 5)],
    })) === "no peer to compare",
  );
});
