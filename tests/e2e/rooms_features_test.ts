import { assert, assertEqual, assertMatch } from "../_helpers/assert.ts";
import { RawClient } from "../_helpers/raw_client.ts";
import { spawnJoin, startServe } from "../_helpers/serve_process.ts";

Deno.test("an operator's ban persists across a restart, refuses with banned, and is logged", async () => {
  const dir = await Deno.makeTempDir({ prefix: "parley-ban-" });
  const env = { PARLEY_ADMIN_PASSWORD: "sesame" };
  try {
    {
      await using server = await startServe([], { dir, env });
      await using alice = await RawClient.join(server.port, "alice");
      await using bob = await RawClient.join(server.port, "bob");
      await alice.command("op", "wrong");
      await alice.next((m) => m.type === "error" && m.code === "auth_failed");
      await alice.command("op", "sesame");
      await alice.next((m) => m.type === "notice" && m.text.startsWith("You are now an operator"));
      // nick: bans the nick alone (a bare guest nick would take the shared address too).
      await alice.command("ban", "nick:bob 1h flooding");
      await alice.next((m) => m.type === "notice" && m.text.startsWith("Banned nick bob for 1h"));
      assert(await bob.waitClosed(), "bob is disconnected");
      await alice.next((m) => m.type === "leave" && m.nick === "bob");
      const log = await server.log();
      assertMatch(log, /op refused for alice/);
      assertMatch(log, /op granted to alice/);
      assertMatch(log, /ban nick bob by alice for 1h: flooding/);
      assertEqual((await server.stop("SIGTERM")).code, 0);
    }
    // Default --data is parley.db beside chat.log.
    assert((await Deno.stat(`${dir}/parley.db`)).isFile);
    await using server = await startServe([], { dir, env });
    const raw = await RawClient.open(server.port);
    await raw.send({ type: "hello", version: 1, nick: "BOB" });
    const reply = await raw.next(() => true);
    assert(reply.type === "error" && reply.code === "banned", JSON.stringify(reply));
    assertMatch(reply.message, /You are banned from this server until .*: flooding/);
    assert(await raw.waitClosed());
    await raw[Symbol.asyncDispose]();
    await using carol = await RawClient.join(server.port, "carol");
    await carol.command("unban", "bob");
    await carol.next((m) => m.type === "error" && m.code === "forbidden");
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
});

Deno.test("search, history replay and the cow reach real clients", async () => {
  await using server = await startServe(["--data", ":memory:"]);
  await using alice = await RawClient.join(server.port, "alice");
  await alice.say("the needle is in the haystack");
  await alice.command("join", "#dev");
  await alice.say("another needle, in dev", "#dev");
  await alice.command("msg", "alice note to self about needles");
  const cowRef = await alice.command("cowsay", "hello from the cow");
  await alice.next((m) => m.type === "ack" && m.ref === cowRef);
  await alice.command("search", "needle");
  const all = await alice.next((m) => m.type === "search");
  assert(all.type === "search");
  assertEqual(all.results.map((r) => r.text), [
    "note to self about needles",
    "another needle, in dev",
    "the needle is in the haystack",
  ]);
  await alice.command("search", "needle #dev");
  const dev = await alice.next((m) => m.type === "search" && m.room === "#dev");
  assert(dev.type === "search");
  assertEqual(dev.results.map((r) => r.text), ["another needle, in dev"]);

  // A terminal client joining later sees the history (and the cow) rendered.
  const address = `127.0.0.1:${server.port}`;
  await using bob = spawnJoin([address, "--nick", "bob"]);
  await bob.waitFor("<alice> the needle is in the haystack");
  await bob.waitFor("< hello from the cow >");
  await bob.waitFor("(oo)");
  assert(!bob.lines.some((l) => l.includes("note to self")), "private message leaked");
  await bob.send("/away lunch");
  await alice.next((m) => m.type === "away" && m.nick === "bob" && m.away === "lunch");
  await bob.send("/roll 2d6");
  const roll = await alice.next((m) => m.type === "notice" && m.text.startsWith("bob rolled"));
  assert(roll.type === "notice");
  assertMatch(roll.text, /^bob rolled 2d6: \d \+ \d = \d+$/);
  await bob.waitFor("bob rolled 2d6");
  await bob.send("/help");
  for (const name of ["/history", "/search", "/away", "/cowsay", "/roll", "/op", "/ban"]) {
    await bob.waitFor(name);
  }
});
