/**
 * Runs one closed-loop bench cell against `parley serve` and prints its
 * result as JSON on stdout: `deno run --allow-all closed_loop_run.ts CLIENTS
 * WINDOW_MS [CHECKOUT]`. A subprocess because the bench reads `/proc` for CPU
 * times, which the test task's permissions do not grant; the C load
 * generator is built for the run (needs `cc`).
 *
 * @module
 */

import { startParley } from "../../bench/servers.ts";
import { messageRun } from "../../bench/scenarios.ts";
import { prepareGenerator } from "../../bench/worker_pool.ts";

const [clients, windowMs, checkout] = Deno.args;
await using generator = await prepareGenerator("c");
await using server = await startParley({ checkout: checkout || undefined });
const result = await messageRun(server, {
  clients: Number(clients),
  mode: "next",
  window: 1,
  durationMs: Number(windowMs),
  workers: 1,
  generator,
});
console.log(JSON.stringify(result));
