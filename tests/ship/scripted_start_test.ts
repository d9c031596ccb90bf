import { assertEqual, assertMatch } from "../_helpers/assert.ts";
import { spawnLines } from "../_helpers/line_process.ts";
import { MAIN, runJoin, SERVE_PERMISSIONS } from "../_helpers/serve_process.ts";

const bash = (() => {
  try {
    return Deno.statSync("/bin/bash").isFile ? "/bin/bash" : undefined;
  } catch {
    return undefined;
  }
})();
if (!bash) console.log("skipped non-TTY shell start: /bin/bash is not available here");

Deno.test({
  name: "serve started from a non-TTY shell with --config and --json stops cleanly on SIGTERM",
  ignore: !bash,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "parley-test-" });
    await Deno.writeTextFile(
      `${dir}/parley.jsonc`,
      `{
        // what a supervisor would ship
        "host": "127.0.0.1",
        "port": 0,
        "name": "scripted",
        "log-file": "${dir}/chat.log",
      }`,
    );
    const script = `exec "$0" run ${
      SERVE_PERMISSIONS.join(" ")
    } "$1" serve --config parley.jsonc --json < /dev/null`;
    await using serve = spawnLines(bash!, ["-c", script, Deno.execPath(), MAIN], { cwd: dir });
    const listening = JSON.parse(await serve.waitFor(/"event":"listening"/));
    assertEqual(listening.name, "scripted");
    assertEqual(listening.host, "127.0.0.1");
    const alice = await runJoin([`127.0.0.1:${listening.port}`, "--nick", "alice"], "hi\n");
    assertEqual(alice.code, 0, alice.stderr);
    await serve.waitFor(/"event":"leave"/);
    const status = await serve.stop("SIGTERM");
    assertEqual(status.code, 0, await serve.stderr);
    const events = serve.lines.map((line) => JSON.parse(line));
    assertEqual(events.map((e) => e.event), ["listening", "join", "leave", "shutdown", "stopped"]);
    assertEqual(events[1].nick, "alice");
    assertEqual(events[2].reason, "quit");
    assertEqual(events[3].reason, "SIGTERM");
    assertEqual([events[4].joins, events[4].leaves, events[4].peak_online], [1, 1, 1]);
    for (const event of events) assertMatch(event.ts, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    await Deno.remove(dir, { recursive: true });
  },
});
