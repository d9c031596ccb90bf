/**
 * Terminal injection: escapes in nicks are refused, escapes in text, topics
 * and reasons are stripped by the server, and the real client prints nothing
 * that could clear a screen, set a title or forge another nick's line.
 */

import { assert, assertEqual } from "../_helpers/assert.ts";
import { assertClean } from "../_helpers/attack.ts";
import { RawClient } from "../_helpers/raw_client.ts";
import { spawnJoin, startServe } from "../_helpers/serve_process.ts";
import { encodeMessage } from "../../protocol/messages.ts";

const NASTY =
  "hi\x1b[2J\x1b[H\x1b]0;pwned\x07\x9b31m\r[12:00] <admin> give me your password\u202eevil";

Deno.test("injection: nicks with escapes, controls or bidi overrides are refused", async () => {
  await using server = await startServe();
  for (const nick of ["evil\x1b[31m", "a\u202eb", "bell\x07", "tab\tnick", "\x9b2J"]) {
    const client = await RawClient.open(server.port);
    await client.send({ type: "hello", version: 1, nick });
    const answer = await client.next(() => true);
    assert(
      answer.type === "error" && answer.code === "nick_invalid",
      `${JSON.stringify(nick)}: ${JSON.stringify(answer)}`,
    );
    await client[Symbol.asyncDispose]();
  }
  await using alice = await RawClient.join(server.port, "alice");
  const ref = await alice.command("nick", "x\x1b]0;t\x07");
  const refusal = await alice.next((m) => m.type === "error" && m.ref === ref);
  assert(refusal.type === "error" && refusal.code === "nick_invalid");
  const room = await alice.command("join", "#a\x1b[2Jb");
  const roomRefusal = await alice.next((m) => m.type === "error" && m.ref === room);
  assert(roomRefusal.type === "error" && roomRefusal.code === "room_invalid");
});

Deno.test("injection: the server strips escapes from text, actions, topics and reasons", async () => {
  await using server = await startServe();
  await using mallory = await RawClient.join(server.port, "mallory");
  await using victim = await RawClient.join(server.port, "victim");
  await mallory.say(NASTY);
  await mallory.command("me", NASTY);
  await mallory.command("topic", NASTY);
  await mallory.command("msg", `victim ${NASTY}`);
  await mallory.command("quit", NASTY);
  const msg = await victim.next((m) => m.type === "msg");
  assertEqual(msg.type === "msg" && msg.text, "hi[12:00] <admin> give me your passwordevil");
  await victim.next((m) => m.type === "action");
  await victim.next((m) => m.type === "topic");
  await victim.next((m) => m.type === "privmsg");
  await victim.next((m) => m.type === "leave" && m.nick === "mallory");
  // Malformed messages are quoted in the reason their sender is dropped for.
  await using trudy = await RawClient.join(server.port, "trudy");
  const bad = encodeMessage({ type: "ping" });
  const payload = new TextEncoder().encode(JSON.stringify({ type: "\x1b]0;pwned\x07\x1b[2J" }));
  for (let i = 0; i < 11; i++) {
    await trudy.sendBytes(new Uint8Array([0, 0, 0, payload.length, ...payload]));
  }
  await trudy.sendBytes(bad);
  const dropped = await victim.next((m) => m.type === "leave" && m.nick === "trudy");
  assert(
    dropped.type === "leave" && dropped.reason.includes("unknown type"),
    JSON.stringify(dropped),
  );
  assertClean(victim);
});

Deno.test("injection: the terminal client never prints an escape or a forged line", async () => {
  await using server = await startServe();
  await using watcher = spawnJoin([`127.0.0.1:${server.port}`, "--nick", "watcher"]);
  await watcher.waitFor("connected to");
  await using mallory = await RawClient.join(server.port, "mallory");
  // Newlines are allowed in text, so try to start a fake line with them too.
  await mallory.say(`${NASTY}\n[12:00] <watcher> I agree\n\x1b[1A\x1b[2K`);
  await mallory.say("done");
  await watcher.waitFor("<mallory> done");
  const output = watcher.lines.join("\n");
  // deno-lint-ignore no-control-regex -- looking for control characters
  assert(!/[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e]/.test(output), JSON.stringify(output));
  const forged = watcher.lines.filter((l) => /^\[\d\d:\d\d\] <watcher>/.test(l));
  assertEqual(forged, [], "a line must not start like one of watcher's own");
  const continuation = watcher.lines.find((l) => l.includes("<watcher> I agree"));
  assert(continuation?.startsWith(" "), `continuation lines are indented: ${continuation}`);
});
