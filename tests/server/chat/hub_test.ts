import { Hub } from "../../../server/chat/hub.ts";
import { ChatError } from "../../../server/chat/chat_error.ts";
import { FakePeer } from "../../_helpers/fake_peer.ts";
import { assert, assertEqual, assertThrows } from "../../_helpers/assert.ts";

function hub(options: ConstructorParameters<typeof Hub>[0] = {}) {
  let now = 1_700_000_000_000;
  return new Hub({ now: () => now++, ...options });
}

function join(h: Hub, nick: string) {
  const peer = new FakePeer(`127.0.0.1:${40000 + nick.length}`);
  const session = h.admit({ type: "hello", version: 1, nick }, peer);
  peer.onClose = (reason) => h.disconnect(session, reason);
  return { peer, session };
}

Deno.test("Hub.admit sends welcome with the room's users and announces the join to others", () => {
  const h = hub({ serverName: "test" });
  const alice = join(h, "alice");
  const bob = join(h, "bob");
  const welcome = bob.peer.of("welcome")[0];
  assertEqual(welcome.users.map((u) => u.nick), ["alice", "bob"]);
  assertEqual([welcome.server, welcome.room, welcome.online], ["test", "#lobby", 2]);
  assertEqual(alice.peer.of("join").map((j) => j.nick), ["bob"]);
  assertEqual(bob.peer.of("join").length, 0);
});

Deno.test("Hub.admit refuses a taken nick case-insensitively, and invalid nicks", () => {
  const h = hub();
  join(h, "Alice");
  assertThrows(() => join(h, "ALICE"), ChatError, /already in use/);
  assertThrows(() => join(h, "bad nick"), ChatError, /whitespace/);
  try {
    join(h, "alice");
  } catch (error) {
    assertEqual((error as ChatError).code, "nick_taken");
  }
});

Deno.test("Hub.admit checks version, password and capacity", () => {
  const h = hub({ password: "pw", maxClients: 1 });
  const peer = new FakePeer();
  const code = (f: () => unknown) => {
    try {
      f();
    } catch (error) {
      return (error as ChatError).code;
    }
  };
  assertEqual(
    code(() => h.admit({ type: "hello", version: 3, nick: "a", password: "pw" }, peer)),
    "bad_version",
  );
  assertEqual(code(() => h.admit({ type: "hello", version: 1, nick: "a" }, peer)), "auth_failed");
  assertEqual(
    code(() => h.admit({ type: "hello", version: 1, nick: "a", password: "px" }, peer)),
    "auth_failed",
  );
  h.admit({ type: "hello", version: 1, nick: "a", password: "pw" }, peer);
  assertEqual(
    code(() => h.admit({ type: "hello", version: 1, nick: "b", password: "pw" }, new FakePeer())),
    "server_full",
  );
});

Deno.test("Hub chat: broadcast to others, ack to sender with increasing ids", () => {
  const h = hub();
  const alice = join(h, "alice");
  const bob = join(h, "bob");
  h.receive(alice.session, { type: "msg", ref: 7, room: "#lobby", text: "one" });
  h.receive(alice.session, { type: "msg", ref: 8, text: "two" });
  const acks = alice.peer.of("ack");
  assertEqual(acks.map((a) => a.ref), [7, 8]);
  assert(acks[1].id > acks[0].id && acks[0].id > 0);
  assertEqual(bob.peer.of("msg").map((m) => [m.from, m.text, m.id]), [
    ["alice", "one", acks[0].id],
    ["alice", "two", acks[1].id],
  ]);
  assertEqual(alice.peer.of("msg").length, 0);
});

