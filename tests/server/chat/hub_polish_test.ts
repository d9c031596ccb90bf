import { Hub } from "../../../server/chat/hub.ts";
import { AWAY_REPLY_INTERVAL_MS } from "../../../server/chat/chat_lines.ts";
import { FakePeer } from "../../_helpers/fake_peer.ts";
import { assertEqual } from "../../_helpers/assert.ts";

function setup(options: ConstructorParameters<typeof Hub>[0] = {}) {
  const clock = { now: 1_700_000_000_000 };
  const h = new Hub({ now: () => clock.now, ...options });
  let port = 40000;
  const join = (nick: string) => {
    const peer = new FakePeer(`127.0.0.1:${port++}`);
    const session = h.admit({ type: "hello", version: 1, nick }, peer);
    peer.onClose = (reason) => h.disconnect(session, reason);
    return { peer, session };
  };
  return { h, clock, join };
}

Deno.test("Hub.shutdown sends the notice and bye but no leave per user", () => {
  const { h, join } = setup();
  const alice = join("alice");
  join("bob");
  join("carol");
  h.shutdown("SIGINT");
  assertEqual(alice.peer.of("leave"), []);
  assertEqual(alice.peer.of("shutdown").map((m) => m.reason), ["SIGINT"]);
  assertEqual(alice.peer.of("bye").map((m) => m.code), ["shutdown"]);
});

Deno.test("Hub sends the lobby's topic on connect", () => {
  const { h, join } = setup();
  const alice = join("alice");
  h.receive(alice.session, { type: "command", ref: 1, name: "topic", args: "Release on Friday" });
  const bob = join("bob");
  const topics = bob.peer.of("topic");
  assertEqual(topics.map((t) => [t.room, t.topic, t.by]), [[
    "#lobby",
    "Release on Friday",
    "alice",
  ]]);
});

Deno.test("Hub delivers /msg to oneself once: the ack is the echo", () => {
  const { h, join } = setup();
  const alice = join("alice");
  h.receive(alice.session, { type: "command", ref: 1, name: "msg", args: "alice note to self" });
  assertEqual(alice.peer.of("privmsg"), []);
  assertEqual(alice.peer.of("ack").filter((a) => a.ref === 1 && a.id > 0).length, 1);
});

Deno.test("Hub answers a /msg to an away user with a notice, once per interval", () => {
  const { h, clock, join } = setup();
  const alice = join("alice");
  const bob = join("bob");
  h.receive(bob.session, { type: "command", ref: 1, name: "away", args: "at lunch" });
  const awayNotices = () => alice.peer.of("notice").filter((n) => /is away/.test(n.text));
  h.receive(alice.session, { type: "command", ref: 2, name: "msg", args: "bob one" });
  h.receive(alice.session, { type: "command", ref: 3, name: "msg", args: "bob two" });
  assertEqual(awayNotices().map((n) => n.text), ["bob is away: at lunch"]);
  clock.now += AWAY_REPLY_INTERVAL_MS;
  h.receive(alice.session, { type: "command", ref: 4, name: "msg", args: "bob three" });
  assertEqual(awayNotices().length, 2);
  // Back, then away without a message: a new away state answers at once, without ": away".
  h.receive(bob.session, { type: "command", ref: 5, name: "back", args: "" });
  h.receive(alice.session, { type: "command", ref: 6, name: "msg", args: "bob four" });
  assertEqual(awayNotices().length, 2);
  h.receive(bob.session, { type: "command", ref: 7, name: "away", args: "" });
  h.receive(alice.session, { type: "command", ref: 8, name: "msg", args: "bob five" });
  assertEqual(awayNotices().at(-1)?.text, "bob is away");
  assertEqual(bob.peer.of("privmsg").length, 5);
});

Deno.test("/unmute is announced to the user's rooms like /mute", () => {
  const { h, join } = setup({ adminPassword: "sesame" });
  const op = join("op");
  const bob = join("bob");
  h.receive(op.session, { type: "command", ref: 1, name: "op", args: "sesame" });
  h.receive(op.session, { type: "command", ref: 2, name: "mute", args: "bob" });
  h.receive(op.session, { type: "command", ref: 3, name: "unmute", args: "bob" });
  const texts = bob.peer.of("notice").map((n) => n.text);
  assertEqual(texts.filter((t) => /muted by op/.test(t)).length, 2);
  assertEqual(texts.at(-1), "bob was unmuted by op");
  assertEqual(op.peer.of("notice").some((n) => n.text === "bob was unmuted by op"), true);
});
