import { assertEqual } from "../../_helpers/assert.ts";
import { AuthGuard } from "../../../server/guards/auth_guard.ts";

Deno.test("AuthGuard asks for a delay after each failure", () => {
  const guard = new AuthGuard({ authDelayMs: 750 }, () => 0);
  assertEqual(guard.fail("10.0.0.1:5000"), 750);
  assertEqual(guard.lockedFor("10.0.0.1:5001"), 0);
});

Deno.test("AuthGuard locks an address out after K failures, whatever the port", () => {
  let now = 1000;
  const guard = new AuthGuard({ authMaxFailures: 3, authLockoutMs: 60_000 }, () => now);
  for (let port = 1; port <= 3; port++) guard.fail(`10.0.0.1:${port}`);
  assertEqual(guard.lockedFor("10.0.0.1:9"), 60_000);
  assertEqual(guard.lockedFor("10.0.0.2:9"), 0, "other addresses are not affected");
  now += 59_000;
  assertEqual(guard.lockedFor("10.0.0.1:9"), 1000);
  now += 1000;
  assertEqual(guard.lockedFor("10.0.0.1:9"), 0);
});

Deno.test("AuthGuard counts an IPv6 /64 as one address", () => {
  const guard = new AuthGuard({ authMaxFailures: 2 }, () => 0);
  guard.fail("[2001:db8:0:1::a]:1");
  guard.fail("[2001:db8:0:1:ffff::b]:2");
  assertEqual(guard.lockedFor("[2001:db8:0:1::c]:3") > 0, true);
  assertEqual(guard.lockedFor("[2001:db8:0:2::c]:3"), 0);
});

Deno.test("AuthGuard forgets old failures but not because of a success", () => {
  let now = 0;
  const guard = new AuthGuard({ authMaxFailures: 2, authLockoutMs: 1000 }, () => now);
  guard.fail("10.0.0.1:1");
  now = 5000;
  guard.fail("10.0.0.1:1");
  assertEqual(guard.lockedFor("10.0.0.1:1"), 0, "the first failure expired");
  // Behind a NAT the right password may come from someone else: it clears nothing.
  guard.succeed("10.0.0.1:2");
  guard.fail("10.0.0.1:1");
  assertEqual(guard.lockedFor("10.0.0.1:1"), 1000, "two failures within the window");
});

Deno.test("AuthGuard shares its lockout with other secrets through secrets", () => {
  const guard = new AuthGuard({ authMaxFailures: 2 }, () => 0);
  guard.secrets.begin("10.0.0.1:1", "operator").fail();
  guard.secrets.begin("10.0.0.1:2", "operator").fail();
  assertEqual(guard.lockedFor("[::ffff:10.0.0.1]:3") > 0, true, "a password hello is refused too");
});

Deno.test("AuthGuard keeps a constant delay, as --auth-delay says", () => {
  const guard = new AuthGuard({ authDelayMs: 300, authMaxFailures: 10 }, () => 0);
  const delays = Array.from({ length: 5 }, (_, i) => guard.fail(`10.0.0.1:${i}`));
  assertEqual(delays, [300, 300, 300, 300, 300]);
});

Deno.test("AuthGuard remembers at most authMaxTracked addresses", () => {
  const guard = new AuthGuard({ authMaxFailures: 1, authMaxTracked: 2 }, () => 0);
  guard.fail("10.0.0.1:1");
  guard.fail("10.0.0.2:1");
  guard.fail("10.0.0.3:1");
  assertEqual(guard.lockedFor("10.0.0.1:1"), 0, "the oldest was forgotten");
  assertEqual(guard.lockedFor("10.0.0.3:1") > 0, true);
});
