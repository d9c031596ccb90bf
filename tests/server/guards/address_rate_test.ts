import { assertEqual } from "../../_helpers/assert.ts";
import { AddressRate } from "../../../server/guards/address_rate.ts";

Deno.test("AddressRate limits an address across its connections and refills per minute", () => {
  const rate = new AddressRate({ perMinute: 6, burst: 2 });
  assertEqual(
    ["10.0.0.1:1", "10.0.0.1:2", "10.0.0.1:3"].map((a) => rate.take(a, 0)),
    [true, true, false],
  );
  assertEqual(rate.take("10.0.0.2:1", 0), true, "another address has its own bucket");
  assertEqual(rate.take("10.0.0.1:4", 10_000), true, "one action back after 10 s");
});

Deno.test("AddressRate forgets addresses whose bucket is full again", () => {
  const rate = new AddressRate({ perMinute: 60, burst: 1 });
  for (let i = 0; i < 100; i++) rate.take(`10.0.0.${i}:1`, 0);
  assertEqual(rate.size, 100);
  for (let i = 0; i < 30; i++) rate.take("192.0.2.1:1", 60_000 + i * 2000);
  assertEqual(rate.size, 1);
});