Deno.test("Hub chat: sanitizes text, refuses empty and oversized text with the ref", () => {
  const h = hub({ maxTextBytes: 10 });
  const alice = join(h, "alice");
  const bob = join(h, "bob");
  h.receive(alice.session, { type: "msg", ref: 1, text: "a\x1b[2Jb" });
  assertEqual(bob.peer.of("msg")[0].text, "ab");
  h.receive(alice.session, { type: "msg", ref: 2, text: "   " });
  h.receive(alice.session, { type: "msg", ref: 3, text: "x".repeat(11) });
  assertEqual(alice.peer.of("error").map((e) => [e.ref, e.code]), [[2, "bad_arguments"], [
    3,
    "text_too_long",
  ]]);
});

Deno.test("Hub: a sender's lines reach each member as one run, before anything the server sends after them", () => {
  const h = hub();
  const alice = join(h, "alice");
  const bob = join(h, "bob");
  const carol = join(h, "carol");
  for (const p of [alice.peer, bob.peer, carol.peer]) p.clear();
  h.receive(alice.session, { type: "msg", ref: 1, text: "one" });
  h.receive(alice.session, { type: "msg", ref: 2, text: "two" });
  assertEqual(alice.peer.frames.length, 2, "the sender's acks go out as they are");
  assertEqual(bob.peer.frames.length, 0, "the lines wait for the end of the turn");
  h.receive(alice.session, { type: "command", ref: 3, name: "msg", args: "bob psst" });
  assertEqual(bob.peer.frames.length, 2, "one entry for the run, then the private message");
  assertEqual(bob.peer.messages.map((m) => m.type), ["msg", "msg", "privmsg"]);
  assertEqual(carol.peer.messages.map((m) => m.type), ["msg", "msg"]);
  assertEqual(alice.peer.messages.map((m) => m.type), ["ack", "ack", "ack"]);
});

Deno.test("Hub /msg reaches only its target; unknown nick is an error", () => {
  const h = hub();
  const alice = join(h, "alice");
  const bob = join(h, "bob");
  const carol = join(h, "carol");
  h.receive(alice.session, { type: "command", ref: 1, name: "msg", args: "BOB psst" });
  assertEqual(bob.peer.of("privmsg").map((m) => [m.from, m.to, m.text]), [[
    "alice",
    "bob",
    "psst",
  ]]);
  assertEqual(carol.peer.of("privmsg").length, 0);
  assert(alice.peer.of("ack")[0].id > 0);
  h.receive(alice.session, { type: "command", ref: 2, name: "msg", args: "nobody hi" });
  assertEqual(alice.peer.of("error")[0].code, "no_such_nick");
});

Deno.test("Hub /nick renames, frees the old nick and tells room-mates", () => {
  const h = hub();
  const alice = join(h, "alice");
  const bob = join(h, "bob");
  h.receive(alice.session, { type: "command", ref: 1, name: "nick", args: "alicia" });
  assertEqual(bob.peer.of("nick")[0], {
    type: "nick",
    ts: bob.peer.of("nick")[0].ts,
    old: "alice",
    nick: "alicia",
  });
  assertEqual(h.find("alicia"), alice.session);
  assertEqual(h.find("alice"), undefined);
  h.receive(bob.session, { type: "command", ref: 2, name: "nick", args: "Alicia" });
  assertEqual(bob.peer.of("error")[0].code, "nick_taken");
});

Deno.test("Hub rooms: join, per-room messages, part, and rooms list", () => {
  const h = hub();
  const alice = join(h, "alice");
  const bob = join(h, "bob");
  const carol = join(h, "carol");
  h.receive(alice.session, { type: "command", ref: 1, name: "join", args: "#dev" });
  h.receive(bob.session, { type: "command", ref: 2, name: "join", args: "dev" });
  assertEqual(alice.peer.of("join").filter((j) => j.room === "#dev").map((j) => j.nick), [
    "alice",
    "bob",
  ]);
  h.receive(alice.session, { type: "msg", ref: 3, room: "#dev", text: "dev only" });
  assertEqual(bob.peer.of("msg").map((m) => m.room), ["#dev"]);
  assertEqual(carol.peer.of("msg").length, 0);
  h.receive(carol.session, { type: "msg", ref: 4, room: "#dev", text: "let me in" });
  assertEqual(carol.peer.of("error")[0].code, "not_in_room");
  h.receive(carol.session, { type: "command", ref: 5, name: "rooms", args: "" });
  const rooms = carol.peer.of("rooms")[0].rooms;
  assertEqual(rooms.map((r) => [r.name, r.members]), [["#lobby", 3], ["#dev", 2]]);
  h.receive(bob.session, { type: "command", ref: 6, name: "part", room: "#dev", args: "" });
  assertEqual(alice.peer.of("leave").map((l) => [l.room, l.nick, l.reason]), [[
    "#dev",
    "bob",
    "part",
  ]]);
});

