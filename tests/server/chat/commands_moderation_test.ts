import { assert, assertEqual, assertMatch } from "../../_helpers/assert.ts";
import { admitFake } from "../../_helpers/fake_peer.ts";
import { PROTOCOL_VERSION } from "../../../protocol/messages.ts";
import { ChatError } from "../../../server/chat/chat_error.ts";
import { moderate } from "../../../server/chat/commands_moderation.ts";
import { Hub } from "../../../server/chat/hub.ts";
import { FakePeer } from "../../_helpers/fake_peer.ts";
import { hostOf, isAddressTarget, parseBanTarget } from "../../../server/chat/moderation.ts";
import { SecretGuard } from "../../../server/guards/secret_guard.ts";

function hubAt(clock: { now: number }) {
  const now = () => clock.now;
  // No delay, so that refusals arrive within the synchronous call.
  const secrets = new SecretGuard({ delayMs: 0, maxFailures: 3 }, now);
  return new Hub({ adminPassword: "sesame", now, secrets });
}

Deno.test("/op grants operator status with the right password; wrong ones lock the address out", () => {
  const hub = hubAt({ now: 1000 });
  const alice = admitFake(hub, "alice");
  const bob = admitFake(hub, "bob", "192.0.2.9:4000");
  hub.receive(alice.session, { type: "command", ref: 1, name: "kick", args: "bob" });
  assertEqual(alice.peer.of("error").at(-1)?.code, "forbidden");
  for (let i = 0; i < 3; i++) {
    hub.receive(alice.session, { type: "command", ref: 2, name: "op", args: "guess" });
    assertEqual(alice.peer.of("error").at(-1)?.code, "auth_failed");
  }
  hub.receive(alice.session, { type: "command", ref: 3, name: "op", args: "sesame" });
  assertEqual(alice.peer.of("error").at(-1)?.code, "locked_out", "the address is locked out");
  // Another connection from the same address gets no fresh tries.
  const again = admitFake(hub, "alice2");
  hub.receive(again.session, { type: "command", ref: 3, name: "op", args: "sesame" });
  assertEqual(again.peer.of("error").at(-1)?.code, "locked_out");
  hub.receive(bob.session, { type: "command", ref: 4, name: "op", args: "sesame" });
  assert(hub.moderation.isOperator(bob.session));
  hub.receive(bob.session, { type: "command", ref: 5, name: "kick", args: "alice flooding" });
  assertEqual(alice.peer.closedWith, "kicked by bob: flooding");
  assertEqual(hub.find("alice"), undefined);
  const noOps = new Hub();
  const carol = admitFake(noOps, "carol");
  noOps.receive(carol.session, { type: "command", ref: 1, name: "op", args: "" });
  assertEqual(carol.peer.of("error").at(-1)?.code, "bad_arguments");
  noOps.receive(carol.session, { type: "command", ref: 1, name: "op", args: "x" });
  assertMatch(carol.peer.of("error").at(-1)!.message, /no operators/);
});

Deno.test("mute stops a user speaking until it expires, and survives a rename", () => {
  const clock = { now: 1000 };
  const hub = hubAt(clock);
  const alice = admitFake(hub, "alice");
  const bob = admitFake(hub, "bob");
  assertEqual(moderate(hub, "mute", "bob 10m", "server"), "Muted bob for 10m");
  assertEqual(alice.peer.of("notice").at(-1)?.text, "bob was muted by server for 10m");
  hub.receive(bob.session, { type: "msg", ref: 1, text: "hello?" });
  assertEqual(bob.peer.of("error").at(-1)?.code, "muted");
  hub.receive(bob.session, { type: "command", ref: 2, name: "nick", args: "bobby" });
  hub.receive(bob.session, { type: "command", ref: 3, name: "me", args: "sneaks" });
  hub.receive(bob.session, { type: "command", ref: 4, name: "msg", args: "alice psst" });
  hub.receive(bob.session, { type: "command", ref: 5, name: "topic", args: "x" });
  hub.receive(bob.session, { type: "command", ref: 6, name: "roll", args: "" });
  assertEqual(bob.peer.of("error").filter((e) => e.code === "muted").length, 5);
  assertEqual(alice.peer.of("msg").length + alice.peer.of("action").length, 0);
  clock.now += 10 * 60_000;
  hub.receive(bob.session, { type: "msg", ref: 7, text: "free" });
  assertEqual(alice.peer.of("msg").at(-1)?.text, "free");
  moderate(hub, "mute", "bobby", "server");
  assertEqual(moderate(hub, "unmute", "BOBBY", "server"), "Unmuted BOBBY");
  hub.receive(bob.session, { type: "msg", ref: 8, text: "again" });
  assertEqual(alice.peer.of("msg").at(-1)?.text, "again");
});

