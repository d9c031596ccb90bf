import { assert, assertEqual, assertMatch } from "../../_helpers/assert.ts";
import { FakePeer } from "../../_helpers/fake_peer.ts";
import { type LeaveCode, PROTOCOL_VERSION } from "../../../protocol/messages.ts";
import { AuthGuard } from "../../../server/guards/auth_guard.ts";
import { Hub, type HubOptions } from "../../../server/chat/hub.ts";
import { InboundHandler, type InboundOptions } from "../../../server/chat/inbound_handler.ts";
import { FloodLedger } from "../../../server/guards/flood_ledger.ts";

/** A fake connection: what the handler sends and how it closed. */
class FakeTransport extends FakePeer {
  abortedWith: string | undefined;
  abort(reason: string, code?: LeaveCode): void {
    this.abortedWith = reason;
    this.close(reason, code);
  }
}

const encoder = new TextEncoder();
const payload = (message: unknown) => encoder.encode(JSON.stringify(message));
const hello = (nick: string, extra: Record<string, unknown> = {}) =>
  payload({ type: "hello", version: PROTOCOL_VERSION, nick, ...extra });

function setup(options: InboundOptions = {}, hubOptions: HubOptions = {}, addr?: string) {
  const clock = { now: 1_700_000_000_000 };
  const hub = new Hub({ now: () => clock.now, ...hubOptions });
  const transport = new FakeTransport(addr);
  let admitted = 0;
  const inbound = new InboundHandler(transport, hub, options, () => admitted++);
  transport.onClose = (reason, code) => {
    if (inbound.session) hub.disconnect(inbound.session, reason, code);
  };
  return { clock, hub, transport, inbound, admitted: () => admitted };
}

Deno.test("InboundHandler requires a hello before anything else", () => {
  const { transport, inbound, admitted } = setup();
  inbound.handle(payload({ type: "msg", ref: 1, text: "hi" }));
  assertEqual(transport.of("error").map((e) => e.code), ["handshake_required"]);
  assertMatch(transport.closedWith!, /^handshake_required: Expected a hello message first/);
  assertEqual(admitted(), 0);
  inbound.handle(hello("alice"));
  assertEqual(transport.of("welcome").length, 0, "nothing is taken after the refusal");
});

Deno.test("InboundHandler refuses a malformed first message as handshake_required", () => {
  const { transport, inbound } = setup();
  inbound.handle(encoder.encode("{not json"));
  assertEqual(transport.of("error")[0].code, "handshake_required");
  assert(transport.closedWith !== undefined);
  assert(!inbound.accepting);
});

Deno.test("InboundHandler admits on hello, then hands messages to the hub", () => {
  const { hub, transport, inbound, admitted } = setup();
  assert(inbound.inHandshake);
  inbound.handle(hello("alice"));
  assertEqual(admitted(), 1);
  assert(!inbound.inHandshake);
  assertEqual(inbound.session?.nick, "alice");
  assertEqual(hub.find("alice"), inbound.session);
  assertEqual(transport.of("welcome")[0].nick, "alice");
  inbound.handle(payload({ type: "ping", token: 7 }));
  assertEqual(transport.of("pong").map((p) => p.token), [7]);
  inbound.handle(hello("again"));
  assertEqual(transport.of("error").at(-1)?.code, "bad_message", "a second hello is refused");
  assertEqual(transport.closedWith, undefined);
});

Deno.test("InboundHandler answers bad messages with bad_message and closes past the allowance", () => {
  const { transport, inbound } = setup({ maxBadMessages: 2 });
  inbound.handle(hello("alice"));
  inbound.handle(encoder.encode("[1, 2"));
  inbound.handle(payload({ type: "msg", ref: "one", text: "x" }));
  assertEqual(transport.of("error").map((e) => e.code), ["bad_message", "bad_message"]);
  assertEqual(transport.closedWith, undefined, "within the allowance the connection stays");
  inbound.handle(payload({ type: "no_such_type" }));
  assertEqual(transport.of("error").length, 3);
  assertMatch(transport.of("error")[2].message, /^Too many malformed messages/);
  assertMatch(transport.closedWith!, /^bad_message: /);
});

