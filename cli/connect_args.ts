/**
 * The connection options `parley join` and `parley ping` share: the address
 * (with `--tls`), the password (`--password-file` or `PARLEY_PASSWORD`) and
 * `--ca`.
 *
 * @module
 */

import { readOptionFile, readSecretFile } from "./prompt.ts";
import { parseAddressList, type ServerAddress } from "../client/address.ts";

/** `node:util` `parseArgs` options for the shared flags. */
export const CONNECT_OPTIONS = {
  "password-file": { type: "string" },
  tls: { type: "boolean" },
  ca: { type: "string" },
} as const;

/** Where and how to connect. */
export interface ConnectArgs {
  /** The (first) server address; `tls` is set by `tls://` or `--tls`. */
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
}

/**
 * Resolves the shared connection options.
 *
 * @param values Parsed flags (see {@linkcode CONNECT_OPTIONS}).
 * @param positionals Positional arguments: at most one address, or several
 *   separated by commas (default `127.0.0.1:5003`).
 * @param env Environment lookup, for `PARLEY_PASSWORD`.
 * @throws {TypeError} With a sentence for a bad address, a second address, or an unreadable file.
 */
export function resolveConnectArgs(
  values: { "password-file"?: string; tls?: boolean; ca?: string },
  positionals: string[],
  env: (name: string) => string | undefined = (name) => Deno.env.get(name),
): ConnectArgs {
  if (positionals.length > 1) {
    throw new TypeError(`Expected one address, got ${positionals.length}`);
  }
  const addresses = parseAddressList(positionals[0] ?? "");
  if (values.tls) { for (const address of addresses) address.tls = true; }
  return {
    address: addresses[0],
    addresses,
    password: values["password-file"] !== undefined
      ? readSecretFile(values["password-file"])
      : env("PARLEY_PASSWORD") || undefined,
    caCerts: values.ca !== undefined ? [readOptionFile(values.ca, "CA certificate")] : undefined,
  };
}
