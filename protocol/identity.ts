/**
 * Key-based identity: a user is an Ed25519 public key, shown as its OpenSSH-style
 * fingerprint, and proves it holds the private key by signing a payload bound to
 * one connection. Pure Web Crypto (`crypto.subtle`), no `Deno.*`, so the browser
 * client uses the same code (Ed25519 in Web Crypto: Chrome 137, Firefox 129,
 * Safari 17, Deno, Node 22).
 *
 * The exchange (see "Identity" in `protocol/README.md`): `hello.key` carries the
 * raw public key; the server answers `challenge` with a fresh 32-byte nonce; the
 * client answers `prove` with the signature of {@linkcode proofPayload}.
 *
 * Why the payload is bound to the nonce, the server name and the key:
 * - the nonce (fresh per connection, chosen by the server) stops a recorded
 *   proof from being replayed on another connection;
 * - the server name as the client dialled it stops a malicious server A from
 *   relaying B's challenge to a user who connects to A and passing the user's
 *   signature on to B: the user signs "A", and B only accepts its own names;
 * - the public key stops a proof made with one key from being presented with
 *   another (Ed25519 signatures are not key-bound by construction in every
 *   library's strict mode, so this costs nothing and removes the question);
 * - the `parley-identity-v1` tag separates these signatures from any other use
 *   of the same key and from later versions of this payload.
 *
 * Every field is either base64 (no newline possible) or a server name, which
 * must not contain a newline, so the newline-joined encoding is unambiguous.
 *
 * @module
 */

/** Length of the server's challenge nonce, in bytes. */
export const IDENTITY_NONCE_BYTES = 32;
/** Length of a raw Ed25519 public key, in bytes (RFC 8032 section 5.1.5). */
export const ED25519_PUBLIC_KEY_BYTES = 32;
/** Length of an Ed25519 signature, in bytes (RFC 8032 section 5.1.6). */
export const ED25519_SIGNATURE_BYTES = 64;
/** Domain-separation tag at the start of every signed payload. */
export const IDENTITY_PAYLOAD_TAG = "parley-identity-v1";

/**
 * Standard padded base64 (RFC 4648 section 4) of some bytes.
 *
 * @param bytes Any bytes.
 * @returns The base64 text.
 */
export function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

/**
 * Decodes standard padded base64 (RFC 4648 section 4).
 *
 * @param text Base64 text.
 * @returns The bytes.
 * @throws {SyntaxError} If `text` is not canonical padded base64.
 */
export function fromBase64(text: string): Uint8Array {
  let binary: string;
  try {
    binary = atob(text);
  } catch {
    throw new SyntaxError("Cannot decode base64: invalid characters or length");
  }
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  // atob accepts missing padding and whitespace; insist on the one canonical form.
  if (toBase64(bytes) !== text) throw new SyntaxError("Cannot decode base64: not canonical");
  return bytes;
}

/**
 * The OpenSSH-style fingerprint of an Ed25519 public key: `SHA256:` then the
 * unpadded standard base64 of the SHA-256 digest of the raw 32-byte key.
 *
 * Note: `ssh-keygen -l` hashes the SSH wire encoding of the key
 * (`string "ssh-ed25519" || string key`), not the raw key, so the same key shows
 * a different fingerprint there; Parley fingerprints are for Parley only.
 *
 * @param publicKeyRaw The raw public key, 32 bytes.
 * @returns e.g. `"SHA256:If4x36FUomFia/hUBG/SJxt77UtqvkWqWId+9H+XIbk"`: 7 + 43 characters.
 * @throws {TypeError} If `publicKeyRaw` is not a `Uint8Array`.
 * @throws {RangeError} If it is not 32 bytes long.
 *
 * @example
 * ```ts
 * import { fingerprint } from "./identity.ts";
 * await fingerprint(new Uint8Array(32)); // "SHA256:Zmh6rfhivXdsj8GLjp+OIAiXFIVu4jOzkCpZHQ1fKSU"
 * ```
 */
export async function fingerprint(publicKeyRaw: Uint8Array): Promise<string> {
  checkBytes(publicKeyRaw, "publicKeyRaw");
  if (publicKeyRaw.length !== ED25519_PUBLIC_KEY_BYTES) {
    throw new RangeError(
      `Cannot fingerprint a key of ${publicKeyRaw.length} bytes: Ed25519 keys are 32 bytes`,
    );
  }
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", copy(publicKeyRaw)));
  return `SHA256:${toBase64(digest).replace(/=+$/, "")}`;
}

