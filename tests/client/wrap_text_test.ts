import { assertEqual } from "../_helpers/assert.ts";
import { textWidth, wrapText } from "../../client/wrap_text.ts";

Deno.test("wrapText breaks at spaces with a hanging indent, never mid-word", () => {
  const line = "[12:00] <bob> the quick brown fox jumps over the lazy dog and runs";
  const wrapped = wrapText(line, 32, 14);
  assertEqual(wrapped.split("\n"), [
    "[12:00] <bob> the quick brown",
    "              fox jumps over the",
    "              lazy dog and runs",
  ]);
  for (const row of wrapped.split("\n")) {
    if (textWidth(row) > 32) throw new Error(`too wide: ${row}`);
  }
  // Every word survives whole.
  assertEqual(wrapped.split(/\s+/).join(" "), line);
});

Deno.test("wrapText ignores colour codes when measuring and keeps them", () => {
  const line = "\x1b[2m[12:00]\x1b[22m <\x1b[31mbob\x1b[39m> the quick brown fox jumps";
  const wrapped = wrapText(line, 30, 14);
  assertEqual(
    wrapped,
    "\x1b[2m[12:00]\x1b[22m <\x1b[31mbob\x1b[39m> the quick brown\n              fox jumps",
  );
});

Deno.test("wrapText keeps a word wider than a line whole, and leaves short lines alone", () => {
  assertEqual(wrapText("short", 80, 4), "short");
  const url = "https://example.com/" + "x".repeat(30);
  assertEqual(wrapText(`see ${url} now`, 20, 4), `see\n    ${url}\n    now`);
});

Deno.test("wrapText wraps each line of a multi-line text and counts wide characters as two", () => {
  assertEqual(wrapText("一二三四五六七八 九十", 18, 2), "一二三四五六七八\n  九十");
  assertEqual(wrapText("one two\nthree four", 12, 2), "one two\nthree four");
});
