import { checkClusterName, parseClusterServers } from "../../../server/cluster/cluster_options.ts";
import { subjectToken } from "../../../server/cluster/subject_token.ts";
import { assertEqual, assertThrows } from "../../_helpers/assert.ts";

Deno.test("parseClusterServers splits, trims, adds the default port and drops duplicates", () => {
  assertEqual(parseClusterServers("nats://a:4222, nats://b:4223,,tls://c,nats://a:4222"), [
    "nats://a:4222",
    "nats://b:4223",
    "tls://c:4222",
  ]);
});

Deno.test("parseClusterServers rejects other schemes, paths and an empty list", () => {
  assertThrows(() => parseClusterServers("http://a:4222"), TypeError, /nats:\/\/ or tls:\/\//);
  assertThrows(() => parseClusterServers("nats://a:4222/x"), TypeError, /scheme:\/\/host:port/);
  assertThrows(() => parseClusterServers(" , "), TypeError, /empty/);
  assertThrows(() => parseClusterServers("a b"), TypeError, /not a URL/);
});

Deno.test("checkClusterName accepts subject-safe names only", () => {
  assertEqual(checkClusterName("parley_2-b", "cluster name"), "parley_2-b");
  assertThrows(() => checkClusterName("a.b", "cluster name"), TypeError, /cluster name/);
  assertThrows(() => checkClusterName("", "node id"), TypeError, /node id/);
});

Deno.test("subjectToken keeps safe ASCII and escapes every other byte injectively", () => {
  assertEqual(subjectToken("#lobby"), "=23lobby");
  assertEqual(subjectToken("a.b*>c d"), "a=2Eb=2A=3Ec=20d");
  assertEqual(subjectToken("é"), "=C3=A9");
  // "=" itself is escaped, so an escaped byte cannot be forged by a key.
  assertEqual(subjectToken("=23"), "=3D23");
  for (const token of [subjectToken("#lobby"), subjectToken("ａｌｉｃｅ")]) {
    assertEqual(/^[A-Za-z0-9_=-]+$/.test(token), true);
  }
  assertThrows(() => subjectToken(""), RangeError, /empty/);
});
