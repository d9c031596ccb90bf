import { assert, assertEqual, assertThrows } from "../../_helpers/assert.ts";
import {
  fingerprintSync,
  IdentityChallenge,
  ProofNames,
} from "../../../server/chat/identity_challenge.ts";
import { fingerprint, fromBase64, signProof, toBase64 } from "../../../protocol/identity.ts";
import { makeIdentity } from "../../_helpers/identity_client.ts";

Deno.test("fingerprintSync gives the protocol's fingerprint (RFC 8032 test key)", async () => {
  const key = fromBase64("11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=");
  assertEqual(fingerprintSync(key), "SHA256:If4x36FUomFia/hUBG/SJxt77UtqvkWqWId+9H+XIbk");
  assertEqual(fingerprintSync(key), await fingerprint(key));
});

Deno.test("IdentityChallenge: fresh nonces, a proof for one of the names, nothing else", async () => {
  const id = await makeIdentity();
  const a = new IdentityChallenge(toBase64(id.publicKeyRaw));
  const b = new IdentityChallenge(toBase64(id.publicKeyRaw));
  assertEqual(a.nonce.length, 32);
  assert(a.nonceBase64 !== b.nonceBase64, "every connection gets its own nonce");
  assertEqual(a.identity, id.fingerprint);
  const signed = toBase64(
    await signProof(id.privateKey, a.nonce, "chat.example.org", id.publicKeyRaw),
  );
  assert(await a.verify(signed, ["localhost", "chat.example.org"]));
  assert(!await a.verify(signed, ["localhost"]), "a proof for another name fails");
  assert(!await b.verify(signed, ["chat.example.org"]), "a proof for another connection fails");
  assert(!await a.verify("not base64!", ["chat.example.org"]));
  assert(!await a.verify(toBase64(new Uint8Array(64)), ["chat.example.org"]));
  assertThrows(() => new IdentityChallenge("AAAA"), TypeError, /32 bytes/);
  assertThrows(() => new IdentityChallenge("%%%"), TypeError, /base64/);
});

Deno.test("ProofNames keeps names in lower case, once each", () => {
  const names = new ProofNames(["localhost"]);
  names.add("Chat.Example.ORG");
  names.add("chat.example.org");
  assertEqual(names.values(), ["localhost", "chat.example.org"]);
  assertEqual(new ProofNames().values(), ["localhost", "127.0.0.1", "::1"]);
});