Deno.test("Hub disconnect announces leave once and frees the nick", () => {
  const h = hub();
  const alice = join(h, "alice");
  const bob = join(h, "bob");
  h.disconnect(bob.session, "connection reset");
  h.disconnect(bob.session, "connection reset");
  assertEqual(alice.peer.of("leave").map((l) => l.reason), ["connection reset"]);
  assertEqual(h.size, 1);
  join(h, "bob");
});

Deno.test("Hub /quit acks, then closes through the same disconnect path", () => {
  const h = hub();
  const alice = join(h, "alice");
  const bob = join(h, "bob");
  h.receive(bob.session, { type: "command", ref: 9, name: "quit", args: "bye all" });
  assertEqual(bob.peer.of("ack")[0].ref, 9);
  assertEqual(bob.peer.closedWith, "quit: bye all");
  assertEqual(alice.peer.of("leave")[0].reason, "quit: bye all");
});

Deno.test("Hub unknown command and bad arguments are typed errors with usage", () => {
  const h = hub();
  const alice = join(h, "alice");
  h.receive(alice.session, { type: "command", ref: 1, name: "frobnicate", args: "" });
  h.receive(alice.session, { type: "command", ref: 2, name: "msg", args: "bob" });
  assertEqual(alice.peer.of("error").map((e) => [e.ref, e.code, e.message]), [
    [1, "unknown_command", "Unknown command /frobnicate; try /help"],
    [2, "bad_arguments", "Usage: /msg NICK TEXT"],
  ]);
});

Deno.test("Hub /help is generated from the command table", () => {
  const h = hub();
  const alice = join(h, "alice");
  h.receive(alice.session, { type: "command", ref: 1, name: "help", args: "" });
  const names = alice.peer.of("help")[0].commands.map((c) => c.name);
  assertEqual(names, h.commands().map((c) => c.name));
  for (const required of ["who", "msg", "me", "nick", "quit", "help"]) {
    assert(names.includes(required), required);
  }
});

Deno.test("Hub fanout carries on when one member's queue is full", () => {
  const h = hub();
  const alice = join(h, "alice");
  const slow = join(h, "slow");
  const bob = join(h, "bob");
  slow.peer.accept = false;
  h.receive(alice.session, { type: "msg", ref: 1, text: "hi" });
  assertEqual(bob.peer.of("msg").length, 1);
});

Deno.test("Hub.shutdown notifies and closes everyone and refuses new hellos", () => {
  const h = hub();
  const alice = join(h, "alice");
  h.shutdown("maintenance");
  assertEqual(alice.peer.of("shutdown")[0].reason, "maintenance");
  assertEqual(alice.peer.closedWith, "server shutdown: maintenance");
  assertThrows(() => join(h, "late"), ChatError, /shutting down/);
});

Deno.test("Hub.kick tells the user and the room, and logs", () => {
  const h = hub();
  const alice = join(h, "alice");
  const bob = join(h, "bob");
  assertEqual(h.kick("BOB", "spam", "server"), true);
  assertEqual(bob.peer.of("notice")[0].text, "You were kicked by server: spam");
  assertEqual(alice.peer.of("leave")[0].reason, "kicked by server: spam");
  assertEqual(h.kick("ghost", "x", "server"), false);
});
