// deno-lint-ignore-file no-control-regex -- terminal input is escape sequences
/**
 * The input line of the interactive client, as a pure state machine: feed it
 * the bytes a raw-mode terminal sends, get back what happened. No I/O, so it
 * is tested without a terminal.
 *
 * @module
 */

/** What a key press asks the caller to do. */
export type EditorEvent =
  | { kind: "submit"; line: string }
  | { kind: "eof" }
  | { kind: "interrupt" }
  | { kind: "redraw" }
  | { kind: "complete" };

const PASTE_START = "\x1b[200~";
const PASTE_END = "\x1b[201~";

/**
 * A single-line editor with history and bracketed paste: a pasted block of
 * several lines becomes one multi-line submission, not one per line. The
 * usual readline keys work: Ctrl-A/E (start/end), Ctrl-K (delete to the end),
 * Ctrl-U (delete to the start), Ctrl-W (delete the word before the cursor),
 * Alt-B/Alt-F and Ctrl-Left/Right (word back/forward), Ctrl-D (delete, or
 * end of input on an empty line).
 *
 * @example
 * ```ts
 * import { LineEditor } from "./line_editor.ts";
 * const editor = new LineEditor();
 * editor.feed("hi\r"); // [{ kind: "redraw" }, { kind: "submit", line: "hi" }]
 * ```
 */
export class LineEditor {
  #chars: string[] = [];
  #cursor = 0;
  #history: string[] = [];
  #historyAt = 0;
  #draft: string[] = [];
  #pending = "";
  #paste: string | undefined;
  readonly #maxHistory: number;
  /**
   * Tab completion, applied the moment Tab is read so that keys typed after it
   * in the same chunk land after the completion (terminals and tmux batch keys).
   * Gets the whole input text; returns the new text,
   * or `undefined` to leave it.
   */
  completer: ((text: string) => string | undefined) | undefined;

  /** @param maxHistory Lines kept for Up/Down recall. */
  constructor(maxHistory = 500) {
    this.#maxHistory = maxHistory;
  }

  /** The text being edited. */
  get text(): string {
    return this.#chars.join("");
  }

  /** Cursor position, in code points from the start. */
  get cursor(): number {
    return this.#cursor;
  }

  /** Sent lines, oldest first. */
  get history(): readonly string[] {
    return this.#history;
  }

  /**
   * Replaces the text and puts the cursor at its end (used by Tab completion).
   *
   * @param text New content.
   */
  setText(text: string): void {
    this.#chars = [...text];
    this.#cursor = this.#chars.length;
  }

