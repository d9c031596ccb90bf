/**
 * `parley join` proving its identity key to a real `parley serve`, over TCP
 * and over TLS (`--tls-self-signed`, trusted on first use): the server knows
 * the user by the fingerprint of the key file, on every connection; a nick
 * registered to that key is refused to a guest and to another key; a guest
 * and a keyed client chat side by side.
 */

import { assert, assertEqual, assertMatch } from "../_helpers/assert.ts";
import { runJoin, spawnJoin, startServe } from "../_helpers/serve_process.ts";
import { PROTOCOL_VERSION } from "../../protocol/messages.ts";

// The identity exchange is protocol version 2; a tree whose server predates it
// has nothing to prove against.
const ignore = PROTOCOL_VERSION < 2;
if (ignore) console.log("identity_server_test: skipped, this server speaks no identity exchange");

async function keyFile(): Promise<{ dir: string; file: string } & AsyncDisposable> {
  const dir = await Deno.makeTempDir({ prefix: "parley-identity-e2e-" });
  return {
    dir,
    file: `${dir}/identity.json`,
    [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }),
  };
}

function createdFingerprint(stdout: string): string {
  const match = /--- created your identity key \S+ \((SHA256:[A-Za-z0-9+/]{43})\)/.exec(stdout);
  assert(match, stdout);
  return match![1];
}

Deno.test({
  name: "join proves its key to the server over TCP: the same identity on every connection",
  ignore,
  fn: async () => {
    await using key = await keyFile();
    await using server = await startServe();
    const address = `127.0.0.1:${server.port}`;
    const first = await runJoin([address, "--nick", "amy", "--identity", key.file], "/whoami\n");
    assertEqual(first.code, 0, first.stderr);
    const fingerprint = createdFingerprint(first.stdout);
    assert(first.stdout.includes(`--- you are amy (${fingerprint})`), first.stdout);
    assert(first.stdout.includes(`You are amy, identity ${fingerprint}`), first.stdout);

    // Register the nick to the key; the key gets it again, a guest does not.
    const registered = await runJoin(
      [address, "--nick", "amy", "--identity", key.file],
      "/register\n/whoami\n",
    );
    assertEqual(registered.code, 0, registered.stderr);
    assertMatch(registered.stdout, /this nick is registered to you/);
    const guest = await runJoin([address, "--nick", "amy", "--guest"], "taken?\n");
    assertEqual(guest.code, 4, `a registered nick is refused to a guest: ${guest.stdout}`);
    await using other = await keyFile();
    const stranger = await runJoin([address, "--nick", "amy", "--identity", other.file], "");
    assertEqual(stranger.code, 4, "and to another key");
    const again = await runJoin([address, "--nick", "amy", "--identity", key.file], "back\n");
    assertEqual(again.code, 0, again.stderr);
    assert(again.stdout.includes(`--- you are amy (${fingerprint})`), again.stdout);
  },
});

Deno.test({
  name: "join proves its key over TLS to a --tls-self-signed server trusted on first use",
  ignore,
  fn: async () => {
    await using key = await keyFile();
    await using server = await startServe(["--tls-self-signed"]);
    const result = await runJoin(
      [`tls://127.0.0.1:${server.port}`, "--nick", "amy", "--identity", key.file],
      "/whoami\n",
    );
    assertEqual(result.code, 0, result.stderr);
    const fingerprint = createdFingerprint(result.stdout);
    assertMatch(result.stdout, /first connection to tls:\/\/127\.0\.0\.1:\d+: trusting/);
    assert(result.stdout.includes(`--- you are amy (${fingerprint})`), result.stdout);
    assert(result.stdout.includes(`You are amy, identity ${fingerprint}`), result.stdout);
  },
});

Deno.test({
  name: "a guest and a keyed client chat side by side",
  ignore,
  fn: async () => {
    await using key = await keyFile();
    await using server = await startServe();
    const address = `127.0.0.1:${server.port}`;
    const keyed = spawnJoin([address, "--nick", "kim", "--identity", key.file]);
    const guest = spawnJoin([address, "--nick", "gus", "--guest"]);
    try {
      await keyed.waitFor(/--- you are kim \(SHA256:/);
      await guest.waitFor("--- you are gus (guest: no identity key)");
      await guest.send("hello from a guest");
      await keyed.waitFor("<gus> hello from a guest");
      await keyed.send("hello from a key");
      await guest.waitFor("<kim> hello from a key");
    } finally {
      await keyed.end();
      await guest.end();
    }
  },
});

Deno.test({
  name:
    "join explains a proof refused for a name the server does not know, and --public-name fixes it",
  ignore,
  fn: async () => {
    await using key = await keyFile();
    // A server bound to 127.0.0.2 (loopback) does not count that address among its names.
    for (const extra of [[], ["--public-name", "127.0.0.2"]]) {
      await using server = await startServe(["--host", "127.0.0.2", ...extra]);
      const result = await runJoin(
        [`127.0.0.2:${server.port}`, "--nick", "amy", "--identity", key.file],
        "",
      );
      if (extra.length === 0) {
        assertEqual(result.code, 5, result.stderr);
        assertMatch(result.stderr, /identity proof is not valid: .*--public-name.*--guest/);
      } else {
        assertEqual(result.code, 0, result.stderr);
        assertMatch(result.stdout, /--- you are amy \(SHA256:/);
      }
    }
  },
});
