import { assert, assertEqual, assertThrows } from "../../_helpers/assert.ts";
import { SecretGuard } from "../../../server/guards/secret_guard.ts";

Deno.test("SecretGuard locks an address out of every kind after maxFailures of one kind", () => {
  let now = 0;
  const guard = new SecretGuard({ maxFailures: 3, lockoutMs: 60_000 }, () => now);
  for (let port = 1; port <= 3; port++) {
    const attempt = guard.begin(`10.0.0.1:${port}`, "operator");
    assert(attempt.allowed);
    attempt.fail();
  }
  for (const kind of ["operator", "server", "identity"]) {
    const refused = guard.begin("10.0.0.1:9", kind);
    assertEqual([refused.allowed, refused.refusal, refused.retryAfterMs], [
      false,
      "locked",
      60_000,
    ]);
  }
  assertEqual(guard.begin("10.0.0.2:9", "operator").allowed, true, "other addresses go on");
  now = 60_000;
  assertEqual(guard.lockedFor("10.0.0.1"), 0);
  assertEqual(guard.begin("10.0.0.1:9", "operator").allowed, true, "the failures expired too");
});

Deno.test("SecretGuard counts ::ffff:127.0.0.1, 127.0.0.1:port and 127.0.0.1 as one address", () => {
  const guard = new SecretGuard({ maxFailures: 3 }, () => 0);
  guard.begin("127.0.0.1:5000", "server").fail();
  guard.begin("[::ffff:127.0.0.1]:5001", "server").fail();
  guard.begin("::ffff:127.0.0.1", "server").fail();
  assert(guard.lockedFor("127.0.0.1") > 0);
  assert(guard.lockedFor("[::ffff:7f00:1]:1") > 0);
});

Deno.test("SecretGuard delays each failure longer, up to maxDelayMs", () => {
  const guard = new SecretGuard({ delayMs: 1000, maxDelayMs: 5000, maxFailures: 10 }, () => 0);
  const delays = Array.from({ length: 5 }, () => guard.begin("10.0.0.1:1", "server").fail());
  assertEqual(delays, [1000, 2000, 4000, 5000, 5000]);
  assertEqual(guard.begin("10.0.0.1:1", "operator").fail(), 1000, "per kind");
});

Deno.test("SecretGuard locks out after maxTotalFailures across kinds", () => {
  const guard = new SecretGuard({ maxFailures: 5, maxTotalFailures: 6 }, () => 0);
  for (const kind of ["server", "server", "server", "operator", "operator"]) {
    guard.begin("10.0.0.1:1", kind).fail();
  }
  assertEqual(guard.lockedFor("10.0.0.1"), 0, "4 of one kind, 5 in all");
  guard.begin("10.0.0.1:1", "identity").fail();
  assertEqual(guard.lockedFor("10.0.0.1"), 300_000);
});

Deno.test("SecretGuard: a success refunds its own attempt and clears nothing else", () => {
  const guard = new SecretGuard({ maxFailures: 3, lockoutMs: 10_000 }, () => 0);
  guard.begin("10.0.0.1:1", "server").fail();
  guard.begin("10.0.0.1:2", "server").fail();
  // Someone else behind the same NAT logs in: the two failures stay.
  const good = guard.begin("10.0.0.1:3", "server");
  good.succeed();
  good.succeed();
  assertEqual(good.fail(), 0, "a settled attempt cannot fail later");
  assertEqual(guard.lockedFor("10.0.0.1"), 0);
  guard.begin("10.0.0.1:4", "server").fail();
  assertEqual(guard.lockedFor("10.0.0.1"), 10_000, "the third failure locks, success or not");
});

Deno.test("SecretGuard forgets failures windowMs after they happened", () => {
  let now = 0;
  const guard = new SecretGuard({ maxFailures: 2, lockoutMs: 1000, windowMs: 5000 }, () => now);
  guard.begin("10.0.0.1:1", "server").fail();
  now = 5001;
  guard.begin("10.0.0.1:1", "server").fail();
  assertEqual(guard.lockedFor("10.0.0.1"), 0, "the first failure had expired");
  now = 6000;
  guard.begin("10.0.0.1:1", "server").fail();
  assertEqual(guard.lockedFor("10.0.0.1"), 1000);
});

