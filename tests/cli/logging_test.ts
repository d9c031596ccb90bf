import { assert, assertMatch } from "../_helpers/assert.ts";
import { setupLogging } from "../../cli/logging.ts";
import { getLogger } from "../../server/log.ts";

Deno.test("setupLogging appends one timestamped line per parley event, without control characters", async () => {
  const dir = await Deno.makeTempDir({ prefix: "parley-test-" });
  try {
    const path = `${dir}/chat.log`;
    await Deno.writeTextFile(path, "earlier line\n");
    const close = await setupLogging({ logFile: path });
    try {
      getLogger(["parley", "test"]).info("joined {nick}", { nick: "eve\x1b[2J" });
      getLogger(["parley", "test"]).debug("below the level");
    } finally {
      await close();
    }
    const lines = (await Deno.readTextFile(path)).split("\n");
    assertMatch(lines[0], /^earlier line$/);
    assertMatch(
      lines[1],
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z \[INFO\] parley\.test: joined .*eve/,
    );
    assert(!lines[1].includes("\x1b"), JSON.stringify(lines[1]));
    assert(lines.length === 3 && lines[2] === "", JSON.stringify(lines));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("setupLogging fails at once for a log file it cannot open", async () => {
  let failed = false;
  try {
    await setupLogging({ logFile: "/nonexistent-dir/chat.log" });
  } catch (error) {
    failed = error instanceof Deno.errors.NotFound;
  }
  assert(failed);
});
