import { assert, assertMatch } from "../_helpers/assert.ts";

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
        /\| throughput, 4 clients, bounded \(≤4 unacked\) \| [\d.]+ [kM] \|/,
        /\| throughput, 4 clients, open loop \| [\d.]+ [kM] \|/,
        /\| latency, 4 clients, 2 senders × 50 msg\/s .*\| [\d.]+ ms \/ /,
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
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});
