import { inspircdConfig } from "../../bench/servers.ts";
import { nextMemberWindow, openLoopCap } from "../../bench/main.ts";
import { assert, assertEqual, assertMatch } from "../_helpers/assert.ts";

Deno.test("inspircdConfig binds loopback only and turns flood protection off", () => {
  const config = inspircdConfig(6699, "/tmp/x");
  assertMatch(config, /<bind address="127\.0\.0\.1" port="6699" type="clients">/);
  assertMatch(config, /fakelag="no"/);
  assertMatch(config, /commandrate="4000000000"/);
  assertMatch(config, /resolvehostnames="no"/);
  assert(!/address="0\.0\.0\.0"|address="\*"/.test(config), config);
});

Deno.test("openLoopCap keeps a room-wide budget with at least 16 per sender", () => {
  assertEqual(openLoopCap(50), 320);
  assertEqual(openLoopCap(200), 80);
  assertEqual(openLoopCap(1000), 16);
});

Deno.test("nextMemberWindow allows 16 in flight at 50 clients, 4 at 200, 1 at 1,000", () => {
  assertEqual(nextMemberWindow(50), 16);
  assertEqual(nextMemberWindow(200), 4);
  assertEqual(nextMemberWindow(1000), 1);
  assertEqual(nextMemberWindow(4), 16);
  assertEqual(nextMemberWindow(10000), 1);
});
