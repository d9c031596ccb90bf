import { assert, assertEqual, assertMatch, assertThrows } from "../../_helpers/assert.ts";
import { admitFake } from "../../_helpers/fake_peer.ts";
import { ChatError } from "../../../server/chat/chat_error.ts";
import {
  drawCow,
  MAX_COW_TEXT,
  parseDice,
  rollDice,
  SHRUG,
} from "../../../server/chat/commands_fun.ts";
import { Hub } from "../../../server/chat/hub.ts";

Deno.test("/cowsay shows the cow to everyone in the room, the sender included, and stores it", () => {
  const hub = new Hub();
  const alice = admitFake(hub, "alice");
  const bob = admitFake(hub, "bob");
  hub.receive(alice.session, { type: "command", ref: 1, name: "cowsay", args: "moo $(rm -rf /)" });
  const cow = bob.peer.of("msg").at(-1)!;
  assertEqual(cow.from, "alice");
  assertMatch(cow.text, /< moo \$\(rm -rf \/\) >/);
  assertMatch(cow.text, /\(oo\)/);
  assertEqual(alice.peer.of("msg").at(-1)?.text, cow.text, "the sender sees the cow too");
  assertEqual(alice.peer.of("ack").at(-1)?.id, cow.id);
  assertEqual(hub.history.get(cow.id)?.text, cow.text);
  hub.receive(alice.session, { type: "command", ref: 2, name: "cowthink", args: "hmm" });
  assertMatch(bob.peer.of("msg").at(-1)!.text, /\( hmm \)\n[\s\S]*o {3}\^__\^/);
});

Deno.test("drawCow strips control characters and refuses empty or over-long text", () => {
  assert(!drawCow("a\x1b[2Jb").includes("\x1b"));
  assertThrows(() => drawCow("   "), ChatError, /something to say/);
  assertThrows(() => drawCow("x".repeat(MAX_COW_TEXT + 1)), ChatError, /at most/);
});

Deno.test("/shrug appends the shrug to the text", () => {
  const hub = new Hub();
  const alice = admitFake(hub, "alice");
  const bob = admitFake(hub, "bob");
  hub.receive(alice.session, { type: "command", ref: 1, name: "shrug", args: "who knows" });
  assertEqual(bob.peer.of("msg").at(-1)?.text, `who knows ${SHRUG}`);
  hub.receive(alice.session, { type: "command", ref: 2, name: "shrug", args: "" });
  assertEqual(bob.peer.of("msg").at(-1)?.text, SHRUG);
});

Deno.test("/roll shows everyone the dice and total; bad specs are refused", () => {
  const hub = new Hub();
  const alice = admitFake(hub, "alice");
  const bob = admitFake(hub, "bob");
  hub.receive(alice.session, { type: "command", ref: 1, name: "roll", args: "3d6" });
  const text = bob.peer.of("notice").at(-1)!.text;
  const match = /^alice rolled 3d6: (\d) \+ (\d) \+ (\d) = (\d+)$/.exec(text);
  assert(match, text);
  const dice = match.slice(1, 4).map(Number);
  assert(dice.every((d) => d >= 1 && d <= 6));
  assertEqual(Number(match[4]), dice[0] + dice[1] + dice[2]);
  assertEqual(alice.peer.of("notice").at(-1)?.text, text);
  for (const bad of ["0d6", "101d6", "1d1", "1d1001", "2x6", "d"]) {
    hub.receive(alice.session, { type: "command", ref: 2, name: "roll", args: bad });
    assertEqual(alice.peer.of("error").at(-1)?.code, "bad_arguments", bad);
  }
});

Deno.test("parseDice defaults to 1d6 and rollDice stays within the sides", () => {
  assertEqual(parseDice(""), { count: 1, sides: 6 });
  assertEqual(parseDice("d20"), { count: 1, sides: 20 });
  const values = rollDice({ count: 100, sides: 2 });
  assertEqual(values.length, 100);
  assert(values.every((v) => v === 1 || v === 2));
  assert(values.includes(1) && values.includes(2), "both faces over 100 coin flips");
});
