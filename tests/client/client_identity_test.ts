/**
 * The client's half of the identity exchange, against a fake server: it
 * offers its key, answers the challenge with a proof for the host it dialled,
 * gets by with servers that do not challenge, and sends no key as a guest.
 */

import { assert, assertEqual } from "../_helpers/assert.ts";
import { startFakeIdentityServer } from "../_helpers/fake_identity_server.ts";
import { connect, ConnectError, serverName } from "../../client/client_connection.ts";
import { toBase64 } from "../../protocol/identity.ts";
import { PROTOCOL_VERSION } from "../../protocol/messages.ts";
import { makeIdentity } from "../_helpers/identity_client.ts";

const address = (port: number) => ({ hostname: "127.0.0.1", port, tls: false });

Deno.test("connect offers the key, proves it for the dialled host, and reads welcome.identity", async () => {
  await using server = startFakeIdentityServer("identity");
  const identity = await makeIdentity();
  const client = await connect({ address: address(server.port), nick: "alice", identity });
  try {
    assertEqual(client.welcome.identity, identity.fingerprint);
    const hello = server.received[0];
    assert(hello.type === "hello", JSON.stringify(hello));
    assertEqual(hello.key, toBase64(identity.publicKeyRaw));
    assertEqual(hello.version, PROTOCOL_VERSION);
    assertEqual(server.received[1].type, "prove");
  } finally {
    client.close();
  }
});

Deno.test("connect fails with auth_failed when the server only accepts another name", async () => {
  await using server = startFakeIdentityServer("identity", ["chat.example.org"]);
  const identity = await makeIdentity();
  const error = await connect({ address: address(server.port), nick: "alice", identity })
    .then((c) => (c.close(), undefined), (e: unknown) => e);
  assert(error instanceof ConnectError, String(error));
  assertEqual(error.code, "auth_failed");
});

Deno.test("connect as a guest sends no key and never proves", async () => {
  await using server = startFakeIdentityServer("identity");
  const client = await connect({ address: address(server.port), nick: "guest" });
  try {
    assertEqual(client.welcome.guest, true);
    assertEqual(client.welcome.identity, undefined);
    const hello = server.received[0];
    assert(hello.type === "hello" && hello.key === undefined, JSON.stringify(hello));
    assertEqual(server.received.length, 1);
  } finally {
    client.close();
  }
});

Deno.test("connect accepts a server that answers welcome without a challenge", async () => {
  await using server = startFakeIdentityServer("no-identity");
  const client = await connect({
    address: address(server.port),
    nick: "alice",
    identity: await makeIdentity(),
  });
  try {
    assertEqual(client.welcome.nick, "alice");
    assertEqual(client.welcome.identity, undefined);
  } finally {
    client.close();
  }
});

Deno.test("connect falls back to a version-1 guest hello when the server refuses its version", async () => {
  await using server = startFakeIdentityServer("version-1-only");
  const client = await connect({
    address: address(server.port),
    nick: "alice",
    identity: await makeIdentity(),
  });
  try {
    assertEqual(client.welcome.nick, "alice");
    const last = server.received.at(-1)!;
    assert(last.type === "hello", JSON.stringify(last));
    assertEqual(last.version, 1);
    assertEqual(last.key, PROTOCOL_VERSION > 1 ? undefined : last.key);
  } finally {
    client.close();
  }
});

Deno.test("serverName is the dialled host in lower case, without brackets or trailing dot", () => {
  assertEqual(serverName("Chat.Example.ORG."), "chat.example.org");
  assertEqual(serverName("[::1]"), "::1");
  assertEqual(serverName("::1"), "::1");
  assertEqual(serverName("127.0.0.1"), "127.0.0.1");
});
