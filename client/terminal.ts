/**
 * The interactive client's screen: the single owner of terminal output. When a
 * message arrives it clears the input line, prints the message, and redraws the
 * prompt with the partial input, so incoming text never clobbers typing.
 *
 * @module
 */

import type { LineEditor } from "./line_editor.ts";
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
      "\r\x1b[2K" + text.replace(/\r?\n/g, "\r\n") + "\r\n" + this.#inputLine(),
    );
  }

  /** Redraws the input line. */
  redraw(): void {
    writeAllSync(this.#out, this.#inputLine());
  }

  /** Clears the input line (before exit). */
  clearInput(): void {
    writeAllSync(this.#out, "\r\x1b[2K");
  }

  #inputLine(): string {
    const { line, column } = layoutInputLine(
      this.#prompt,
      this.#editor.text,
      this.#editor.cursor,
      this.#columns(),
    );
    return `\r\x1b[2K${line}\r${column > 0 ? `\x1b[${column}C` : ""}`;
  }
}
