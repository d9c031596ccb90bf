import { assert, assertEqual } from "../_helpers/assert.ts";
import {
  fingerprint,
  fromBase64,
  proofPayload,
  signProof,
  toBase64,
  verifyProof,
} from "../../protocol/identity.ts";

// RFC 8032 section 7.1, TEST 1: secret key and public key. The payload,
// fingerprint and signature below were also checked with OpenSSL 3
// (`openssl pkeyutl -sign -rawin`, `openssl dgst -sha256`). The same vectors are
// in protocol/README.md ("Identity test vectors").
const SECRET_HEX = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
const PUBLIC_HEX = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
const NONCE = Uint8Array.from({ length: 32 }, (_, i) => i); // 00 01 02 ... 1f
const SERVER_NAME = "chat.example.org";
const PAYLOAD_TEXT = "parley-identity-v1\n" +
  "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n" +
  "chat.example.org\n" +
  "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=";
const FINGERPRINT = "SHA256:If4x36FUomFia/hUBG/SJxt77UtqvkWqWId+9H+XIbk";
const SIGNATURE_HEX = "2dfcb29fedbbb2e13df239c676d9daccc7c1a6cc8f28cc46c76bb61a4ba7982b" +
  "7c9537d5cd55a6bda974728fc1766e7f34ee0e36155e497f46b59f39ccdef308";

function hex(text: string): Uint8Array {
  return Uint8Array.from(text.match(/../g)!.map((h) => parseInt(h, 16)));
}

