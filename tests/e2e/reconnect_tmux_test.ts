// Auto-reconnect of the interactive client, in a real terminal (tmux).
import { assert, assertEqual, assertMatch } from "../_helpers/assert.ts";
import { RawClient } from "../_helpers/raw_client.ts";
import { startServe } from "../_helpers/serve_process.ts";
import { TcpProxy } from "../_helpers/tcp_proxy.ts";
import { Tmux, TmuxPane } from "../_helpers/tmux.ts";

const haveTmux = await Tmux.available();
if (!haveTmux) console.log("skipping tmux tests: tmux is not installed (apt-get install tmux)");

/** A port that was free a moment ago (bind port 0, read it, close). */
function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = listener.addr.port;
  listener.close();
  return port;
}

/** The status line: the second-last non-empty row. */
function statusRow(rows: string[]): string {
  return rows.filter((r) => r.trim() !== "").at(-2) ?? "";
}

Deno.test({
  name:
    "interactive join reconnects after the server is killed and restarted, and rejoins its rooms",
  ignore: !haveTmux,
  async fn() {
    const port = freePort();
    const dir = await Deno.makeTempDir({ prefix: "parley-reconnect-" });
    try {
      const first = await startServe(["--port", String(port)], { dir });
      assertEqual(first.port, port);
      await using tmux_term = new Tmux();
      const term = await TmuxPane.join(tmux_term, "term", [`127.0.0.1:${port}`, "--nick", "alice"]);
      await term.waitFor(/^\[#lobby\] alice>$/);
      await term.type("/join #dev");
      await term.press("Enter");
      await term.waitFor(/^\[#dev\] alice>$/);

      await first.stop("SIGKILL");
      await first[Symbol.asyncDispose]();
      // The user is told, step by step, on screen and in the status line.
      await term.waitFor(
        /^-!- connection to tcp:\/\/127\.0\.0\.1:\d+ lost; reconnecting \(Ctrl-D to give up\)$/,
      );
      // Attempts update the status line in place, with why the last one failed.
      await term.waitFor(/\| reconnecting: attempt [3-9] in \d+\.\ds \(Connection refused/);
      const outage = await term.screen();
      assertMatch(
        statusRow(outage),
        /\| #dev \(\+1\) \| alice \| (reconnecting: attempt \d+ in \d+\.\ds|connecting: attempt \d+)/,
      );
      assertEqual(outage.filter((r) => /reconnect|attempt/.test(r)).length, 2, outage.join("\n"));
      // A line typed while offline is kept and sent after reconnecting.
      await term.type("typed while offline");
      await term.press("Enter");
      await term.waitFor(/^--- not connected: this will be sent once reconnected \(1 waiting\)$/);

      await using second = await startServe(["--port", String(port)], { dir });
      await using bob = await RawClient.join(port, "bob");
      await bob.command("join", "#dev");
      await term.waitFor(
        /^--- reconnected to tcp:\/\/127\.0\.0\.1:\d+ as alice; rejoining #dev$/,
        30_000,
      );
      await bob.next((m) => m.type === "join" && m.nick === "alice" && m.room === "#dev");
      const offline = await bob.next((m) => m.type === "msg" && m.text === "typed while offline");
      assert(offline.type === "msg" && offline.room === "#dev" && offline.from === "alice");
      const rows = await term.waitFor(/^\[#dev\] alice>$/);
      assertMatch(statusRow(rows), /\| #dev \(\+1\) \| alice \| connected$/);
      await bob.say("welcome back", "#dev");
      await term.waitFor(/<bob> welcome back$/);
      await term.type("/quit");
      await term.press("Enter");
      assertEqual(await term.waitExit(), 0);
      await second.stop("SIGTERM");
    } finally {
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    }
  },
});

Deno.test({
  name: "interactive join takes its nick back from its own ghost with the resume token",
  ignore: !haveTmux,
  async fn() {
    await using server = await startServe();
    await using proxy = new TcpProxy(server.port);
    await using bob = await RawClient.join(server.port, "bob");
    await using tmux_term = new Tmux();
    const term = await TmuxPane.join(tmux_term, "term", [
      `127.0.0.1:${proxy.port}`,
      "--nick",
      "alice",
    ]);
    await term.waitFor(/^\[#lobby\] alice>$/);
    await bob.next((m) => m.type === "join" && m.nick === "alice");

    await bob.say("before the cut");
    await term.waitFor(/<bob> before the cut$/);

    // The link dies, but the server does not notice: its socket for alice stays open.
    proxy.cutClients();
    // Said while alice is away: the server sends it to the ghost, which never delivers it.
    await bob.say("while you were gone");
    await term.waitFor(/^-!- connection to tcp:\/\/127\.0\.0\.1:\d+ lost; reconnecting/);
    await term.waitFor(/^--- reconnected to tcp:\/\/127\.0\.0\.1:\d+ as alice$/, 30_000);
    // The ghost was replaced at once: a leave with reason "reconnected", then a join.
    const left = await bob.next((m) => m.type === "leave" && m.nick === "alice");
    assertEqual(left.type === "leave" && left.reason, "reconnected");
    const leftAt = bob.received.indexOf(left);
    await bob.next((m) =>
      m.type === "join" && m.nick === "alice" && bob.received.indexOf(m) > leftAt
    );
    const rows = await term.waitFor(/^\[#lobby\] alice>$/);
    assert(
      !rows.some((r) => /already in use|alice_/.test(r)),
      `the nick must not be lost:\n${rows.join("\n")}`,
    );
    assert(proxy.accepted >= 2, "the client reconnected through the proxy");
    await bob.say("still alice?");
    await term.waitFor(/<bob> still alice\?$/);
    // What alice missed is shown once, from the history replayed on reconnect;
    // what she had already seen is not shown again.
    const screen = await term.screen();
    const count = (text: string) => screen.filter((r) => r.endsWith(text)).length;
    assertEqual(count("<bob> while you were gone"), 1, screen.join("\n"));
    assertEqual(count("<bob> before the cut"), 1, screen.join("\n"));
  },
});