Deno.test("InboundHandler answers flooding with rate_limited carrying the ref, then disconnects", () => {
  // The hello counts too: a burst of 3 is the hello and two messages.
  const { transport, inbound, hub } = setup({ floodRate: 1, floodBurst: 3, floodStrikes: 2 });
  inbound.handle(hello("alice"));
  const msg = (ref: number) => payload({ type: "msg", ref, text: `line ${ref}` });
  inbound.handle(msg(1));
  inbound.handle(msg(2));
  assertEqual(transport.of("ack").map((a) => a.ref), [1, 2]);
  inbound.handle(msg(3));
  inbound.handle(encoder.encode("not json at all"));
  assertEqual(transport.of("error").map((e) => [e.code, e.ref]), [
    ["rate_limited", 3],
    ["rate_limited", undefined],
  ]);
  assertEqual(transport.closedWith, undefined, "refused, not yet disconnected");
  inbound.handle(msg(4));
  assertEqual(transport.of("error").at(-1)?.code, "rate_limited");
  assertEqual(transport.closedWith, "rate_limited: Disconnected for sending too fast");
  assertEqual(hub.find("alice"), undefined, "the session left with the connection");
  assertEqual(transport.of("ack").length, 2, "nothing over the limit was delivered");
});

Deno.test("InboundHandler answers a wrong password late and locks the address out", async () => {
  const guard = new AuthGuard({ authDelayMs: 5, authMaxFailures: 2, authLockoutMs: 60_000 });
  const attempt = () => setup({ authGuard: guard }, { password: "sesame" }, "203.0.113.7:5000");

  const first = attempt();
  first.inbound.handle(hello("alice", { password: "wrong" }));
  assertEqual(first.transport.frames.length, 0, "the refusal waits");
  assert(first.inbound.inHandshake && !first.inbound.accepting);
  await new Promise((resolve) => setTimeout(resolve, 30));
  assertEqual(first.transport.of("error").map((e) => e.code), ["auth_failed"]);
  assertEqual(first.transport.closedWith, "auth_failed: Wrong password");

  const missing = attempt();
  missing.inbound.handle(hello("alice"));
  assertEqual(missing.transport.of("error")[0].message, "This server requires a password");
  assert(missing.transport.closedWith !== undefined, "no password: refused at once");

  const second = attempt();
  second.inbound.handle(hello("alice", { password: "wrong" }));
  second.inbound.dispose();
  await new Promise((resolve) => setTimeout(resolve, 30));
  assertEqual(second.transport.frames.length, 0, "a disposed handler sends nothing");

  const locked = attempt();
  locked.inbound.handle(hello("alice", { password: "sesame" }));
  assertEqual(locked.transport.of("error")[0].code, "locked_out");
  assertEqual(locked.admitted(), 0, "even the right password waits out the lockout");

  const elsewhere = setup({ authGuard: guard }, { password: "sesame" }, "198.51.100.1:5000");
  elsewhere.inbound.handle(hello("alice", { password: "sesame" }));
  assertEqual(elsewhere.admitted(), 1, "other addresses are not locked out");
});

Deno.test("InboundHandler answers a probe with a welcome, then closes without joining", () => {
  const { hub, transport, inbound, admitted } = setup({}, { serverName: "probed" });
  inbound.handle(hello("", { probe: true }));
  const welcome = transport.of("welcome")[0];
  assertEqual([welcome.server, welcome.nick, welcome.room, welcome.online], ["probed", "", "", 0]);
  assertEqual(transport.closedWith, "probe");
  assertEqual([admitted(), hub.size], [0, 0]);
});

