/**
 * What belongs to a person stays with that person, over a live server: private
 * messages by identity (not nick, also after a restart with a data file),
 * `/search` and `fetch_media` only for members, bans and mutes that renaming or
 * reconnecting does not shed, and address bans that match however the address
 * is spelled.
 */

import { assert, assertEqual, assertMatch } from "../_helpers/assert.ts";
import { RawClient } from "../_helpers/raw_client.ts";
import { joinWithKey, makeIdentity, openWithKey } from "../_helpers/identity_client.ts";
import type { ServerMessage } from "../../protocol/messages.ts";
import { encodeFrame } from "../../protocol/frame.ts";
import { type ParleyServer, type ServerOptions, startServer } from "../../server/server.ts";

async function withServer(
  options: ServerOptions,
  fn: (server: ParleyServer) => Promise<void>,
): Promise<void> {
  const server = await startServer({ hostname: "127.0.0.1", port: 0, ...options });
  try {
    await fn(server);
  } finally {
    await server.close("test over");
    await server.finished;
  }
}

/** The `search` answer to `/search TEXT`, or the error. */
async function search(client: RawClient, text: string): Promise<ServerMessage> {
  const before = client.received.length;
  const ref = await client.command("search", text);
  return await client.next((m) =>
    client.received.indexOf(m) >= before &&
    (m.type === "search" || (m.type === "error" && m.ref === ref))
  );
}

function hits(answer: ServerMessage): string[] {
  assert(answer.type === "search", JSON.stringify(answer));
  return answer.results.map((r) => r.text);
}

/** Waits for the ack or error of a ref. */
async function answerTo(client: RawClient, ref: number): Promise<ServerMessage> {
  return await client.next((m) => (m.type === "ack" || m.type === "error") && m.ref === ref);
}

async function closeAll(...clients: RawClient[]): Promise<void> {
  for (const client of clients) {
    client.close();
    await client.waitClosed();
  }
}

Deno.test("a private message is not readable by a later holder of the nick, but by its parties under any nick", async () => {
  await withServer({}, async (server) => {
    const port = server.addr.port;
    const bobKey = await makeIdentity();
    const alice = await RawClient.join(port, "alice");
    const bob = await joinWithKey(port, "bob", bobKey);
    await answerTo(alice, await alice.command("msg", "bob the vault code is 4711"));
    await bob.next((m) => m.type === "privmsg" && m.text.includes("4711"));
    await closeAll(bob);
    // A stranger takes the nick, in another case: nothing is inherited.
    const stranger = await RawClient.join(port, "BOB");
    assertEqual(hits(await search(stranger, "vault")), []);
    await answerTo(stranger, await stranger.command("nick", "bob"));
    assertEqual(hits(await search(stranger, "vault")), []);
    // The sender, after a nick change, still finds her own message.
    await answerTo(alice, await alice.command("nick", "alicia"));
    assertEqual(hits(await search(alice, "vault")), ["the vault code is 4711"]);
    // The recipient, back with his key under another nick, finds it too.
    const robert = await joinWithKey(port, "robert", bobKey);
    assertEqual(hits(await search(robert, "vault")), ["the vault code is 4711"]);
    await closeAll(alice, stranger, robert);
  });
});

