import { assert, assertEqual, assertMatch } from "../_helpers/assert.ts";
import { emojify, searchEmoji } from "../../client/core/emoji.ts";
import { IgnoreList } from "../../client/ignore_list.ts";
import {
  LOCAL_COMMANDS,
  prepareLine,
  runLocalCommand,
  withLocalHelp,
} from "../../client/local_commands.ts";

Deno.test("emojify replaces known shortcodes and leaves other colons alone", () => {
  assertEqual(emojify("I :heart: :pizza:"), "I ❤️ 🍕");
  assertEqual(emojify(":+1::smile:"), "👍😄");
  assertEqual(
    emojify("at 12:30:00, see a:b:c and :no_such_emoji_here:"),
    "at 12:30:00, see a:b:c and :no_such_emoji_here:",
  );
  assertEqual(emojify("plain"), "plain");
});

Deno.test("searchEmoji puts the exact name first and respects the limit", () => {
  const hearts = searchEmoji("heart");
  assertEqual(hearts[0], { emoji: "❤️", name: "heart" });
  assert(hearts.every((m) => m.name.includes("heart")));
  assertEqual(searchEmoji(":coffee:")[0].name, "coffee");
  assertEqual(searchEmoji("", 5).length, 5);
  assertEqual(searchEmoji("zzzzqqq"), []);
});

Deno.test("prepareLine emojifies chat text and text commands, not other commands", () => {
  assertEqual(prepareLine("coffee? :coffee:"), "coffee? ☕");
  assertEqual(prepareLine("/me wants :coffee:"), "/me wants ☕");
  assertEqual(prepareLine("/msg bob :coffee:"), "/msg bob ☕");
  assertEqual(prepareLine("//literal :coffee:"), "//literal ☕");
  assertEqual(prepareLine("/search :coffee:"), "/search :coffee:");
  assertEqual(prepareLine("/join #x"), "/join #x");
});

Deno.test("/ignore, /unignore and /ignore alone manage the ignore list", () => {
  const ignores = new IgnoreList();
  const ctx = { ignores };
  assertMatch(runLocalCommand("/ignore", ctx)!, /ignoring nobody/);
  assertMatch(runLocalCommand("/ignore Spammer", ctx)!, /^--- ignoring Spammer: /);
  assertMatch(runLocalCommand("/IGNORE spammer", ctx)!, /already ignoring/);
  assertEqual(runLocalCommand("/ignore", ctx), "--- ignoring: Spammer");
  assert(ignores.hides({ type: "msg", id: 1, ts: 1, room: "#lobby", from: "SPAMMER", text: "x" }));
  assert(ignores.hides({ type: "privmsg", id: 1, ts: 1, from: "spammer", to: "me", text: "x" }));
  assert(!ignores.hides({ type: "join", ts: 1, room: "#lobby", nick: "spammer" }));
  assert(!ignores.hides({ type: "msg", id: 1, ts: 1, room: "#lobby", from: "bob", text: "x" }));
  assertMatch(runLocalCommand("/unignore spammer", ctx)!, /no longer ignoring/);
  assertMatch(runLocalCommand("/unignore spammer", ctx)!, /were not ignoring/);
  assertMatch(runLocalCommand("/unignore", ctx)!, /^!!! Usage/);
  assertMatch(
    runLocalCommand("/ignore bad nick!", ctx)!,
    /^!!! Cannot ignore "bad"|^--- ignoring bad/,
  );
  assertMatch(runLocalCommand("/ignore #room", ctx)!, /^!!! Cannot ignore "#room"/);
});

Deno.test("runLocalCommand leaves server commands and chat lines to the server", () => {
  const ctx = { ignores: new IgnoreList() };
  assertEqual(runLocalCommand("hello", ctx), undefined);
  assertEqual(runLocalCommand("/join #dev", ctx), undefined);
  assertEqual(runLocalCommand("/ignored", ctx), undefined);
  assertMatch(runLocalCommand("/emoji pizza", ctx)!, /🍕 :pizza:/);
  assertMatch(runLocalCommand("/emoji zzzzqqq", ctx)!, /no emoji match "zzzzqqq"/);
});

Deno.test("withLocalHelp appends the local commands to the server's list", () => {
  const help = withLocalHelp({
    type: "help",
    commands: [{ name: "who", usage: "/who", help: "List." }],
  });
  assertEqual(help.commands.map((c) => c.name), [
    "who",
    ...LOCAL_COMMANDS.map((c) => c.name),
    "save",
  ]);
});
