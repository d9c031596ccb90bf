/**
 * Every connection is read while a room is busy (read_pacing.ts, "Starved
 * reads" in bench/README.md). Deno completes at most 128 socket operations
 * per poll of its scheduler, and under load it did not poll again for a
 * long while: a room of 1,000 in a closed loop served the same ~130 senders
 * and left the others, and any new connection, unread until the load ended.
 *
 * Here `parley serve` (a subprocess, with `--allow-ffi` as `deno task serve`
 * grants) gets 400 clients in a closed loop from the C load generator, and a
 * probe connection made after them pings every 10 ms during the load. A
 * starved probe is answered only when the load lets it: at 6551da9, 10% of
 * its pings waited over 1 s and 0.1% of deliveries 1.8 s (here: 44 and 49
 * ms). Needs `cc` (the C generator; a Deno generator in
 * one process is too slow to load the server) and says so when it skips.
 */

import type { RunResult } from "../../../bench/scenarios.ts";
import { assert } from "../../_helpers/assert.ts";
import { ccInstalled } from "../../_helpers/cc_installed.ts";

const WINDOW_MS = 3_000;
const CLIENTS = 400;
const RUN = new URL("../../_helpers/closed_loop_run.ts", import.meta.url).pathname;

const why = Deno.build.os !== "linux"
  ? "the C generator uses epoll (Linux)"
  : !(await ccInstalled())
  ? "no `cc` to build the C load generator (install gcc)"
  : "";
if (why) console.log(`busy_reads_test: skipped: ${why}`);

Deno.test({
  name:
    `busy room of ${CLIENTS} in a closed loop: a connection made during the load is answered during it`,
  ignore: why !== "",
  async fn() {
    const run = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--allow-all",
        RUN,
        String(CLIENTS),
        String(WINDOW_MS),
        Deno.env.get("PARLEY_CHECKOUT") ?? "",
      ],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    const out = new TextDecoder().decode(run.stdout);
    assert(run.success, `the run failed: ${out}${new TextDecoder().decode(run.stderr)}`);
    const result: RunResult = JSON.parse(out.trim().split("\n").at(-1)!);
    assert(result.ok, `the run failed: ${result.error}`);
    const { serverLag: lag, latency } = result;
    assert(lag !== undefined && lag.count > 0, `the probe got no answer: ${result.serverLagError}`);
    assert(latency !== undefined && latency.count > 0, "no delivery was timed");
    const summary = JSON.stringify({ probe: lag, deliveries: latency });
    // Starved, the probe's pings wait for the load to end (half of them
    // half the window or more); read like the others, tens of ms.
    assert(lag.p90 < WINDOW_MS / 6, `the probe waited for the load: ${summary}`);
    // Every sender's messages, the first included, are read during the load.
    assert(latency.p999 < WINDOW_MS / 6, `some senders were left unread: ${summary}`);
  },
});
