import { assertEqual } from "../_helpers/assert.ts";
import { LOG_TEXT_CHARS, logText } from "../../server/log_text.ts";

Deno.test("logText keeps short text and cuts long text with its full byte length", () => {
  assertEqual(logText("hello"), "hello");
  const long = "é".repeat(1_400_000); // 2.8 MB of UTF-8
  const cut = logText(long);
  assertEqual(cut, `${"é".repeat(LOG_TEXT_CHARS)}…(2800000 bytes)`);
});

Deno.test("logText never splits a surrogate pair", () => {
  const cut = logText("a" + "😀".repeat(10), 2);
  assertEqual(cut, "a…(41 bytes)");
  assertEqual(cut.isWellFormed(), true);
});
