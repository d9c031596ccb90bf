// The terminal client and server console as a new user meets them, in a real terminal (tmux).
import { assert, assertEqual, assertMatch } from "../_helpers/assert.ts";
import { RawClient } from "../_helpers/raw_client.ts";
import { MAIN, SERVE_PERMISSIONS, startServe } from "../_helpers/serve_process.ts";
import { Tmux, TmuxPane } from "../_helpers/tmux.ts";

const haveTmux = await Tmux.available();
if (!haveTmux) console.log("skipping terminal polish tmux tests: tmux is not installed");

const STATUS_ROW = /^ tcp:\/\/127\.0\.0\.1:\d+ \| #/;

/** Everything in the pane, scrollback included, trailing spaces trimmed. */
async function history(tmux: Tmux, name: string): Promise<string[]> {
  const text = await tmux.run("capture-pane", "-p", "-J", "-S", "-", "-t", name);
  return text.split("\n").map((l) => l.trimEnd());
}

Deno.test({
  name: "terminal: /history, topic on connect, word wrap, readline keys, /away, resize",
  ignore: !haveTmux,
  async fn() {
    await using server = await startServe();
    await using bob = await RawClient.join(server.port, "bob");
    await bob.command("topic", "Release on Friday");
    await using tmux = new Tmux(80, 30);
    const term = await TmuxPane.join(tmux, "term", [`127.0.0.1:${server.port}`, "--nick", "alice"]);
    // The default room's topic is shown on connect.
    await term.waitFor(/topic of #lobby: Release on Friday \(set by bob\)/);
    await term.waitFor(/^\[#lobby\] alice>$/);

    // /history N shows all N even though they are on screen already, the action included.
    await bob.say("one");
    await bob.command("me", "waves");
    await bob.say("three");
    await term.waitFor(/<bob> three$/);
    await term.type("/history 3");
    await term.press("Enter");
    const rows = await term.waitFor(/End of history: 3 messages of #lobby/);
    const count = (pattern: RegExp) => rows.filter((r) => pattern.test(r)).length;
    assertEqual(count(/<bob> one$/), 2, rows.join("\n"));
    assertEqual(count(/\* bob waves$/), 2, rows.join("\n"));
    assertEqual(count(/<bob> three$/), 2, rows.join("\n"));

    // A long line wraps at word boundaries, under the start of the text.
    const words = Array.from({ length: 30 }, (_, i) => `word${i}`);
    await bob.say(words.join(" "));
    const wrapped = await term.waitFor(/ word29$/);
    const start = wrapped.findIndex((r) => /<bob> word0 /.test(r));
    const end = wrapped.findIndex((r) => / word29$/.test(r));
    assert(start >= 0 && end > start, wrapped.join("\n"));
    const block = wrapped.slice(start, end + 1);
    for (const row of block.slice(1)) assertMatch(row, /^ {14}word\d+( word\d+)*$/);
    assertEqual(block.join(" ").split(/\s+/).filter((w) => w.startsWith("word")), words);

    // Readline keys: Ctrl-A, Ctrl-E, Alt-B, Alt-F, Ctrl-W, Ctrl-U, Ctrl-K.
    await term.type("world");
    await term.press("C-a");
    await term.type("hello ");
    await term.press("C-e");
    await term.type(" and more");
    await term.press("M-b", "M-b", "C-k", "BSpace");
    await term.waitFor(/^\[#lobby\] alice> hello world$/);
    await term.press("Enter");
    await bob.next((m) => m.type === "msg" && m.text === "hello world");
    await term.type("keep this drop that");
    await term.press("C-w", "C-w");
    await term.press("C-a", "M-f", "M-f");
    await term.type("!");
    await term.waitFor(/^\[#lobby\] alice> keep this!$/);
    await term.press("C-u");
    await term.waitFor(/^\[#lobby\] alice>$/);

    // /away without text reads "is away".
    await term.type("/away");
    await term.press("Enter");
    const away = await term.waitFor(/--- alice is away$/);
    assert(!away.some((r) => /is away: away/.test(r)), away.join("\n"));

    // Narrowing the terminal leaves no stale status line in the scrollback.
    await tmux.run("resize-window", "-t", "term", "-x", "50");
    await new Promise((r) => setTimeout(r, 500));
    await tmux.run("resize-window", "-t", "term", "-x", "70");
    await new Promise((r) => setTimeout(r, 500));
    await term.type("x");
    await term.waitFor(/^\[#lobby\] alice> x$/);
    const all = await history(tmux, "term");
    const statusRows = all.filter((r) => STATUS_ROW.test(r) || /\| connected *$/.test(r));
    assertEqual(statusRows.length, 1, all.join("\n"));
  },
});
