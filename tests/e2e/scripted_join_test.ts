/**
 * Scripted `parley join` (stdin piped) against a real `parley serve`: every
 * line delivered in order at the pace the server announces, commands waited
 * for, refusals reported with their line, a summary on stderr and an exit code
 * per outcome.
 */

import { assert, assertEqual, assertMatch } from "../_helpers/assert.ts";
import { RawClient } from "../_helpers/raw_client.ts";
import { runJoin, startServe } from "../_helpers/serve_process.ts";
import type { ServerMessage } from "../../protocol/messages.ts";

/** `seq 1 n` as stdin text. */
const seq = (n: number) => Array.from({ length: n }, (_, i) => `${i + 1}\n`).join("");

/** Texts of the live chat lines `from` sent, in arrival order. */
function linesFrom(received: ServerMessage[], from: string): string[] {
  return received.flatMap((m) => m.type === "msg" && m.from === from && !m.history ? [m.text] : []);
}

/** Milliseconds between the server times of the first and the last line `from` sent. */
function spanOf(received: ServerMessage[], from: string): number {
  const times = received.flatMap((m) => m.type === "msg" && m.from === from ? [m.ts] : []);
  return times.at(-1)! - times[0];
}

Deno.test("scripted join delivers 200 piped lines to a default server, in order, and exits 0", async () => {
  // 200 is well above the default burst (60): the old client was disconnected for flooding
  // here. Against the default 10 messages/s this takes about 15 s.
  await using server = await startServe();
  await using watcher = await RawClient.join(server.port, "watcher");
  const result = await runJoin([`127.0.0.1:${server.port}`, "--nick", "bot"], seq(200));
  assertEqual(result.code, 0, result.stderr);
  assertMatch(result.stderr, /^parley: 200 sent, 200 acknowledged, 0 refused$/m);
  await watcher.next((m) => m.type === "msg" && m.text === "200", 5_000);
  assertEqual(linesFrom(watcher.received, "bot"), seq(200).trim().split("\n"));
  assert(!watcher.received.some((m) => m.type === "error"), "nothing was refused");
  assert(!(await server.log()).includes("flood from bot"), "flood control never triggered");
});

Deno.test("scripted join delivers 10,000 piped lines at the announced rate and exits 0", async () => {
  // 10,000 lines at the default 10/s would take over 16 minutes, too long for the suite: this
  // server announces 1000/s (its flood control enforces the same), so the run takes about 10 s.
  // The test above checks the default limits with 200 lines.
  await using server = await startServe(["--flood-rate", "1000"]);
  await using watcher = await RawClient.join(server.port, "watcher");
  const result = await runJoin([`127.0.0.1:${server.port}`, "--nick", "bot"], seq(10_000));
  assertEqual(result.code, 0, result.stderr + (await server.log()).slice(-3000));
  assertMatch(result.stderr, /^parley: 10000 sent, 10000 acknowledged, 0 refused$/m);
  await watcher.next((m) => m.type === "msg" && m.text === "10000", 10_000);
  const got = linesFrom(watcher.received, "bot");
  assertEqual(got.length, 10_000);
  assertEqual(got, seq(10_000).trim().split("\n"));
  // Paced from the announcement: no faster than 1000/s after the burst of 60.
  const elapsed = spanOf(watcher.received, "bot");
  assert(elapsed >= (10_000 - 60) / 1000 * 1000 - 50, `10,000 lines in ${elapsed} ms`);
  assert(!(await server.log()).includes("rate limited bot"), "flood control never refused one");
});

