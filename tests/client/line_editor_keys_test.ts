import { assertEqual } from "../_helpers/assert.ts";
import { LineEditor } from "../../client/line_editor.ts";

const submits = (events: ReturnType<LineEditor["feed"]>) =>
  events.flatMap((e) => e.kind === "submit" ? [e.line] : []);

Deno.test("LineEditor applies Tab completion before the keys that follow in the same chunk", () => {
  const editor = new LineEditor();
  editor.completer = (text) => text === "/jo" ? "/join " : undefined;
  const events = editor.feed("/jo\t#dev\r");
  assertEqual(submits(events), ["/join #dev"]);
  assertEqual(events.filter((e) => e.kind === "complete").length, 1);
});

Deno.test("LineEditor recalls history with Up and Down and restores the draft", () => {
  const editor = new LineEditor();
  editor.feed("one\rtwo\rthree\r");
  editor.feed("draft");
  editor.feed("\x1b[A");
  assertEqual(editor.text, "three");
  editor.feed("\x1b[A\x1b[A\x1b[A");
  assertEqual(editor.text, "one", "Up stops at the oldest line");
  editor.feed("\x1b[B");
  assertEqual(editor.text, "two");
  editor.feed("\x1b[B\x1b[B");
  assertEqual(editor.text, "draft");
  editor.feed("\x1bO"); // an arrow key split across reads
  editor.feed("A");
  assertEqual(editor.text, "three");
  assertEqual(editor.history, ["one", "two", "three"]);
});

Deno.test("LineEditor turns a bracketed paste split across chunks into one submission", () => {
  const editor = new LineEditor();
  const chunks = ["\x1b[20", "0~line one\r\nline", " two\rline three\n\x1b[2", "01~", "\r"];
  const lines = chunks.flatMap((c) => submits(editor.feed(c)));
  assertEqual(lines, ["line one\nline two\nline three"]);
});
