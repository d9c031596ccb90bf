/**
 * Flood control against a live server: a paste gets through whole, a flooder
 * gets typed `rate_limited` errors, then a disconnect, and nobody else notices.
 */

import { assert, assertEqual, assertMatch } from "../_helpers/assert.ts";
import { assertServes } from "../_helpers/attack.ts";
import { RawClient } from "../_helpers/raw_client.ts";
import { startServe } from "../_helpers/serve_process.ts";
import { encodeMessage } from "../../protocol/messages.ts";

Deno.test("flood: a 50-line paste sent at once is delivered whole", async () => {
  await using server = await startServe();
  await using typist = await RawClient.join(server.port, "typist");
  await using reader = await RawClient.join(server.port, "reader");
  const frames = Array.from(
    { length: 50 },
    (_, i) => encodeMessage({ type: "msg", ref: 1000 + i, text: `line ${i} of a pasted block` }),
  );
  await typist.sendBytes(new Uint8Array(frames.flatMap((f) => [...f])));
  for (let i = 0; i < 50; i++) {
    const answer = await typist.next((m) =>
      (m.type === "ack" || m.type === "error") && m.ref === 1000 + i
    );
    assertEqual(answer.type, "ack", JSON.stringify(answer));
    await reader.next((m) => m.type === "msg" && m.text === `line ${i} of a pasted block`);
  }
  assert(!typist.received.some((m) => m.type === "error"));
});

Deno.test("flood: excess gets rate_limited with its ref, persistent excess a disconnect", async () => {
  await using server = await startServe([
    "--flood-rate",
    "5",
    "--flood-burst",
    "20",
    "--flood-strikes",
    "10",
  ]);
  await using flooder = await RawClient.join(server.port, "flooder");
  await using alice = await RawClient.join(server.port, "alice");
  await using bob = await RawClient.join(server.port, "bob");
  const count = 200;
  const frames = Array.from(
    { length: count },
    (_, i) => [...encodeMessage({ type: "msg", ref: i + 1, text: `spam ${i}` })],
  );
  await flooder.sendBytes(new Uint8Array(frames.flat())).catch(() => {});
  assert(await flooder.waitClosed(), "the flooder must be disconnected");
  // Acks may be cut short by the disconnect (they wait for the history commit), so count
  // what the room got: the burst (plus a token or so of refill) and nothing after it.
  const left = await alice.next((m) => m.type === "leave" && m.nick === "flooder");
  assert(left.type === "leave" && /rate_limited/.test(left.reason), JSON.stringify(left));
  await assertServes(alice, bob);
  const spam = alice.received.filter((m) => m.type === "msg" && m.from === "flooder");
  // The burst less the token the hello took (plus a token or so of refill).
  assert(spam.length >= 19 && spam.length <= 22, `delivered: ${spam.length}`);
  const acks = flooder.received.filter((m) => m.type === "ack");
  assert(acks.length <= spam.length, `acks: ${acks.length}`);
  const limited = flooder.received.filter((m) => m.type === "error" && m.code === "rate_limited");
  assert(limited.length >= 10, `rate_limited errors: ${limited.length}`);
  const delivered = spam.length;
  const [final, ...refused] = [limited.at(-1)!, ...limited.slice(0, -1)];
  assert(
    refused.every((m) => m.type === "error" && typeof m.ref === "number" && m.ref > delivered),
    JSON.stringify(refused[0]),
  );
  assert(final.type === "error" && /Disconnected for sending too fast/.test(final.message));
  const log = await server.log();
  assertMatch(log, /rate limited flooder \(127\.0\.0\.1:\d+\)/);
  assertMatch(
    log,
    /flood from flooder \(127\.0\.0\.1:\d+\): \d+ messages over the limit, disconnecting/,
  );
});

Deno.test("flood: a client over the byte rate is limited even at few messages", async () => {
  await using server = await startServe([
    "--flood-bytes",
    "4096",
    "--flood-burst-bytes",
    "20000",
    "--max-frame-bytes",
    "16384",
    "--max-media-bytes",
    "1000",
  ]);
  await using heavy = await RawClient.join(server.port, "heavy");
  const big = "y".repeat(8000);
  const refs = [await heavy.say(big), await heavy.say(big), await heavy.say(big)];
  const answers = await Promise.all(
    refs.map((ref) => heavy.next((m) => (m.type === "ack" || m.type === "error") && m.ref === ref)),
  );
  assertEqual(answers.map((a) => a.type === "error" ? a.code : a.type), [
    "ack",
    "ack",
    "rate_limited",
  ]);
});
