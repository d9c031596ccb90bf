/**
 * A reader that never reads sits in a busy room: it is disconnected as a slow
 * consumer, everyone else gets every acknowledged message, and the server's
 * memory stays bounded. Memory is VmRSS of the server process, sampled while
 * it happens, and compared with the same traffic when the third client reads
 * (history storage makes RSS grow either way).
 */

import { assert, assertMatch } from "../_helpers/assert.ts";
import { assertServes, rssKiB } from "../_helpers/attack.ts";
import { RawClient } from "../_helpers/raw_client.ts";
import { startServe } from "../_helpers/serve_process.ts";
import { encodeMessage } from "../../protocol/messages.ts";

const MESSAGES = 12_000;
const TEXT_BYTES = 4000;
const WINDOW = 200;

interface Run {
  baseline: number;
  peak: number;
  samples: number[];
  log: string;
  sleeperLeft: boolean;
}

async function busyRoom(sleeperReads: boolean): Promise<Run> {
  await using server = await startServe([
    "--flood-rate",
    "1000000",
    "--flood-burst",
    "1000000",
    "--flood-bytes",
    "1000000000",
    "--flood-burst-bytes",
    "1000000000",
  ]);
  await using alice = await RawClient.join(server.port, "alice");
  await using bob = await RawClient.join(server.port, "bob");
  let reader: RawClient | undefined;
  let sleeper: Deno.Conn | undefined;
  if (sleeperReads) reader = await RawClient.join(server.port, "sleeper");
  else {
    // The sleeper joins and then never reads a byte.
    sleeper = await Deno.connect({ hostname: "127.0.0.1", port: server.port });
    await sleeper.write(encodeMessage({ type: "hello", version: 1, nick: "sleeper" }));
  }
  await bob.next((m) => m.type === "join" && m.nick === "sleeper");
  const baseline = await rssKiB(server.child.pid);
  const samples: number[] = [baseline];
  const text = "z".repeat(TEXT_BYTES - 10);
  const acked = new Set<number>();
  let sleeperLeft = false;
  for (let sent = 0; sent < MESSAGES; sent += WINDOW) {
    const refs: number[] = [];
    for (let i = 0; i < WINDOW; i++) {
      refs.push(await alice.say(`${String(sent + i).padStart(9)} ${text}`));
    }
    const last = refs.at(-1)!;
    await alice.next((m) => m.type === "ack" && m.ref === last, 30_000);
    if ((sent / WINDOW) % 5 === 0) samples.push(await rssKiB(server.child.pid));
    // Keep the test's own memory flat: drop what was checked.
    for (const m of alice.received.splice(0)) if (m.type === "ack") acked.add(m.id);
    const mark = String(sent + WINDOW - 1).padStart(9);
    await bob.next((m) => m.type === "msg" && m.text.startsWith(mark), 30_000);
    if (bob.received.some((m) => m.type === "leave" && m.nick === "sleeper")) sleeperLeft = true;
    bob.received.splice(0, bob.received.findLastIndex((m) => m.type === "msg"));
    if (reader) reader.received.length = 0;
  }
  samples.push(await rssKiB(server.child.pid));
  assert(acked.size === MESSAGES, `acked ${acked.size} of ${MESSAGES}`);
  await assertServes(alice, bob);
  sleeper?.close();
  await reader?.[Symbol.asyncDispose]();
  return { baseline, peak: Math.max(...samples), samples, log: await server.log(), sleeperLeft };
}

Deno.test("slow consumer: a reader that never reads is dropped and memory stays bounded", async () => {
  const control = await busyRoom(true);
  const slow = await busyRoom(false);
  const growth = (run: Run) => run.peak - run.baseline;
  console.log(
    `slow consumer: ${MESSAGES} x ${TEXT_BYTES} B (${
      (MESSAGES * TEXT_BYTES / 1048576).toFixed(0)
    } MiB to each reader); server RSS growth KiB: all reading +${growth(control)}, ` +
      `one never reading +${growth(slow)}; samples ${slow.samples.join(" ")}`,
  );
  assertMatch(
    slow.log,
    /slow consumer sleeper \(127\.0\.0\.1:\d+\): outbound queue over \d+ bytes, disconnecting/,
  );
  assert(slow.sleeperLeft, "the room must see the sleeper leave");
  assert(!control.log.includes("slow consumer"), "a reading client must not be dropped");
  // Unbounded, the sleeper's queue alone would add ~40 MiB (46 MiB less what the kernel buffers).
  assert(
    growth(slow) - growth(control) < 20 * 1024,
    `the never-reading client cost ${growth(slow) - growth(control)} KiB more`,
  );
});
