/**
 * Password brute force against a live server: every failure is answered
 * late, the address is locked out after K failures, others are not slowed.
 */

import { assert, assertEqual, assertMatch } from "../_helpers/assert.ts";
import { assertServes } from "../_helpers/attack.ts";
import { RawClient } from "../_helpers/raw_client.ts";
import { startServe } from "../_helpers/serve_process.ts";
import type { ServerMessage } from "../../protocol/messages.ts";

async function attempt(port: number, password: string): Promise<[ServerMessage, number]> {
  await using client = await RawClient.open(port);
  const started = Date.now();
  await client.send({
    type: "hello",
    version: 1,
    nick: `guess${crypto.randomUUID().slice(0, 8)}`,
    password,
  });
  const answer = await client.next(() => true, 15_000);
  return [answer, Date.now() - started];
}

Deno.test("password: a hundred wrong guesses meet a delay, then a lockout; members chat on", async () => {
  await using server = await startServe(
    // Every hello counts against the address's flood budget: room for a hundred here.
    [
      "--auth-delay",
      "300ms",
      "--auth-max-failures",
      "5",
      "--auth-lockout",
      "4s",
      "--flood-burst",
      "200",
    ],
    { env: { PARLEY_PASSWORD: "correct horse" } },
  );
  await using alice = await RawClient.join(server.port, "alice", "correct horse");
  await using bob = await RawClient.join(server.port, "bob", "correct horse");
  const codes: string[] = [];
  for (let i = 0; i < 100; i++) {
    const [answer, ms] = await attempt(server.port, `guess ${i}`);
    assert(answer.type === "error", JSON.stringify(answer));
    codes.push(answer.code);
    if (answer.code === "auth_failed") assert(ms >= 250, `failure ${i} answered after ${ms} ms`);
    // Members are served between guesses; the delay blocks only the guesser.
    if (i % 20 === 0) await assertServes(alice, bob, 2000);
  }
  assertEqual(codes.slice(0, 5), Array(5).fill("auth_failed"));
  assertEqual(codes.slice(5), Array(95).fill("locked_out"));
  // During the lockout even the right password is refused from this address.
  const [locked] = await attempt(server.port, "correct horse");
  assert(
    locked.type === "error" && locked.code === "locked_out" &&
      /try again in \d+ s/.test(locked.message),
  );
  // After it, the right password works again.
  await new Promise((r) => setTimeout(r, 4200));
  await using carol = await RawClient.join(server.port, "carol", "correct horse");
  await assertServes(carol, alice);
  const log = await server.log();
  assertMatch(log, /locked out 127\.0\.0\.1 for 4000 ms after 5 wrong passwords/);
  assertMatch(log, /refused 127\.0\.0\.1:\d+: locked out for \d+ more ms/);
  assert(!log.includes("guess 1"), "guessed passwords must never be logged");
});

Deno.test("password: parallel guesses cannot get past the failure count", async () => {
  await using server = await startServe(
    ["--auth-delay", "500ms", "--auth-max-failures", "5", "--auth-lockout", "1m"],
    { env: { PARLEY_PASSWORD: "right" } },
  );
  const answers = await Promise.all(
    Array.from({ length: 30 }, (_, i) => attempt(server.port, `wrong ${i}`)),
  );
  const failed = answers.filter(([a]) => a.type === "error" && a.code === "auth_failed").length;
  const locked = answers.filter(([a]) => a.type === "error" && a.code === "locked_out").length;
  assertEqual([failed, locked], [5, 25]);
});
