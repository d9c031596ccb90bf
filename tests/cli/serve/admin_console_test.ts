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
    assertEqual(await runAdminLine(server, "ban"), "Usage: ban NICK|ADDRESS [DURATION] [REASON]");
    assertMatch(
      await runAdminLine(server, "ban bob 2h spam"),
      /Banned nick bob for 2h; disconnected bob/,
    );
    await bob.waitClosed();
    assertMatch(
      await runAdminLine(server, "bans"),
      /1 ban:\n {2}nick bob until .* by server: spam/,
    );
    assertEqual(await runAdminLine(server, "unban bob"), "Unbanned bob");
    assertEqual(await runAdminLine(server, "bans"), "No bans");
    assertMatch(await runAdminLine(server, "help"), /ban NICK\|ADDRESS/);
  } finally {
    await server.close();
  }
});
