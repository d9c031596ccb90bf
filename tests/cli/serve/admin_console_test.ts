import { assertEqual, assertMatch } from "../../_helpers/assert.ts";
import { RawClient } from "../../_helpers/raw_client.ts";
import { runAdminLine } from "../../../cli/serve/admin_console.ts";
import { startServer } from "../../../server/server.ts";

Deno.test("admin console mutes, bans, lists and unbans, with sentences for bad input", async () => {
  const server = await startServer({ hostname: "127.0.0.1", port: 0 });
  try {
    await using bob = await RawClient.join(server.addr.port, "bob");
    assertEqual(await runAdminLine(server, "mute bob 5m"), "Muted bob for 5m");
    await bob.say("anyone?");
    await bob.next((m) => m.type === "error" && m.code === "muted");
    assertEqual(await runAdminLine(server, "mute ghost"), "No user is called ghost");
    assertMatch(await runAdminLine(server, "who"), /^1 online\n {2}bob .* 127\.0\.0\.1:\d+ guest$/);
    assertEqual(
      await runAdminLine(server, "ban"),
      "Usage: ban NICK|nick:NICK|key:SHA256:...|ADDRESS [DURATION] [REASON]",
    );
    // Bob is a guest: the ban holds what he cannot shed by reconnecting, his address too.
    assertMatch(
      await runAdminLine(server, "ban bob 2h spam"),
      /^Banned nick bob and address 127\.0\.0\.1 for 2h; disconnected bob$/,
    );
    await bob.waitClosed();
    assertMatch(
      await runAdminLine(server, "bans"),
      /2 bans:\n {2}nick bob until .* by server: spam\n {2}address 127\.0\.0\.1 until .*/,
    );
    assertEqual(await runAdminLine(server, "unban bob"), "Unbanned nick bob");
    assertEqual(await runAdminLine(server, "unban 127.0.0.1"), "Unbanned address 127.0.0.1");
    assertEqual(await runAdminLine(server, "bans"), "No bans");
    assertMatch(await runAdminLine(server, "help"), /ban NICK\|nick:NICK/);
  } finally {
    await server.close();
  }
});
