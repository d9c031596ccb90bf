import { assert, assertEqual } from "../../_helpers/assert.ts";
import { admitFake } from "../../_helpers/fake_peer.ts";
import { Hub } from "../../../server/chat/hub.ts";
import { HistoryStore } from "../../../server/storage/history_store.ts";
import type { Session } from "../../../server/chat/session.ts";

let ref = 1;
function command(hub: Hub, session: Session, name: string, args = "", room?: string) {
  hub.receive(session, { type: "command", ref: ref++, name, args, room });
}
function say(hub: Hub, session: Session, text: string, room?: string) {
  hub.receive(session, { type: "msg", ref: ref++, text, room });
}

Deno.test("Hub rooms: /join creates a room, messages stay in it, /part leaves it", () => {
  const hub = new Hub();
  const alice = admitFake(hub, "alice");
  const bob = admitFake(hub, "bob");
  command(hub, alice.session, "join", "#dev");
  assertEqual(alice.peer.of("join").at(-1), {
    type: "join",
    ts: alice.peer.of("join").at(-1)!.ts,
    room: "#dev",
    nick: "alice",
  });
  assertEqual(alice.peer.of("who").at(-1)?.users, [{ nick: "alice" }]);
  command(hub, bob.session, "join", "dev"); // '#' is optional
  say(hub, alice.session, "dev only", "#dev");
  say(hub, alice.session, "lobby line");
  assertEqual(bob.peer.of("msg").map((m) => [m.room, m.text]), [
    ["#dev", "dev only"],
    ["#lobby", "lobby line"],
  ]);
  const carol = admitFake(hub, "carol");
  say(hub, alice.session, "second dev line", "#dev");
  assert(!carol.peer.of("msg").some((m) => m.room === "#dev"), "carol is not in #dev");
  // Per-room who.
  command(hub, carol.session, "who", "#dev");
  assertEqual(carol.peer.of("who").at(-1)?.users.map((u) => u.nick), ["alice", "bob"]);
  // Part; writing there afterwards is refused.
  command(hub, bob.session, "part", "#dev bye now");
  assertEqual(alice.peer.of("leave").at(-1)?.reason, "part: bye now");
  say(hub, bob.session, "still here?", "#dev");
  assertEqual(bob.peer.of("error").at(-1)?.code, "not_in_room");
  // The last room cannot be parted.
  command(hub, carol.session, "part");
  assertEqual(carol.peer.of("error").at(-1)?.code, "bad_arguments");
});

Deno.test("Hub rooms: /join on a room already joined switches to it without a second join", () => {
  const hub = new Hub();
  const alice = admitFake(hub, "alice");
  command(hub, alice.session, "join", "#dev");
  const joins = alice.peer.of("join").length;
  command(hub, alice.session, "join", "#DEV");
  assertEqual(alice.peer.of("join").length, joins);
  assertEqual(alice.peer.of("who").at(-1)?.room, "#dev");
  command(hub, alice.session, "join", "#bad room");
  assertEqual(alice.peer.of("error").at(-1)?.code, "room_invalid");
});

Deno.test("Hub rooms: /rooms lists name, member count and topic; /topic is told to the room", () => {
  const hub = new Hub();
  const alice = admitFake(hub, "alice");
  const bob = admitFake(hub, "bob");
  command(hub, alice.session, "join", "#dev");
  command(hub, bob.session, "join", "#dev");
  command(hub, alice.session, "topic", "release \x1b[31mfriday", "#dev");
  const topic = bob.peer.of("topic").at(-1)!;
  assertEqual([topic.room, topic.topic, topic.by], ["#dev", "release friday", "alice"]);
  command(hub, bob.session, "rooms");
  assertEqual(bob.peer.of("rooms").at(-1)?.rooms, [
    { name: "#lobby", members: 2, topic: "" },
    { name: "#dev", members: 2, topic: "release friday" },
  ]);
});

