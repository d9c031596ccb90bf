import { MAIN, SERVE_PERMISSIONS } from "../_helpers/serve_process.ts";
import { RawClient } from "../_helpers/raw_client.ts";
import { Tmux } from "../_helpers/tmux.ts";
import { assert, assertEqual, assertMatch } from "../_helpers/assert.ts";

const hasTmux = await Tmux.available();
if (!hasTmux) {
  console.log("server console tmux test skipped: tmux is not installed (.ci/run installs it)");
}

/** Starts `serve` on a terminal in tmux and returns its port once the console prompt shows. */
async function serveInTmux(tmux: Tmux, dir: string): Promise<number> {
  const args = ["serve", "--host", "127.0.0.1", "--port", "0", "--log-file", `${dir}/chat.log`];
  await tmux.start("server", [Deno.execPath(), "run", ...SERVE_PERMISSIONS, MAIN, ...args], {
    NO_COLOR: "1",
  });
  const screen = await tmux.waitFor("server", /parley listening on 127\.0\.0\.1:(\d+)/);
  await tmux.waitFor("server", "parley>");
  return Number(/parley listening on 127\.0\.0\.1:(\d+)/.exec(screen)![1]);
}

Deno.test({
  name: "serve console on a terminal runs who, say, kick and shutdown",
  ignore: !hasTmux,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "parley-console-" });
    await using tmux = new Tmux(120, 30);
    const port = await serveInTmux(tmux, dir);
    await using alice = await RawClient.join(port, "alice");
    await using bob = await RawClient.join(port, "bob");

    await tmux.type("server", "who");
    await tmux.press("server", "Enter");
    await tmux.waitFor("server", /2 online[\s\S]*alice[\s\S]*bob/);

    await tmux.type("server", "say maintenance at noon");
    await tmux.press("server", "Enter");
    const notice = await alice.next((m) => m.type === "notice");
    assertEqual(notice.type === "notice" && notice.text, "maintenance at noon");

    await tmux.type("server", "kick bob flooding");
    await tmux.press("server", "Enter");
    await tmux.waitFor("server", "kicked bob");
    const left = await alice.next((m) => m.type === "leave" && m.nick === "bob");
    assertEqual(left.type === "leave" && left.reason, "kicked by server: flooding");
    assert(await bob.waitClosed());

    await tmux.type("server", "shutdown back soon");
    await tmux.press("server", "Enter");
    const shutdown = await alice.next((m) => m.type === "shutdown");
    assertEqual(shutdown.type === "shutdown" && shutdown.reason, "back soon");
    assertEqual(await tmux.waitExit("server"), 0);
    const log = await Deno.readTextFile(`${dir}/chat.log`);
    assertMatch(log, /kick bob \(127\.0\.0\.1:\d+\) by server: flooding/);
    assertMatch(log, /server stopping: back soon/);
    await Deno.remove(dir, { recursive: true });
  },
});

Deno.test({
  name: "serve console stops gracefully on Ctrl-C with exit status 0",
  ignore: !hasTmux,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "parley-console-" });
    await using tmux = new Tmux(120, 30);
    const port = await serveInTmux(tmux, dir);
    await using alice = await RawClient.join(port, "alice");
    await tmux.press("server", "C-c");
    const shutdown = await alice.next((m) => m.type === "shutdown");
    assertMatch(shutdown.type === "shutdown" ? shutdown.reason : "", /SIGINT/);
    assertEqual(await tmux.waitExit("server"), 0);
    await Deno.remove(dir, { recursive: true });
  },
});
