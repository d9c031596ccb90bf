import { assertEqual } from "../_helpers/assert.ts";
import { alternateNick } from "../../client/interactive_session.ts";

Deno.test("alternateNick appends one underscore within the 32-character limit", () => {
  assertEqual(alternateNick("alice"), "alice_");
  assertEqual(alternateNick("a".repeat(32)), "a".repeat(31) + "_");
});