Deno.test("Hub rooms: a topic survives the room emptying and a restart on the same store", async () => {
  const dir = await Deno.makeTempDir({ prefix: "parley-hub-" });
  try {
    const store = new HistoryStore(`${dir}/p.db`);
    const hub = new Hub({ history: store });
    const alice = admitFake(hub, "alice");
    command(hub, alice.session, "join", "#dev");
    command(hub, alice.session, "topic", "persisted", "#dev");
    command(hub, alice.session, "part", "#dev");
    assertEqual(hub.room("#dev"), undefined, "empty room is dropped");
    store.close();
    const hub2 = new Hub({ history: new HistoryStore(`${dir}/p.db`) });
    const bob = admitFake(hub2, "bob");
    command(hub2, bob.session, "join", "#dev");
    assertEqual(bob.peer.of("topic").at(-1)?.topic, "persisted");
    hub2.history.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("Hub history: joining replays the last N messages marked history, private ones excluded", () => {
  const hub = new Hub({ historyReplay: 3 });
  const alice = admitFake(hub, "alice");
  admitFake(hub, "bob");
  for (let i = 1; i <= 5; i++) say(hub, alice.session, `line ${i}`);
  command(hub, alice.session, "me", "waves");
  command(hub, alice.session, "msg", "bob psst");
  const carol = admitFake(hub, "carol");
  const replayed = carol.peer.messages.filter((m) =>
    (m.type === "msg" || m.type === "action" || m.type === "privmsg") && m.history
  );
  assertEqual(replayed.map((m) => [m.type, "text" in m ? m.text : ""]), [
    ["msg", "line 4"],
    ["msg", "line 5"],
    ["action", "waves"],
  ]);
  // Replay comes after the welcome.
  assertEqual(carol.peer.messages[0].type, "welcome");
  // Joining another room replays that room.
  command(hub, alice.session, "join", "#dev");
  say(hub, alice.session, "dev talk", "#dev");
  command(hub, carol.session, "join", "#dev");
  const dev = carol.peer.of("msg").filter((m) => m.room === "#dev");
  assertEqual(dev.map((m) => [m.text, m.history]), [["dev talk", true]]);
});

Deno.test("Hub history: /history N replays more and ends with a notice", () => {
  const hub = new Hub({ historyReplay: 1 });
  const alice = admitFake(hub, "alice");
  for (let i = 1; i <= 4; i++) say(hub, alice.session, `n${i}`);
  const bob = admitFake(hub, "bob");
  assertEqual(bob.peer.of("msg").map((m) => m.text), ["n4"]);
  bob.peer.clear();
  command(hub, bob.session, "history", "10");
  assertEqual(bob.peer.of("msg").map((m) => m.text), ["n1", "n2", "n3", "n4"]);
  assert(bob.peer.of("msg").every((m) => m.history === true));
  assertEqual(bob.peer.of("notice").at(-1)?.text, "End of history: 4 messages of #lobby");
  command(hub, bob.session, "history", "lots");
  assertEqual(bob.peer.of("error").at(-1)?.code, "bad_arguments");
});

Deno.test("Hub acks a message only after its batch is committed when the store is a file", async () => {
  const dir = await Deno.makeTempDir({ prefix: "parley-hub-" });
  const store = new HistoryStore(`${dir}/p.db`, { flushMs: 5 });
  try {
    const hub = new Hub({ history: store });
    const alice = admitFake(hub, "alice");
    const bob = admitFake(hub, "bob");
    hub.receive(alice.session, { type: "msg", ref: 77, text: "durable?" });
    // Fanout is immediate; the ack waits for the commit.
    assertEqual(bob.peer.of("msg").at(-1)?.text, "durable?");
    assertEqual(alice.peer.of("ack").length, 0);
    assertEqual(store.pendingCount, 1);
    await new Promise((r) => setTimeout(r, 40));
    const ack = alice.peer.of("ack").at(-1)!;
    assertEqual(ack.ref, 77);
    assertEqual(store.get(ack.id)?.text, "durable?");
  } finally {
    store.close();
    await Deno.remove(dir, { recursive: true });
  }
});
