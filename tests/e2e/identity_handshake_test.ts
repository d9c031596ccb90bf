/**
 * The identity exchange on a live server: `hello.key` → `challenge` → `prove`
 * → `welcome.identity`, over TCP and WebSocket, beside guests and version-1
 * clients; a wrong proof is a failed secret; resume tokens bind to the key;
 * registered and look-alike nicks are refused, across reconnects and restarts.
 */

import { assert, assertEqual, assertMatch } from "../_helpers/assert.ts";
import { RawClient } from "../_helpers/raw_client.ts";
import {
  joinWithKey,
  keyedHello,
  makeIdentity,
  openWithKey,
  proveMessage,
  WsClient,
} from "../_helpers/identity_client.ts";
import { makeTestCerts } from "../_helpers/tls_certs.ts";
import type { ServerMessage } from "../../protocol/messages.ts";
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

async function closeAll(...clients: RawClient[]): Promise<void> {
  for (const client of clients) {
    client.close();
    await client.waitClosed();
  }
}

function welcomeOf(client: RawClient | WsClient): ServerMessage & { type: "welcome" } {
  const welcome = client.received.find((m) => m.type === "welcome");
  assert(welcome?.type === "welcome", JSON.stringify(client.received));
  return welcome;
}

function errorOf(client: RawClient): string | undefined {
  const error = client.received.find((m) => m.type === "error");
  return error?.type === "error" ? error.code : undefined;
}

async function answerTo(client: RawClient, ref: number): Promise<ServerMessage> {
  return await client.next((m) => (m.type === "ack" || m.type === "error") && m.ref === ref);
}

Deno.test("identity: a keyed client and a guest side by side over TCP, a version-1 client as a guest", async () => {
  await withServer({}, async (server) => {
    const port = server.addr.port;
    const key = await makeIdentity();
    const alice = await joinWithKey(port, "alice", key);
    const challenge = alice.received[0];
    assert(challenge.type === "challenge", JSON.stringify(challenge));
    assertEqual(atob(challenge.nonce).length, 32);
    const welcome = welcomeOf(alice);
    assertEqual(welcome.identity, key.fingerprint);
    assertEqual(welcome.guest, undefined);
    assertEqual(welcome.version, 2);
    const bob = await RawClient.join(port, "bob");
    assertEqual(welcomeOf(bob).guest, true);
    assertEqual(welcomeOf(bob).identity, undefined);
    // A version-1 client: no challenge even with a key, and a version-1 welcome.
    const old = await RawClient.open(port);
    await old.send({ ...keyedHello("carol", key), version: 1, nick: "carol" });
    const first = await old.next(() => true);
    assert(first.type === "welcome" && first.version === 1, JSON.stringify(first));
    assertEqual(first.guest, undefined);
    assertEqual(first.identity, undefined);
    // They talk to each other.
    await alice.say("hi all");
    await bob.next((m) => m.type === "msg" && m.from === "alice");
    await old.next((m) => m.type === "msg" && m.from === "alice");
    await closeAll(alice, bob, old);
  });
});

Deno.test("identity: the same exchange over WebSocket", async () => {
  await withServer({ web: { port: 0, hostname: "127.0.0.1" } }, async (server) => {
    const url = `ws://127.0.0.1:${server.web!.addr.port}/ws`;
    const key = await makeIdentity();
    await using keyed = await WsClient.join(url, "wsalice", key);
    assertEqual(welcomeOf(keyed).identity, key.fingerprint);
    await using guest = await WsClient.join(url, "wsbob");
    assertEqual(welcomeOf(guest).guest, true);
    // The same key over TCP is recognised as the same identity.
    const tcp = await joinWithKey(server.addr.port, "tcpalice", key);
    assertEqual(welcomeOf(tcp).identity, key.fingerprint);
    await closeAll(tcp);
  });
});

Deno.test("identity: the same exchange over TLS, signing the name dialled", async () => {
  await using certs = await makeTestCerts(["DNS:localhost", "IP:127.0.0.1"]);
  await withServer({
    tlsCert: await Deno.readTextFile(certs.certFile),
    tlsKey: await Deno.readTextFile(certs.keyFile),
  }, async (server) => {
    const key = await makeIdentity();
    const conn = await Deno.connectTls({
      hostname: "localhost",
      port: server.addr.port,
      caCerts: [await Deno.readTextFile(certs.caFile)],
    });
    const client = new RawClient(conn);
    await client.send(keyedHello("alice", key));
    const challenge = await client.next(() => true);
    await client.send(await proveMessage(challenge, key, { serverName: "localhost" }));
    const welcome = await client.next((m) => m.type === "welcome" || m.type === "error");
    assert(welcome.type === "welcome" && welcome.identity === key.fingerprint);
    await closeAll(client);
  });
});

