import { assertEqual } from "../_helpers/assert.ts";
import * as exitCodes from "../../cli/exit_codes.ts";

Deno.test("EXIT_CODES lists every exit code constant once, in order", () => {
  const constants = Object.entries(exitCodes)
    .filter(([name]) => name.startsWith("EXIT_") && name !== "EXIT_CODES")
    .map(([, value]) => value as number)
    .sort((a, b) => a - b);
  assertEqual(exitCodes.EXIT_CODES.map(([code]) => code), constants);
  assertEqual(new Set(constants).size, constants.length);
});