Deno.test("ban by nick disconnects and refuses the nick with banned until it expires or is lifted", () => {
  const clock = { now: 1000 };
  const hub = hubAt(clock);
  admitFake(hub, "alice");
  const troll = admitFake(hub, "Troll", "198.51.100.7:5555");
  assertEqual(
    moderate(hub, "ban", "troll 1h spamming links", "alice"),
    "Banned nick troll and address 198.51.100.7 for 1h; disconnected Troll",
  );
  assertMatch(troll.peer.closedWith ?? "", /banned by alice: spamming links/);
  let refused: unknown;
  try {
    hub.admit({ type: "hello", version: PROTOCOL_VERSION, nick: "TROLL" }, new FakePeer());
  } catch (error) {
    refused = error;
  }
  assert(refused instanceof ChatError && refused.code === "banned", String(refused));
  assertMatch((refused as Error).message, /until .*: spamming links/);
  clock.now += 3_600_000;
  admitFake(hub, "troll"); // expired
  hub.disconnect(hub.find("troll")!, "test");
  moderate(hub, "ban", "troll", "alice");
  assertMatch(moderate(hub, "bans", "", "alice"), /nick troll permanent by alice/);
  assertEqual(moderate(hub, "unban", "troll", "alice"), "Unbanned nick troll");
  admitFake(hub, "troll");
});

Deno.test("ban by address disconnects everyone from it and refuses new connections from it", () => {
  const hub = hubAt({ now: 1000 });
  const a = admitFake(hub, "a", "[2001:db8::5]:1000");
  const b = admitFake(hub, "b", "[2001:db8::5]:1001");
  const c = admitFake(hub, "c", "192.0.2.1:1002");
  assertMatch(moderate(hub, "ban", "2001:db8::5", "server"), /disconnected a, b/);
  assert(a.peer.closedWith && b.peer.closedWith && !c.peer.closedWith);
  let code: string | undefined;
  try {
    hub.admit(
      { type: "hello", version: PROTOCOL_VERSION, nick: "fresh" },
      new FakePeer("[2001:db8::5]:2000"),
    );
  } catch (error) {
    code = (error as ChatError).code;
  }
  assertEqual(code, "banned");
  // The ban covers the /64, as caps and lockouts count it.
  assertEqual(
    moderate(hub, "unban", "[2001:db8::5]", "server"),
    "Unbanned address 2001:db8:0:0::/64",
  );
});

Deno.test("ban targets say what they ban: nick:, key:, addr:, or an address in any spelling", () => {
  assertEqual(parseBanTarget("::ffff:127.0.0.1"), { kind: "address", value: "127.0.0.1" });
  assertEqual(parseBanTarget("[2001:db8::7]:80"), { kind: "address", value: "2001:db8:0:0::/64" });
  assertEqual(parseBanTarget("addr:10.0.0.1:5003"), { kind: "address", value: "10.0.0.1" });
  assertEqual(parseBanTarget("nick:10.0.0.1"), { kind: "nick", value: "10.0.0.1" });
  assertEqual(parseBanTarget("Mallory"), { kind: "nick", value: "mallory" });
  const fp = "SHA256:If4x36FUomFia/hUBG/SJxt77UtqvkWqWId+9H+XIbk";
  assertEqual(parseBanTarget(`key:${fp}`), { kind: "identity", value: fp });
  assertEqual(parseBanTarget(fp), { kind: "identity", value: fp });
  for (const bad of ["key:SHA256:short", "addr:nohost"]) {
    try {
      parseBanTarget(bad);
      throw new Error(`${bad} should be refused`);
    } catch (error) {
      assert(error instanceof ChatError && error.code === "bad_arguments", String(error));
    }
  }
});

Deno.test("an address ban given as IPv4 matches a client seen as IPv4-mapped IPv6", () => {
  const hub = hubAt({ now: 1000 });
  const mapped = admitFake(hub, "mapped", "[::ffff:127.0.0.1]:5000");
  assertMatch(moderate(hub, "ban", "127.0.0.1", "server"), /^Banned address 127\.0\.0\.1 .*mapped/);
  assert(mapped.peer.closedWith);
  let code: string | undefined;
  try {
    hub.admit(
      { type: "hello", version: PROTOCOL_VERSION, nick: "fresh" },
      new FakePeer("[::ffff:127.0.0.1]:6000"),
    );
  } catch (error) {
    code = (error as ChatError).code;
  }
  assertEqual(code, "banned");
});

Deno.test("moderation helpers tell addresses from nicks and hosts from ports", () => {
  assertEqual(hostOf("127.0.0.1:5003"), "127.0.0.1");
  assertEqual(hostOf("[::1]:5003"), "::1");
  assert(isAddressTarget("10.1.2.3") && isAddressTarget("::1") && isAddressTarget("[::1]"));
  assert(!isAddressTarget("bob") && !isAddressTarget("1.2.3"));
});

