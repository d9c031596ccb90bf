/**
 * The server's half of the identity exchange for one connection: the key a
 * client offered in `hello.key`, its fingerprint, and the fresh nonce sent in
 * `challenge`; {@linkcode IdentityChallenge.verify} checks the `prove` that
 * answers it against each name the server is reached by.
 *
 * @module
 */

import { createHash } from "node:crypto";
import {
  ED25519_PUBLIC_KEY_BYTES,
  ED25519_SIGNATURE_BYTES,
  fromBase64,
  IDENTITY_NONCE_BYTES,
  toBase64,
  verifyProof,
} from "../../protocol/identity.ts";

/** Names a proof is accepted for when none are configured: the loopback names. */
export const DEFAULT_IDENTITY_NAMES: readonly string[] = ["localhost", "127.0.0.1", "::1"];

/**
 * The fingerprint of a raw Ed25519 public key, computed synchronously (the
 * same value as `fingerprint` in `protocol/identity.ts`).
 *
 * @param publicKeyRaw 32 bytes.
 * @returns `SHA256:` and 43 base64 characters.
 *
 * @example
 * ```ts
 * import { fingerprintSync } from "./identity_challenge.ts";
 * fingerprintSync(new Uint8Array(32)).length; // 50
 * ```
 */
export function fingerprintSync(publicKeyRaw: Uint8Array): string {
  return `SHA256:${createHash("sha256").update(publicKeyRaw).digest("base64").replace(/=+$/, "")}`;
}

/**
 * The names identity proofs are accepted for: the hosts clients dial to reach
 * this server, in lower case. A tunnel's host can be added once it is known.
 *
 * @example
 * ```ts
 * import { ProofNames } from "./identity_challenge.ts";
 * const names = new ProofNames(["localhost"]);
 * names.add("Chat.Example.org");
 * names.values(); // ["localhost", "chat.example.org"]
 * ```
 */
export class ProofNames {
  readonly #names = new Set<string>();

  /** @param names The first names. */
  constructor(names: Iterable<string> = DEFAULT_IDENTITY_NAMES) {
    for (const name of names) this.add(name);
  }

  /**
   * Accepts proofs for one more name.
   *
   * @param name A host name or address, without port or brackets.
   */
  add(name: string): void {
    this.#names.add(name.toLowerCase());
  }

  /** The names, in the order added. */
  values(): string[] {
    return [...this.#names];
  }
}

/**
 * One connection's challenge.
 *
 * @example
 * ```ts ignore
 * const challenge = new IdentityChallenge(hello.key);
 * send({ type: "challenge", nonce: challenge.nonceBase64 });
 * // later, on prove:
 * if (await challenge.verify(prove.signature, ["chat.example.org"])) admit(challenge.identity);
 * ```
 */
export class IdentityChallenge {
  /** The offered raw public key. */
  readonly publicKeyRaw: Uint8Array;
  /** Its fingerprint, `SHA256:...`. */
  readonly identity: string;
  /** 32 fresh random bytes. */
  readonly nonce: Uint8Array;

  /**
   * @param keyBase64 `hello.key`: a raw Ed25519 public key, standard base64.
   * @throws {TypeError} If it is not base64 of 32 bytes.
   */
  constructor(keyBase64: string) {
    let raw: Uint8Array;
    try {
      raw = fromBase64(keyBase64);
    } catch (error) {
      if (!(error instanceof SyntaxError || error instanceof TypeError)) throw error;
      throw new TypeError("key must be a raw Ed25519 public key in base64");
    }
    if (raw.length !== ED25519_PUBLIC_KEY_BYTES) {
      throw new TypeError(
        `key must be ${ED25519_PUBLIC_KEY_BYTES} bytes of base64, not ${raw.length}`,
      );
    }
    this.publicKeyRaw = raw;
    this.identity = fingerprintSync(raw);
    this.nonce = crypto.getRandomValues(new Uint8Array(IDENTITY_NONCE_BYTES));
  }

  /** The nonce as sent in `challenge`. */
  get nonceBase64(): string {
    return toBase64(this.nonce);
  }

  /**
   * Checks a `prove` signature: valid for one of `names`.
   *
   * @param signatureBase64 `prove.signature`.
   * @param names The names this server is reached by (lower case).
   * @returns Whether the proof holds; malformed input is a failed proof.
   */
  async verify(signatureBase64: string, names: readonly string[]): Promise<boolean> {
    let signature: Uint8Array;
    try {
      signature = fromBase64(signatureBase64);
    } catch (error) {
      if (!(error instanceof SyntaxError || error instanceof TypeError)) throw error;
      return false;
    }
    if (signature.length !== ED25519_SIGNATURE_BYTES) return false;
    for (const name of names) {
      if (name === "" || /[\r\n]/.test(name)) continue;
      if (await verifyProof(this.publicKeyRaw, this.nonce, name, signature)) return true;
    }
    return false;
  }
}