Deno.test("private messages stay with identities across a restart with a data file; a guest's die with its session", async () => {
  const dir = await Deno.makeTempDir({ prefix: "parley-identity-" });
  const dataFile = `${dir}/parley.db`;
  const aliceKey = await makeIdentity();
  try {
    await withServer({ dataFile }, async (server) => {
      const port = server.addr.port;
      const alice = await joinWithKey(port, "alice", aliceKey);
      const bob = await RawClient.join(port, "bob");
      await answerTo(alice, await alice.command("msg", "bob the vault code is 4711"));
      await answerTo(bob, await bob.command("msg", "alice guest secret 99"));
      // The guest finds its message while its session lasts.
      assertEqual(hits(await search(bob, "guest")), ["guest secret 99"]);
      await closeAll(alice, bob);
    });
    await withServer({ dataFile }, async (server) => {
      const port = server.addr.port;
      const bob = await RawClient.join(port, "bob");
      assertEqual(hits(await search(bob, "vault")), [], "a new bob inherits nothing");
      assertEqual(hits(await search(bob, "guest")), [], "a guest's messages died with it");
      const alice = await joinWithKey(port, "someone", aliceKey);
      assertEqual(hits(await search(alice, "vault")), ["the vault code is 4711"]);
      assertEqual(hits(await search(alice, "guest")), ["guest secret 99"]);
      await closeAll(alice, bob);
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("/search finds only rooms the searcher is in", async () => {
  await withServer({}, async (server) => {
    const port = server.addr.port;
    const alice = await RawClient.join(port, "alice");
    const eve = await RawClient.join(port, "eve");
    await answerTo(alice, await alice.command("join", "#secret"));
    await answerTo(alice, await alice.say("launch code tango", "#secret"));
    const named = await search(eve, "launch #secret");
    assert(named.type === "error" && named.code === "not_in_room", JSON.stringify(named));
    assertEqual(hits(await search(eve, "launch")), []);
    assertEqual(hits(await search(alice, "launch")), ["launch code tango"]);
    // Once eve joins, she may search it, as she may read its history.
    await answerTo(eve, await eve.command("join", "#secret"));
    assertEqual(hits(await search(eve, "launch #secret")), ["launch code tango"]);
    await closeAll(alice, eve);
  });
});

/** A minimal webm: the magic number and no readable duration (small enough to pass). */
const TINY_WEBM = new Uint8Array([0x1a, 0x45, 0xdf, 0xa3, 0, 0, 0, 0]).toBase64();

Deno.test("fetch_media needs the recording's token and membership of its room", async () => {
  await withServer({}, async (server) => {
    const port = server.addr.port;
    const alice = await RawClient.join(port, "alice");
    const bob = await RawClient.join(port, "bob");
    const eve = await RawClient.join(port, "eve");
    await answerTo(alice, await alice.command("join", "#secret"));
    await answerTo(bob, await bob.command("join", "#secret"));
    const ref = alice.ref();
    await alice.send({
      type: "media",
      ref,
      room: "#secret",
      kind: "voice",
      mime: "audio/webm",
      durationMs: 500,
      data: TINY_WEBM,
    });
    const ack = await answerTo(alice, ref);
    assert(ack.type === "ack", JSON.stringify(ack));
    const notice = await bob.next((m) => m.type === "media");
    assert(notice.type === "media", "bob hears of the recording");
    assertMatch(notice.token, /^[0-9a-f]{32}$/);
    // The member fetches it by token.
    const got = bob.ref();
    await bob.send({ type: "fetch_media", ref: got, token: notice.token });
    const data = await bob.next((m) => m.type === "media_data" || m.type === "error");
    assert(data.type === "media_data" && data.data === TINY_WEBM, JSON.stringify(data));
    // A non-member with the token gets what an unknown token gets.
    const stolen = eve.ref();
    await eve.send({ type: "fetch_media", ref: stolen, token: notice.token });
    const refused = await eve.next((m) => m.type === "error" && m.ref === stolen);
    assert(refused.type === "error" && refused.code === "no_such_media");
    // The sequential id is no name for a recording any more.
    const payload = new TextEncoder().encode(
      JSON.stringify({ type: "fetch_media", ref: 99, id: ack.id }),
    );
    await eve.sendBytes(encodeFrame(payload));
    const malformed = await eve.next((m) => m.type === "error" && m.code === "bad_message");
    assertMatch(malformed.type === "error" ? malformed.message : "", /token/);
    await closeAll(alice, bob, eve);
  });
});

Deno.test("a ban of a keyed user holds its identity: reconnecting under another nick is refused", async () => {
  const opKey = await makeIdentity();
  await withServer({ operatorKeys: [opKey.fingerprint] }, async (server) => {
    const port = server.addr.port;
    const op = await joinWithKey(port, "op", opKey);
    const malloryKey = await makeIdentity();
    const mallory = await joinWithKey(port, "mallory", malloryKey);
    const ref = await op.command("ban", "mallory spam");
    const said = await op.next((m) => m.type === "notice" && m.text.startsWith("Banned"));
    assert(said.type === "notice");
    assertMatch(
      said.text,
      new RegExp(`Banned identity ${malloryKey.fingerprint.replace(/[+/]/g, ".")}`),
    );
    await answerTo(op, ref);
    assert(await mallory.waitClosed(), "mallory is disconnected");
    const again = await openWithKey(port, "mallory2", malloryKey);
    const refused = again.received.find((m) => m.type === "error");
    assert(refused?.type === "error" && refused.code === "banned", JSON.stringify(again.received));
    await closeAll(op, mallory, again);
  });
});

Deno.test("a nick ban also refuses /nick to it and its look-alikes; nick: bans a nick that looks like an address", async () => {
  const opKey = await makeIdentity();
  await withServer({ operatorKeys: [opKey.fingerprint] }, async (server) => {
    const port = server.addr.port;
    const op = await joinWithKey(port, "op", opKey);
    await answerTo(op, await op.command("ban", "nick:mallory"));
    const carol = await RawClient.join(port, "carol");
    for (const nick of ["mallory", "MALLORY", "m\u0430llory"]) {
      const answer = await answerTo(carol, await carol.command("nick", nick));
      assert(
        answer.type === "error" && answer.code === "banned",
        `${nick}: ${JSON.stringify(answer)}`,
      );
    }
    const ipNick = await RawClient.join(port, "10.0.0.1");
    const ref = await op.command("ban", "nick:10.0.0.1");
    const said = await op.next((m) => m.type === "notice" && m.text.startsWith("Banned nick 10"));
    assert(said.type === "notice");
    assertEqual(said.text, "Banned nick 10.0.0.1 permanently; disconnected 10.0.0.1");
    await answerTo(op, ref);
    assert(await ipNick.waitClosed(), "the nick 10.0.0.1 is kicked by its nick ban");
    assert(!carol.closed && !op.closed, "nobody else from the address is thrown out");
    await closeAll(op, carol, ipNick);
  });
});

Deno.test("an address ban matches IPv4 clients of a server bound to :: (seen as ::ffff:a.b.c.d)", async () => {
  const opKey = await makeIdentity();
  let server: ParleyServer;
  try {
    server = await startServer({ hostname: "::", port: 0, operatorKeys: [opKey.fingerprint] });
  } catch (error) {
    if (!(error instanceof Deno.errors.AddrNotAvailable)) throw error;
    console.log("skipped: this machine has no IPv6");
    return;
  }
  try {
    const port = server.addr.port;
    const op = await joinWithKey(port, "op", opKey);
    const guest = await RawClient.join(port, "guest");
    const ref = await op.command("ban", "127.0.0.1");
    const said = await op.next((m) => m.type === "notice" && m.text.startsWith("Banned"));
    assert(said.type === "notice");
    assertMatch(said.text, /^Banned address 127\.0\.0\.1 permanently; disconnected guest$/);
    await answerTo(op, ref);
    assert(await guest.waitClosed(), "the guest from 127.0.0.1 is disconnected");
    const back = await RawClient.open(port);
    await back.send({ type: "hello", version: 2, nick: "again" });
    const refused = await back.next(() => true);
    assert(refused.type === "error" && refused.code === "banned", JSON.stringify(refused));
    assert(!op.closed, "an operator named by key is not thrown out by an address ban");
    await closeAll(op, guest, back);
  } finally {
    await server.close("test over");
    await server.finished;
  }
});

Deno.test("a mute holds an identity across reconnects and covers recordings and away text", async () => {
  const opKey = await makeIdentity();
  await withServer({ operatorKeys: [opKey.fingerprint] }, async (server) => {
    const port = server.addr.port;
    const op = await joinWithKey(port, "op", opKey);
    const troll = await makeIdentity();
    const first = await joinWithKey(port, "troll", troll);
    await answerTo(op, await op.command("mute", "troll"));
    await closeAll(first);
    const second = await joinWithKey(port, "nice", troll);
    const said = await answerTo(second, await second.say("hello"));
    assert(said.type === "error" && said.code === "muted", JSON.stringify(said));
    const away = await answerTo(second, await second.command("away", "buy cheap pills"));
    assert(away.type === "error" && away.code === "muted", JSON.stringify(away));
    const ref = second.ref();
    await second.send({
      type: "media",
      ref,
      room: "#lobby",
      kind: "voice",
      mime: "audio/webm",
      durationMs: 500,
      data: TINY_WEBM,
    });
    const media = await answerTo(second, ref);
    assert(media.type === "error" && media.code === "muted", JSON.stringify(media));
    await closeAll(op, second);
  });
});
