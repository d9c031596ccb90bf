import { assert, assertEqual } from "../../_helpers/assert.ts";
import { spawnLines } from "../../_helpers/line_process.ts";

const HELPER = new URL("../../_helpers/backlog_listener.ts", import.meta.url).pathname;

Deno.test("raiseListenBacklog without --allow-ffi changes nothing and says why", async () => {
  // A child process without --allow-ffi (the test task grants it to this one).
  await using child = spawnLines(Deno.execPath(), ["run", "--allow-net", HELPER, "4096"], {
    stdin: "piped",
  });
  const { result } = JSON.parse(await child.waitFor(/^\{/));
  assertEqual(result.raised, false);
  assert(/allow-ffi|not Linux/.test(result.reason), result.reason);
});

Deno.test("raiseListenBacklog lets more than 512 handshakes wait unaccepted (Deno's own backlog is 511)", async () => {
  if (Deno.build.os !== "linux") {
    console.log("skipped: raising the backlog is Linux-only");
    return;
  }
  await using child = spawnLines(Deno.execPath(), ["run", "--allow-all", HELPER, "4096"], {
    stdin: "piped",
  });
  const { port, result } = JSON.parse(await child.waitFor(/^\{/));
  assertEqual(result.raised, true, JSON.stringify(result));
  const wanted = 600;
  const sockets: Deno.TcpConn[] = [];
  const pending = Array.from(
    { length: wanted },
    () => Deno.connect({ hostname: "127.0.0.1", port }).then((c) => sockets.push(c)),
  );
  try {
    // With a backlog of 511 the queue never holds more than 512: the kernel drops the rest.
    let queued = 0;
    for (let i = 0; i < 200 && queued < wanted; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      await child.send("");
      queued = Number((await child.waitFor(new RegExp(`^queue \\d+$`))).split(" ")[1]);
      child.lines.length = 0;
    }
    assertEqual(queued, wanted, "every handshake waits in the accept queue");
    await Promise.all(pending);
  } finally {
    for (const socket of sockets) socket.close();
  }
});
