import { assertEqual, assertThrows } from "../../_helpers/assert.ts";
import { AddressLimiter } from "../../../server/guards/address_limiter.ts";
import { hostKey } from "../../../server/guards/host_key.ts";

Deno.test("AddressLimiter caps connections per address and frees them on release", () => {
  const limiter = new AddressLimiter(2);
  const a = limiter.acquire("10.0.0.1:1");
  const b = limiter.acquire("10.0.0.1:2");
  assertEqual([a, b], ["10.0.0.1", "10.0.0.1"]);
  assertEqual(limiter.acquire("10.0.0.1:3"), undefined);
  assertEqual(limiter.acquire("10.0.0.2:3"), "10.0.0.2");
  limiter.release(a!);
  assertEqual(limiter.acquire("10.0.0.1:4"), "10.0.0.1");
  assertEqual(limiter.count("10.0.0.1:0"), 2);
});

Deno.test("AddressLimiter rejects a cap below 1", () => {
  assertThrows(() => new AddressLimiter(0), RangeError, /use 1 or more/);
});

Deno.test("hostKey drops the port, maps IPv4-in-IPv6 and keeps an IPv6 /64", () => {
  assertEqual(hostKey("127.0.0.1:5003"), "127.0.0.1");
  assertEqual(hostKey("[::1]:5003"), "0:0:0:0::/64");
  assertEqual(hostKey("[2001:db8:0:1:2:3:4:5]:1"), "2001:db8:0:1::/64");
  assertEqual(hostKey("[2001:0db8::1]:1"), "2001:db8:0:0::/64");
  assertEqual(hostKey("[::ffff:10.1.2.3]:80"), "10.1.2.3");
  assertEqual(hostKey("example"), "example");
});
