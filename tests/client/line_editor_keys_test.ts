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

Deno.test("LineEditor supports the readline editing keys", async (t) => {
  const typed = (keys: string) => {
    const editor = new LineEditor();
    editor.feed(keys);
    return { text: editor.text, cursor: editor.cursor };
  };
  await t.step("Ctrl-A and Ctrl-E move to the start and the end", () => {
    assertEqual(typed("world\x01hello \x05!"), { text: "hello world!", cursor: 12 });
  });
  await t.step("Ctrl-K deletes from the cursor to the end", () => {
    assertEqual(typed("hello world\x1b[D\x1b[D\x1b[D\x1b[D\x1b[D\x0b"), {
      text: "hello ",
      cursor: 6,
    });
  });
  await t.step("Ctrl-U deletes from the start to the cursor", () => {
    assertEqual(typed("hello world\x1bb\x15"), { text: "world", cursor: 0 });
  });
  await t.step("Ctrl-W deletes the word before the cursor", () => {
    assertEqual(typed("one two  \x17"), { text: "one ", cursor: 4 });
  });
  await t.step("Alt-B and Alt-F move by words", () => {
    assertEqual(typed("one two three\x1bb\x1bb"), { text: "one two three", cursor: 4 });
    assertEqual(typed("one two three\x01\x1bf"), { text: "one two three", cursor: 3 });
    assertEqual(typed("one two three\x01\x1bf\x1bfX"), { text: "one twoX three", cursor: 8 });
  });
  await t.step("Ctrl-Left and Ctrl-Right move by words too", () => {
    assertEqual(typed("one two\x1b[1;5D"), { text: "one two", cursor: 4 });
    assertEqual(typed("one two\x01\x1b[1;5C"), { text: "one two", cursor: 3 });
  });
});
