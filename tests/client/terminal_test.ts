// deno-lint-ignore-file no-control-regex -- parsing terminal escape sequences
import { assertEqual } from "../_helpers/assert.ts";
import { LineEditor } from "../../client/line_editor.ts";
import { Screen } from "../../client/terminal.ts";
import type { Status } from "../../client/status_line.ts";

/** A tiny terminal emulator: enough of CR, LF, CUU, EL, ED and CUF for the Screen. */
class FakeTerminal {
  rows: string[] = [""];
  row = 0;
  col = 0;
  writeSync(bytes: Uint8Array): number {
    const text = new TextDecoder().decode(bytes);
    for (let i = 0; i < text.length; i++) {
      const ch = text[i];
      if (ch === "\x1b") {
        const m = /^\x1b\[(\d*)([A-Za-z])/.exec(text.slice(i))!;
        const n = Number(m[1] || "1");
        if (m[2] === "A") this.row = Math.max(0, this.row - n);
        else if (m[2] === "B") {
          this.row += n;
          while (this.rows.length <= this.row) this.rows.push("");
        } else if (m[2] === "C") this.col += n;
        else if (m[2] === "K") this.rows[this.row] = this.rows[this.row].slice(0, this.col);
        else if (m[2] === "J") {
          this.rows[this.row] = this.rows[this.row].slice(0, this.col);
          this.rows.length = this.row + 1;
        }
        i += m[0].length - 1;
      } else if (ch === "\r") this.col = 0;
      else if (ch === "\n") {
        this.row++;
        if (this.rows.length <= this.row) this.rows.push("");
      } else {
        const line = this.rows[this.row].padEnd(this.col);
        this.rows[this.row] = line.slice(0, this.col) + ch + line.slice(this.col + 1);
        this.col++;
      }
    }
    return bytes.length;
  }
}

const status: Status = {
  server: "tcp://h:1",
  room: "#lobby",
  rooms: 1,
  nick: "ann",
  connection: "connected",
};

Deno.test("Screen keeps the status line above the input while messages scroll above both", () => {
  const term = new FakeTerminal();
  const editor = new LineEditor();
  const screen = new Screen(term, editor, () => 40);
  screen.setPrompt("> ");
  editor.feed("half typ");
  screen.redraw();
  screen.setStatus(status);
  assertEqual(term.rows.map((r) => r.trimEnd()), [
    " tcp://h:1 | #lobby | ann | connected",
    "> half typ",
  ]);
  screen.print("<bob> one");
  screen.print("<bob> two\nand more");
  screen.setStatus({ ...status, connection: "reconnecting", detail: "attempt 1 in 0.4s" });
  assertEqual(term.rows.map((r) => r.trimEnd()), [
    "<bob> one",
    "<bob> two",
    "and more",
    " #lobby | ann | reconnecting: attempt …",
    "> half typ",
  ]);
  assertEqual(term.row, 4);
  assertEqual(term.col, "> half typ".length);
  screen.clearInput();
  assertEqual(term.rows.map((r) => r.trimEnd()), ["<bob> one", "<bob> two", "and more", "", ""]);
});

/** What a reflowing terminal (tmux, VTE, iTerm2) does to its rows when it narrows. */
function reflow(term: FakeTerminal, width: number): void {
  const rows: string[] = [];
  let row = 0;
  let col = 0;
  term.rows.forEach((text, index) => {
    const pieces = text.length === 0 ? [""] : text.match(new RegExp(`.{1,${width}}`, "g"))!;
    if (index === term.row) {
      row = rows.length + Math.min(pieces.length - 1, Math.floor(term.col / width));
      col = term.col % width;
    }
    rows.push(...pieces);
  });
  term.rows = rows;
  term.row = row;
  term.col = col;
}

Deno.test("Screen.resized erases the status line the terminal rewrapped when it narrowed", () => {
  const term = new FakeTerminal();
  const editor = new LineEditor();
  let columns = 60;
  const screen = new Screen(term, editor, () => columns);
  screen.setPrompt("[#lobby] ann> ");
  screen.setStatus(status);
  screen.print("<bob> one");
  editor.feed("typing");
  screen.redraw();
  columns = 25;
  reflow(term, columns);
  screen.resized();
  screen.print("<bob> two");
  const shown = term.rows.map((r) => r.trimEnd()).filter((r) => r !== "");
  assertEqual(shown, [
    "<bob> one",
    "<bob> two",
    " #lobby | ann | connect…",
    "[#lobby] ann> typing",
  ]);
  assertEqual(term.rows[term.row].trimEnd(), "[#lobby] ann> typing");
});
