/**
 * Invite-only rooms on a live server: made so by the owner or an operator,
 * invisible to every command of a non-member, joinable only by invitation,
 * and invitations attached to the invitee's key (or a guest's session).
 */

import { assert, assertEqual } from "../_helpers/assert.ts";
import { RawClient } from "../_helpers/raw_client.ts";
import { joinWithKey, makeIdentity } from "../_helpers/identity_client.ts";
import type { ServerMessage } from "../../protocol/messages.ts";
import { type ParleyServer, startServer } from "../../server/server.ts";

async function withServer(fn: (server: ParleyServer) => Promise<void>): Promise<void> {
  const server = await startServer({ hostname: "127.0.0.1", port: 0 });
  try {
    await fn(server);
  } finally {
    await server.close("test over");
    await server.finished;
  }
}

async function answerTo(client: RawClient, ref: number): Promise<ServerMessage> {
  return await client.next((m) => (m.type === "ack" || m.type === "error") && m.ref === ref);
}

/** The first message of `type` received after the command was sent, or its error. */
async function reply(client: RawClient, type: string, name: string, args = "") {
  const before = client.received.length;
  const ref = await client.command(name, args);
  return await client.next((m) =>
    client.received.indexOf(m) >= before &&
    (m.type === type || (m.type === "error" && m.ref === ref))
  );
}

async function closeAll(...clients: RawClient[]): Promise<void> {
  for (const client of clients) {
    client.close();
    await client.waitClosed();
  }
}

const TINY_WEBM = new Uint8Array([0x1a, 0x45, 0xdf, 0xa3, 0, 0, 0, 0]).toBase64();

Deno.test("private room: invisible to non-members from every command, joinable by invitation only", async () => {
  await withServer(async (server) => {
    const port = server.addr.port;
    const aliceKey = await makeIdentity();
    const bobKey = await makeIdentity();
    const alice = await joinWithKey(port, "alice", aliceKey);
    const eve = await RawClient.join(port, "eve");
    await answerTo(alice, await alice.command("join", "#vault"));
    // Only the owner (or an operator) may change the mode.
    await answerTo(eve, await eve.command("join", "#vault"));
    const notOwner = await answerTo(eve, await eve.command("mode", "+i", "#vault"));
    assert(notOwner.type === "error" && notOwner.code === "forbidden", JSON.stringify(notOwner));
    await answerTo(eve, await eve.command("part", "#vault"));
    assertEqual((await answerTo(alice, await alice.command("mode", "+i", "#vault"))).type, "ack");
    await answerTo(alice, await alice.say("the combination is 1234", "#vault"));
    const ref = alice.ref();
    await alice.send({
      type: "media",
      ref,
      room: "#vault",
      kind: "voice",
      mime: "audio/webm",
      durationMs: 500,
      data: TINY_WEBM,
    });
    assertEqual((await answerTo(alice, ref)).type, "ack");

    // /rooms: listed for the member, not for eve.
    const mine = await reply(alice, "rooms", "rooms");
    assert(mine.type === "rooms" && mine.rooms.some((r) => r.name === "#vault"));
    const theirs = await reply(eve, "rooms", "rooms");
    assert(theirs.type === "rooms" && !theirs.rooms.some((r) => r.name === "#vault"));
    // /who: the same answer as for a room that does not exist.
    const who = await reply(eve, "who", "who", "#vault");
    assert(who.type === "error" && who.code === "no_such_room", JSON.stringify(who));
    // /search: nothing, and naming the room is refused as for any room not joined.
    const found = await reply(eve, "search", "search", "combination");
    assert(found.type === "search" && found.results.length === 0, JSON.stringify(found));
    const named = await reply(eve, "search", "search", "combination #vault");
    assert(named.type === "error" && named.code === "not_in_room");
    // Joining without an invitation.
    const refused = await answerTo(eve, await eve.command("join", "#vault"));
    assert(refused.type === "error" && refused.code === "not_invited", JSON.stringify(refused));
    // Media: a non-member cannot fetch by guessing ids (tokens are never sent to it).
    assert(!eve.received.some((m) => m.type === "media"), "eve never hears of the recording");

    // An invitation attaches to bob's key: he may join under another nick, later.
    const bob = await joinWithKey(port, "bob", bobKey);
    await answerTo(alice, await alice.command("invite", "bob", "#vault"));
    await bob.next((m) => m.type === "notice" && m.text.includes("invites you to #vault"));
    await closeAll(bob);
    const robert = await joinWithKey(port, "robert", bobKey);
    assertEqual((await answerTo(robert, await robert.command("join", "#vault"))).type, "ack");
    await robert.next((m) => m.type === "msg" && m.history === true && m.text.includes("1234"));
    const media = await robert.next((m) => m.type === "media");
    assert(media.type === "media");
    const fetched = robert.ref();
    await robert.send({ type: "fetch_media", ref: fetched, token: media.token });
    const data = await robert.next((m) => m.type === "media_data" || m.type === "error");
    assertEqual(data.type, "media_data");
    // Eve taking the nick bob inherits no invitation.
    const evilBob = await RawClient.join(port, "bob");
    const again = await answerTo(evilBob, await evilBob.command("join", "#vault"));
    assert(again.type === "error" && again.code === "not_invited");

    // Public again: listed and joinable.
    await answerTo(alice, await alice.command("mode", "-i", "#vault"));
    const listed = await reply(eve, "rooms", "rooms");
    assert(listed.type === "rooms" && listed.rooms.some((r) => r.name === "#vault"));
    assertEqual((await answerTo(eve, await eve.command("join", "#vault"))).type, "ack");
    await closeAll(alice, eve, robert, evilBob);
  });
});

