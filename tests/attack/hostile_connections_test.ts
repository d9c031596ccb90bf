/**
 * Scenario attacks on connections: oversized length prefixes, slowloris,
 * hundreds of silent sockets, the per-address cap, and resets mid-frame.
 * Every test runs a real `parley serve` on loopback.
 */

import { assert, assertEqual, assertMatch } from "../_helpers/assert.ts";
import { assertClean, assertServes, closedByPeer, rssKiB } from "../_helpers/attack.ts";
import { RawClient } from "../_helpers/raw_client.ts";
import { startServe } from "../_helpers/serve_process.ts";
import { encodeMessage } from "../../protocol/messages.ts";

const connect = (port: number) => Deno.connect({ hostname: "127.0.0.1", port });
const header = (length: number) =>
  new Uint8Array([length >>> 24, (length >>> 16) & 0xff, (length >>> 8) & 0xff, length & 0xff]);

Deno.test("attack: a 1 MB length prefix with no body allocates nothing and harms no one", async () => {
  await using server = await startServe(["--max-per-address", "200"]);
  await using alice = await RawClient.join(server.port, "alice");
  await using bob = await RawClient.join(server.port, "bob");
  // Before the handshake the cap is 8192 bytes: refused at once with a typed error.
  const early = await RawClient.open(server.port);
  await early.sendBytes(header(1_048_576));
  const refusal = await early.next(() => true);
  assert(refusal.type === "error" && refusal.code === "frame_too_large", JSON.stringify(refusal));
  assert(await early.waitClosed(), "the connection must be closed after frame_too_large");
  await early[Symbol.asyncDispose]();
  // After the handshake 1 MB is allowed, but declaring it must not reserve it.
  const before = await rssKiB(server.child.pid);
  const holders: RawClient[] = [];
  for (let i = 0; i < 100; i++) {
    const holder = await RawClient.join(server.port, `holder${i}`);
    await holder.sendBytes(header(1_048_576));
    holders.push(holder);
  }
  await assertServes(alice, bob);
  const grown = (await rssKiB(server.child.pid)) - before;
  // 100 preallocated frames would be 100 MiB; what is held is what was sent (4 bytes each).
  assert(grown < 40 * 1024, `server RSS grew ${grown} KiB for 100 empty 1 MB frames`);
  // One byte over the announced cap after the handshake is refused too.
  const over = await RawClient.join(server.port, "over");
  const welcome = over.received[0];
  assert(welcome.type === "welcome");
  await over.sendBytes(header(welcome.limits.maxFrameBytes + 1));
  const tooLarge = await over.next((m) => m.type === "error");
  assert(tooLarge.type === "error" && tooLarge.code === "frame_too_large");
  assert(await over.waitClosed());
  await over[Symbol.asyncDispose]();
  for (const holder of holders) await holder[Symbol.asyncDispose]();
  await assertServes(bob, alice);
  assertClean(alice);
  assertClean(bob);
  console.log(`1 MB prefixes: RSS before ${before} KiB, +${grown} KiB with 100 holders`);
});

Deno.test("attack: slowloris at a byte a second is cut off by the handshake timeout", async () => {
  await using server = await startServe(["--handshake-timeout", "1500ms"]);
  await using alice = await RawClient.join(server.port, "alice");
  await using bob = await RawClient.join(server.port, "bob");
  const hello = encodeMessage({ type: "hello", version: 1, nick: "slowpoke" });
  const slow = await RawClient.open(server.port);
  const started = Date.now();
  let sent = 0;
  while (!slow.closed && sent < hello.length && Date.now() - started < 8000) {
    await slow.sendBytes(hello.subarray(sent, sent + 1)).catch(() => {});
    sent++;
    await new Promise((r) => setTimeout(r, 1000));
  }
  assert(slow.closed, `still open after ${sent} bytes in ${Date.now() - started} ms`);
  assert(sent < hello.length, "the whole hello got through");
  const timeout = slow.received.find((m) => m.type === "error");
  assert(
    timeout?.type === "error" && timeout.code === "handshake_timeout",
    JSON.stringify(slow.received),
  );
  await slow[Symbol.asyncDispose]();
  await assertServes(alice, bob);
  assert(!(await server.log()).includes("join slowpoke"));
});

