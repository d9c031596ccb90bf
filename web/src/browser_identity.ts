/// <reference no-default-lib="true" />
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/// <reference lib="esnext" />
/**
 * The browser's identity key: an Ed25519 key pair made with Web Crypto as
 * NOT extractable (the private key cannot be read out, even by this page's
 * own scripts) and kept as the `CryptoKeyPair` object itself in IndexedDB,
 * which stores such keys by structured clone. The same key then proves the
 * same identity after every reload, as the terminal client's key file does.
 *
 * Where IndexedDB or Ed25519 is missing (an old browser, a private window
 * that refuses storage) the client is a guest.
 *
 * @module
 */

import { fingerprint, signProof, toBase64 } from "../../protocol/identity.ts";

/** The key the web client proves. */
export interface BrowserIdentity {
  /** Ed25519 private key, not extractable, usage `sign`. */
  privateKey: CryptoKey;
  /** Raw public key, 32 bytes (public keys stay exportable). */
  publicKeyRaw: Uint8Array;
  /** `SHA256:...`. */
  fingerprint: string;
}

/** IndexedDB database, store and record names. */
export const IDENTITY_DB = "parley";
const STORE = "identity";
const RECORD = "default";

/**
 * Loads the key pair from IndexedDB, or makes and stores one.
 *
 * @returns The identity, or `undefined` when this browser cannot keep one.
 */
export async function loadOrCreateBrowserIdentity(): Promise<BrowserIdentity | undefined> {
  let db: IDBDatabase;
  try {
    db = await openDatabase();
  } catch (error) {
    console.warn("No IndexedDB for the identity key; joining as a guest", error);
    return undefined;
  }
  try {
    let pair = await request<CryptoKeyPair | undefined>(
      db.transaction(STORE, "readonly").objectStore(STORE).get(RECORD),
    );
    if (!isKeyPair(pair)) {
      let made: CryptoKeyPair;
      try {
        made = await crypto.subtle.generateKey({ name: "Ed25519" }, false, [
          "sign",
          "verify",
        ]) as CryptoKeyPair;
      } catch (error) {
        console.warn("This browser has no Ed25519; joining as a guest", error);
        return undefined;
      }
      // `add` fails if another tab stored a key meanwhile: then use that one.
      const stored = await request(
        db.transaction(STORE, "readwrite").objectStore(STORE).add(made, RECORD),
      ).then(() => true, () => false);
      pair = stored ? made : await request<CryptoKeyPair | undefined>(
        db.transaction(STORE, "readonly").objectStore(STORE).get(RECORD),
      );
      if (!isKeyPair(pair)) return undefined;
    }
    const publicKeyRaw = new Uint8Array(await crypto.subtle.exportKey("raw", pair.publicKey));
    return {
      privateKey: pair.privateKey,
      publicKeyRaw,
      fingerprint: await fingerprint(publicKeyRaw),
    };
  } finally {
    db.close();
  }
}

/**
 * The `hello.key` of an identity.
 *
 * @param identity The identity.
 * @returns Standard padded base64 of the raw public key.
 */
export function helloKey(identity: BrowserIdentity): string {
  return toBase64(identity.publicKeyRaw);
}

/**
 * The `prove.signature` answering a challenge, for the host this page was
 * loaded from (the host the WebSocket dials).
 *
 * @param identity The identity.
 * @param nonce The challenge's nonce, 32 bytes.
 * @param hostname `location.hostname`.
 * @returns Standard padded base64 of the signature.
 */
export async function proveSignature(
  identity: BrowserIdentity,
  nonce: Uint8Array,
  hostname: string,
): Promise<string> {
  const name = hostname.toLowerCase().replace(/^\[(.*)\]$/, "$1").replace(/\.$/, "");
  return toBase64(await signProof(identity.privateKey, nonce, name, identity.publicKeyRaw));
}

function isKeyPair(value: unknown): value is CryptoKeyPair {
  const pair = value as CryptoKeyPair | undefined;
  return pair?.privateKey instanceof CryptoKey && pair.publicKey instanceof CryptoKey;
}

function openDatabase(): Promise<IDBDatabase> {
  const open = indexedDB.open(IDENTITY_DB, 1);
  open.onupgradeneeded = () => open.result.createObjectStore(STORE);
  return request(open);
}

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}
