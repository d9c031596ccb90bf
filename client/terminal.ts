/**
 * The interactive client's screen: the single owner of terminal output. When a
 * message arrives it clears the input line, prints the message, and redraws the
 * prompt with the partial input, so incoming text never clobbers typing. With a
 * status line set, the bottom two rows are the status line and the input line,
 * and messages scroll above both.
 *
 * @module
 */

import type { LineEditor } from "./line_editor.ts";
import { layoutStatusLine, type Status } from "./status_line.ts";
import { writeAllSync } from "../cli/prompt.ts";

/** Something the screen writes to; `Deno.stdout` fits. */
export interface ScreenOutput {
  writeSync(p: Uint8Array): number;
}

/**
 * Computes the input line as drawn: the prompt, then as much of the text as
 * fits in `columns`, scrolled so the cursor is visible. Pure.
 *
 * @param prompt The prompt, without colour codes.
 * @param text The input text (newlines shown as `⏎`).
 * @param cursor Cursor position in code points.
 * @param columns Terminal width.
 * @returns The line and the cursor column (0-based).
 */
export function layoutInputLine(
  prompt: string,
  text: string,
  cursor: number,
  columns: number,
): { line: string; column: number } {
  const chars = [...text.replace(/\n/g, "⏎")];
  const room = Math.max(10, columns - [...prompt].length - 1);
  let start = 0;
  if (cursor > room) start = cursor - room;
  const visible = chars.slice(start, start + room).join("");
  return { line: prompt + visible, column: [...prompt].length + cursor - start };
}

/** The terminal screen: messages scroll above, the input line stays at the bottom. */
export class Screen {
  readonly #out: ScreenOutput;
  readonly #editor: LineEditor;
  #prompt = "> ";
  #columns: () => number;
  #status: Status | undefined;
  #statusStyle: (text: string) => string = (text) => text;
  /** Rows of the bottom area on screen: 0, 1 (input) or 2 (status + input); the cursor is on the last. */
  #rows = 0;
  /** Widths of the bottom rows as last drawn, and the cursor's column, in columns. */
  #drawn = { status: 0, input: 0, cursor: 0 };

  /**
   * @param out Where to write (a terminal in raw mode).
   * @param editor The line editor whose text is redrawn.
   * @param columns Current terminal width.
   */
  constructor(out: ScreenOutput, editor: LineEditor, columns: () => number) {
    this.#out = out;
    this.#editor = editor;
    this.#columns = columns;
  }

  /**
   * Shows (or updates) the status line above the input line.
   *
   * @param status What it shows; see `layoutStatusLine`.
   * @param style Wraps the laid-out line, e.g. reverse video; identity by default.
   */
  setStatus(status: Status, style?: (text: string) => string): void {
    this.#status = status;
    if (style) this.#statusStyle = style;
    writeAllSync(
      this.#out,
      this.#rows === 2
        ? "\x1b[1A" + this.#statusRow() + "\r\n" + this.#inputLine()
        : "\r\x1b[2K" + this.#bottom(),
    );
  }

  /** Sets the prompt (plain text) and redraws. */
  setPrompt(prompt: string): void {
    this.#prompt = prompt;
    this.redraw();
  }

  /**
   * Prints text above the input line, then redraws the input line.
   *
   * @param text One or more lines.
   */
  print(text: string): void {
    writeAllSync(
      this.#out,
      this.#clearBottom() + text.replace(/\r?\n/g, "\r\n") + "\r\n" + this.#bottom(),
    );
  }

  /** Redraws the input line (and the status line if it is not on screen yet). */
  redraw(): void {
    const complete = this.#rows === (this.#status === undefined ? 1 : 2);
    writeAllSync(this.#out, complete ? this.#inputLine() : this.#clearBottom() + this.#bottom());
  }

  /**
   * Redraws after the terminal changed size. A terminal that narrows rewraps
   * the bottom rows (status and input, drawn for the old width) onto more
   * rows, with the cursor in the row that holds its column; every one of
   * those rows is erased, or the top of the old status line would stay behind
   * and scroll into the scrollback.
   */
  resized(): void {
    const now = Math.max(1, this.#columns());
    if (this.#rows === 0) {
      this.redraw();
      return;
    }
    const wrapped = (width: number) => Math.max(1, Math.ceil(width / now));
    const statusRows = this.#rows === 2 ? wrapped(this.#drawn.status) : 0;
    const inputRows = wrapped(this.#drawn.input);
    const cursorRow = Math.min(inputRows - 1, Math.floor(this.#drawn.cursor / now));
    const up = statusRows + cursorRow;
    writeAllSync(
      this.#out,
      (up > 0 ? `\x1b[${up}A` : "") + "\r" + eraseRows(statusRows + inputRows) + this.#bottom(),
    );
  }

  /** Clears the input line and the status line (before exit). */
  clearInput(): void {
    writeAllSync(this.#out, this.#clearBottom());
    this.#rows = 0;
  }

  /** Moves to the start of the bottom rows and erases them (see `eraseRows` for why not `ESC[J`). */
  #clearBottom(): string {
    return this.#rows === 2 ? "\r\x1b[2K\x1b[1A\x1b[2K" : "\r\x1b[2K";
  }

  /** The status row (when set) and the input row, leaving the cursor in the input. */
  #bottom(): string {
    this.#rows = this.#status === undefined ? 1 : 2;
    return (this.#status !== undefined ? this.#statusRow() + "\r\n" : "") + this.#inputLine();
  }

  #statusRow(): string {
    const line = layoutStatusLine(this.#status!, this.#columns());
    this.#drawn.status = [...line].length;
    return "\r\x1b[2K" + this.#statusStyle(line);
  }

  #inputLine(): string {
    const { line, column } = layoutInputLine(
      this.#prompt,
      this.#editor.text,
      this.#editor.cursor,
      this.#columns(),
    );
    this.#drawn.input = [...line].length;
    this.#drawn.cursor = column;
    return `\r\x1b[2K${line}\r${column > 0 ? `\x1b[${column}C` : ""}`;
  }
}

/**
 * Erases `count` rows from the cursor's row down, line by line, and returns the
 * cursor to the first. Erasing the screen below (`ESC[J`) would be shorter,
 * but from the top-left corner it counts as clearing the whole screen, which
 * tmux (`scroll-on-clear`) and some terminals copy into the scrollback.
 */
function eraseRows(count: number): string {
  if (count <= 1) return "\x1b[2K";
  return "\x1b[2K" + "\x1b[1B\x1b[2K".repeat(count - 1) + `\x1b[${count - 1}A`;
}
