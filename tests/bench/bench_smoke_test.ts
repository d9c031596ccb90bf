import { assert, assertEqual, assertMatch } from "../_helpers/assert.ts";

const MAIN = new URL("../../bench/main.ts", import.meta.url).pathname;

Deno.test("bench --smoke runs every scenario against parley serve and checks delivery", async () => {
  const out = await Deno.makeTempDir({ prefix: "parley-bench-smoke-" });
  try {
    const result = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-all", MAIN, "--smoke", "--workers", "2", "--out", out],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stdout = new TextDecoder().decode(result.stdout);
    const stderr = new TextDecoder().decode(result.stderr);
    assert(result.success, `bench --smoke failed (exit ${result.code}):\n${stdout}\n${stderr}`);
    for (
      const row of [
        /\| throughput, 4 clients, bounded \(≤4 unacked\) \| [\d.]+ [kM], p99 [\d.]+ ms \|/,
        /\| throughput, 4 clients, bounded \(≤16 in flight to the next member\) \| [\d.]+ [kM], p99 [\d.]+ ms \|/,
        /\| throughput, 4 clients, open loop \| [\d.]+ [kM]/,
        /\| latency at every receiver, 4 clients, 2 senders × 50 msg\/s \(p50 \/ p99 \/ p99\.9 \/ max\) \| [\d.]+ ms \/ [\d.]+ ms \/ [\d.]+ ms \/ [\d.]+ ms \|/,
        /\| server event-loop lag \(ping every 10 ms\) during latency, 4 clients \(p50 \/ p99 \/ max\) \| [\d.]+ ms \/ [\d.]+ ms \/ [\d.]+ ms \|/,
        /\| idle memory, 20 connections \| -?[\d.]+ KB \|/,
        /\| join storm, 20 clients at once \| [\d.]+ ms \|/,
        /\| history on/,
      ]
    ) assertMatch(stdout, row);
    assert(!stdout.includes("FAILED"), stdout);
    const files = [...Deno.readDirSync(out)].map((e) => e.name);
    assert(files.some((f) => f.endsWith(".md")), `no Markdown result in ${files}`);
    const json = files.find((f) => f.endsWith(".json"));
    assert(json, `no JSON result in ${files}`);
    const report = JSON.parse(Deno.readTextFileSync(`${out}/${json}`));
    assertMatch(report.commit, /^[0-9a-f]{7,}|unknown/);
    // Latency is taken at every receiver: 2 senders' messages reach 3 members each.
    const latency = report.rows.find((r: { kind?: string }) => r.kind === "latency");
    const cell = latency.cells[0];
    assert(cell.latency.count > 0, JSON.stringify(cell));
    assertEqual(cell.latency.count % 3, 0);
    assert(cell.serverLag.count > 0, "the lag probe recorded no ping");
    // A window that never reopened would stop at 16 messages per sender (192 deliveries).
    const next = report.rows.find((r: { scenario: string }) => r.scenario.includes("next member"));
    assert(next.cells[0].value * 0.3 > 192 * 2, JSON.stringify(next.cells[0]));
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});
