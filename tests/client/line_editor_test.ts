import { LineEditor } from "../../client/line_editor.ts";
import { layoutInputLine } from "../../client/terminal.ts";
import { assertEqual } from "../_helpers/assert.ts";

const submits = (events: ReturnType<LineEditor["feed"]>) =>
  events.filter((e) => e.kind === "submit").map((e) => (e as { line: string }).line);

Deno.test("LineEditor submits typed text on Enter and clears the line", () => {
  const editor = new LineEditor();
  assertEqual(submits(editor.feed("hello\r")), ["hello"]);
  assertEqual(editor.text, "");
});

Deno.test("LineEditor edits with backspace, arrows, Home/End, Ctrl-U and Ctrl-W", () => {
  const editor = new LineEditor();
  editor.feed("helo");
  editor.feed("\x1b[D"); // left
  editor.feed("l");
  assertEqual(editor.text, "hello");
  editor.feed("\x1b[H>\x1b[F!");
  assertEqual(editor.text, ">hello!");
  editor.feed("\x7f");
  assertEqual(editor.text, ">hello");
  editor.feed(" world\x17");
  assertEqual(editor.text, ">hello ");
  editor.feed("\x15");
  assertEqual(editor.text, "");
});

Deno.test("LineEditor recalls history with Up and Down and keeps the draft", () => {
  const editor = new LineEditor();
  editor.feed("first\rsecond\r");
  editor.feed("dra");
  editor.feed("\x1b[A");
  assertEqual(editor.text, "second");
  editor.feed("\x1b[A");
  assertEqual(editor.text, "first");
  editor.feed("\x1b[A");
  assertEqual(editor.text, "first");
  editor.feed("\x1b[B\x1b[B");
  assertEqual(editor.text, "dra");
});

Deno.test("LineEditor reports Ctrl-D on an empty line as eof and Ctrl-C as interrupt", () => {
  const editor = new LineEditor();
  assertEqual(editor.feed("\x04").map((e) => e.kind), ["eof"]);
  editor.feed("x");
  assertEqual(editor.feed("\x04").some((e) => e.kind === "eof"), false);
  assertEqual(editor.feed("\x03").map((e) => e.kind), ["interrupt"]);
});

Deno.test("LineEditor turns a bracketed paste of several lines into one submission", () => {
  const editor = new LineEditor();
  editor.feed("\x1b[200~line one\r\nline two\nline three\n\x1b[201~");
  assertEqual(editor.text, "line one\nline two\nline three");
  assertEqual(submits(editor.feed("\r")), ["line one\nline two\nline three"]);
});

Deno.test("LineEditor handles escape sequences and paste markers split across reads", () => {
  const editor = new LineEditor();
  editor.feed("ab\x1b[");
  editor.feed("D");
  editor.feed("X");
  assertEqual(editor.text, "aXb");
  const other = new LineEditor();
  other.feed("\x1b[20");
  other.feed("0~a\nb\x1b[2");
  other.feed("01~");
  assertEqual(other.text, "a\nb");
});

Deno.test("LineEditor handles multi-byte characters as single positions", () => {
  const editor = new LineEditor();
  editor.feed("h😀llo\x1b[D\x1b[D\x1b[D\x7f");
  assertEqual(editor.text, "hllo");
});

Deno.test("layoutInputLine scrolls long input so the cursor stays visible", () => {
  assertEqual(layoutInputLine("> ", "abc", 3, 80), { line: "> abc", column: 5 });
  const long = "x".repeat(100) + "END";
  const { line, column } = layoutInputLine("> ", long, 103, 40);
  assertEqual(line.endsWith("END"), true);
  assertEqual(column <= 40, true);
});
