/**
 * The user's Ed25519 identity key on disk: loaded if the file exists, created
 * otherwise. The file is private (mode 0600) and refused when group or others
 * may read it, as OpenSSH refuses a private key with loose permissions.
 *
 * File format (JSON, UTF-8):
 * `{"version":1,"privateKey":"<PKCS#8 DER, base64>","publicKey":"<raw 32 bytes, base64>"}`.
 *
 * @module
 */

import { dirname, isAbsolute, join } from "node:path";
import { fingerprint, fromBase64, toBase64 } from "../protocol/identity.ts";

/** A loaded identity. */
export interface IdentityKey {
  /** Ed25519 private key, not extractable, usage `sign`. */
  privateKey: CryptoKey;
  /** Raw public key, 32 bytes, as sent in `hello.key`. */
  publicKeyRaw: Uint8Array;
  /** `SHA256:...` fingerprint of the public key (see `protocol/identity.ts`). */
  fingerprint: string;
  /** The file it was read from or written to. */
  path: string;
  /** Whether this call created the file. */
  created: boolean;
}

/** Thrown when the identity file exists but cannot be used: loose permissions or bad content. */
export class IdentityFileError extends Error {
  /** The identity file. */
  readonly path: string;
  /**
   * @param path The identity file.
   * @param message A sentence for the user, saying how to fix it.
   */
  constructor(path: string, message: string) {
    super(message);
    this.name = "IdentityFileError";
    this.path = path;
  }
}

/** Where environment variables come from; `Deno.env` in the CLI, a fake in tests. */
export interface EnvReader {
  /** The value of a variable, or `undefined` when unset. */
  get(name: string): string | undefined;
}

/** Name of the identity file inside the Parley config directory. */
export const IDENTITY_FILE_NAME = "identity.json";

/**
 * The Parley config directory: `$XDG_CONFIG_HOME/parley` (when set to an
 * absolute path, as the XDG Base Directory spec requires), else
 * `$HOME/.config/parley`; on Windows `%APPDATA%\parley`.
 *
 * @param env Environment to read.
 * @param os Operating system, as `Deno.build.os` names it.
 * @returns The directory path (it may not exist yet).
 * @throws {Error} If none of the variables is set.
 */
export function configDir(
  env: EnvReader = Deno.env,
  os: typeof Deno.build.os = Deno.build.os,
): string {
  if (os === "windows") {
    const appData = env.get("APPDATA");
    if (appData) return join(appData, "parley");
  }
  const xdg = env.get("XDG_CONFIG_HOME");
  if (xdg && isAbsolute(xdg)) return join(xdg, "parley");
  const home = env.get("HOME") ?? (os === "windows" ? env.get("USERPROFILE") : undefined);
  if (home) return join(home, ".config", "parley");
  throw new Error(
    "Cannot find a config directory: set XDG_CONFIG_HOME or HOME, or pass --identity FILE",
  );
}

/**
 * The default identity file, `identity.json` in {@linkcode configDir}.
 *
 * @param env Environment to read.
 * @param os Operating system, as `Deno.build.os` names it.
 * @returns The file path.
 * @throws {Error} If no config directory can be found.
 */
export function defaultIdentityPath(
  env: EnvReader = Deno.env,
  os: typeof Deno.build.os = Deno.build.os,
): string {
  return join(configDir(env, os), IDENTITY_FILE_NAME);
}

/**
 * Loads the identity at `path`, or creates a new key pair there if no file
 * exists. A new file is written in full under a temporary name (mode 0600, then
 * `chmod 600` in case the platform ignored the mode) and linked into place, so a
 * second process starting at the same moment either wins or loads the winner's
 * complete file. The directory is created with mode 0700 when missing.
 *
 * @param path The identity file (`--identity FILE`), or the default.
 * @returns The key pair and its fingerprint.
 * @throws {IdentityFileError} If the file is readable or writable by group or
 *   others (POSIX only; the message names `chmod 600`), not valid JSON of the
 *   format above, or its two keys do not belong together.
 * @throws {Deno.errors.PermissionDenied} If the file or directory cannot be read or written.
 *
 * @example
 * ```ts ignore
 * import { loadOrCreateIdentity } from "./identity_key.ts";
 * const identity = await loadOrCreateIdentity("/home/alice/.config/parley/identity.json");
 * identity.fingerprint; // "SHA256:If4x36FUomFia/hUBG/SJxt77UtqvkWqWId+9H+XIbk"
 * ```
 */
