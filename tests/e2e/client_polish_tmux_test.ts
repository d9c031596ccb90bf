// Interactive `parley join` in a real terminal (tmux), typed and pasted as a person would.
import { assert, assertEqual, assertMatch } from "../_helpers/assert.ts";
import { RawClient } from "../_helpers/raw_client.ts";
import { startServe } from "../_helpers/serve_process.ts";
import { Tmux, TmuxPane } from "../_helpers/tmux.ts";

const haveTmux = await Tmux.available();
if (!haveTmux) console.log("skipping tmux tests: tmux is not installed (apt-get install tmux)");

const STATUS = /^ tcp:\/\/127\.0\.0\.1:\d+ \| (#\S+)(?: \(\+\d+\))? \| (\S+) \| (\S.*?)\s*$/;

/** The status line (second-last non-empty row) parsed, or undefined. */
function statusOf(rows: string[]): { room: string; nick: string; state: string } | undefined {
  const filled = rows.filter((r) => r.trim() !== "");
  const match = STATUS.exec(filled.at(-2) ?? "");
  return match ? { room: match[1], nick: match[2], state: match[3] } : undefined;
}

Deno.test({
  name: "interactive join shows a status line and completes nicks, commands and rooms with Tab",
  ignore: !haveTmux,
  async fn() {
    await using server = await startServe();
    await using bob = await RawClient.join(server.port, "bobby");
    await bob.command("join", "#development");
    await using tmux_term = new Tmux();
    const term = await TmuxPane.join(tmux_term, "term", [
      `127.0.0.1:${server.port}`,
      "--nick",
      "alice",
    ]);
    const first = await term.waitFor(/^\[#lobby\] alice>$/);
    assertEqual(statusOf(first), { room: "#lobby", nick: "alice", state: "connected" });

    // A nick at the start of the line gets ": ".
    await term.type("bo");
    await term.press("Tab");
    await term.waitFor(/^\[#lobby\] alice> bobby:$/);
    await term.type("hi");
    await term.press("Enter");
    await bob.next((m) => m.type === "msg" && m.text === "bobby: hi");

    // A command, then a room from /rooms (not joined yet) as its argument.
    await term.type("/rooms");
    await term.press("Enter");
    await term.waitFor(/rooms: .*#development \(1\)/);
    await term.type("/jo");
    await term.press("Tab");
    await term.type("#dev");
    await term.press("Tab");
    await term.waitFor(/^\[#lobby\] alice> \/join #development$/);
    await term.press("Enter");
    const joined = await term.waitFor(/^\[#development\] alice>$/);
    assertEqual(statusOf(joined)?.room, "#development");
    assertMatch(joined.join("\n"), /#development \(\+1\) \| alice \| connected/);

    // Several matches: Tab extends to the common prefix, then shows the choice.
    await bob.command("nick", "bobcat");
    await using bo2 = await RawClient.join(server.port, "bobo");
    await bo2.command("join", "#development");
    await term.waitFor(/bobo joined #development/);
    await term.type("@b");
    await term.press("Tab");
    await term.waitFor(/^\[#development\] alice> @bob$/);
    await term.press("Tab");
    await term.waitFor(/^--- bobcat {2}bobo$/);
    await term.type("c");
    await term.press("Tab");
    await term.waitFor(/^\[#development\] alice> @bobcat$/);
  },
});

Deno.test({
  name: "interactive join recalls sent lines with Up and Down",
  ignore: !haveTmux,
  async fn() {
    await using server = await startServe();
    await using bob = await RawClient.join(server.port, "bob");
    await using tmux_term = new Tmux();
    const term = await TmuxPane.join(tmux_term, "term", [
      `127.0.0.1:${server.port}`,
      "--nick",
      "alice",
    ]);
    await term.waitFor(/^\[#lobby\] alice>$/);
    for (const line of ["first line", "second line", "third line"]) {
      await term.type(line);
      await term.press("Enter");
      await bob.next((m) => m.type === "msg" && m.text === line);
    }
    await term.type("half typed");
    await term.press("Up");
    await term.waitFor(/^\[#lobby\] alice> third line$/);
    await term.press("Up", "Up");
    await term.waitFor(/^\[#lobby\] alice> first line$/);
    await term.press("Up"); // nothing older: stays
    await term.press("Down");
    await term.waitFor(/^\[#lobby\] alice> second line$/);
    await term.press("Down", "Down");
    await term.waitFor(/^\[#lobby\] alice> half typed$/);
    // Recall, edit and send again.
    await term.press("C-u");
    await term.press("Up");
    await term.waitFor(/^\[#lobby\] alice> third line$/);
    await term.type(" again");
    await term.press("Enter");
    await bob.next((m) => m.type === "msg" && m.text === "third line again");
  },
});

Deno.test({
  name: "a multi-line paste is sent as one message and shown as one",
  ignore: !haveTmux,
  async fn() {
    await using server = await startServe();
    await using bob = await RawClient.join(server.port, "bob");
    await using tmux_carol = new Tmux();
    const carol = await TmuxPane.join(tmux_carol, "carol", [
      `127.0.0.1:${server.port}`,
      "--nick",
      "carol",
    ]);
    await carol.waitFor(/^\[#lobby\] carol>$/);
    await using tmux_term = new Tmux();
    const term = await TmuxPane.join(tmux_term, "term", [
      `127.0.0.1:${server.port}`,
      "--nick",
      "alice",
    ]);
    await term.waitFor(/^\[#lobby\] alice>$/);
    const block = "def greet():\n    print('hi')\n\nreturn 42";
    await term.paste(block);
    // Still one input line, newlines shown as ⏎, nothing sent yet.
    await term.waitFor(/alice> def greet\(\):⏎ {4}print\('hi'\)⏎⏎return 42$/);
    assert(!bob.received.some((m) => m.type === "msg"), "the paste must not send by itself");
    await term.press("Enter");
    const got = await bob.next((m) => m.type === "msg" && m.from === "alice");
    assertEqual(got.type === "msg" && got.text, block);
    await new Promise((r) => setTimeout(r, 300));
    assertEqual(
      bob.received.filter((m) => m.type === "msg").length,
      1,
      "exactly one message for the whole paste",
    );
    // The receiver shows it as one message: one nick prefix, continuation lines indented.
    const rows = await carol.waitFor(/<alice> def greet\(\):$/);
    const at = rows.findIndex((r) => /<alice> def greet\(\):$/.test(r));
    const indent = rows[at].indexOf("def greet");
    assertEqual(rows[at + 1], " ".repeat(indent) + "    print('hi')");
    assertEqual(rows[at + 3], " ".repeat(indent) + "return 42");
    assert(!rows.slice(at + 1, at + 4).some((r) => r.includes("<alice>")));
  },
});

Deno.test({
  name: "mentions ring the bell with --bell; /ignore hides a nick; :shortcode: sends emoji",
  ignore: !haveTmux,
  async fn() {
    await using server = await startServe();
    await using bob = await RawClient.join(server.port, "bob");
    await using spam = await RawClient.join(server.port, "spammer");
    await using tmux_term = new Tmux();
    const term = await TmuxPane.join(tmux_term, "term", [
      `127.0.0.1:${server.port}`,
      "--nick",
      "alice",
      "--bell",
    ]);
    await term.waitFor(/^\[#lobby\] alice>$/);
    const raw = await Deno.makeTempFile({ prefix: "parley-tmux-" });
    try {
      await term.record(raw);
      await bob.say("no mention here");
      await term.waitFor(/<bob> no mention here/);
      await new Promise((r) => setTimeout(r, 200));
      assert(!(await Deno.readTextFile(raw)).includes("\x07"), "no bell without a mention");
      await bob.say("hey @alice, look");
      await term.waitFor(/<bob> hey @alice, look/);
      await bob.say("ALICE: you too");
      await term.waitFor(/<bob> ALICE: you too/);
      await new Promise((r) => setTimeout(r, 200));
      assertEqual((await Deno.readTextFile(raw)).split("\x07").length - 1, 2);
    } finally {
      await Deno.remove(raw).catch(() => {});
    }

    await term.type("/ignore spammer");
    await term.press("Enter");
    await term.waitFor(/^--- ignoring spammer/);
    await spam.say("BUY NOW");
    await bob.say("after the spam");
    await term.waitFor(/<bob> after the spam/);
    assert(!(await term.screen()).some((r) => r.includes("BUY NOW")), "ignored text is hidden");
    await term.type("/ignore");
    await term.press("Enter");
    await term.waitFor(/^--- ignoring: spammer$/);
    await term.type("/unignore SPAMMER");
    await term.press("Enter");
    await term.waitFor(/^--- no longer ignoring SPAMMER/);
    await spam.say("second try");
    await term.waitFor(/<spammer> second try/);

    await term.type("/emoji pizz");
    await term.press("Enter");
    await term.waitFor(/🍕 :pizza:/);
    await term.type("lunch? :pizza: at 12:30:00");
    await term.press("Enter");
    const lunch = await bob.next((m) => m.type === "msg" && m.from === "alice");
    assertEqual(lunch.type === "msg" && lunch.text, "lunch? 🍕 at 12:30:00");
    await term.type("/help");
    await term.press("Enter");
    await term.waitFor(/\/ignore \[NICK\]/);
    await term.waitFor(/\/emoji \[SEARCH\]/);
  },
});