Deno.test("scripted join waits for /join before sending the next line to the new room", async () => {
  await using server = await startServe();
  await using lobby = await RawClient.join(server.port, "lobbyist");
  await using builder = await RawClient.join(server.port, "builder");
  await builder.command("join", "#builds");
  await builder.next((m) => m.type === "who" && m.room === "#builds");
  const result = await runJoin(
    [`127.0.0.1:${server.port}`, "--nick", "ci"],
    "/join #builds\nbuild 42 passed\n/who\n",
  );
  assertEqual(result.code, 0, result.stderr);
  const posted = await builder.next((m) => m.type === "msg" && m.text === "build 42 passed");
  assertEqual(posted.type === "msg" && posted.room, "#builds");
  await lobby.next((m) => m.type === "leave" && m.nick === "ci");
  assert(
    !lobby.received.some((m) => m.type === "msg" && m.text === "build 42 passed"),
    "the line went to #lobby",
  );
  assertMatch(result.stdout, /<ci> build 42 passed/);
  assertMatch(result.stderr, /^parley: 3 sent, 3 acknowledged, 0 refused$/m);
});

Deno.test("scripted join --json reports a refused line with its ref and line number and exits 8", async () => {
  await using server = await startServe();
  const result = await runJoin(
    [`127.0.0.1:${server.port}`, "--nick", "bot", "--json"],
    `first\n${"x".repeat(9000)}\nthird\n`,
  );
  assertEqual(result.code, 8, result.stderr);
  const events = result.stdout.trim().split("\n").map((l) => JSON.parse(l));
  const error = events.find((e) => e.type === "error");
  assertEqual(error?.code, "text_too_long");
  assertEqual(error?.line, 2);
  assert(typeof error?.ref === "number", JSON.stringify(error));
  // The ack of the /quit sent after stdin ended answers no line.
  const acks = events.filter((e) => e.type === "ack" && e.line !== undefined);
  assertEqual(acks.map((a) => a.line), [1, 3]);
  assertMatch(result.stderr, /^parley: 3 sent, 2 acknowledged, 1 refused \(text_too_long: 1\)$/m);
});

Deno.test("scripted join of one over-long line exits non-zero", async () => {
  await using server = await startServe();
  const result = await runJoin(
    [`127.0.0.1:${server.port}`, "--nick", "bot", "--json"],
    "x".repeat(9000) + "\n",
  );
  assertEqual(result.code, 8, result.stderr);
  assertMatch(result.stderr, /1 refused \(text_too_long: 1\)/);
});

Deno.test("scripted join says how to give the password a server requires", async () => {
  await using server = await startServe([], { env: { PARLEY_PASSWORD: "s3cret" } });
  const result = await runJoin([`127.0.0.1:${server.port}`, "--nick", "bot"], "hi\n");
  assertEqual(result.code, 5, result.stderr);
  assertMatch(result.stderr, /requires a password/);
  assertMatch(result.stderr, /PARLEY_PASSWORD/);
  assertMatch(result.stderr, /--password-file/);
});

Deno.test("scripted join --rate lowers the pace, and a rate above the server's is capped with a note", async () => {
  await using server = await startServe();
  await using watcher = await RawClient.join(server.port, "watcher");
  const slow = await runJoin(
    [`127.0.0.1:${server.port}`, "--nick", "slow", "--rate", "4"],
    seq(9),
  );
  assertEqual(slow.code, 0, slow.stderr);
  await watcher.next((m) => m.type === "msg" && m.from === "slow" && m.text === "9");
  // At most 4 at once, then 4 per second: the 9th goes at least 1.25 s after the first.
  const elapsed = spanOf(watcher.received, "slow");
  assert(elapsed >= 1_200, `9 lines at --rate 4 took ${elapsed} ms`);
  const fast = await runJoin(
    [`127.0.0.1:${server.port}`, "--nick", "fast", "--rate", "500"],
    seq(3),
  );
  assertEqual(fast.code, 0, fast.stderr);
  assertMatch(fast.stderr, /--rate 500 is above the server's 10 messages\/s; using 10/);
  const bad = await runJoin([`127.0.0.1:${server.port}`, "--nick", "bad", "--rate", "fast"]);
  assertEqual(bad.code, 2, bad.stderr);
});
