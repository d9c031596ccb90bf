/**
 * Trust on first use for servers, as OpenSSH's `known_hosts`: the first
 * fingerprint seen for a `host:port` is recorded, later connections must show
 * the same one, and a changed fingerprint is reported, never overwritten, until
 * the user accepts it (`parley join --accept-new-fingerprint HOST:PORT`).
 *
 * File format (UTF-8, default `known_servers` beside the identity file): one
 * `host:port fingerprint` per line, separated by spaces or tabs; blank lines and
 * lines starting with `#` are comments and are kept when the file is rewritten.
 * Host names are compared in lower case; IPv6 hosts are written in brackets
 * (`[::1]:5003`). The fingerprint is one token without spaces, compared exactly.
 *
 * @module
 */

import { dirname, join } from "node:path";

/** Name of the known-servers file, beside the identity file. */
export const KNOWN_SERVERS_FILE_NAME = "known_servers";

/** What {@linkcode checkServer} found. */
export type ServerCheck =
  | { status: "new" }
  | { status: "same" }
  | { status: "changed"; previous: string };

/**
 * The known-servers file beside an identity file.
 *
 * @param identityPath The identity file, e.g. `~/.config/parley/identity.json`.
 * @returns e.g. `~/.config/parley/known_servers`.
 */
export function knownServersPath(identityPath: string): string {
  return join(dirname(identityPath), KNOWN_SERVERS_FILE_NAME);
}

/**
 * Checks a server's fingerprint against the file; records it when the server is new.
 *
 * @param file The known-servers file; created (with its directory) when missing.
 * @param hostPort The server as `host:port` or `[v6]:port`.
 * @param fingerprint What the server showed on this connection, e.g. `"SHA256:..."`
 *   or `"91:2F:...:29"`.
 * @returns `new` (now recorded), `same`, or `changed` with the recorded
 *   fingerprint; a changed entry is left as it is.
 * @throws {TypeError} If `hostPort` or `fingerprint` is empty or contains whitespace.
 * @throws {Deno.errors.PermissionDenied} If the file cannot be read or written.
 *
 * @example
 * ```ts ignore
 * import { checkServer } from "./known_servers.ts";
 * const result = await checkServer(file, "chat.example.org:5003", "SHA256:abc");
 * if (result.status === "changed") {
 *   // refuse, and tell the user about `parley join --accept-new-fingerprint chat.example.org:5003`
 * }
 * ```
 */
export async function checkServer(
  file: string,
  hostPort: string,
  fingerprint: string,
): Promise<ServerCheck> {
  const key = entryKey(hostPort);
  checkToken(fingerprint, "fingerprint");
  const entries = parse(await readOrEmpty(file)).filter((line) => line.key === key);
  if (entries.some((line) => line.fingerprint === fingerprint)) return { status: "same" };
  if (entries.length > 0) return { status: "changed", previous: entries[0].fingerprint! };
  await Deno.mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const existing = await readOrEmpty(file);
  const separator = existing === "" || existing.endsWith("\n") ? "" : "\n";
  await Deno.writeTextFile(file, `${separator}${key} ${fingerprint}\n`, {
    append: true,
    mode: 0o600,
  });
  return { status: "new" };
}

/**
 * Records `fingerprint` as the one to trust for `hostPort`, replacing any
 * earlier entry for it; other lines and comments are kept in place. The file
 * is rewritten under a temporary name and renamed over the old one.
 *
 * @param file The known-servers file; created when missing.
 * @param hostPort The server as `host:port` or `[v6]:port`.
 * @param fingerprint The fingerprint to trust from now on.
 * @throws {TypeError} If `hostPort` or `fingerprint` is empty or contains whitespace.
 * @throws {Deno.errors.PermissionDenied} If the file cannot be read or written.
 */
export async function acceptServer(
  file: string,
  hostPort: string,
  fingerprint: string,
): Promise<void> {
  const key = entryKey(hostPort);
  checkToken(fingerprint, "fingerprint");
  const lines = parse(await readOrEmpty(file));
  const out: string[] = [];
  let placed = false;
  for (const line of lines) {
    if (line.key !== key) out.push(line.text);
    else if (!placed) {
      out.push(`${key} ${fingerprint}`);
      placed = true;
    }
  }
  if (!placed) out.push(`${key} ${fingerprint}`);
  while (out.length > 0 && out[out.length - 1] === "") out.pop();
  await Deno.mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const temp = `${file}.${crypto.randomUUID()}.tmp`;
  try {
    await Deno.writeTextFile(temp, out.join("\n") + "\n", { mode: 0o600 });
    await Deno.rename(temp, file);
  } finally {
    await Deno.remove(temp).catch(() => {});
  }
}

interface Line {
  text: string;
  key?: string;
  fingerprint?: string;
}

function parse(text: string): Line[] {
  return text.split(/\r?\n/).map((raw) => {
    const trimmed = raw.trim();
    if (trimmed === "" || trimmed.startsWith("#")) return { text: raw };
    const [host, fingerprint] = trimmed.split(/\s+/);
    if (fingerprint === undefined) return { text: raw };
    return { text: raw, key: host.toLowerCase(), fingerprint };
  });
}

async function readOrEmpty(file: string): Promise<string> {
  try {
    return await Deno.readTextFile(file);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return "";
    throw error;
  }
}

function entryKey(hostPort: string): string {
  checkToken(hostPort, "hostPort");
  if (hostPort.startsWith("#")) throw new TypeError("hostPort cannot start with #");
  return hostPort.toLowerCase();
}

function checkToken(value: string, name: string): void {
  if (typeof value !== "string" || value === "" || /\s/.test(value)) {
    throw new TypeError(`${name} must be a non-empty string without whitespace`);
  }
}
