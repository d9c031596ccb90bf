/**
 * What `parley join` says about trust and identity: loading (or creating) the
 * identity key with a sentence when it cannot, the line that says how a TLS
 * server was trusted, and the line that says who the server knows the user as.
 *
 * @module
 */

import type { ParleyClient } from "../client/client_connection.ts";
import {
  IdentityFileError,
  type IdentityKey,
  loadOrCreateIdentity,
} from "../client/identity_key.ts";
import type { TlsTrust } from "../client/trusted_tls.ts";

/**
 * Loads or creates the identity key.
 *
 * @param path The identity file, or `undefined` when there is no config directory.
 * @returns The key, or a sentence saying why it cannot be used.
 */
export async function loadIdentity(path: string | undefined): Promise<IdentityKey | string> {
  if (path === undefined) {
    return "Cannot find a config directory for your identity key (set HOME or " +
      "XDG_CONFIG_HOME); pass --identity FILE, or --guest to join without one";
  }
  try {
    return await loadOrCreateIdentity(path);
  } catch (error) {
    if (error instanceof IdentityFileError) return error.message;
    if (error instanceof Deno.errors.PermissionDenied || error instanceof Deno.errors.NotCapable) {
      return `Cannot read or create the identity key ${path}: permission denied`;
    }
    throw error;
  }
}

/**
 * The line that says how a TLS server was trusted, or `undefined` for a
 * fingerprint seen before (nothing new to say).
 *
 * @param where The server, as `tls://host:port`.
 * @param fingerprint Its certificate's SHA-256 fingerprint.
 * @param trust How it was trusted.
 */
export function trustNotice(
  where: string,
  fingerprint: string,
  trust: TlsTrust,
): string | undefined {
  switch (trust.how) {
    case "verified":
      return `--- TLS certificate of ${where}: SHA-256 ${fingerprint}`;
    case "new":
      return `--- first connection to ${where}: trusting its TLS certificate SHA-256 ` +
        `${fingerprint} from now on (recorded in ${trust.file}); check it with the server's operator`;
    case "accepted":
      return `--- accepted the new TLS certificate of ${where}: SHA-256 ${fingerprint}` +
        (trust.previous ? ` (was ${trust.previous})` : "") + `, recorded in ${trust.file}`;
    case "known":
      return undefined;
  }
}

/**
 * The line that says who the server knows the user as.
 *
 * @param client The connected client.
 * @param offeredKey Whether a key was offered.
 * @returns e.g. `--- you are alice (SHA256:...)`.
 */
export function identityNotice(
  client: Pick<ParleyClient, "welcome">,
  offeredKey: boolean,
): string {
  const { welcome } = client;
  if (welcome.identity) return `--- you are ${welcome.nick} (${welcome.identity})`;
  if (welcome.guest || !offeredKey) return `--- you are ${welcome.nick} (guest: no identity key)`;
  return `--- you are ${welcome.nick} (guest: this server does not check identity keys)`;
}