Deno.test("attack: 500 connections that never handshake are all dropped; others chat meanwhile", async () => {
  await using server = await startServe(["--handshake-timeout", "2s", "--max-per-address", "1000"]);
  await using alice = await RawClient.join(server.port, "alice");
  await using bob = await RawClient.join(server.port, "bob");
  const silent: Deno.Conn[] = [];
  for (let batch = 0; batch < 10; batch++) {
    silent.push(...await Promise.all(Array.from({ length: 50 }, () => connect(server.port))));
  }
  assertEqual(silent.length, 500);
  // While they sit there, the room works and a newcomer can join.
  await assertServes(alice, bob);
  await using carol = await RawClient.join(server.port, "carol");
  await assertServes(carol, alice);
  const results = await Promise.all(silent.map((conn) => closedByPeer(conn, 15_000)));
  assertEqual(results.filter((closed) => !closed).length, 0, "every silent socket must be closed");
  await assertServes(bob, carol);
});

Deno.test("attack: the per-address cap refuses the extra connection with a logged reason", async () => {
  await using server = await startServe(["--max-per-address", "3"]);
  const first = await RawClient.join(server.port, "one");
  await using second = await RawClient.join(server.port, "two");
  const third = await RawClient.open(server.port); // handshaking counts too
  const fourth = await RawClient.open(server.port);
  const refusal = await fourth.next(() => true);
  assert(
    refusal.type === "error" && refusal.code === "too_many_connections" &&
      /limit 3/.test(refusal.message),
    JSON.stringify(refusal),
  );
  assert(await fourth.waitClosed());
  await fourth[Symbol.asyncDispose]();
  await third[Symbol.asyncDispose]();
  await first[Symbol.asyncDispose]();
  await second.next((m) => m.type === "leave" && m.nick === "one");
  // Freed slots are usable again.
  let again: RawClient | undefined;
  for (let i = 0; i < 50 && !again; i++) {
    again = await RawClient.join(server.port, "again").catch(async () => {
      await new Promise((r) => setTimeout(r, 100));
      return undefined;
    });
  }
  assert(again, "a slot must free up once connections close");
  await assertServes(again, second);
  await again[Symbol.asyncDispose]();
  assertMatch(
    await server.log(),
    /refused 127\.0\.0\.1:\d+: 3 connections from that address already/,
  );
});

Deno.test("attack: fifty resets mid-frame lose no acknowledged message", async () => {
  await using server = await startServe(["--max-per-address", "200"]);
  await using alice = await RawClient.join(server.port, "alice");
  await using bob = await RawClient.join(server.port, "bob");
  const partial = encodeMessage({ type: "msg", ref: 1, text: "x".repeat(500) });
  const victims = await Promise.all(
    Array.from({ length: 50 }, (_, i) => RawClient.join(server.port, `victim${i}`)),
  );
  const acked: number[] = [];
  await Promise.all(victims.map(async (victim, i) => {
    // Cut inside the header, inside the payload, or right after a full frame.
    const cut = [2, 100, partial.length][i % 3];
    await victim.sendBytes(partial.subarray(0, cut));
    victim.close();
    if (i % 5 === 0) {
      const ref = await alice.say(`during reset ${i}`);
      const ack = await alice.next((m) => m.type === "ack" && m.ref === ref);
      if (ack.type === "ack") acked.push(ack.id);
    }
  }));
  for (const id of acked) await bob.next((m) => m.type === "msg" && m.id === id);
  for (let i = 0; i < 50; i++) await bob.next((m) => m.type === "leave" && m.nick === `victim${i}`);
  await assertServes(alice, bob);
  assertClean(bob);
  // Every reset is logged as a lost connection, whichever of reader and writer saw it first.
  const log = await server.log();
  for (let i = 0; i < 50; i++) {
    assertMatch(
      log,
      new RegExp(
        `leave victim${i} \\(127\\.0\\.0\\.1:\\d+\\): connection (lost|lost mid-frame|reset|closed)\\n`,
      ),
    );
  }
});