export async function loadOrCreateIdentity(
  path: string = defaultIdentityPath(),
): Promise<IdentityKey> {
  try {
    return await loadIdentity(path);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  const pair = await crypto.subtle.generateKey("Ed25519", true, [
    "sign",
    "verify",
  ]) as CryptoKeyPair;
  const pkcs8 = new Uint8Array(await crypto.subtle.exportKey("pkcs8", pair.privateKey));
  const publicKeyRaw = new Uint8Array(await crypto.subtle.exportKey("raw", pair.publicKey));
  const text = JSON.stringify({
    version: 1,
    privateKey: toBase64(pkcs8),
    publicKey: toBase64(publicKeyRaw),
  }) + "\n";
  const dir = dirname(path);
  await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
  const temp = join(dir, `.${IDENTITY_FILE_NAME}.${crypto.randomUUID()}.tmp`);
  try {
    await Deno.writeTextFile(temp, text, { createNew: true, mode: 0o600 });
    if (Deno.build.os !== "windows") await Deno.chmod(temp, 0o600);
    await Deno.link(temp, path);
  } catch (error) {
    // Another process created the file first: use theirs.
    if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
    return await loadIdentity(path);
  } finally {
    await Deno.remove(temp).catch(() => {});
  }
  const identity = await loadIdentity(path);
  return { ...identity, created: true };
}

/**
 * Reads and checks an existing identity file.
 *
 * @throws {Deno.errors.NotFound} If there is no file.
 * @throws {IdentityFileError} See {@linkcode loadOrCreateIdentity}.
 */
async function loadIdentity(path: string): Promise<IdentityKey> {
  const info = await Deno.stat(path);
  if (Deno.build.os !== "windows" && info.mode !== null && (info.mode & 0o077) !== 0) {
    const mode = (info.mode & 0o777).toString(8).padStart(4, "0");
    throw new IdentityFileError(
      path,
      `Identity file ${path} is accessible by other users (mode ${mode}); ` +
        `run "chmod 600 ${path}" and try again`,
    );
  }
  const text = await Deno.readTextFile(path);
  const invalid = (why: string) =>
    new IdentityFileError(
      path,
      `Identity file ${path} is not usable: ${why}; move it away to create a new identity`,
    );
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw invalid("it is not JSON");
  }
  const record = parsed as Record<string, unknown>;
  if (
    typeof parsed !== "object" || parsed === null || record.version !== 1 ||
    typeof record.privateKey !== "string" || typeof record.publicKey !== "string"
  ) {
    throw invalid('it needs "version": 1, "privateKey" and "publicKey"');
  }
  let pkcs8: Uint8Array<ArrayBuffer>;
  let publicKeyRaw: Uint8Array<ArrayBuffer>;
  try {
    pkcs8 = new Uint8Array(fromBase64(record.privateKey));
    publicKeyRaw = new Uint8Array(fromBase64(record.publicKey));
  } catch {
    throw invalid("a key is not base64");
  }
  if (publicKeyRaw.length !== 32) throw invalid("the public key is not 32 bytes");
  let privateKey: CryptoKey;
  let publicKey: CryptoKey;
  try {
    privateKey = await crypto.subtle.importKey("pkcs8", pkcs8, "Ed25519", false, ["sign"]);
    publicKey = await crypto.subtle.importKey("raw", publicKeyRaw, "Ed25519", true, ["verify"]);
  } catch {
    throw invalid("a key is not an Ed25519 key");
  }
  // The two halves must belong together, or every proof would fail at the server.
  const probe = new TextEncoder().encode("parley-identity-self-check");
  const signature = await crypto.subtle.sign("Ed25519", privateKey, probe);
  if (!await crypto.subtle.verify("Ed25519", publicKey, signature, probe)) {
    throw invalid("the public key does not belong to the private key");
  }
  return {
    privateKey,
    publicKeyRaw,
    fingerprint: await fingerprint(publicKeyRaw),
    path,
    created: false,
  };
}
