import { assert, assertEqual } from "../../_helpers/assert.ts";
import { addressKey, hostKey } from "../../../server/guards/host_key.ts";

Deno.test("hostKey gives one key for every spelling of an IPv4 address", () => {
  for (
    const spelling of [
      "127.0.0.1",
      "127.0.0.1:5003",
      "::ffff:127.0.0.1",
      "[::ffff:127.0.0.1]:5003",
      "[::FFFF:127.0.0.1]",
      "::ffff:7f00:1",
      "0:0:0:0:0:ffff:127.0.0.1",
      "[0:0:0:0:0:ffff:7f00:0001]:1",
    ]
  ) {
    assertEqual(hostKey(spelling), "127.0.0.1", spelling);
  }
});

Deno.test("hostKey keeps IPv6 /64s apart and drops zones and brackets", () => {
  assertEqual(hostKey("::1"), hostKey("[::1]:5003"));
  assertEqual(hostKey("[::1]"), "0:0:0:0::/64");
  assertEqual(hostKey("fe80::1%eth0"), "fe80:0:0:0::/64");
  assertEqual(hostKey("2001:DB8:0:1::7"), "2001:db8:0:1::/64");
  assertEqual(hostKey("64:ff9b::192.0.2.1"), "64:ff9b:0:0::/64", "NAT64 is not IPv4-mapped");
  assert(hostKey("2001:db8:0:1::1") !== hostKey("2001:db8:0:2::1"));
  assertEqual(hostKey("Example:80"), "example");
});

Deno.test("addressKey reduces what an operator types for /ban to the same key", () => {
  assertEqual(addressKey("10.0.0.1"), "10.0.0.1");
  assertEqual(addressKey("::ffff:10.0.0.1"), "10.0.0.1");
  assertEqual(addressKey("[::ffff:10.0.0.1]:80"), "10.0.0.1");
  assertEqual(addressKey("10.0.0.1:5003"), "10.0.0.1");
  assertEqual(addressKey("2001:db8::7"), "2001:db8:0:0::/64");
  assertEqual(addressKey("[2001:db8::7]"), hostKey("[2001:db8:0:0:ffff::1]:9"));
  assertEqual(addressKey("2001:db8:0:0::/64"), "2001:db8:0:0::/64");
  for (const nick of ["alice", "1.2.3", "999.0.0.1", "gg::1", "1:2:3:4:5:6:7:8:9", ""]) {
    assertEqual(addressKey(nick), undefined, nick);
  }
});