Deno.test("private room: it stays private while empty; a guest's invitation dies with its session", async () => {
  await withServer(async (server) => {
    const port = server.addr.port;
    const alice = await joinWithKey(port, "alice", await makeIdentity());
    await answerTo(alice, await alice.command("join", "#den"));
    await answerTo(alice, await alice.command("mode", "+i", "#den"));
    const guest = await RawClient.join(port, "guest");
    await answerTo(alice, await alice.command("invite", "guest", "#den"));
    await answerTo(alice, await alice.command("part", "#den"));
    // Empty now; it must not become a fresh public room for the next comer.
    const mallory = await RawClient.join(port, "mallory");
    const refused = await answerTo(mallory, await mallory.command("join", "#den"));
    assert(refused.type === "error" && refused.code === "not_invited");
    assertEqual((await answerTo(guest, await guest.command("join", "#den"))).type, "ack");
    await closeAll(guest);
    const sameNick = await RawClient.join(port, "guest");
    const gone = await answerTo(sameNick, await sameNick.command("join", "#den"));
    assert(gone.type === "error" && gone.code === "not_invited");
    await closeAll(alice, mallory, sameNick);
  });
});

Deno.test("private room: invite-only, its invitations and its owner survive a restart with a data file", async () => {
  const dir = await Deno.makeTempDir({ prefix: "parley-private-" });
  const dataFile = `${dir}/parley.db`;
  const aliceKey = await makeIdentity();
  const bobKey = await makeIdentity();
  const start = () => startServer({ hostname: "127.0.0.1", port: 0, dataFile });
  try {
    let server = await start();
    const alice = await joinWithKey(server.addr.port, "alice", aliceKey);
    const bob = await joinWithKey(server.addr.port, "bob", bobKey);
    await answerTo(alice, await alice.command("join", "#vault"));
    await answerTo(alice, await alice.command("mode", "+i", "#vault"));
    await answerTo(alice, await alice.say("kept secret", "#vault"));
    await answerTo(alice, await alice.command("invite", "bob", "#vault"));
    await closeAll(alice, bob);
    await server.close("restart");
    await server.finished;

    server = await start();
    try {
      const port = server.addr.port;
      const eve = await RawClient.join(port, "eve");
      const refused = await answerTo(eve, await eve.command("join", "#vault"));
      assert(refused.type === "error" && refused.code === "not_invited", JSON.stringify(refused));
      const rooms = await reply(eve, "rooms", "rooms");
      assert(rooms.type === "rooms" && !rooms.rooms.some((r) => r.name === "#vault"));
      const bob2 = await joinWithKey(port, "bob", bobKey);
      assertEqual((await answerTo(bob2, await bob2.command("join", "#vault"))).type, "ack");
      await bob2.next((m) => m.type === "msg" && m.history === true && m.text === "kept secret");
      // The owner keeps the right to open the room again; a member who is not does not.
      const notOwner = await answerTo(bob2, await bob2.command("mode", "-i", "#vault"));
      assert(notOwner.type === "error" && notOwner.code === "forbidden");
      const alice2 = await joinWithKey(port, "alice", aliceKey);
      await answerTo(alice2, await alice2.command("join", "#vault"));
      assertEqual(
        (await answerTo(alice2, await alice2.command("mode", "-i", "#vault"))).type,
        "ack",
      );
      assertEqual((await answerTo(eve, await eve.command("join", "#vault"))).type, "ack");
      await closeAll(eve, bob2, alice2);
    } finally {
      await server.close("test over");
      await server.finished;
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
