import { assertEqual, assertMatch } from "../_helpers/assert.ts";
import { identityNotice, loadIdentity, trustNotice } from "../../cli/join_notices.ts";
import type { WelcomeMessage } from "../../protocol/messages.ts";

const where = "tls://chat.example.org:5003";

Deno.test("trustNotice says how the server was trusted, and nothing for a known fingerprint", () => {
  assertEqual(
    trustNotice(where, "AA:BB", { how: "verified" }),
    `--- TLS certificate of ${where}: SHA-256 AA:BB`,
  );
  assertMatch(
    trustNotice(where, "AA:BB", { how: "new", file: "/k/known_servers" })!,
    /^--- first connection to tls:\/\/chat\.example\.org:5003: trusting its TLS certificate SHA-256 AA:BB .*\/k\/known_servers/,
  );
  assertMatch(
    trustNotice(where, "AA:BB", { how: "accepted", file: "/k/known_servers", previous: "CC:DD" })!,
    /accepted the new TLS certificate .*SHA-256 AA:BB \(was CC:DD\)/,
  );
  assertEqual(trustNotice(where, "AA:BB", { how: "known" }), undefined);
});

Deno.test("identityNotice names the identity, a guest, or a server without identities", () => {
  const welcome = (extra: Partial<WelcomeMessage>) => ({
    welcome: { nick: "amy", ...extra } as WelcomeMessage,
  });
  assertEqual(
    identityNotice(welcome({ identity: "SHA256:x" }), true),
    "--- you are amy (SHA256:x)",
  );
  assertEqual(
    identityNotice(welcome({ guest: true }), false),
    "--- you are amy (guest: no identity key)",
  );
  assertEqual(
    identityNotice(welcome({}), true),
    "--- you are amy (guest: this server does not check identity keys)",
  );
});

Deno.test("loadIdentity explains a missing config directory instead of throwing", async () => {
  assertMatch(String(await loadIdentity(undefined)), /--identity FILE, or --guest/);
});
