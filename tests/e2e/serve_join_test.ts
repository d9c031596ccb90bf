import { assert, assertEqual, assertMatch } from "../_helpers/assert.ts";
import { RawClient } from "../_helpers/raw_client.ts";
import { runJoin, spawnJoin, startServe } from "../_helpers/serve_process.ts";

const TIME = /^\[\d\d:\d\d\] /;

Deno.test("serve prints the listening line with the real port and join hints", async () => {
  await using server = await startServe();
  assertMatch(server.listeningLine, /^parley listening on 127\.0\.0\.1:\d+$/);
  assert(server.port > 0);
  assert(server.stdout.length >= 1);
  assert(
    // Run with `deno run` from a clone, so the hint is `deno task join`.
    server.stdout.some((l) => l.includes(`deno task join 127.0.0.1:${server.port}`)) ||
      (await new Promise((r) => setTimeout(r, 200)),
        server.stdout.some((l) => l.includes(`deno task join 127.0.0.1:${server.port}`))),
    `no join hint in ${JSON.stringify(server.stdout)}`,
  );
});

Deno.test("three scripted clients: broadcast, private message, who, and chat.log", async () => {
  await using server = await startServe();
  const address = `tcp://127.0.0.1:${server.port}`;
  await using bob = spawnJoin([address, "--nick", "bob"]);
  await bob.waitFor("connected to");
  await using carol = spawnJoin([address, "--nick", "carol"]);
  await carol.waitFor("connected to");
  await bob.waitFor("carol joined #lobby");
  const alice = await runJoin(
    [address, "--nick", "alice"],
    "hello everyone\n/msg carol just for you\n/me waves\n",
  );
  assertEqual(alice.code, 0, alice.stderr);
  // Broadcast reaches both others with nick and timestamp.
  const bobLine = await bob.waitFor("<alice> hello everyone");
  assertMatch(bobLine, TIME);
  const carolLine = await carol.waitFor("<alice> hello everyone");
  assertMatch(carolLine, TIME);
  // The private message reaches only carol.
  await carol.waitFor("*alice* just for you");
  await bob.waitFor("* alice waves");
  assert(
    !bob.lines.some((l) => l.includes("just for you")),
    `bob saw the private message: ${bob.lines}`,
  );
  // The sender sees its own lines, acknowledged with server timestamps.
  assertMatch(alice.stdout, /\[\d\d:\d\d\] <alice> hello everyone/);
  assertMatch(alice.stdout, /-> \*carol\* just for you/);
  await bob.waitFor("alice left #lobby (quit)");
  assertEqual((await bob.end()).code, 0);
  assertEqual((await carol.end()).code, 0);
  const log = await server.log();
  for (const nick of ["alice", "bob", "carol"]) {
    assertMatch(
      log,
      new RegExp(
        `^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z .*join ${nick} from 127\\.0\\.0\\.1:\\d+`,
        "m",
      ),
    );
    assertMatch(log, new RegExp(`leave ${nick} \\(127\\.0\\.0\\.1:\\d+\\): quit`));
  }
  assertMatch(log, /connect from 127\.0\.0\.1:\d+/);
  assert(!log.includes("hello everyone"), "message bodies must not be logged by default");
});

Deno.test("a taken nick is refused with nick_taken and exit code 4", async () => {
  await using server = await startServe();
  await using _holder = await RawClient.join(server.port, "Bob");
  const result = await runJoin([`127.0.0.1:${server.port}`, "--nick", "bob"]);
  assertEqual(result.code, 4, result.stderr);
  assertMatch(result.stderr, /Nick bob is already in use/);
  const raw = await RawClient.open(server.port);
  await raw.send({ type: "hello", version: 1, nick: "BOB" });
  const reply = await raw.next(() => true);
  assertEqual(reply.type === "error" && reply.code, "nick_taken");
  assert(await raw.waitClosed(), "server should close after refusing");
  await raw[Symbol.asyncDispose]();
  assertMatch(await server.log(), /nick rejected from 127\.0\.0\.1:\d+: bob is taken/);
});

Deno.test("a wrong or missing password is refused with auth_failed and exit code 5", async () => {
  await using server = await startServe([], { env: { PARLEY_PASSWORD: "s3cret" } });
  const wrong = await runJoin([`127.0.0.1:${server.port}`, "--nick", "eve"], "", {
    PARLEY_PASSWORD: "guess",
  });
  assertEqual(wrong.code, 5, wrong.stderr);
  assertMatch(wrong.stderr, /Wrong password/);
  const missing = await runJoin([`127.0.0.1:${server.port}`, "--nick", "eve"]);
  assertEqual(missing.code, 5);
  assertMatch(missing.stderr, /requires a password/);
  const right = await runJoin([`127.0.0.1:${server.port}`, "--nick", "amy"], "hi\n", {
    PARLEY_PASSWORD: "s3cret",
  });
  assertEqual(right.code, 0, right.stderr);
  const log = await server.log();
  assertMatch(log, /auth failed from 127\.0\.0\.1:\d+/);
  assert(!log.includes("guess") && !log.includes("s3cret"), "passwords must never be logged");
});