function toHex(bytes: Uint8Array): string {
  return [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** The RFC 8032 seed wrapped as PKCS#8 (RFC 8410 section 7), the form Web Crypto imports. */
function importSecret(): Promise<CryptoKey> {
  const pkcs8 = new Uint8Array([...hex("302e020100300506032b657004220420"), ...hex(SECRET_HEX)]);
  return crypto.subtle.importKey("pkcs8", pkcs8, "Ed25519", false, ["sign"]);
}

Deno.test("proofPayload matches the test vector byte for byte", () => {
  const payload = proofPayload(NONCE, SERVER_NAME, hex(PUBLIC_HEX));
  assertEqual(new TextDecoder().decode(payload), PAYLOAD_TEXT);
  assertEqual(payload.length, 125);
});

Deno.test("fingerprint of the RFC 8032 test key matches the vector", async () => {
  assertEqual(await fingerprint(hex(PUBLIC_HEX)), FINGERPRINT);
  assertEqual(
    await fingerprint(new Uint8Array(32)),
    "SHA256:Zmh6rfhivXdsj8GLjp+OIAiXFIVu4jOzkCpZHQ1fKSU",
  );
});

Deno.test("fingerprint rejects a key that is not 32 bytes", async () => {
  let error: unknown;
  await fingerprint(new Uint8Array(31)).catch((e) => error = e);
  assert(error instanceof RangeError);
});

Deno.test("signProof is deterministic and matches the vector", async () => {
  const key = await importSecret();
  const signature = await signProof(key, NONCE, SERVER_NAME, hex(PUBLIC_HEX));
  assertEqual(toHex(signature), SIGNATURE_HEX);
  assertEqual(toHex(await signProof(key, NONCE, SERVER_NAME, hex(PUBLIC_HEX))), SIGNATURE_HEX);
});

Deno.test("verifyProof accepts the vector signature", async () => {
  assertEqual(await verifyProof(hex(PUBLIC_HEX), NONCE, SERVER_NAME, hex(SIGNATURE_HEX)), true);
});

Deno.test("verifyProof refuses a proof for another nonce, server name or key", async () => {
  const signature = hex(SIGNATURE_HEX);
  const otherNonce = NONCE.map((b) => b ^ 1);
  assertEqual(await verifyProof(hex(PUBLIC_HEX), otherNonce, SERVER_NAME, signature), false);
  assertEqual(await verifyProof(hex(PUBLIC_HEX), NONCE, "evil.example.org", signature), false);
  const other =
    (await crypto.subtle.generateKey("Ed25519", true, ["sign", "verify"])) as CryptoKeyPair;
  const otherRaw = new Uint8Array(await crypto.subtle.exportKey("raw", other.publicKey));
  assertEqual(await verifyProof(otherRaw, NONCE, SERVER_NAME, signature), false);
});

Deno.test("verifyProof returns false for malformed keys and signatures", async () => {
  const key = hex(PUBLIC_HEX);
  const signature = hex(SIGNATURE_HEX);
  const flipped = signature.slice();
  flipped[10] ^= 0x40;
  assertEqual(await verifyProof(key, NONCE, SERVER_NAME, flipped), false);
  assertEqual(await verifyProof(key, NONCE, SERVER_NAME, signature.subarray(0, 63)), false);
  assertEqual(await verifyProof(key, NONCE, SERVER_NAME, new Uint8Array(0)), false);
  assertEqual(await verifyProof(key.subarray(0, 31), NONCE, SERVER_NAME, signature), false);
  assertEqual(await verifyProof(new Uint8Array(33), NONCE, SERVER_NAME, signature), false);
  // Not a valid point encoding (y >= p).
  assertEqual(
    await verifyProof(new Uint8Array(32).fill(0xff), NONCE, SERVER_NAME, signature),
    false,
  );
});

Deno.test("verifyProof and signProof throw TypeError on wrong argument types", async () => {
  const errors: unknown[] = [];
  // deno-lint-ignore no-explicit-any
  const untyped = verifyProof as (...args: any[]) => Promise<boolean>;
  await untyped("key", NONCE, SERVER_NAME, new Uint8Array(64)).catch((e) => errors.push(e));
  await untyped(hex(PUBLIC_HEX), NONCE, 42, new Uint8Array(64)).catch((e) => errors.push(e));
  await untyped(hex(PUBLIC_HEX), NONCE, SERVER_NAME, [1, 2]).catch((e) => errors.push(e));
  // deno-lint-ignore no-explicit-any
  const untypedSign = signProof as (...args: any[]) => Promise<Uint8Array>;
  await untypedSign({}, NONCE, SERVER_NAME, hex(PUBLIC_HEX)).catch((e) => errors.push(e));
  assertEqual(errors.length, 4);
  assert(errors.every((e) => e instanceof TypeError), String(errors));
});

Deno.test("proofPayload refuses a server name with a line break and a short nonce", () => {
  let caught = 0;
  for (const [nonce, name] of [[NONCE, "a\nb"], [NONCE, ""], [new Uint8Array(16), "a"]] as const) {
    try {
      proofPayload(nonce, name, hex(PUBLIC_HEX));
    } catch (error) {
      if (error instanceof RangeError) caught++;
    }
  }
  assertEqual(caught, 3);
});

Deno.test("a generated key pair signs and verifies a proof", async () => {
  const pair =
    (await crypto.subtle.generateKey("Ed25519", true, ["sign", "verify"])) as CryptoKeyPair;
  const raw = new Uint8Array(await crypto.subtle.exportKey("raw", pair.publicKey));
  const nonce = crypto.getRandomValues(new Uint8Array(32));
  const signature = await signProof(pair.privateKey, nonce, "127.0.0.1", raw);
  assertEqual(signature.length, 64);
  assertEqual(await verifyProof(raw, nonce, "127.0.0.1", signature), true);
});

Deno.test("fromBase64 round-trips toBase64 and refuses non-canonical text", () => {
  const bytes = crypto.getRandomValues(new Uint8Array(100));
  assertEqual(fromBase64(toBase64(bytes)), bytes);
  let refused = 0;
  for (const text of ["AAE", "A A=", "AAE=!", "AAF="]) {
    try {
      fromBase64(text);
    } catch (error) {
      if (error instanceof SyntaxError) refused++;
    }
  }
  assertEqual(refused, 4);
});
