/**
 * `parley join` and the identity key file, through the command line: made on
 * first use with mode 0600 (default place or `--identity FILE`), the same
 * fingerprint on every run, a group- or world-readable file refused before
 * anything is sent, and `--guest` to offer no key. The server is a fake that
 * speaks the identity handshake (`tests/_helpers/fake_identity_server.ts`).
 */

import { assert, assertEqual, assertMatch } from "../_helpers/assert.ts";
import { startFakeIdentityServer } from "../_helpers/fake_identity_server.ts";
import { runJoin } from "../_helpers/serve_process.ts";

Deno.test("join creates the identity key 0600 on first use and proves the same one every time", async () => {
  await using server = startFakeIdentityServer("identity");
  const dir = await Deno.makeTempDir({ prefix: "parley-identity-" });
  try {
    const file = `${dir}/keys/alice.json`;
    const first = await runJoin([
      `127.0.0.1:${server.port}`,
      "--nick",
      "alice",
      "--identity",
      file,
    ]);
    assertEqual(first.code, 0, first.stderr);
    const created = /--- created your identity key (\S+) \((SHA256:[A-Za-z0-9+/]{43})\)/.exec(
      first.stdout,
    );
    assert(created, first.stdout);
    assertEqual(created![1], file);
    const fingerprint = created![2];
    assert(first.stdout.includes(`--- you are alice (${fingerprint})`), first.stdout);
    assertEqual((await Deno.stat(file)).mode! & 0o777, 0o600);

    const again = await runJoin([
      `127.0.0.1:${server.port}`,
      "--nick",
      "alice",
      "--identity",
      file,
    ]);
    assertEqual(again.code, 0, again.stderr);
    assert(!again.stdout.includes("created"), again.stdout);
    assert(again.stdout.includes(`--- you are alice (${fingerprint})`), again.stdout);

    // The default place: identity.json in $XDG_CONFIG_HOME/parley.
    const byDefault = await runJoin([`127.0.0.1:${server.port}`, "--nick", "bob"], "", {
      XDG_CONFIG_HOME: dir,
    });
    assertEqual(byDefault.code, 0, byDefault.stderr);
    assertMatch(
      byDefault.stdout,
      new RegExp(`created your identity key ${dir}/parley/identity.json`),
    );
    assertEqual((await Deno.stat(`${dir}/parley/identity.json`)).mode! & 0o777, 0o600);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("join refuses an identity file others can read, before connecting", async () => {
  await using server = startFakeIdentityServer("identity");
  const dir = await Deno.makeTempDir({ prefix: "parley-identity-" });
  try {
    const file = `${dir}/identity.json`;
    const made = await runJoin([`127.0.0.1:${server.port}`, "--nick", "alice", "--identity", file]);
    assertEqual(made.code, 0, made.stderr);
    const before = server.received.length;
    for (const mode of [0o644, 0o640]) {
      await Deno.chmod(file, mode);
      const refused = await runJoin(
        [`127.0.0.1:${server.port}`, "--nick", "alice", "--identity", file],
        "must not be sent\n",
      );
      assertEqual(refused.code, 2, refused.stderr);
      assertMatch(refused.stderr, /is accessible by other users .*chmod 600/);
    }
    assertEqual(server.received.length, before, "nothing was sent");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("join --guest offers no key and says so; --guest with --identity is a usage error", async () => {
  await using server = startFakeIdentityServer("identity");
  const dir = await Deno.makeTempDir({ prefix: "parley-identity-" });
  try {
    const guest = await runJoin([`127.0.0.1:${server.port}`, "--nick", "gus", "--guest"], "", {
      XDG_CONFIG_HOME: dir,
    });
    assertEqual(guest.code, 0, guest.stderr);
    assertMatch(guest.stdout, /--- you are gus \(guest: no identity key\)/);
    const hello = server.received.find((m) => m.type === "hello");
    assert(hello?.type === "hello" && hello.key === undefined, JSON.stringify(hello));
    assert(!server.received.some((m) => m.type === "prove"));
    await Deno.stat(`${dir}/parley/identity.json`).then(
      () => assert(false, "a guest makes no key"),
      (e) => assert(e instanceof Deno.errors.NotFound, String(e)),
    );
    const both = await runJoin(["--guest", "--identity", `${dir}/x.json`, "--nick", "gus"]);
    assertEqual(both.code, 2);
    assertMatch(both.stderr, /--guest and --identity exclude each other/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