Deno.test("a client killed mid-frame does not disturb the others", async () => {
  await using server = await startServe();
  await using alice = await RawClient.join(server.port, "alice");
  await using bob = await RawClient.join(server.port, "bob");
  const victim = await RawClient.join(server.port, "victim");
  // Half a frame: a header promising 100 bytes, then 10 bytes, then the socket dies.
  await victim.sendBytes(new Uint8Array([0, 0, 0, 100, ...new TextEncoder().encode('{"type":"m')]));
  victim.close();
  const left = await alice.next((m) => m.type === "leave" && m.nick === "victim");
  assert(left.type === "leave" && /connection/.test(left.reason), JSON.stringify(left));
  assertEqual(left.type === "leave" && left.code, "disconnected");
  const ref = await alice.say("still here?");
  await alice.next((m) => m.type === "ack" && m.ref === ref);
  const got = await bob.next((m) => m.type === "msg" && m.text === "still here?");
  assert(got.type === "msg" && got.from === "alice" && got.id > 0 && got.ts > 0);
});

Deno.test("SIGTERM sends everyone a shutdown notice and exits 0", async () => {
  await using server = await startServe();
  await using alice = await RawClient.join(server.port, "alice");
  await using bob = await RawClient.join(server.port, "bob");
  const scripted = spawnJoin([`127.0.0.1:${server.port}`, "--nick", "carol"]);
  await scripted.waitFor("connected to");
  const status = await server.stop("SIGTERM");
  assertEqual(status.code, 0);
  for (const client of [alice, bob]) {
    const notice = await client.next((m) => m.type === "shutdown");
    assert(notice.type === "shutdown" && notice.reason.includes("SIGTERM"), JSON.stringify(notice));
    assert(await client.waitClosed(), "socket should be closed after shutdown");
  }
  await scripted.waitFor("server shutting down");
  const joinStatus = await scripted.end();
  assertEqual(joinStatus.code, 6, "a client whose server went away exits 6");
  assert(server.stdout.includes("parley stopped"), JSON.stringify(server.stdout));
  const log = await server.log();
  assertMatch(log, /server stopping: SIGTERM/);
  assertMatch(log, /server stopped/);
});

Deno.test("join reports connection refused as a sentence with exit code 3", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = listener.addr.port;
  listener.close();
  const result = await runJoin([`127.0.0.1:${port}`, "--nick", "x"]);
  assertEqual(result.code, 3);
  assertMatch(
    result.stderr,
    /Connection refused by tcp:\/\/127\.0\.0\.1:\d+: is the server running/,
  );
  assert(!result.stderr.includes("    at "), "no stack trace");
});

Deno.test("join rejects bad addresses and a missing nick with exit code 2", async () => {
  const badPort = await runJoin(["127.0.0.1:99999", "--nick", "x"]);
  assertEqual(badPort.code, 2);
  assertMatch(badPort.stderr, /Port 99999 is out of range/);
  const badScheme = await runJoin(["http://example.com", "--nick", "x"]);
  assertEqual(badScheme.code, 2);
  assertMatch(badScheme.stderr, /Unsupported scheme/);
  const noNick = await runJoin(["127.0.0.1:5003"]);
  assertEqual(noNick.code, 2);
  assertMatch(noNick.stderr, /--nick is required/);
});

Deno.test("a client alone in the room can chat and leave", async () => {
  await using server = await startServe();
  const result = await runJoin(
    [`127.0.0.1:${server.port}`, "--nick", "solo", "--json"],
    "anyone?\n/who\n",
  );
  assertEqual(result.code, 0, result.stderr);
  const events = result.stdout.trim().split("\n").map((l) => JSON.parse(l));
  assertEqual(events[0].type, "welcome");
  // The resume token is a credential: never printed, never logged.
  assertEqual(events[0].resume, undefined, "join --json leaves the resume token out");
  assert(!/"resume"/.test(result.stdout + result.stderr), result.stdout);
  const ack = events.find((e) => e.type === "ack" && e.id > 0);
  assert(ack && ack.ts > 0, result.stdout);
  const who = events.find((e) => e.type === "who");
  assertEqual(who.users.map((u: { nick: string }) => u.nick), ["solo"]);
  const log = await server.log();
  assert(log.includes("join solo"), log);
  // A resume token is 43 base64url characters; an identity fingerprint
  // (`SHA256:` + 43 base64 characters) may be logged and can look the same.
  const tokenLike = log.replace(/SHA256:[A-Za-z0-9+/]{43}/g, "").match(/[A-Za-z0-9_-]{43}/);
  assertEqual(tokenLike, null, "no resume token in chat.log");
});

Deno.test("a client that stops answering is pinged, then dropped after two heartbeats", async () => {
  await using server = await startServe(["--heartbeat", "300ms"]);
  await using alice = await RawClient.join(server.port, "alice");
  await using silent = await RawClient.join(server.port, "silent");
  // alice keeps answering pings; silent never does.
  const answering = (async () => {
    for (let i = 0; i < 50 && !alice.closed; i++) {
      const ping = alice.received.find((m) => m.type === "ping");
      if (ping && ping.type === "ping") {
        alice.received.splice(alice.received.indexOf(ping), 1);
        await alice.send({ type: "pong", token: ping.token });
      }
      if (alice.received.some((m) => m.type === "leave" && m.nick === "silent")) return;
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  await silent.next((m) => m.type === "ping", 5_000);
  const left = await alice.next((m) => m.type === "leave" && m.nick === "silent", 5_000);
  assertMatch(left.type === "leave" ? left.reason : "", /^heartbeat timeout/);
  assertEqual(left.type === "leave" && left.code, "timeout");
  assert(await silent.waitClosed(5_000));
  await answering;
  assert(!alice.closed, "a client that answers pings stays connected");
});