Deno.test("SecretGuard: a parallel burst on two kinds lets through only maxFailures per kind", () => {
  let now = 0;
  const guard = new SecretGuard(
    { maxFailures: 5, maxTotalFailures: 8, lockoutMs: 60_000 },
    () => now,
  );
  // Forty connections start at once, twenty per kind, before any answer is known.
  const attempts = Array.from(
    { length: 40 },
    (_, i) => guard.begin(`[::ffff:10.0.0.1]:${1000 + i}`, i % 2 === 0 ? "server" : "identity"),
  );
  const allowed = attempts.filter((a) => a.allowed);
  const byKind = (kind: number) => attempts.filter((a, i) => a.allowed && i % 2 === kind).length;
  assertEqual(allowed.length, 8, "maxTotalFailures in flight at most");
  assert(byKind(0) <= 5 && byKind(1) <= 5, `${byKind(0)} + ${byKind(1)}`);
  assert(attempts.filter((a) => !a.allowed).every((a) => a.refusal === "busy"));
  assertEqual(guard.lockedFor("10.0.0.1"), 0, "nothing has failed yet");
  // They all turn out wrong: the address is locked out of every kind.
  now = 100;
  for (const attempt of allowed) attempt.fail();
  assertEqual(guard.lockedFor("10.0.0.1"), 60_000);
  assertEqual(guard.begin("10.0.0.1:1", "operator").refusal, "locked");
  assertEqual(guard.begin("10.0.0.2:1", "server").allowed, true, "another address is free");
});

Deno.test("SecretGuard: a burst of right answers from one address is let through in turn", () => {
  const guard = new SecretGuard({ maxFailures: 3, maxTotalFailures: 6 }, () => 0);
  let admitted = 0;
  for (let i = 0; i < 50; i++) {
    const attempt = guard.begin("127.0.0.1:1", i % 2 === 0 ? "server" : "identity");
    assert(attempt.allowed, `attempt ${i}`);
    attempt.succeed();
    admitted++;
  }
  assertEqual(admitted, 50);
  assertEqual(guard.size, 0, "nothing is remembered for successes");
});

Deno.test("SecretGuard: busy says how long until the oldest attempt expires", () => {
  let now = 0;
  const guard = new SecretGuard({ maxFailures: 2, lockoutMs: 10_000, windowMs: 10_000 }, () => now);
  const first = guard.begin("10.0.0.1:1", "server");
  now = 2000;
  guard.begin("10.0.0.1:2", "server");
  const busy = guard.begin("10.0.0.1:3", "server");
  assertEqual([busy.refusal, busy.retryAfterMs], ["busy", 8000]);
  first.succeed();
  assertEqual(guard.begin("10.0.0.1:3", "server").allowed, true, "a slot freed by a success");
});

Deno.test("SecretGuard remembers at most maxTracked addresses", () => {
  const guard = new SecretGuard({ maxFailures: 1, maxTracked: 2 }, () => 0);
  guard.begin("10.0.0.1:1", "server").fail();
  guard.begin("10.0.0.2:1", "server").fail();
  guard.begin("10.0.0.3:1", "server").fail();
  assertEqual(guard.size, 2);
  assertEqual(guard.lockedFor("10.0.0.1:1"), 0, "the oldest was forgotten");
  assert(guard.lockedFor("10.0.0.3:1") > 0);
});

Deno.test("SecretGuard refuses nonsense limits", () => {
  assertThrows(() => new SecretGuard({ maxFailures: 0 }), RangeError, /maxFailures 0/);
  assertThrows(() => new SecretGuard({ lockoutMs: -1 }), RangeError, /lockoutMs -1/);
});
