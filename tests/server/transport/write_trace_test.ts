import { assert, assertEqual } from "../../_helpers/assert.ts";
import {
  WRITE_TRACE,
  WRITE_TRACE_ENV,
  WriteTrace,
  type WriteTraceSummary,
} from "../../../server/transport/write_trace.ts";

Deno.test("WriteTrace counts frames per write and reports wait percentiles within a bucket", () => {
  const trace = new WriteTrace();
  trace.queued(30);
  for (let i = 1; i <= 100; i++) trace.written(i, 10);
  const summary = trace.summary();
  assertEqual(summary.frames, 30);
  assertEqual(summary.writes, 100);
  assertEqual(summary.bytes, 1000);
  assertEqual(summary.framesPerWrite, 0.3);
  assertEqual(summary.waitMs.count, 100);
  assertEqual(summary.waitMs.max, 100);
  // Buckets are 1/8 of a power of two wide: a percentile is at most 9% above the sample.
  assert(summary.waitMs.p50 >= 50 && summary.waitMs.p50 <= 50 * 1.091, `p50 ${summary.waitMs.p50}`);
  assert(summary.waitMs.p99 >= 99 && summary.waitMs.p99 <= 100, `p99 ${summary.waitMs.p99}`);
  assertEqual(new WriteTrace().summary().waitMs.p99, 0, "empty: zeros");
});

Deno.test("The write trace is off unless PARLEY_WRITE_TRACE is set", () => {
  assertEqual(Deno.env.get(WRITE_TRACE_ENV), undefined, "the test runner does not set it");
  assertEqual(WRITE_TRACE, undefined);
});

Deno.test("PARLEY_WRITE_TRACE makes a process write its queues' trace to the file, %p the process id", async () => {
  const dir = await Deno.makeTempDir({ prefix: "parley-write-trace-" });
  try {
    const queueModule = new URL("../../../server/transport/write_queue.ts", import.meta.url).href;
    const script = `
      import { WriteQueue } from ${JSON.stringify(queueModule)};
      const queue = new WriteQueue({ write: (data) => Promise.resolve(data.length) });
      const arena = new Uint8Array(300);
      for (let i = 0; i < 3; i++) queue.push(arena.subarray(i * 100, i * 100 + 100));
      await queue.drain(1000);
      queue.push(new Uint8Array(50));
      await queue.drain(1000);
      console.log(Deno.pid);
      await new Promise((resolve) => setTimeout(resolve, 1300));
    `;
    const output = await new Deno.Command(Deno.execPath(), {
      args: ["eval", "--quiet", script],
      env: { [WRITE_TRACE_ENV]: `${dir}/trace.%p.json` },
      stdout: "piped",
      stderr: "inherit",
    }).output();
    assert(output.success, "the traced process ran");
    const pid = new TextDecoder().decode(output.stdout).trim();
    const summary: WriteTraceSummary = JSON.parse(
      await Deno.readTextFile(`${dir}/trace.${pid}.json`),
    );
    assertEqual(summary.frames, 4);
    assertEqual(summary.writes, 2, "three adjacent frames in one write, then one");
    assertEqual(summary.bytes, 350);
    assertEqual(summary.waitMs.count, 2);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
