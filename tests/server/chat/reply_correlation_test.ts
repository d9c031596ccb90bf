/**
 * Every reply a command causes for its sender carries the command's `ref`,
 * and the `ack` comes last; broadcasts carry none.
 */

import { Hub } from "../../../server/chat/hub.ts";
import type { ServerMessage } from "../../../protocol/messages.ts";
import { admitFake, type FakePeer } from "../../_helpers/fake_peer.ts";
import { assert, assertEqual } from "../../_helpers/assert.ts";

/** Kinds that only ever reach the sender as a reply to one of its commands here. */
const REPLY_KINDS = new Set(["who", "rooms", "help", "search", "topic", "notice"]);

function setup() {
  let now = 1_700_000_000_000;
  const hub = new Hub({ now: () => now++, adminPassword: "sesame", historyReplay: 5 });
  const alice = admitFake(hub, "alice");
  const bob = admitFake(hub, "bob", "127.0.0.1:40001");
  let ref = 100;
  /** Runs a command as alice; returns the frames alice got for it. */
  const run = (name: string, args = "", room = "#lobby") => {
    alice.peer.clear();
    const r = ++ref;
    hub.receive(alice.session, { type: "command", ref: r, room, name, args });
    return { ref: r, frames: alice.peer.messages };
  };
  return { hub, alice, bob, run };
}

function refOf(message: ServerMessage): number | undefined {
  return "ref" in message ? message.ref : undefined;
}

/**
 * Checks the frames a command caused: the last is its `ack`, no other frame is
 * an answer to it, and each frame of `replies` kinds (and every replayed
 * history item) carries its `ref`.
 */
function assertCorrelated(
  result: { ref: number; frames: ServerMessage[] },
  replies: string[],
): void {
  const { ref, frames } = result;
  const last = frames.at(-1);
  assertEqual(last?.type === "ack" && last.ref, ref, `ack last: ${JSON.stringify(frames)}`);
  assertEqual(frames.filter((m) => m.type === "ack" || m.type === "error").length, 1);
  const kinds = frames.slice(0, -1).map((m) => m.type);
  for (const kind of replies) assert(kinds.includes(kind as ServerMessage["type"]), `no ${kind}`);
  for (const message of frames.slice(0, -1)) {
    const replayed = "history" in message && message.history === true;
    if (REPLY_KINDS.has(message.type) || replayed) {
      assertEqual(
        refOf(message),
        ref,
        `${message.type} without the ref: ${JSON.stringify(message)}`,
      );
    }
  }
}

Deno.test("/help, /who, /rooms and /topic replies carry the ref, then the ack", () => {
  const { run } = setup();
  assertCorrelated(run("help"), ["help"]);
  assertCorrelated(run("who"), ["who"]);
  assertCorrelated(run("who", "#lobby"), ["who"]);
  assertCorrelated(run("rooms"), ["rooms"]);
  assertCorrelated(run("topic"), ["topic"]);
});

Deno.test("/search and /history replies carry the ref, the replayed items and the footer too", () => {
  const { hub, bob, run } = setup();
  for (const text of ["needle one", "needle two", "hay"]) {
    hub.receive(bob.session, { type: "msg", ref: 1, room: "#lobby", text });
  }
  assertCorrelated(run("search", "needle"), ["search"]);
  const history = run("history", "2");
  assertCorrelated(history, ["msg", "notice"]);
  const replayed = history.frames.filter((m) => m.type === "msg");
  assertEqual(replayed.map((m) => m.type === "msg" && m.text), ["needle two", "hay"]);
  assertEqual(history.frames.at(-2)?.type, "notice", "the footer comes after the replay");
  const empty = run("history", "#lobby");
  assertCorrelated(empty, ["notice"]);
});

Deno.test("/join replies (who, topic, history) carry the ref; the join broadcast does not", () => {
  const { hub, bob, run } = setup();
  hub.receive(bob.session, { type: "command", ref: 1, room: "#lobby", name: "join", args: "#dev" });
  hub.receive(bob.session, {
    type: "command",
    ref: 2,
    room: "#dev",
    name: "topic",
    args: "builds",
  });
  hub.receive(bob.session, { type: "msg", ref: 3, room: "#dev", text: "earlier" });
  const result = run("join", "#dev");
  assertCorrelated(result, ["who", "topic", "msg"]);
  const join = result.frames.find((m) => m.type === "join");
  assert(join && refOf(join) === undefined, "the join broadcast is the same frame for everyone");
  const bobsJoin = bob.peer.of("join").at(-1);
  assertEqual(bobsJoin && refOf(bobsJoin), undefined);
  // Joining a room one is in again answers who alone.
  assertCorrelated(run("join", "#dev", "#dev"), ["who"]);
});

Deno.test("/op and operator commands answer with a notice carrying the ref", () => {
  const { run } = setup();
  assertCorrelated(run("op", "sesame"), ["notice"]);
  assertCorrelated(run("bans"), ["notice"]);
  assertCorrelated(run("unban", "nobody"), ["notice"]);
});

Deno.test("a refused command gets one error with its ref and no ack", () => {
  const { run } = setup();
  for (const [name, args] of [["nope", ""], ["who", "#nowhere"], ["msg", "nobody hi"]]) {
    const { ref, frames } = run(name, args);
    assertEqual(frames.map((m) => [m.type, refOf(m)]), [["error", ref]], `/${name} ${args}`);
  }
});

Deno.test("a broadcast caused by a command carries no ref, even to its sender", () => {
  const { bob, run } = setup();
  const result = run("topic", "new topic");
  const topic = result.frames.find((m) => m.type === "topic");
  assert(topic && refOf(topic) === undefined, JSON.stringify(result.frames));
  assertEqual(result.frames.at(-1)?.type, "ack");
  const seen = (bob.peer as FakePeer).of("topic").at(-1);
  assertEqual(seen?.topic, "new topic");
});
