import { assert, assertEqual, assertMatch } from "../_helpers/assert.ts";
import { cpuPerDelivery } from "../../bench/report.ts";
import { natsServerInstalled } from "../../bench/servers.ts";

const BENCH = new URL("../../bench/main.ts", import.meta.url).pathname;
const MAIN = new URL("../../main.ts", import.meta.url).pathname;

Deno.test("cpuPerDelivery turns % of a core and deliveries/s into µs per delivery", () => {
  // One full core for 100,000 deliveries a second: 10 µs each.
  assertEqual(cpuPerDelivery(100, 100_000), 10);
  assertEqual(cpuPerDelivery(50, 250_000), 2);
  assert(Number.isNaN(cpuPerDelivery(undefined, 1000)));
  assert(Number.isNaN(cpuPerDelivery(50, 0)));
});

/** Why the cluster smoke cannot run here, or undefined when it can. */
async function clusterUnavailable(): Promise<string | undefined> {
  if (!await natsServerInstalled()) return "nats-server is not installed";
  const help = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", MAIN, "serve", "--help"],
    stdin: "null",
    stdout: "piped",
    stderr: "null",
  }).output();
  if (!/--cluster\b/.test(new TextDecoder().decode(help.stdout))) {
    return "parley serve has no --cluster option in this build";
  }
  return undefined;
}

const unavailable = await clusterUnavailable();
if (unavailable) console.log(`bench --cluster smoke skipped: ${unavailable}`);

Deno.test({
  name:
    "bench --smoke --cluster 2 runs two nodes over one nats-server and reports CPU per delivery",
  ignore: unavailable !== undefined,
  async fn() {
    const out = await Deno.makeTempDir({ prefix: "parley-bench-cluster-" });
    try {
      const result = await new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "--allow-all",
          BENCH,
          "--smoke",
          "--cluster",
          "2",
          "--scenarios",
          "throughput",
          "--workers",
          "2",
          "--out",
          out,
        ],
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
      }).output();
      const stdout = new TextDecoder().decode(result.stdout);
      const stderr = new TextDecoder().decode(result.stderr);
      assert(result.success, `bench failed (exit ${result.code}):\n${stdout}\n${stderr}`);
      assertMatch(
        stdout,
        /\| throughput, 4 clients, bounded \(≤4 unacked\) \| Parley cluster ×2 \| [\d.]+ [kM], p99 [\d.]+ ms \| \d+% \| \d+% \| [\d.]+ \| [\d.]+ \|/,
      );
      assert(!stdout.includes("FAILED"), stdout);
    } finally {
      await Deno.remove(out, { recursive: true });
    }
  },
});
