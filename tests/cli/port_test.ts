import { assertEqual, assertThrows } from "../_helpers/assert.ts";
import { parsePort } from "../../cli/port.ts";
import { parsePort as parsePortFromAddress } from "../../client/address.ts";

Deno.test("parsePort reads 1 to 65535, and 0 only when allowed", () => {
  assertEqual(parsePort("1"), 1);
  assertEqual(parsePort("65535"), 65535);
  assertEqual(parsePort("0", true), 0);
  assertThrows(() => parsePort("0"), TypeError, /^Port 0 is out of range; use 1 to 65535$/);
  assertThrows(() => parsePort("65536", true), TypeError, /^Port 65536 is out of range; use 0/);
});

Deno.test("parsePort refuses text that is not decimal digits", () => {
  for (const text of ["", "-1", "5003x", "0x10", " 80", "123456"]) {
    assertThrows(() => parsePort(text), TypeError, /is not a number from 1 to 65535$/);
  }
});

Deno.test("client/address.ts re-exports the one parsePort", () => {
  assertEqual(parsePortFromAddress, parsePort);
});
