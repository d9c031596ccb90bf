import { assert, assertEqual } from "../_helpers/assert.ts";
import {
  configDir,
  defaultIdentityPath,
  IdentityFileError,
  loadOrCreateIdentity,
} from "../../client/identity_key.ts";
import { signProof, verifyProof } from "../../protocol/identity.ts";

const posix = Deno.build.os !== "windows";

function env(vars: Record<string, string>) {
  return { get: (name: string) => vars[name] };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("Expected a rejection");
}

Deno.test("loadOrCreateIdentity creates a private file, then loads the same key", async () => {
  const dir = await Deno.makeTempDir({ prefix: "parley-identity-" });
  try {
    const path = `${dir}/sub/identity.json`;
    const created = await loadOrCreateIdentity(path);
    assertEqual(created.created, true);
    assertEqual(created.publicKeyRaw.length, 32);
    assert(/^SHA256:[A-Za-z0-9+/]{43}$/.test(created.fingerprint), created.fingerprint);
    if (posix) {
      assertEqual((await Deno.stat(path)).mode! & 0o777, 0o600);
      assertEqual((await Deno.stat(`${dir}/sub`)).mode! & 0o777, 0o700);
    }
    const stored = JSON.parse(await Deno.readTextFile(path));
    assertEqual(Object.keys(stored).sort(), ["privateKey", "publicKey", "version"]);
    const loaded = await loadOrCreateIdentity(path);
    assertEqual(loaded.created, false);
    assertEqual(loaded.fingerprint, created.fingerprint);
    assertEqual(loaded.publicKeyRaw, created.publicKeyRaw);
    assertEqual(loaded.privateKey.extractable, false);
    const nonce = new Uint8Array(32);
    const signature = await signProof(loaded.privateKey, nonce, "localhost", loaded.publicKeyRaw);
    assertEqual(await verifyProof(created.publicKeyRaw, nonce, "localhost", signature), true);
    assertEqual((await Array.fromAsync(Deno.readDir(`${dir}/sub`))).length, 1, "no temp file left");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("loadOrCreateIdentity reads the RFC 8032 test key written by hand", async () => {
  const dir = await Deno.makeTempDir({ prefix: "parley-identity-" });
  try {
    const path = `${dir}/identity.json`;
    await Deno.writeTextFile(
      path,
      JSON.stringify({
        version: 1,
        privateKey: "MC4CAQAwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g",
        publicKey: "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=",
      }),
      { mode: 0o600 },
    );
    const identity = await loadOrCreateIdentity(path);
    assertEqual(identity.fingerprint, "SHA256:If4x36FUomFia/hUBG/SJxt77UtqvkWqWId+9H+XIbk");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test({
  name: "loadOrCreateIdentity refuses a file others can read, naming chmod 600 (POSIX modes only)",
  ignore: !posix,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "parley-identity-" });
    try {
      const path = `${dir}/identity.json`;
      const { fingerprint } = await loadOrCreateIdentity(path);
      for (const mode of [0o644, 0o640, 0o602]) {
        await Deno.chmod(path, mode);
        const error = await rejection(loadOrCreateIdentity(path));
        assert(error instanceof IdentityFileError, String(error));
        assert(error.message.includes(`chmod 600 ${path}`), error.message);
        assert(error.message.includes(mode.toString(8)), error.message);
      }
      await Deno.chmod(path, 0o600);
      assertEqual(
        (await loadOrCreateIdentity(path)).fingerprint,
        fingerprint,
        "kept, not replaced",
      );
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test("loadOrCreateIdentity refuses broken files and never overwrites them", async () => {
  const dir = await Deno.makeTempDir({ prefix: "parley-identity-" });
  try {
    const path = `${dir}/identity.json`;
    const other = await loadOrCreateIdentity(`${dir}/other.json`);
    const good = JSON.parse(await Deno.readTextFile(`${dir}/other.json`));
    const mine = await loadOrCreateIdentity(path);
    const mismatched = { ...good, publicKey: btoa(String.fromCharCode(...mine.publicKeyRaw)) };
    assert(other.fingerprint !== mine.fingerprint);
    for (
      const text of [
        "not json",
        "{}",
        JSON.stringify({ ...good, version: 2 }),
        JSON.stringify({ ...good, publicKey: "AAAA" }),
        JSON.stringify({ ...good, privateKey: "!!" }),
        JSON.stringify(mismatched),
      ]
    ) {
      await Deno.writeTextFile(path, text, { mode: 0o600 });
      const error = await rejection(loadOrCreateIdentity(path));
      assert(error instanceof IdentityFileError, `${text}: ${error}`);
      assert(error.message.includes(path), error.message);
      assertEqual(await Deno.readTextFile(path), text, "the file is left alone");
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("loadOrCreateIdentity called twice at once ends with one key", async () => {
  const dir = await Deno.makeTempDir({ prefix: "parley-identity-" });
  try {
    const path = `${dir}/identity.json`;
    const results = await Promise.all(
      Array.from({ length: 4 }, () => loadOrCreateIdentity(path)),
    );
    assertEqual(new Set(results.map((r) => r.fingerprint)).size, 1);
    assertEqual(results.filter((r) => r.created).length, 1);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("defaultIdentityPath follows XDG_CONFIG_HOME, HOME and APPDATA", () => {
  assertEqual(
    defaultIdentityPath(env({ XDG_CONFIG_HOME: "/x/cfg", HOME: "/home/a" }), "linux"),
    "/x/cfg/parley/identity.json",
  );
  assertEqual(
    defaultIdentityPath(env({ XDG_CONFIG_HOME: "relative", HOME: "/home/a" }), "linux"),
    "/home/a/.config/parley/identity.json",
    "a relative XDG_CONFIG_HOME is ignored, as the XDG spec says",
  );
  assertEqual(configDir(env({ HOME: "/Users/a" }), "darwin"), "/Users/a/.config/parley");
  if (posix) {
    // node:path joins with the host separator; check the Windows choice of variable only.
    assert(configDir(env({ APPDATA: "/appdata", HOME: "/h" }), "windows").startsWith("/appdata"));
  }
  let error: unknown;
  try {
    defaultIdentityPath(env({}), "linux");
  } catch (e) {
    error = e;
  }
  assert(error instanceof Error && error.message.includes("--identity"));
});
