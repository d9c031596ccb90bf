/**
 * Opens the client's TLS connection and decides whether to trust the server,
 * before a byte of the handshake (or the password) is sent:
 *
 * - with `--ca`, the certificate must verify against the system roots or the
 *   given certificates, and the name must match (organisations with their own CA);
 * - without `--ca`, a certificate that verifies against the system roots is
 *   trusted as usual; any other one is trusted the SSH way, by its fingerprint
 *   in the known-servers file (`known_servers.ts`): recorded on first use,
 *   silently accepted when it is the same, and refused when it changed, with
 *   both fingerprints and the command that accepts the new one.
 *
 * The fingerprint is read from the connection that carries the chat
 * (`tls_verify.ts`), so what is checked is what is talked to.
 *
 * @module
 */

import { acceptServer, checkServer } from "./known_servers.ts";
import { connectVerifiedTls, type VerifiedTlsConn } from "./tls_verify.ts";
import type { ServerAddress } from "./address.ts";

/** Options for {@linkcode openTrustedTls}. */
export interface TrustedTlsOptions {
  /** PEM certificates to trust beside the system roots (`--ca`); turns trust on first use off. */
  caCerts?: string[];
  /**
   * The known-servers file. Without it (and without `caCerts`) only
   * certificates that verify against the system roots are accepted.
   */
  knownServersFile?: string;
  /**
   * Trust the fingerprint this connection shows, replacing a different
   * recorded one (`--accept-new-fingerprint`).
   * @default {false}
   */
  acceptNewFingerprint?: boolean;
  /**
   * Longest to wait for the connection and the TLS handshake, in ms.
   * @default {10000}
   */
  timeoutMs?: number;
}

/**
 * Why the server was trusted: `verified` (chain and name check out against the
 * system roots or `--ca`), `new` (first use: recorded now), `known` (same
 * fingerprint as recorded) or `accepted` (replaced a different recorded one on
 * request; `previous` is what was recorded).
 */
export type TlsTrust =
  | { how: "verified" }
  | { how: "new"; file: string }
  | { how: "known" }
  | { how: "accepted"; file: string; previous: string | undefined };

/** A TLS connection the client may talk to, and why. */
export interface TrustedTls {
  /** The connection, handshake done. */
  conn: VerifiedTlsConn;
  /** SHA-256 of the server certificate, upper-case hex pairs joined by colons. */
  fingerprint: string;
  /** Why it is trusted. */
  trust: TlsTrust;
}

/**
 * Thrown when a server shows another certificate than the one recorded for
 * its address. The message names both fingerprints and the command that
 * accepts the new one.
 */
export class ServerFingerprintChangedError extends Error {
  /** The server, as `host:port` (`[v6]:port`), the key in the known-servers file. */
  readonly hostPort: string;
  /** The recorded fingerprint. */
  readonly previous: string;
  /** The fingerprint shown now. */
  readonly current: string;
  /**
   * @param hostPort The server.
   * @param previous The recorded fingerprint.
   * @param current The fingerprint shown now.
   * @param file The known-servers file.
   */
  constructor(hostPort: string, previous: string, current: string, file: string) {
    super(
      `The TLS certificate of ${hostPort} has CHANGED since it was recorded in ${file}\n` +
        `  recorded: SHA-256 ${previous}\n` +
        `  now:      SHA-256 ${current}\n` +
        `Someone may be intercepting the connection, or the server has a new certificate. ` +
        `Ask its operator which fingerprint is right; if it is the new one, run\n` +
        `  parley join --accept-new-fingerprint ${hostPort}`,
    );
    this.name = "ServerFingerprintChangedError";
    this.hostPort = hostPort;
    this.previous = previous;
    this.current = current;
  }
}

/**
 * The key of a server in the known-servers file: `host:port`, IPv6 hosts in
 * brackets, host names in lower case.
 *
 * @param address The server.
 * @returns e.g. `"chat.example.org:5003"`, `"[::1]:5003"`.
 */
export function hostPortOf(address: Pick<ServerAddress, "hostname" | "port">): string {
  const host = address.hostname.toLowerCase();
  return `${host.includes(":") ? `[${host}]` : host}:${address.port}`;
}

/**
 * Connects with TLS and checks the server as described in the module doc.
 *
 * @param address The server (its `tls` flag is not looked at).
 * @param options See {@linkcode TrustedTlsOptions}.
 * @returns The connection, its certificate fingerprint and why it is trusted.
 * @throws {ServerFingerprintChangedError} If the recorded fingerprint differs
 *   (and `acceptNewFingerprint` is off); the connection is closed.
 * @throws {Error} What {@linkcode connectVerifiedTls} throws: network errors as
 *   `Deno.errors`, certificate errors (with `caCerts`, or without a
 *   known-servers file) with the TLS library's message.
 *
 * @example
 * ```ts ignore
 * import { openTrustedTls } from "./trusted_tls.ts";
 * const { conn, trust } = await openTrustedTls(
 *   { hostname: "chat.example.org", port: 5003, tls: true },
 *   { knownServersFile: "/home/alice/.config/parley/known_servers" },
 * );
 * ```
 */
export async function openTrustedTls(
  address: Pick<ServerAddress, "hostname" | "port">,
  options: TrustedTlsOptions = {},
): Promise<TrustedTls> {
  const file = options.caCerts?.length ? undefined : options.knownServersFile;
  const conn = await connectVerifiedTls({
    hostname: address.hostname,
    port: address.port,
    caCerts: options.caCerts,
    verify: file === undefined,
    timeoutMs: options.timeoutMs,
  });
  const { fingerprint } = conn;
  if (conn.verified || file === undefined) {
    return { conn, fingerprint, trust: { how: "verified" } };
  }
  const hostPort = hostPortOf(address);
  try {
    const known = await checkServer(file, hostPort, fingerprint);
    if (known.status === "new") return { conn, fingerprint, trust: { how: "new", file } };
    if (known.status === "same") return { conn, fingerprint, trust: { how: "known" } };
    if (!options.acceptNewFingerprint) {
      throw new ServerFingerprintChangedError(hostPort, known.previous, fingerprint, file);
    }
    await acceptServer(file, hostPort, fingerprint);
    return { conn, fingerprint, trust: { how: "accepted", file, previous: known.previous } };
  } catch (error) {
    conn.close();
    throw error;
  }
}
