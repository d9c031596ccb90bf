/**
 * Drives real terminal programs in tmux, as a person would: type keys, read
 * the screen. Each instance uses its own tmux server socket.
 *
 * @module
 */

import { JOIN_PERMISSIONS, MAIN, TEST_CONFIG_HOME } from "./serve_process.ts";

/** A private tmux server with fixed-size sessions. */
export class Tmux implements AsyncDisposable {
  readonly socket: string;
  readonly #columns: number;
  readonly #rows: number;

  /**
   * @param columns Pane width.
   * @param rows Pane height.
   */
  constructor(columns = 100, rows = 30) {
    this.socket = `parley-test-${Deno.pid}-${crypto.randomUUID().slice(0, 8)}`;
    this.#columns = columns;
    this.#rows = rows;
  }

  /** Whether tmux is installed. */
  static async available(): Promise<boolean> {
    try {
      const { success } = await new Deno.Command("tmux", {
        args: ["-V"],
        stdout: "null",
        stderr: "null",
      }).output();
      return success;
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return false;
      throw error;
    }
  }

  /**
   * Runs tmux with this server's socket.
   *
   * @param args tmux arguments.
   * @returns stdout.
   * @throws {Error} If tmux fails.
   */
  async run(...args: string[]): Promise<string> {
    const { success, stdout, stderr } = await new Deno.Command("tmux", {
      args: ["-L", this.socket, "-f", "/dev/null", ...args],
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!success) {
      throw new Error(`tmux ${args.join(" ")} failed: ${new TextDecoder().decode(stderr)}`);
    }
    return new TextDecoder().decode(stdout);
  }

  /**
   * Starts a session running `command` (argv; joined with shell quoting).
   *
   * @param name Session name.
   * @param command Program and arguments.
   * @param env Environment variables for the program.
   */
  async start(name: string, command: string[], env: Record<string, string> = {}): Promise<void> {
    // Identity keys and known servers of the clients it runs stay out of the user's config.
    const withConfig = { XDG_CONFIG_HOME: TEST_CONFIG_HOME, ...env };
    const assignments = Object.entries(withConfig).map(([k, v]) => `${k}=${quote(v)}`);
    // Run under sh so the exit status is printed on the screen: tmux can mark a
    // pane dead before it reaps the child, and then never records the status.
    const program = ["env", ...assignments, ...command.map(quote)].join(" ");
    const line = `sh -c ${quote(`${program}; echo "[exit status $?]"`)}`;
    await this.run(
      "new-session",
      "-d",
      "-s",
      name,
      "-x",
      String(this.#columns),
      "-y",
      String(this.#rows),
      line,
    );
    await this.run("set-option", "-t", name, "remain-on-exit", "on");
  }

  /** Types literal text into a session (no Enter). */
  async type(name: string, text: string): Promise<void> {
    await this.run("send-keys", "-t", name, "-l", text);
  }

  /** Presses keys by tmux name, e.g. `Enter`, `C-d`, `Up`, `Tab`. */
  async press(name: string, ...keys: string[]): Promise<void> {
    await this.run("send-keys", "-t", name, ...keys);
  }

  /** Pastes text with bracketed-paste markers, as a terminal does for a real paste. */
  async paste(name: string, text: string): Promise<void> {
    await this.run("set-buffer", "-b", "parley", text);
    await this.run("paste-buffer", "-p", "-b", "parley", "-t", name);
  }

  /**
   * Copies everything a session's program writes from now on, escape
   * sequences and bells included, to `file` (tmux `pipe-pane`).
   *
   * @param name Session.
   * @param file Path of the file to append to.
   */
  async record(name: string, file: string): Promise<void> {
    await this.run("pipe-pane", "-o", "-t", name, `cat >> ${quote(file)}`);
  }

  /** The visible screen of a session. */
  capture(name: string): Promise<string> {
    return this.run("capture-pane", "-p", "-t", name);
  }

  /**
   * Waits until the screen matches.
   *
   * @param name Session.
   * @param match Substring or pattern.
   * @param timeoutMs Longest wait (default 15000).
   * @returns The screen.
   * @throws {Error} On timeout, with the last screen.
   */
  async waitFor(name: string, match: string | RegExp, timeoutMs = 15_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    let screen = "";
    while (Date.now() < deadline) {
      screen = await this.capture(name);
      if (typeof match === "string" ? screen.includes(match) : match.test(screen)) return screen;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`screen of ${name} never matched ${match} in ${timeoutMs} ms:\n${screen}`);
  }

  /** The exit status of a session's program, once it has exited. */
  async exitStatus(name: string): Promise<number | undefined> {
    const match = /\[exit status (\d+)\]/.exec(await this.capture(name));
    return match ? Number(match[1]) : undefined;
  }

  /**
   * Waits for a session's program to exit.
   *
   * @param name Session.
   * @param timeoutMs Longest wait (default 10000).
   * @returns The exit status, or `undefined` if it did not exit in time.
   */
  async waitExit(name: string, timeoutMs = 10_000): Promise<number | undefined> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const status = await this.exitStatus(name);
      if (status !== undefined) return status;
      await new Promise((r) => setTimeout(r, 100));
    }
    return undefined;
  }

  /** Kills the tmux server and everything in it. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.run("kill-server").catch(() => {});
  }
}

function quote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Non-empty lines of a captured screen. */
export function screenLines(screen: string): string[] {
  return screen.split("\n").map((l) => l.trimEnd()).filter((l) => l !== "");
}

/**
 * One session of a {@linkcode Tmux} seen as a terminal pane: the session name
 * bound in, and screen matching row by row (`^` and `$` are row bounds).
 */
export class TmuxPane {
  /**
   * @param tmux The tmux server.
   * @param name The session.
   */
  constructor(readonly tmux: Tmux, readonly name: string) {}

  /** Starts `parley join ARGS` in a new session of `tmux`. */
  static async join(tmux: Tmux, name: string, args: string[]): Promise<TmuxPane> {
    await tmux.start(name, [Deno.execPath(), "run", ...JOIN_PERMISSIONS, MAIN, "join", ...args], {
      NO_COLOR: "1",
    });
    return new TmuxPane(tmux, name);
  }

  /** Types literal text. */
  type(text: string): Promise<void> {
    return this.tmux.type(this.name, text);
  }

  /** Presses keys by tmux name. */
  press(...keys: string[]): Promise<void> {
    return this.tmux.press(this.name, ...keys);
  }

  /** Pastes text with bracketed-paste markers. */
  paste(text: string): Promise<void> {
    return this.tmux.paste(this.name, text);
  }

  /** Records raw output to `file`; see {@linkcode Tmux.record}. */
  record(file: string): Promise<void> {
    return this.tmux.record(this.name, file);
  }

  /** The screen rows, trailing spaces trimmed. */
  async screen(): Promise<string[]> {
    return (await this.tmux.capture(this.name)).split("\n").map((l) => l.trimEnd());
  }

  /** Waits until some row matches `row` (`^`/`$` are row bounds); returns the rows. */
  async waitFor(row: RegExp, timeoutMs = 15_000): Promise<string[]> {
    const screen = await this.tmux.waitFor(
      this.name,
      new RegExp(row.source.replace(/\$$/, " *$"), row.flags + "m"),
      timeoutMs,
    );
    return screen.split("\n").map((l) => l.trimEnd());
  }

  /** Waits for the program to exit; see {@linkcode Tmux.waitExit}. */
  waitExit(timeoutMs?: number): Promise<number | undefined> {
    return this.tmux.waitExit(this.name, timeoutMs);
  }
}
