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

Deno.test({
  name:
    "shutdown: one notice, no leave lines, one console stopped line; Ctrl-D while reconnecting says so",
  ignore: !haveTmux,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "parley-shutdown-" });
    try {
      await using tmux = new Tmux(100, 30);
      // The server on a terminal: its console prints joins and leaves.
      const args = ["serve", "--host", "127.0.0.1", "--port", "0", "--log-file", `${dir}/chat.log`];
      await tmux.start("server", [Deno.execPath(), "run", ...SERVE_PERMISSIONS, MAIN, ...args], {
        NO_COLOR: "1",
      });
      const started = await tmux.waitFor("server", /parley listening on 127\.0\.0\.1:(\d+)/);
      const port = Number(/parley listening on 127\.0\.0\.1:(\d+)/.exec(started)![1]);
      // Started with `deno run` from a clone: the hint is a command that works here.
      assertMatch(started, new RegExp(`join with: +deno task join 127\\.0\\.0\\.1:${port}`));
      await using carol = await RawClient.join(port, "carol");
      await tmux.waitFor("server", /--> carol joined from 127\.0\.0\.1:\d+ \(1 online\)/);
      const term = await TmuxPane.join(tmux, "term", [`127.0.0.1:${port}`, "--nick", "alice"]);
      await term.waitFor(/^\[#lobby\] alice>$/);
      await tmux.waitFor("server", /--> alice joined from 127\.0\.0\.1:\d+ \(2 online\)/);
      await carol.say("bye all");
      await term.waitFor(/<carol> bye all$/);

      await tmux.press("server", "C-c");
      assertEqual(await tmux.waitExit("server"), 0);
      const console = (await tmux.capture("server")).split("\n").map((l) => l.trimEnd());
      assertEqual(console.filter((l) => /stopped/.test(l)), ["parley stopped"]);

      const rows = await term.waitFor(/lost|shut down; reconnecting \(Ctrl-D to give up\)$/);
      assertEqual(rows.filter((r) => /server shutting down/.test(r)).length, 1, rows.join("\n"));
      assertMatch(rows.join("\n"), /-!- server shutting down \(SIGINT\)$/m);
      assert(!rows.some((r) => /<-- carol left|left #lobby/.test(r)), rows.join("\n"));
      // Several attempts later there is still one line about it: the status line updates.
      await term.waitFor(/\| reconnecting: attempt [3-9] in /, 20_000);
      const later = await term.screen();
      assertEqual(later.filter((r) => /reconnect|attempt/.test(r)).length, 2, later.join("\n"));
      await term.press("C-d");
      await term.waitFor(/^--- gave up reconnecting to tcp:\/\/127\.0\.0\.1:\d+; bye$/);
      assertEqual(await term.waitExit(), 0);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