/**
 * The bytes a client signs to prove its identity on one connection: the UTF-8
 * encoding of `"parley-identity-v1\n" + base64(nonce) + "\n" + serverName + "\n" +
 * base64(publicKeyRaw)` (standard padded base64, no trailing newline).
 *
 * @param nonce The server's challenge, 32 bytes.
 * @param serverName The host name the client dialled, lower case, without port
 *   (e.g. `"chat.example.org"`, `"127.0.0.1"`, `"::1"`); the server accepts the
 *   names it is configured to be reached by.
 * @param publicKeyRaw The client's raw public key.
 * @returns The payload bytes.
 * @throws {TypeError} If an argument has the wrong type.
 * @throws {RangeError} If the nonce is not 32 bytes, or `serverName` is empty or
 *   contains a newline.
 */
export function proofPayload(
  nonce: Uint8Array,
  serverName: string,
  publicKeyRaw: Uint8Array,
): Uint8Array {
  checkBytes(nonce, "nonce");
  checkBytes(publicKeyRaw, "publicKeyRaw");
  if (typeof serverName !== "string") {
    throw new TypeError(`serverName must be a string, not ${typeof serverName}`);
  }
  if (nonce.length !== IDENTITY_NONCE_BYTES) {
    throw new RangeError(`Nonce is ${nonce.length} bytes; it must be ${IDENTITY_NONCE_BYTES}`);
  }
  if (serverName === "" || /[\r\n]/.test(serverName)) {
    throw new RangeError("Server name must be non-empty and contain no line break");
  }
  return new TextEncoder().encode(
    `${IDENTITY_PAYLOAD_TAG}\n${toBase64(nonce)}\n${serverName}\n${toBase64(publicKeyRaw)}`,
  );
}

/**
 * Signs the identity proof for one connection.
 *
 * @param privateKey The user's Ed25519 private key (usage `sign`).
 * @param nonce The server's challenge, 32 bytes.
 * @param serverName The host name the client dialled (see {@linkcode proofPayload}).
 * @param publicKeyRaw The raw public key that belongs to `privateKey`, as sent in `hello.key`.
 * @returns The 64-byte Ed25519 signature (deterministic: same inputs, same bytes).
 * @throws {TypeError} If an argument has the wrong type.
 * @throws {RangeError} See {@linkcode proofPayload}.
 * @throws {DOMException} If `privateKey` is not an Ed25519 signing key.
 *
 * @example
 * ```ts ignore
 * import { signProof } from "./identity.ts";
 * const signature = await signProof(key.privateKey, nonce, "chat.example.org", key.publicKeyRaw);
 * ```
 */
export async function signProof(
  privateKey: CryptoKey,
  nonce: Uint8Array,
  serverName: string,
  publicKeyRaw: Uint8Array,
): Promise<Uint8Array> {
  if (!(privateKey instanceof CryptoKey)) throw new TypeError("privateKey must be a CryptoKey");
  const payload = proofPayload(nonce, serverName, publicKeyRaw);
  return new Uint8Array(await crypto.subtle.sign("Ed25519", privateKey, copy(payload)));
}

/**
 * Checks an identity proof. A malformed key or signature (wrong length, not a
 * point on the curve, garbage) is a failed proof, not an error.
 *
 * @param publicKeyRaw The raw public key from `hello.key`.
 * @param nonce The challenge this server sent on this connection, 32 bytes.
 * @param serverName One of the names this server is reached by (see {@linkcode proofPayload}).
 * @param signature The signature from `prove`.
 * @returns `true` only if `signature` is a valid Ed25519 signature of the payload by that key.
 * @throws {TypeError} If an argument has the wrong type.
 * @throws {RangeError} If the nonce is not 32 bytes or `serverName` is empty or
 *   has a line break (server-side mistakes, not client input).
 *
 * @example
 * ```ts ignore
 * import { verifyProof } from "./identity.ts";
 * if (!await verifyProof(key, nonce, "chat.example.org", signature)) refuse("auth_failed");
 * ```
 */
export async function verifyProof(
  publicKeyRaw: Uint8Array,
  nonce: Uint8Array,
  serverName: string,
  signature: Uint8Array,
): Promise<boolean> {
  checkBytes(signature, "signature");
  const payload = proofPayload(nonce, serverName, publicKeyRaw);
  if (publicKeyRaw.length !== ED25519_PUBLIC_KEY_BYTES) return false;
  if (signature.length !== ED25519_SIGNATURE_BYTES) return false;
  let key: CryptoKey;
  try {
    key = await crypto.subtle.importKey("raw", copy(publicKeyRaw), "Ed25519", false, ["verify"]);
  } catch (error) {
    if (error instanceof DOMException) return false;
    throw error;
  }
  try {
    return await crypto.subtle.verify("Ed25519", key, copy(signature), copy(payload));
  } catch (error) {
    // Some engines reject a key that decodes to no curve point only when verifying.
    if (error instanceof DOMException) return false;
    throw error;
  }
}

function checkBytes(value: unknown, name: string): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) {
    throw new TypeError(`${name} must be a Uint8Array`);
  }
}

/** A copy backed by its own `ArrayBuffer`, as Web Crypto's `BufferSource` type wants. */
function copy(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return new Uint8Array(bytes);
}
