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

import { startParley } from "../../../bench/servers.ts";
import { messageRun } from "../../../bench/scenarios.ts";
import { type PreparedGenerator, prepareGenerator } from "../../../bench/worker_pool.ts";
import { assert } from "../../_helpers/assert.ts";

const WINDOW_MS = 3_000;
const CLIENTS = 400;

async function cGenerator(): Promise<PreparedGenerator | undefined> {
  try {
    return await prepareGenerator("c");
  } catch (error) {
    console.log(`busy_reads_test: skipped: ${(error as Error).message}`);
    return undefined;
  }
}

const generator = Deno.build.os === "linux" ? await cGenerator() : undefined;
if (Deno.build.os !== "linux") {
  console.log("busy_reads_test: skipped: the C generator uses epoll (Linux)");
}
globalThis.addEventListener("unload", () => void generator?.[Symbol.asyncDispose]());

Deno.test({
  name:
    `busy room of ${CLIENTS} in a closed loop: a connection made during the load is answered during it`,
  ignore: generator === undefined,
  async fn() {
    await using server = await startParley({ checkout: Deno.env.get("PARLEY_CHECKOUT") });
    const result = await messageRun(server, {
      clients: CLIENTS,
      mode: "next",
      window: 1,
      durationMs: WINDOW_MS,
      workers: 1,
      generator,
    });
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
