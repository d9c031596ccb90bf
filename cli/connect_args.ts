/**
 * The connection options `parley join` and `parley ping` share: the address
 * (with `--tls`), the password (`--password-file` or `PARLEY_PASSWORD`),
 * `--ca`, `--identity` and `--accept-new-fingerprint`.
 *
 * @module
 */

import { readOptionFile, readSecretFile } from "./prompt.ts";
import { parseAddress, parseAddressList, type ServerAddress } from "../client/address.ts";
import { defaultIdentityPath } from "../client/identity_key.ts";
import { knownServersPath } from "../client/known_servers.ts";
import { hostPortOf } from "../client/trusted_tls.ts";

/** `node:util` `parseArgs` options for the shared flags. */
export const CONNECT_OPTIONS = {
  "password-file": { type: "string" },
  tls: { type: "boolean" },
  ca: { type: "string" },
  identity: { type: "string" },
  "accept-new-fingerprint": { type: "string" },
} as const;

/** Where and how to connect. */
export interface ConnectArgs {
  /**
   * The (first) server address; `tls` is set by `tls://`, `--tls` or
   * `--accept-new-fingerprint`.
   */
  address: ServerAddress;
  /**
   * Every address given (`host1:5003,host2:5003`: nodes of one clustered
   * chat), tried in turn; `address` is the first.
   */
  addresses: ServerAddress[];
  /** Server password, if any. */
  password: string | undefined;
  /** PEM CA certificates from `--ca`, if given. */
  caCerts: string[] | undefined;
  /**
   * The identity file: `--identity`, else the default in the config
   * directory; `undefined` when there is no config directory.
   */
  identityPath: string | undefined;
  /** The known-servers file beside the identity file, when there is one. */
  knownServersFile: string | undefined;
  /** Whether `--accept-new-fingerprint` was given (for this address). */
  acceptNewFingerprint: boolean;
}

/** The flags {@linkcode resolveConnectArgs} reads. */
export interface ConnectFlags {
  "password-file"?: string;
  tls?: boolean;
  ca?: string;
  identity?: string;
  "accept-new-fingerprint"?: string;
}

/**
 * Resolves the shared connection options.
 *
 * `--accept-new-fingerprint HOST:PORT` names the server whose new certificate
 * to trust; without an ADDRESS it is also the address (with TLS), so the
 * command printed when a fingerprint changes works as it is.
 *
 * @param values Parsed flags (see {@linkcode CONNECT_OPTIONS}).
 * @param positionals Positional arguments: at most one address, or several
 *   separated by commas (default `127.0.0.1:5003`).
 * @param env Environment lookup, for `PARLEY_PASSWORD` and the config directory.
 * @throws {TypeError} With a sentence for a bad address, a second address, an
 *   unreadable file, or an `--accept-new-fingerprint` for another server than ADDRESS.
 */
export function resolveConnectArgs(
  values: ConnectFlags,
  positionals: string[],
  env: (name: string) => string | undefined = (name) => Deno.env.get(name),
): ConnectArgs {
  if (positionals.length > 1) {
    throw new TypeError(`Expected one address, got ${positionals.length}`);
  }
  const accept = values["accept-new-fingerprint"];
  let addresses: ServerAddress[];
  if (accept !== undefined) {
    const accepted = parseAddress(accept);
    // A new certificate is trusted for one server: of several addresses, only the one it names.
    const given = positionals.length > 0
      ? parseAddressList(positionals[0])
      : [{ ...accepted, tls: true }];
    const address = given.find((a) => hostPortOf(a) === hostPortOf(accepted));
    if (address === undefined) {
      throw new TypeError(
        `--accept-new-fingerprint ${accept} names another server than ${positionals[0]}`,
      );
    }
    address.tls = true;
    addresses = [address];
  } else {
    addresses = parseAddressList(positionals[0] ?? "");
  }
  if (values.tls) { for (const address of addresses) address.tls = true; }
  let identityPath = values.identity;
  if (identityPath === undefined) {
    try {
      identityPath = defaultIdentityPath({ get: env });
    } catch (error) {
      // No config directory: the caller explains when it needs one.
      if (!(error instanceof Error) || !/config directory/.test(error.message)) throw error;
    }
  }
  return {
    address: addresses[0],
    addresses,
    password: values["password-file"] !== undefined
      ? readSecretFile(values["password-file"])
      : env("PARLEY_PASSWORD") || undefined,
    caCerts: values.ca !== undefined ? [readOptionFile(values.ca, "CA certificate")] : undefined,
    identityPath,
    knownServersFile: identityPath === undefined ? undefined : knownServersPath(identityPath),
    acceptNewFingerprint: accept !== undefined,
  };
}