Deno.test("InboundHandler's bad_message carries the ref whenever the payload had a readable one", () => {
  const { transport, inbound } = setup();
  inbound.handle(hello("alice"));
  inbound.handle(payload({ type: "msg", ref: 7, text: 42 }));
  inbound.handle(payload({ type: "no_such_type", ref: 8 }));
  inbound.handle(payload({ type: "command", ref: 9, name: "who", args: ["not", "a", "string"] }));
  // Nothing to read: not JSON, or a ref that is not a non-negative integer.
  inbound.handle(encoder.encode('{"type":"msg","ref":10,'));
  inbound.handle(payload({ type: "msg", ref: -1, text: 1 }));
  const errors = transport.of("error");
  assertEqual(errors.map((e) => [e.code, e.ref]), [
    ["bad_message", 7],
    ["bad_message", 8],
    ["bad_message", 9],
    ["bad_message", undefined],
    ["bad_message", undefined],
  ]);
});

Deno.test("InboundHandler's last bad_message before closing carries the ref too", () => {
  const { transport, inbound } = setup({ maxBadMessages: 0 });
  inbound.handle(hello("alice"));
  inbound.handle(payload({ type: "msg", ref: 3, room: 5, text: "hi" }));
  assertEqual(transport.of("error").map((e) => [e.code, e.ref]), [["bad_message", 3]]);
  assert(transport.closedWith !== undefined);
});

Deno.test("InboundHandler's rate_limited carries the ref of a message that is also malformed", () => {
  // A burst of 2: the hello and one message.
  const { transport, inbound } = setup({ floodRate: 1, floodBurst: 2, floodStrikes: 5 });
  inbound.handle(hello("alice"));
  inbound.handle(payload({ type: "msg", ref: 1, room: "#lobby", text: "hi" }));
  inbound.handle(payload({ type: "msg", ref: 2, text: 42 }));
  assertEqual(transport.of("error").map((e) => [e.code, e.ref]), [["rate_limited", 2]]);
});

Deno.test("InboundHandler's flood disconnect tells the rooms leave code rate_limited", () => {
  const { hub, transport, inbound } = setup({ floodRate: 1, floodBurst: 1, floodStrikes: 1 });
  const watcher = new FakePeer("127.0.0.1:40001");
  hub.admit({ type: "hello", version: PROTOCOL_VERSION, nick: "watcher" }, watcher);
  inbound.handle(hello("alice"));
  for (let ref = 1; ref <= 3; ref++) {
    inbound.handle(payload({ type: "msg", ref, room: "#lobby", text: "hi" }));
  }
  assertEqual(transport.closedCode, "rate_limited");
  const leave = watcher.of("leave").find((m) => m.nick === "alice");
  assertEqual(leave?.code, "rate_limited");
});

Deno.test("InboundHandler keeps flood limits across reconnects from one address", () => {
  const clock = { now: 1_700_000_000_000 };
  const hub = new Hub({ now: () => clock.now });
  const floodLedger = new FloodLedger({ floodRate: 1, floodBurst: 5, floodStrikes: 1 }, 1 << 20);
  const connect = (n: number) => {
    const transport = new FakeTransport(`10.9.9.9:${4000 + n}`);
    const inbound = new InboundHandler(transport, hub, { floodLedger }, () => {});
    transport.onClose = (reason) => {
      if (inbound.session) hub.disconnect(inbound.session, reason);
      inbound.dispose();
    };
    return { transport, inbound };
  };
  let welcomed = 0;
  let refused = 0;
  for (let n = 0; n < 20; n++) {
    const { transport, inbound } = connect(n);
    inbound.handle(hello(`spam${n}`));
    if (transport.of("welcome").length) welcomed++;
    if (transport.of("error").some((e) => e.code === "rate_limited")) refused++;
    transport.close("quit");
  }
  // The hello counts: five connections fit the burst, then the address is refused.
  assertEqual(welcomed, 5);
  assertEqual(refused, 15);
  clock.now += 60_000;
  const { transport, inbound } = connect(99);
  inbound.handle(hello("rested"));
  assertEqual(transport.of("welcome").length, 1, "admitted again once the budget refilled");
});