Deno.test("identity: a wrong proof is auth_failed, answered late and counted with the passwords", async () => {
  await withServer(
    { authDelayMs: 200, authMaxFailures: 2, authLockoutMs: 60_000 },
    async (server) => {
      const port = server.addr.port;
      const key = await makeIdentity();
      const started = Date.now();
      const forged = await openWithKey(port, "alice", key, { forgeNonce: new Uint8Array(32) });
      assertEqual(errorOf(forged), "auth_failed");
      assert(Date.now() - started >= 150, "a failed proof is answered late");
      assert(await forged.waitClosed());
      // A proof for another server's name fails the same way.
      const relayed = await openWithKey(port, "alice", key, { serverName: "evil.example" });
      assertEqual(errorOf(relayed), "auth_failed");
      // Two failures lock the address out of every secret: a keyed hello meets it at once.
      const locked = await RawClient.open(port);
      await locked.send(keyedHello("alice", key));
      const answer = await locked.next(() => true);
      assert(answer.type === "error" && answer.code === "locked_out", JSON.stringify(answer));
      await closeAll(forged, relayed, locked);
      // A guest checks no secret here and still gets in.
      const guest = await RawClient.join(port, "guest");
      await closeAll(guest);
    },
  );
});

Deno.test("identity: a hello with a malformed key is bad_message; a key with no prove times out", async () => {
  await withServer({ handshakeTimeoutMs: 300 }, async (server) => {
    const port = server.addr.port;
    const bad = await RawClient.open(port);
    await bad.send({ type: "hello", version: 2, nick: "x", key: "AAAA" });
    const first = await bad.next(() => true);
    assert(first.type === "error" && first.code === "bad_message", JSON.stringify(first));
    const key = await makeIdentity();
    const silent = await RawClient.open(port);
    await silent.send(keyedHello("silent", key));
    await silent.next((m) => m.type === "challenge");
    const timeout = await silent.next((m) => m.type === "error");
    assert(timeout.type === "error" && timeout.code === "handshake_timeout");
    await closeAll(bad, silent);
  });
});

Deno.test("identity: a resume token is bound to the key it was issued to", async () => {
  await withServer({}, async (server) => {
    const port = server.addr.port;
    const key = await makeIdentity();
    const ghost = await joinWithKey(port, "alice", key);
    const token = welcomeOf(ghost).resume!;
    // A guest (or another key) with the stolen token does not get the session.
    const thief = await RawClient.open(port);
    await thief.send({ type: "hello", version: 2, nick: "alice", resume: token });
    const refused = await thief.next(() => true);
    assert(refused.type === "error" && refused.code === "nick_taken", JSON.stringify(refused));
    const other = await openWithKey(port, "alice", await makeIdentity(), { resume: token });
    assertEqual(errorOf(other), "nick_taken");
    assert(!ghost.closed, "the session stays with its owner");
    // The owner's key with the token takes it over.
    const back = await joinWithKey(port, "alice", key, { resume: token });
    assertEqual(welcomeOf(back).identity, key.fingerprint);
    assert(await ghost.waitClosed());
    await closeAll(thief, other, back, ghost);
  });
});

Deno.test("identity: look-alike nicks are refused while the original is online", async () => {
  await withServer({}, async (server) => {
    const port = server.addr.port;
    const alice = await RawClient.join(port, "alice");
    const fake = await RawClient.open(port);
    await fake.send({ type: "hello", version: 2, nick: "\u0430lice" });
    const refused = await fake.next(() => true);
    assert(refused.type === "error" && refused.code === "nick_taken", JSON.stringify(refused));
    assertMatch(refused.message, /looks like alice/);
    const bob = await RawClient.join(port, "bob");
    const renamed = await answerTo(bob, await bob.command("nick", "ALICE"));
    assert(renamed.type === "error" && renamed.code === "nick_taken");
    await closeAll(alice, fake, bob);
  });
});

Deno.test("identity: a registered nick is refused to other keys and guests, across reconnects and restarts", async () => {
  const dir = await Deno.makeTempDir({ prefix: "parley-register-" });
  const dataFile = `${dir}/parley.db`;
  const owner = await makeIdentity();
  try {
    await withServer({ dataFile }, async (server) => {
      const port = server.addr.port;
      const alice = await joinWithKey(port, "alice", owner);
      const ref = await alice.command("register");
      const said = await alice.next((m) => m.type === "notice" && /registered/.test(m.text));
      assert(said.type === "notice" && said.text.includes(owner.fingerprint));
      await answerTo(alice, ref);
      // A guest may not register.
      const guest = await RawClient.join(port, "guesty");
      const no = await answerTo(guest, await guest.command("register"));
      assert(no.type === "error" && no.code === "forbidden", JSON.stringify(no));
      await closeAll(alice, guest);
      // Offline, the nick and its look-alikes stay hers.
      const intruder = await RawClient.open(port);
      await intruder.send({ type: "hello", version: 2, nick: "ALICE" });
      const refused = await intruder.next(() => true);
      assert(
        refused.type === "error" && refused.code === "nick_registered",
        JSON.stringify(refused),
      );
      const otherKey = await openWithKey(port, "\u0430lice", await makeIdentity());
      assertEqual(errorOf(otherKey), "nick_registered");
      await closeAll(intruder, otherKey);
    });
    await withServer({ dataFile }, async (server) => {
      const port = server.addr.port;
      const bob = await RawClient.join(port, "bob");
      const renamed = await answerTo(bob, await bob.command("nick", "alice"));
      assert(renamed.type === "error" && renamed.code === "nick_registered");
      const alice = await joinWithKey(port, "alice", owner);
      assertEqual(welcomeOf(alice).nick, "alice");
      await answerTo(alice, await alice.command("unregister"));
      await closeAll(alice);
      const taken = await answerTo(bob, await bob.command("nick", "alice"));
      assertEqual(taken.type, "ack");
      await closeAll(bob);
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
