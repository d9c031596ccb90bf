/**
 * A reader that never reads sits in a busy room: it is disconnected as a slow
 * consumer, everyone else gets every acknowledged message, and the server's
 * memory stays bounded (VmRSS of the server process, sampled while it happens).
 */

import { assert, assertMatch } from "../_helpers/assert.ts";
import { assertServes, rssKiB } from "../_helpers/attack.ts";
import { RawClient } from "../_helpers/raw_client.ts";
import { startServe } from "../_helpers/serve_process.ts";
import { encodeMessage } from "../../protocol/messages.ts";

const MESSAGES = 12_000;
const TEXT_BYTES = 4000;
const WINDOW = 200;

Deno.test("slow consumer: a reader that never reads is dropped and memory stays bounded", async () => {
  await using server = await startServe([
    "--max-queue-bytes",
    "1048576",
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
  // The sleeper joins and then never reads a byte.
  const sleeper = await Deno.connect({ hostname: "127.0.0.1", port: server.port });
  await sleeper.write(encodeMessage({ type: "hello", version: 1, nick: "sleeper" }));
  await bob.next((m) => m.type === "join" && m.nick === "sleeper");
  const baseline = await rssKiB(server.child.pid);
  const samples: number[] = [baseline];
  const text = "z".repeat(TEXT_BYTES - 10);
  const acked = new Set<number>();
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
    await bob.next(
      (m) => m.type === "msg" && m.text.startsWith(String(sent + WINDOW - 1).padStart(9)),
      30_000,
    );
    bob.received.splice(0, bob.received.findLastIndex((m) => m.type === "msg"));
  }
  samples.push(await rssKiB(server.child.pid));
  const peak = Math.max(...samples);
  console.log(
    `slow consumer: ${MESSAGES} x ${TEXT_BYTES} B fanned out (${
      (MESSAGES * TEXT_BYTES / 1048576).toFixed(0)
    } MiB to the sleeper); ` +
      `server RSS KiB baseline ${baseline}, peak ${peak} (+${peak - baseline}), samples ${
        samples.join(" ")
      }`,
  );
  const log = await server.log();
  assertMatch(
    log,
    /slow consumer sleeper \(127\.0\.0\.1:\d+\): outbound queue over 1048576 bytes, disconnecting/,
  );
  const leave = bob.received.find((m) => m.type === "leave" && m.nick === "sleeper") ??
    (log.includes("leave sleeper") ? { type: "leave" } : undefined);
  assert(leave, "the sleeper must leave");
  assert(acked.size === MESSAGES, `acked ${acked.size} of ${MESSAGES}`);
  // Measured: bounded, the peak is ~+22 MiB of heap warm-up that levels off by
  // mid-run; unbounded, RSS climbs with the sleeper's queue to ~+75 MiB.
  const mid = samples[Math.floor(samples.length / 2)];
  assert(peak - baseline < 48 * 1024, `server RSS grew ${peak - baseline} KiB`);
  assert(
    peak - mid < 16 * 1024,
    `server RSS still climbing: +${peak - mid} KiB in the second half`,
  );
  await assertServes(alice, bob);
  sleeper.close();
});
