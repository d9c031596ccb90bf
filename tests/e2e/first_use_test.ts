import { assertEqual, assertMatch } from "../_helpers/assert.ts";
import { RawClient } from "../_helpers/raw_client.ts";
import { MAIN, runJoin, startServe } from "../_helpers/serve_process.ts";
import { PROTOCOL_VERSION } from "../../protocol/messages.ts";

/** Waits until `chat.log` matches, up to 10 s. */
async function logMatching(read: () => Promise<string>, pattern: RegExp): Promise<string> {
  const deadline = Date.now() + 10_000;
  let log = "";
  while (Date.now() < deadline) {
    log = await read();
    if (pattern.test(log)) return log;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`chat.log never matched ${pattern}:\n${log}`);
}

Deno.test("chat.log closes every connection that never joined: a ping probe and a refusal", async () => {
  await using server = await startServe(["--max-clients", "1"]);
  const ping = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-net",
      "--allow-env",
      "--allow-read",
      MAIN,
      "ping",
      `127.0.0.1:${server.port}`,
    ],
    stdin: "null",
    stdout: "null",
  }).output();
  assertEqual(ping.code, 0);
  let log = await logMatching(() => server.log(), /answered a probe/);
  const probe =
    /closed 127\.0\.0\.1:(\d+) without joining after \d+ ms: answered a probe \(parley ping\)/
      .exec(log)!;
  assertMatch(log, new RegExp(`connect from 127\\.0\\.0\\.1:${probe[1]}\\b`));

  await using alice = await RawClient.join(server.port, "alice");
  await using refused = await RawClient.open(server.port);
  const port = (refused.conn.localAddr as Deno.NetAddr).port;
  await refused.send({ type: "hello", version: PROTOCOL_VERSION, nick: "bob" });
  const answer = await refused.next(() => true);
  assertEqual(answer.type === "error" && answer.code, "server_full");
  log = await logMatching(
    () => server.log(),
    new RegExp(`closed 127\\.0\\.0\\.1:${port} without joining after \\d+ ms: server_full: `),
  );
  assertMatch(log, new RegExp(`connect from 127\\.0\\.0\\.1:${port}\\b`));
  assertEqual(alice.received[0].type, "welcome");
});

Deno.test("a scripted /msg to oneself is echoed once", async () => {
  await using server = await startServe();
  const result = await runJoin(
    [`127.0.0.1:${server.port}`, "--nick", "alice"],
    "/msg alice note to self\n",
  );
  assertEqual(result.code, 0, result.stderr);
  const echoes = result.stdout.split("\n").filter((line) => line.includes("note to self"));
  assertEqual(echoes.length, 1, result.stdout);
  assertMatch(echoes[0], /-> \*alice\* note to self$/);
});

Deno.test("a banned join is told the ban's expiry in local time, as chat shows times", async () => {
  await using server = await startServe([], { env: { PARLEY_ADMIN_PASSWORD: "sesame" } });
  await using op = await RawClient.join(server.port, "op");
  await op.command("op", "sesame");
  await op.command("ban", "eve 2h");
  await op.next((m) => m.type === "notice" && /Banned nick eve/.test(m.text));
  await op.command("bans");
  const list = await op.next((m) => m.type === "notice" && /ban:/.test(m.text));
  // The server writes UTC; every client localizes it.
  assertMatch(
    list.type === "notice" ? list.text : "",
    /until \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/,
  );
  const eve = await runJoin([`127.0.0.1:${server.port}`, "--nick", "eve"]);
  assertEqual(eve.code, 7, eve.stderr);
  assertMatch(
    eve.stderr,
    /^parley join: You are banned from this server until (\d{4}-\d\d-\d\d )?\d\d:\d\d\n$/,
  );
});