Deno.test("InboundHandler counts a /search as ten messages in flood control", () => {
  const { transport, inbound } = setup({ floodRate: 1, floodBurst: 25, floodStrikes: 5 });
  inbound.handle(hello("alice"));
  const search = (ref: number) =>
    payload({ type: "command", ref, name: "SEARCH", args: "anything" });
  inbound.handle(search(1));
  inbound.handle(search(2));
  inbound.handle(search(3));
  assertEqual(transport.of("search").length, 2, "1 + 10 + 10 fit a burst of 25, a third does not");
  assertEqual(transport.of("error").map((e) => [e.code, e.ref]), [["rate_limited", 3]]);
  inbound.handle(payload({ type: "msg", ref: 4, text: "plain messages still fit" }));
  assertEqual(transport.of("ack").map((a) => a.ref), [1, 2, 4]);
});

Deno.test("InboundHandler refuses a nick with a lone surrogate before anyone sees it", () => {
  const { hub, transport, inbound } = setup();
  const other = setup({}, {}, "10.0.0.2:1");
  inbound.handle(encoder.encode('{"type":"hello","version":1,"nick":"s\\ud800x"}'));
  assertEqual(transport.of("welcome").length, 0);
  assertEqual(transport.of("error").map((e) => e.code), ["bad_message"]);
  assertMatch(transport.of("error")[0].message, /not well-formed Unicode/);
  assertEqual(hub.size, 0);
  assert(other.transport.frames.length === 0);
});

Deno.test("InboundHandler answers a bad field with bad_message carrying the ref; nothing is relayed", () => {
  const { hub, transport, inbound } = setup();
  inbound.handle(hello("alice"));
  const bob = new FakeTransport("10.0.0.3:1");
  const bobInbound = new InboundHandler(bob, hub, {}, () => {});
  bobInbound.handle(hello("bob"));
  inbound.handle(encoder.encode('{"type":"msg","ref":17,"text":"hi \\udc00"}'));
  assertEqual(transport.of("error").map((e) => [e.code, e.ref]), [["bad_message", 17]]);
  inbound.handle(payload({ type: "msg", ref: 18, text: "x".repeat(9000) }));
  assertEqual(transport.of("error").at(-1)?.code, "text_too_long");
  assertEqual(transport.of("error").at(-1)?.ref, 18);
  inbound.handle(payload({ type: "nonsense", ref: 19 }));
  assertEqual(transport.of("error").at(-1)?.ref, 19, "a ref is answered whatever was wrong");
  assertEqual(bob.of("msg").length, 0, "nothing reached bob");
});

Deno.test("/part reason reaches members cleaned and capped", () => {
  const { hub, transport, inbound } = setup();
  inbound.handle(hello("alice"));
  const bob = new FakeTransport("10.0.0.3:1");
  new InboundHandler(bob, hub, {}, () => {}).handle(hello("bob"));
  const bobSession = hub.find("bob")!;
  hub.joinRoom(bobSession, "#dev");
  inbound.handle(payload({ type: "command", ref: 1, name: "join", args: "#dev" }));
  const nasty = "bye\x1b]0;pwned\x07\x1b[2J\u202eevil\x07 " + "r".repeat(5000);
  inbound.handle(payload({ type: "command", ref: 2, name: "part", args: `#dev ${nasty}` }));
  const left = bob.of("leave").at(-1)!;
  assertEqual(left.nick, "alice");
  // deno-lint-ignore no-control-regex -- looking for control characters is the point
  assert(!/[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/.test(left.reason), left.reason);
  assert(left.reason.startsWith("part: byeevil r"), left.reason.slice(0, 40));
  assert(left.reason.length <= "part: ".length + 200, `${left.reason.length} characters`);
  assertEqual(transport.of("ack").at(-1)?.ref, 2);
});
