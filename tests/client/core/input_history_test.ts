import { assertEqual } from "../../_helpers/assert.ts";
import { InputHistory } from "../../../client/core/input_history.ts";

Deno.test("InputHistory recalls lines newest first and gives the draft back after the newest", () => {
  const history = new InputHistory();
  assertEqual(history.up("draft"), undefined, "nothing to recall yet");
  history.add("one");
  history.add("two");
  assertEqual(history.up("draft"), "two");
  assertEqual(history.up("two"), "one");
  assertEqual(history.up("one"), undefined, "the oldest stays");
  assertEqual(history.down("one"), "two");
  assertEqual(history.down("two"), "draft");
  assertEqual(history.down("draft"), undefined, "past the draft nothing changes");
});

Deno.test("InputHistory skips blank lines and repeats, keeps a limit, and resets on add", () => {
  const history = new InputHistory(2);
  history.add("a");
  history.add("a");
  history.add("  ");
  assertEqual(history.lines, ["a"]);
  history.add("b");
  history.add("c");
  assertEqual(history.lines, ["b", "c"], "the oldest goes first");
  assertEqual(history.up(""), "c");
  history.add("d");
  assertEqual(history.up("new draft"), "d", "browsing starts again from the newest");
  assertEqual(history.down("d"), "new draft");
});
