import { assert } from "../../_helpers/assert.ts";
import { lanAddresses } from "../../../cli/serve/lan_addresses.ts";

Deno.test("lanAddresses lists distinct IPv4 addresses without loopback", () => {
  const addresses = lanAddresses();
  assert(
    addresses.every((a) => /^\d+\.\d+\.\d+\.\d+$/.test(a) && !a.startsWith("127.")),
    `${addresses}`,
  );
  assert(new Set(addresses).size === addresses.length);
});
