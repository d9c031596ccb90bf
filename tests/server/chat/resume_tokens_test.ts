import { assert, assertEqual } from "../../_helpers/assert.ts";
import { ResumeTokens } from "../../../server/chat/resume_tokens.ts";

Deno.test("ResumeTokens issues 43-character base64url tokens that differ every time", () => {
  const tokens = new ResumeTokens<object>();
  const seen = new Set<string>();
  for (let i = 0; i < 100; i++) {
    const token = tokens.issue({});
    assert(/^[A-Za-z0-9_-]{43}$/.test(token), token);
    seen.add(token);
  }
  assertEqual(seen.size, 100);
});

Deno.test("ResumeTokens matches only the current token of the same session", () => {
  const tokens = new ResumeTokens<object>();
  const alice = {};
  const bob = {};
  const first = tokens.issue(alice);
  const bobs = tokens.issue(bob);
  assert(tokens.matches(alice, first));
  assert(!tokens.matches(alice, bobs), "another session's token must not match");
  assert(!tokens.matches(alice, undefined));
  assert(!tokens.matches(alice, ""));
  assert(!tokens.matches(alice, first.slice(0, -1)));
  assert(!tokens.matches(alice, first + "x".repeat(500)));
  const second = tokens.issue(alice);
  assert(!tokens.matches(alice, first), "a replaced token must stop matching");
  assert(tokens.matches(alice, second));
  tokens.revoke(alice);
  assert(!tokens.matches(alice, second), "a revoked token must stop matching");
});
