/**
 * Up/Down recall of lines typed earlier, for an input box that the caller
 * owns (the browser's message field). The half-typed line is kept while the
 * user browses and comes back after the newest entry, as in a shell. Pure and
 * browser-safe.
 *
 * @module
 */

/**
 * Lines sent earlier, newest last, with a cursor for browsing them.
 *
 * @example
 * ```ts
 * import { InputHistory } from "./input_history.ts";
 * const history = new InputHistory();
 * history.add("hello");
 * history.add("/who");
 * history.up("half typed"); // "/who"
 * history.up("/who"); // "hello"
 * history.down("hello"); // "/who"
 * history.down("/who"); // "half typed"
 * ```
 */
export class InputHistory {
  readonly #lines: string[] = [];
  readonly #limit: number;
  /** Index of the line shown; `#lines.length` when the draft is shown. */
  #at = 0;
  #draft = "";

  /** @param limit Most lines kept; the oldest go first. */
  constructor(limit = 200) {
    this.#limit = limit;
  }

  /** The lines kept, oldest first. */
  get lines(): readonly string[] {
    return this.#lines;
  }

  /**
   * Records a line the user sent and resets browsing to the draft. A line
   * equal to the newest one, or blank, is not added again.
   *
   * @param line The line as typed.
   */
  add(line: string): void {
    if (line.trim() !== "" && this.#lines.at(-1) !== line) this.#lines.push(line);
    if (this.#lines.length > this.#limit) this.#lines.shift();
    this.#at = this.#lines.length;
    this.#draft = "";
  }

  /**
   * The line before the one shown.
   *
   * @param current What the input holds now (kept as the draft when leaving it).
   * @returns The older line, or `undefined` at the oldest (the input stays as it is).
   */
  up(current: string): string | undefined {
    if (this.#at === 0) return undefined;
    if (this.#at === this.#lines.length) this.#draft = current;
    return this.#lines[--this.#at];
  }

  /**
   * The line after the one shown, and the draft after the newest.
   *
   * @param _current What the input holds now.
   * @returns The newer line or the draft, or `undefined` when the draft is shown already.
   */
  down(_current: string): string | undefined {
    if (this.#at >= this.#lines.length) return undefined;
    this.#at++;
    return this.#at === this.#lines.length ? this.#draft : this.#lines[this.#at];
  }
}
