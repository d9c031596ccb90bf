import { assertEqual } from "../../_helpers/assert.ts";
import {
  alternateNick,
  ReconnectPolicy,
  reconnectsAfter,
} from "../../../client/core/reconnect_policy.ts";
import type { WelcomeMessage } from "../../../protocol/messages.ts";

function welcome(nick: string, resume?: string): WelcomeMessage {
  const w: WelcomeMessage = {
    type: "welcome",
    version: 1,
    server: "test",
    software: "parley test",
    nick,
    room: "#lobby",
    users: [{ nick }],
    online: 1,
    limits: { maxFrameBytes: 1 << 20, maxTextBytes: 8192, heartbeatMs: 30_000 },
  };
  if (resume !== undefined) w.resume = resume;
  return w;
}

Deno.test("alternateNick appends one underscore within the 32-character limit", () => {
  assertEqual(alternateNick("alice"), "alice_");
  assertEqual(alternateNick("a".repeat(32)), "a".repeat(31) + "_");
});

Deno.test("reconnectsAfter stops only for bye kicked and replaced", () => {
  assertEqual(reconnectsAfter(undefined), true);
  assertEqual(reconnectsAfter({ type: "bye", code: "kicked", reason: "" }), false);
  assertEqual(reconnectsAfter({ type: "bye", code: "replaced", reason: "" }), false);
  assertEqual(reconnectsAfter({ type: "bye", code: "shutdown", reason: "" }), true);
  assertEqual(reconnectsAfter({ type: "bye", code: "rate_limited", reason: "" }), true);
  assertEqual(reconnectsAfter({ type: "bye", code: "not_invented_yet", reason: "" }), true);
});

Deno.test("ReconnectPolicy presents the latest welcome's resume token with growing delays", () => {
  const policy = new ReconnectPolicy({ baseMs: 100, maxMs: 1000, random: () => 0 });
  policy.welcomed(welcome("alice", "t1"));
  policy.dropped("alice");
  assertEqual(policy.next(), { attempt: 1, delayMs: 50, nick: "alice", resume: "t1", address: 0 });
  assertEqual(policy.next(), { attempt: 2, delayMs: 100, nick: "alice", resume: "t1", address: 0 });
  assertEqual(policy.next().delayMs, 200);
  policy.welcomed(welcome("alice", "t2"));
  policy.dropped("alice2");
  assertEqual(policy.next(), { attempt: 1, delayMs: 50, nick: "alice2", resume: "t2", address: 0 });
});

Deno.test("ReconnectPolicy answers nick_taken with another nick and no token, and stops on permanent refusals", () => {
  const policy = new ReconnectPolicy({ random: () => 0 });
  policy.remember("alice", "t1");
  assertEqual(policy.refused("nick_taken"), { action: "retry", nick: "alice_" });
  assertEqual(policy.next().resume, undefined);
  assertEqual(policy.next().nick, "alice_");
  assertEqual(policy.refused("server_full"), { action: "retry" });
  assertEqual(policy.refused(undefined), { action: "retry" });
  for (
    const code of ["auth_failed", "locked_out", "banned", "bad_version", "nick_invalid"] as const
  ) {
    assertEqual(policy.refused(code), { action: "stop" });
  }
});

Deno.test("ReconnectPolicy moves to the next address after a drop and rotates on each attempt", () => {
  const policy = new ReconnectPolicy({ random: () => 0 }, 3);
  policy.welcomed(welcome("alice", "t1"));
  policy.connectedTo(1);
  policy.dropped("alice");
  // The node at index 1 just went away: start with the one after it.
  assertEqual([policy.next(), policy.next(), policy.next(), policy.next()].map((a) => a.address), [
    2,
    0,
    1,
    2,
  ]);
  policy.welcomed(welcome("alice", "t2"));
  policy.connectedTo(0);
  policy.dropped("alice");
  assertEqual(policy.next().address, 1);
});

Deno.test("ReconnectPolicy with one address always dials it", () => {
  const policy = new ReconnectPolicy({ random: () => 0 });
  policy.dropped("alice");
  assertEqual([policy.next().address, policy.next().address], [0, 0]);
});

Deno.test("ReconnectPolicy retries as another nick when the nick is registered to another key", () => {
  const policy = new ReconnectPolicy({ random: () => 0.5 });
  policy.remember("alice", "token");
  assertEqual(policy.refused("nick_registered"), { action: "retry", nick: "alice_" });
  assertEqual(policy.next().resume, undefined, "the token was for the old nick");
});