  /**
   * Feeds terminal input.
   *
   * @param input Decoded keyboard input; may hold several keys, an escape
   *   sequence cut in two (the tail is kept for the next call), or a paste.
   * @returns Events in order.
   */
  feed(input: string): EditorEvent[] {
    const events: EditorEvent[] = [];
    let s = this.#pending + input;
    this.#pending = "";
    let changed = false;
    while (s.length > 0) {
      if (this.#paste !== undefined) {
        const end = s.indexOf(PASTE_END);
        if (end < 0) {
          // Keep a possible partial end marker for the next chunk.
          const keep = partialSuffix(s, PASTE_END);
          this.#paste += s.slice(0, s.length - keep);
          this.#pending = s.slice(s.length - keep);
          break;
        }
        this.#paste += s.slice(0, end);
        s = s.slice(end + PASTE_END.length);
        this.#insert(this.#paste.replace(/\r\n?/g, "\n").replace(/\n+$/, ""));
        this.#paste = undefined;
        changed = true;
        continue;
      }
      if (s.startsWith("\x1b")) {
        if (s.startsWith(PASTE_START)) {
          s = s.slice(PASTE_START.length);
          this.#paste = "";
          continue;
        }
        const match = /^\x1b(?:\[[0-9;]*[A-Za-z~]|O[A-Za-z]|[^[O])/.exec(s);
        if (!match) {
          if (s.length < 8 && /^\x1b(\[[0-9;]*|O)?$/.test(s)) {
            this.#pending = s;
            break;
          }
          s = s.slice(1);
          continue;
        }
        s = s.slice(match[0].length);
        changed = this.#escape(match[0]) || changed;
        continue;
      }
      const ch = String.fromCodePoint(s.codePointAt(0)!);
      s = s.slice(ch.length);
      switch (ch) {
        case "\r":
        case "\n": {
          if (changed) events.push({ kind: "redraw" });
          changed = false;
          const line = this.text;
          if (line.trim() !== "") this.#remember(line);
          this.#chars = [];
          this.#cursor = 0;
          this.#historyAt = this.#history.length;
          events.push({ kind: "submit", line });
          break;
        }
        case "\x03":
          events.push({ kind: "interrupt" });
          break;
        case "\x04":
          if (this.#chars.length === 0) events.push({ kind: "eof" });
          else if (this.#cursor < this.#chars.length) {
            this.#chars.splice(this.#cursor, 1);
            changed = true;
          }
          break;
        case "\x7f":
        case "\b":
          if (this.#cursor > 0) {
            this.#chars.splice(--this.#cursor, 1);
            changed = true;
          }
          break;
        case "\t": {
          const completed = this.completer?.(this.text);
          if (completed !== undefined && completed !== this.text) this.setText(completed);
          if (changed || completed !== undefined) events.push({ kind: "redraw" });
          changed = false;
          events.push({ kind: "complete" });
          break;
        }
        case "\x01":
          this.#cursor = 0;
          changed = true;
          break;
        case "\x05":
          this.#cursor = this.#chars.length;
          changed = true;
          break;
        case "\x15":
          this.#chars.splice(0, this.#cursor);
          this.#cursor = 0;
          changed = true;
          break;
        case "\x0b":
          if (this.#cursor < this.#chars.length) {
            this.#chars.splice(this.#cursor);
            changed = true;
          }
          break;
        case "\x17": {
          const at = this.#wordStart();
          this.#chars.splice(at, this.#cursor - at);
          this.#cursor = at;
          changed = true;
          break;
        }
        case "\x0c":
          changed = true;
          break;
        default:
          if (ch >= " " && ch !== "\x7f") {
            this.#insert(ch);
            changed = true;
          }
      }
    }
    if (changed) events.push({ kind: "redraw" });
    return events;
  }

  #insert(text: string): void {
    const chars = [...text];
    this.#chars.splice(this.#cursor, 0, ...chars);
    this.#cursor += chars.length;
  }

  /** Where the word before the cursor starts (spaces before the cursor skipped first). */
  #wordStart(): number {
    let at = this.#cursor;
    while (at > 0 && this.#chars[at - 1] === " ") at--;
    while (at > 0 && this.#chars[at - 1] !== " ") at--;
    return at;
  }

  #remember(line: string): void {
    if (this.#history.at(-1) !== line) this.#history.push(line);
    if (this.#history.length > this.#maxHistory) this.#history.shift();
  }

  #escape(seq: string): boolean {
    switch (seq) {
      case "\x1b[A":
      case "\x1bOA":
        if (this.#historyAt === 0) return false;
        if (this.#historyAt === this.#history.length) this.#draft = this.#chars;
        this.setText(this.#history[--this.#historyAt]);
        return true;
      case "\x1b[B":
      case "\x1bOB":
        if (this.#historyAt >= this.#history.length) return false;
        this.#historyAt++;
        if (this.#historyAt === this.#history.length) this.setText(this.#draft.join(""));
        else this.setText(this.#history[this.#historyAt]);
        return true;
      case "\x1b[C":
      case "\x1bOC":
        if (this.#cursor >= this.#chars.length) return false;
        this.#cursor++;
        return true;
      case "\x1b[D":
      case "\x1bOD":
        if (this.#cursor === 0) return false;
        this.#cursor--;
        return true;
      case "\x1b[H":
      case "\x1bOH":
      case "\x1b[1~":
        this.#cursor = 0;
        return true;
      case "\x1b[F":
      case "\x1bOF":
      case "\x1b[4~":
        this.#cursor = this.#chars.length;
        return true;
      case "\x1bb":
      case "\x1b[1;3D":
      case "\x1b[1;5D": {
        const at = this.#wordStart();
        if (at === this.#cursor) return false;
        this.#cursor = at;
        return true;
      }
      case "\x1bf":
      case "\x1b[1;3C":
      case "\x1b[1;5C": {
        let at = this.#cursor;
        while (at < this.#chars.length && this.#chars[at] === " ") at++;
        while (at < this.#chars.length && this.#chars[at] !== " ") at++;
        if (at === this.#cursor) return false;
        this.#cursor = at;
        return true;
      }
      case "\x1b[3~":
        if (this.#cursor >= this.#chars.length) return false;
        this.#chars.splice(this.#cursor, 1);
        return true;
      default:
        return false;
    }
  }
}

function partialSuffix(text: string, marker: string): number {
  for (let n = Math.min(marker.length - 1, text.length); n > 0; n--) {
    if (text.endsWith(marker.slice(0, n))) return n;
  }
  return 0;
}
