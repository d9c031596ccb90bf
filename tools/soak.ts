/**
 * Soak test: N clients chat for T minutes against a real `parley serve`,
 * some dropping their connection at random and coming back under a new nick.
 * At the end it checks that every acknowledged message reached every client
 * that stayed connected throughout, and it prints the server's RSS over time.
 *
 * Not part of `deno task test`. Run: `deno task soak [--clients N] [--minutes T]`
 * (also `--seconds S`, `--churn P` = chance per second that a churning client drops).
 *
 * `--attack` runs the server with `--http` and a database file, and beside the
 * healthy clients the attackers of `soak_attackers.ts`: floods, readers that
 * never read, half-sent HTTP requests, CJK closes, room churn and another
 * process holding the database lock. It then also reports the server's open
 * descriptors over time and the healthy clients' ack latency (p50, p99). A
 * message answered with `internal` (not saved while the database was locked)
 * is delivered but not acknowledged; it is counted apart. Acknowledged
 * messages lost must be 0.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { rssKiB } from "../tests/_helpers/attack.ts";
import { RawClient } from "../tests/_helpers/raw_client.ts";
import { startServe } from "../tests/_helpers/serve_process.ts";
import { type AttackCounts, runAttackers } from "./soak_attackers.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    clients: { type: "string", default: "20" },
    minutes: { type: "string", default: "1" },
    seconds: { type: "string" },
    churn: { type: "string", default: "0.05" },
    attack: { type: "boolean", default: false },
  },
});
const clients = Number(values.clients);
const durationMs = values.seconds !== undefined
  ? Number(values.seconds) * 1000
  : Number(values.minutes) * 60_000;
const churn = Number(values.churn);
if (!(clients >= 2) || !(durationMs > 0) || !(churn >= 0 && churn <= 1)) {
  console.error("soak: --clients must be at least 2, the duration positive, --churn 0..1");
  Deno.exit(2);
}

const attack = values.attack;
// Attackers share 127.0.0.1 with the healthy clients: leave room for both.
await using server = await startServe([
  "--max-per-address",
  String(clients * 4 + (attack ? 400 : 0)),
  ...(attack ? ["--http", "0"] : []),
]);
console.log(
  `soak: ${clients} clients for ${durationMs / 1000} s against port ${server.port}` +
    (attack ? ", under attack" : ""),
);
let webPort = 0;
for (let i = 0; attack && i < 100 && webPort === 0; i++) {
  const line = server.stdout.find((l) => l.startsWith("parley web on "));
  if (line) webPort = Number(new URL(line.slice("parley web on ".length)).port);
  else await new Promise((r) => setTimeout(r, 50));
}
/** Ack round trips of healthy clients, in ms. */
const latencies: number[] = [];
/** Messages delivered but answered `internal` (not saved). */
let unsaved = 0;

/** Acked message ids per sender nick. */
const acked = new Map<number, string>();
/** Clients that never disconnect (half of them); the others churn. */
const stayers: RawClient[] = [];
let reconnects = 0;
let sent = 0;
const deadline = Date.now() + durationMs;

async function chatter(index: number, stays: boolean): Promise<void> {
  let generation = 0;
  while (Date.now() < deadline) {
    const nick = `c${index}g${generation++}`;
    const client = await RawClient.join(server.port, nick);
    if (stays) stayers.push(client);
    while (Date.now() < deadline) {
      // About 2 messages a second per client: well under the flood limits.
      await new Promise((r) => setTimeout(r, 200 + Math.random() * 600));
      const sentAt = performance.now();
      const ref = await client.say(`${nick} says ${crypto.randomUUID()}`);
      sent++;
      const ack = await client.next(
        (m) => (m.type === "ack" || m.type === "error") && m.ref === ref,
        10_000,
      );
      latencies.push(performance.now() - sentAt);
      if (ack.type === "error" && ack.code === "internal" && attack) {
        unsaved++;
        continue;
      }
      if (ack.type !== "ack") throw new Error(`${nick} was refused: ${JSON.stringify(ack)}`);
      acked.set(ack.id, nick);
      // Keep the stayers' memory to what the check needs.
      if (!stays) client.received.length = 0;
      if (!stays && Math.random() < churn) {
        client.close(); // abrupt: no /quit
        reconnects++;
        await new Promise((r) => setTimeout(r, Math.random() * 300));
        break;
      }
    }
    if (!stays && Date.now() < deadline) continue;
    if (!stays) client.close();
    return;
  }
}

/** Open descriptors of a process, from `/proc/PID/fd` (Linux). */
async function openFds(pid: number): Promise<number> {
  const { stdout } = await new Deno.Command("ls", { args: [`/proc/${pid}/fd`] }).output();
  return new TextDecoder().decode(stdout).split("\n").filter((l) => l !== "").length;
}

let peakFds = 0;
const sampler = setInterval(async () => {
  const kib = await rssKiB(server.child.pid);
  const fds = await openFds(server.child.pid);
  peakFds = Math.max(peakFds, fds);
  const line = `t=${((Date.now() - deadline + durationMs) / 1000).toFixed(0)}s rss=${
    (kib / 1024).toFixed(1)
  }MiB fds=${fds} sent=${sent}`;
  console.log(`soak: ${line}`);
}, Math.min(5000, Math.max(1000, durationMs / 12)));

const started = Date.now();
const attackers: Promise<AttackCounts | undefined> = attack
  ? runAttackers({
    tcpPort: server.port,
    webPort,
    dataFile: `${server.dir}/parley.db`,
    until: deadline,
  })
  : Promise.resolve(undefined);
await Promise.all(Array.from({ length: clients }, (_, i) => chatter(i, i % 2 === 0)));
const attacked = await attackers;
clearInterval(sampler);
// Let the last fanouts arrive.
await new Promise((r) => setTimeout(r, 1000));

let missing = 0;
for (const stayer of stayers) {
  const me = (stayer.received.find((m) => m.type === "welcome") as { nick: string }).nick;
  const seen = new Set<number>();
  for (const m of stayer.received) if (m.type === "msg") seen.add(m.id);
  for (const [id, from] of acked) {
    if (from !== me && !seen.has(id)) {
      missing++;
      if (missing <= 10) console.error(`soak: ${me} never got message ${id} from ${from}`);
    }
  }
  stayer.close();
}
const finalRss = await rssKiB(server.child.pid);
const sorted = latencies.sort((a, b) => a - b);
const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;
console.log(
  `soak: healthy ack latency p50 ${pct(0.5).toFixed(1)} ms, p99 ${pct(0.99).toFixed(1)} ms, ` +
    `max ${pct(1).toFixed(1)} ms; peak server descriptors ${peakFds}, final ${await openFds(
      server.child.pid,
    )}`,
);
if (attacked) {
  console.log(
    `soak: attackers ${JSON.stringify(attacked)}; ${unsaved} messages not saved (internal)`,
  );
}
console.log(
  `soak: ${acked.size} messages acknowledged in ${((Date.now() - started) / 1000).toFixed(0)} s, ` +
    `${reconnects} abrupt disconnects, ${stayers.length} clients stayed; ` +
    `${missing} acknowledged deliveries missing; final server RSS ${
      (finalRss / 1024).toFixed(1)
    } MiB`,
);
// Deno.exit skips `await using`: stop the server first, or it outlives the soak.
await server.stop();
Deno.exit(missing === 0 ? 0 : 1);
