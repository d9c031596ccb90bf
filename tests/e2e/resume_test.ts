import { assert, assertEqual, assertMatch } from "../_helpers/assert.ts";
import { RawClient } from "../_helpers/raw_client.ts";
import { startServe } from "../_helpers/serve_process.ts";
import { PROTOCOL_VERSION } from "../../protocol/messages.ts";

async function hello(port: number, nick: string, resume?: string): Promise<RawClient> {
  const client = await RawClient.open(port);
  await client.send(
    resume === undefined
      ? { type: "hello", version: PROTOCOL_VERSION, nick }
      : { type: "hello", version: PROTOCOL_VERSION, nick, resume },
  );
  await client.next(() => true);
  return client;
}

Deno.test("resume token in hello takes the nick back from a ghost at once", async () => {
  await using server = await startServe();
  await using watcher = await RawClient.join(server.port, "watcher");
  // The ghost: its socket stays open, so the server still holds the nick.
  await using ghost = await hello(server.port, "alice");
  const welcome = ghost.received[0];
  assert(welcome.type === "welcome", JSON.stringify(welcome));
  const token = welcome.resume;
  assert(typeof token === "string" && token.length >= 32, `no resume token: ${token}`);

  // Without the token, and with a wrong one, the nick stays taken.
  await using plain = await hello(server.port, "alice");
  assertEqual(plain.received[0].type === "error" && plain.received[0].code, "nick_taken");
  await using wrong = await hello(server.port, "ALICE", token.slice(1) + "A");
  assertEqual(wrong.received[0].type === "error" && wrong.received[0].code, "nick_taken");
  assert(!ghost.closed, "a failed resume must not disturb the holder");

  // With the token: welcome at once, the ghost is told and closed.
  await using back = await hello(server.port, "alice", token);
  const again = back.received[0];
  assert(again.type === "welcome" && again.nick === "alice", JSON.stringify(again));
  assert(again.resume && again.resume !== token, "every welcome carries a fresh token");
  await ghost.next((m) => m.type === "notice" && /resumed/.test(m.text));
  assert(await ghost.waitClosed(), "the ghost's connection is closed");
  const left = await watcher.next((m) => m.type === "leave" && m.nick === "alice");
  assert(left.type === "leave" && left.reason === "reconnected", JSON.stringify(left));
  await watcher.next((m) =>
    m.type === "join" && m.nick === "alice" && watcher.received.indexOf(m) >
      watcher.received.indexOf(left)
  );

  // The used token is spent: it cannot steal the nick from the new session.
  await using replay = await hello(server.port, "alice", token);
  assertEqual(replay.received[0].type === "error" && replay.received[0].code, "nick_taken");
  assert(!back.closed);
  const ref = await back.say("I am back");
  await back.next((m) => m.type === "ack" && m.ref === ref);
  await watcher.next((m) => m.type === "msg" && m.from === "alice" && m.text === "I am back");
  assertMatch(await server.log(), /resume alice: 127\.0\.0\.1:\d+ replaces 127\.0\.0\.1:\d+/);
});

Deno.test("resume token for a nick nobody holds is ignored and the client is admitted", async () => {
  await using server = await startServe();
  await using client = await hello(server.port, "carol", "not-a-real-token");
  const first = client.received[0];
  assert(first.type === "welcome" && first.nick === "carol", JSON.stringify(first));
});

Deno.test("probe welcome carries no resume token", async () => {
  await using server = await startServe();
  await using probe = await RawClient.open(server.port);
  await probe.send({ type: "hello", version: PROTOCOL_VERSION, nick: "x", probe: true });
  const first = await probe.next(() => true);
  assert(first.type === "welcome" && first.resume === undefined, JSON.stringify(first));
});
