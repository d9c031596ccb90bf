import { assert, assertEqual, assertThrows } from "../../_helpers/assert.ts";
import { admitFake, FakePeer } from "../../_helpers/fake_peer.ts";
import { ChatError } from "../../../server/chat/chat_error.ts";
import {
  CommandDispatch,
  type CommandHistory,
  type CommandSpec,
  helpMessage,
  splitArgs,
} from "../../../server/chat/command_dispatch.ts";
import { COMMANDS } from "../../../server/chat/commands.ts";
import { Hub } from "../../../server/chat/hub.ts";
import { Session } from "../../../server/chat/session.ts";

const NO_HISTORY: CommandHistory = {
  replayCount: 0,
  replay: () => 0,
  search: () => [],
};

/** A dispatch over `table` whose handlers record the arguments they were given. */
function recording(table: Omit<CommandSpec, "run">[]) {
  const calls: [string, string[]][] = [];
  const specs: CommandSpec[] = table.map((spec) => ({
    ...spec,
    run({ args }) {
      calls.push([spec.name, args]);
      return undefined;
    },
  }));
  const dispatch = new CommandDispatch(specs, { chat: new Hub(), history: NO_HISTORY });
  const peer = new FakePeer();
  const session = new Session(1, "alice", "alice", peer, 0);
  const run = (name: string, args: string) =>
    dispatch.run(session, { type: "command", ref: 1, name, args });
  return { calls, run, peer };
}

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (error) {
    if (error instanceof ChatError) return `${error.code}: ${error.message}`;
    throw error;
  }
  return undefined;
}

Deno.test("CommandDispatch refuses an unknown command with unknown_command, sanitized", () => {
  const { run, calls } = recording([
    { name: "who", usage: "/who", help: "List.", minArgs: 0, maxArgs: 0 },
  ]);
  assertEqual(codeOf(() => run("frob", "")), "unknown_command: Unknown command /frob; try /help");
  assertEqual(
    codeOf(() => run("fr\x1b[2Job", "")),
    "unknown_command: Unknown command /frob; try /help",
  );
  assertEqual(calls, []);
});

Deno.test("CommandDispatch finds commands case-insensitively", () => {
  const { run, calls } = recording([
    { name: "who", usage: "/who", help: "List.", minArgs: 0, maxArgs: 0 },
  ]);
  run("WHO", "");
  assertEqual(calls, [["who", []]]);
});

Deno.test("CommandDispatch enforces minArgs with the usage line and caps at maxArgs", () => {
  const { run, calls } = recording([
    { name: "msg", usage: "/msg NICK TEXT", help: "Send.", minArgs: 2, maxArgs: 2 },
    { name: "back", usage: "/back", help: "Back.", minArgs: 0, maxArgs: 0 },
    { name: "part", usage: "/part [#room] [reason]", help: "Leave.", minArgs: 0, maxArgs: 2 },
  ]);
  assertEqual(codeOf(() => run("msg", "")), "bad_arguments: Usage: /msg NICK TEXT");
  assertEqual(codeOf(() => run("msg", "   bob   ")), "bad_arguments: Usage: /msg NICK TEXT");
  run("msg", "  bob   hi   there  ");
  run("back", "");
  run("part", "#dev going  home now");
  assertEqual(calls, [
    ["msg", ["bob", "hi   there"]],
    ["back", []],
    ["part", ["#dev", "going  home now"]],
  ]);
});

Deno.test("splitArgs keeps quotes as typed and the rest of the line whole", () => {
  assertEqual(splitArgs(`bob "hi there"`, 2), ["bob", `"hi there"`]);
  assertEqual(splitArgs(`"two words" rest`, 2), [`"two`, `words" rest`]);
  assertEqual(splitArgs(`'a b' c`, Infinity), [`'a`, `b'`, "c"]);
  assertEqual(splitArgs("a\tb\n c", 3), ["a", "b", "c"]);
  assertEqual(splitArgs("bob  hello   there", 2), ["bob", "hello   there"]);
  assertEqual(splitArgs("one", 3), ["one"]);
  assertEqual(splitArgs("", 2), []);
  assertEqual(splitArgs("anything at all", 1), ["anything at all"]);
});

Deno.test("/help lists every command of the table, in table order, with usage and help", () => {
  const hub = new Hub();
  const alice = admitFake(hub, "alice");
  hub.receive(alice.session, { type: "command", ref: 1, name: "help", args: "" });
  const listed = alice.peer.of("help")[0].commands;
  assertEqual(listed, COMMANDS.map(({ name, usage, help }) => ({ name, usage, help })));
  assertEqual(helpMessage(COMMANDS).commands, listed);
  assertEqual(new Set(listed.map((c) => c.name)).size, COMMANDS.length, "names are unique");
  for (const command of listed) {
    assertEqual(command.name, command.name.toLowerCase());
    assert(command.usage.startsWith(`/${command.name}`), command.usage);
    assert(command.help.length > 0, command.name);
  }
});

Deno.test("CommandDispatch gives handlers reply, notice and ack to the sender", () => {
  const spec: CommandSpec = {
    name: "probe",
    usage: "/probe",
    help: "Test.",
    minArgs: 0,
    maxArgs: 0,
    run({ reply, notice, ack, commands, room, ref }) {
      reply({ type: "rooms", rooms: [] });
      notice(`in ${room} for ${ref}`, "#dev");
      notice("plain");
      ack();
      assertEqual(commands.map((c) => c.name), ["probe"]);
      return [42, 7];
    },
  };
  let now = 1000;
  const dispatch = new CommandDispatch([spec], {
    chat: new Hub({ now: () => now++ }),
    history: NO_HISTORY,
  });
  const peer = new FakePeer();
  const session = new Session(1, "alice", "alice", peer, 0);
  const stamp = dispatch.run(session, {
    type: "command",
    ref: 9,
    name: "probe",
    args: "",
    room: "#dev",
  });
  assertEqual(stamp, [42, 7]);
  assertEqual(peer.messages.map((m) => m.type), ["rooms", "notice", "notice", "ack"]);
  assertEqual(peer.of("notice").map((n) => [n.room, n.text]), [
    ["#dev", "in #dev for 9"],
    [undefined, "plain"],
  ]);
  assertEqual(peer.of("ack")[0], { type: "ack", ref: 9, id: 0, ts: peer.of("ack")[0].ts });
});

Deno.test("CommandDispatch lets a handler's ChatError through for the caller to send", () => {
  const spec: CommandSpec = {
    name: "deny",
    usage: "/deny",
    help: "Always refuses.",
    minArgs: 0,
    maxArgs: 0,
    run() {
      throw new ChatError("forbidden", "No");
    },
  };
  const dispatch = new CommandDispatch([spec], { chat: new Hub(), history: NO_HISTORY });
  const session = new Session(1, "alice", "alice", new FakePeer(), 0);
  assertThrows(
    () => dispatch.run(session, { type: "command", ref: 1, name: "deny", args: "" }),
    ChatError,
    /^No$/,
  );
});