Deno.test("moderation acts are refused with sentences for missing targets and offline users", () => {
  const hub = hubAt({ now: 1 });
  for (const [verb, args] of [["kick", ""], ["kick", "ghost"], ["mute", "ghost"]] as const) {
    try {
      moderate(hub, verb, args, "server");
      throw new Error(`${verb} ${args} should fail`);
    } catch (error) {
      assert(error instanceof ChatError, String(error));
    }
  }
});

Deno.test("/ban refuses a duration past ten years with a clear error, and stores none", () => {
  const hub = hubAt({ now: 1000 });
  const thrown = (() => {
    try {
      moderate(hub, "ban", "mallory 99999999d", "server");
    } catch (error) {
      return error;
    }
  })();
  assert(thrown instanceof ChatError, "refused");
  assertEqual(thrown.code, "bad_arguments");
  assertMatch(thrown.message, /at most 3650d/);
  assertEqual(hub.moderation.bans(), []);
  // Too many digits to count at all is refused too, not stored as Infinity.
  const huge = (() => {
    try {
      moderate(hub, "mute", `nobody ${"9".repeat(400)}d`, "server");
    } catch (error) {
      return error;
    }
  })();
  assert(huge instanceof ChatError);
  assertEqual(moderate(hub, "ban", "mallory 3650d", "server"), "Banned nick mallory for 3650d");
});

Deno.test("a stored ban past the largest date neither crashes /bans nor the banned user's join", () => {
  const now = Date.UTC(2026, 10, 30);
  const hub = hubAt({ now });
  // As an older version stored it: 99999999 days from now, past new Date()'s range.
  hub.history.addBan({
    kind: "nick",
    value: "mallory",
    until: now + 99_999_999 * 86_400_000,
    reason: "spam",
    by: "op",
    ts: now,
  });
  assertMatch(moderate(hub, "bans", "", "server"), /nick mallory permanent by op: spam/);
  const refused = (() => {
    try {
      hub.moderation.checkAdmission("mallory", "127.0.0.1:5000");
    } catch (error) {
      return error;
    }
  })();
  assert(refused instanceof ChatError);
  assertEqual(refused.code, "banned");
  assertMatch(refused.message, /permanently: spam/);
});

Deno.test("a banned or muted guest cannot shed it by reconnecting under another nick from its address", () => {
  const hub = hubAt({ now: 1000 });
  const mallory = admitFake(hub, "mallory", "203.0.113.5:1000");
  moderate(hub, "mute", "mallory", "server");
  hub.disconnect(mallory.session, "quit");
  const again = admitFake(hub, "mallory2", "203.0.113.5:1001");
  hub.receive(again.session, { type: "msg", ref: 1, text: "I am back" });
  assertEqual(again.peer.of("error").at(-1)?.code, "muted");
  assertMatch(moderate(hub, "ban", "mallory2", "server"), /address 203\.0\.113\.5/);
  let code: string | undefined;
  try {
    hub.admit(
      { type: "hello", version: PROTOCOL_VERSION, nick: "mallory3" },
      new FakePeer("203.0.113.5:1002"),
    );
  } catch (error) {
    code = (error as ChatError).code;
  }
  assertEqual(code, "banned");
});

Deno.test("a keyed user's mute and ban hold its identity, not its nick or address", () => {
  const hub = hubAt({ now: 1000 });
  const key = "SHA256:If4x36FUomFia/hUBG/SJxt77UtqvkWqWId+9H+XIbk";
  const hello = (nick: string) => ({ type: "hello" as const, version: PROTOCOL_VERSION, nick });
  const first = new FakePeer("198.51.100.1:1");
  const alice = hub.admit(hello("alice"), first, key);
  assertEqual(alice.identity, key);
  moderate(hub, "mute", "alice", "server");
  hub.disconnect(alice, "quit");
  const peer = new FakePeer("192.0.2.200:2");
  const back = hub.admit(hello("alicia"), peer, key);
  hub.receive(back, { type: "command", ref: 1, name: "away", args: "cheap pills" });
  assertEqual(peer.of("error").at(-1)?.code, "muted");
  // A guest from alice's old address is not muted: the mute holds the key.
  const guest = admitFake(hub, "guest", "198.51.100.1:3");
  hub.receive(guest.session, { type: "msg", ref: 2, text: "hello" });
  assertEqual(guest.peer.of("error").length, 0);
  assertEqual(
    moderate(hub, "ban", "alicia", "server"),
    `Banned identity ${key} permanently; disconnected alicia`,
  );
  let code: string | undefined;
  try {
    hub.admit(hello("someone"), new FakePeer("203.0.113.77:4"), key);
  } catch (error) {
    code = (error as ChatError).code;
  }
  assertEqual(code, "banned");
});
