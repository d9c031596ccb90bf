/**
 * Drives real terminal programs in tmux, as a person would: type keys, paste,
 * read the screen. Each session has its own tmux server (`tmux -L <unique>`),
 * a fixed pane size, and is killed when disposed.
 *
 * @module
 */

import { JOIN_PERMISSIONS, MAIN } from "./serve_process.ts";

/** Options for {@linkcode Tmux.start}. */
export interface TmuxOptions {
  /**
   * Pane width in columns.
   * @default {100}
   */
  width?: number;
  /**
   * Pane height in rows.
   * @default {30}
   */
  height?: number;
  /**
   * Environment variables for the program.
   * @default {{ NO_COLOR: "1" }}
   */
  env?: Record<string, string>;
}

/** Whether tmux can be run here; tests print a reason and skip when not. */
export async function tmuxAvailable(): Promise<boolean> {
  try {
    const { success } = await new Deno.Command("tmux", { args: ["-V"], stdout: "null" }).output();
    return success;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

/** A program running in a private tmux server. */
export class Tmux implements AsyncDisposable {
  /** The tmux socket name (`-L`). */
  readonly socket: string;
  /** The pane target. */
  readonly target: string;

  private constructor(socket: string) {
    this.socket = socket;
    this.target = `${socket}:0.0`;
  }

  /**
   * Starts `argv` in a new detached tmux session with a fixed size. The pane
   * stays open after the program exits (`remain-on-exit`), so its last
   * screen and exit status can still be read.
   *
   * @param argv Program and arguments.
   * @param options See {@linkcode TmuxOptions}.
   */
  static async start(argv: string[], options: TmuxOptions = {}): Promise<Tmux> {
    const socket = `parley-test-${crypto.randomUUID().slice(0, 8)}`;
    const tmux = new Tmux(socket);
    const env = Object.entries(options.env ?? { NO_COLOR: "1" }).flatMap(([k, v]) => [
      "-e",
      `${k}=${v}`,
    ]);
    await tmux.run(
      "-f",
      "/dev/null",
      "new-session",
      "-d",
      "-s",
      socket,
      "-x",
      String(options.width ?? 100),
      "-y",
      String(options.height ?? 30),
      ...env,
      argv.map(shellQuote).join(" "),
    );
    await tmux.run("set-option", "-t", socket, "remain-on-exit", "on");
    return tmux;
  }

  /**
   * Starts `parley join` (with the permissions `deno task join` grants) in tmux.
   *
   * @param args Arguments after `join`.
   * @param options See {@linkcode TmuxOptions}.
   */
  static join(args: string[], options: TmuxOptions = {}): Promise<Tmux> {
    return Tmux.start(
      [Deno.execPath(), "run", ...JOIN_PERMISSIONS, MAIN, "join", ...args],
      options,
    );
  }

  /**
   * Runs a tmux command against this session's server.
   *
   * @param args tmux arguments after `-L socket`.
   * @returns Its stdout.
   * @throws {Error} If tmux fails, with its stderr.
   */
  async run(...args: string[]): Promise<string> {
    const { success, stdout, stderr } = await new Deno.Command("tmux", {
      args: ["-L", this.socket, ...args],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!success) {
      throw new Error(`tmux ${args[0]} failed: ${new TextDecoder().decode(stderr).trim()}`);
    }
    return new TextDecoder().decode(stdout);
  }

  /**
   * Types literal text (no key names).
   *
   * @param text Characters to type.
   */
  async type(text: string): Promise<void> {
    await this.run("send-keys", "-t", this.target, "-l", text);
  }

  /**
   * Presses keys by tmux name: `Enter`, `Tab`, `Up`, `Down`, `C-d`, ...
   *
   * @param keys Key names.
   */
  async press(...keys: string[]): Promise<void> {
    await this.run("send-keys", "-t", this.target, ...keys);
  }

  /**
   * Pastes `text` as a terminal paste: with bracketed-paste markers when the
   * program asked for them, as a person's terminal would.
   *
   * @param text The pasted block (newlines allowed).
   */
  async paste(text: string): Promise<void> {
    await this.run("set-buffer", "-b", "paste", text);
    await this.run("paste-buffer", "-p", "-d", "-b", "paste", "-t", this.target);
  }

  /**
   * Copies everything the program writes from now on, escape sequences and
   * bells included, to `file` (tmux `pipe-pane`).
   *
   * @param file Path of the file to append to.
   */
  async record(file: string): Promise<void> {
    await this.run("pipe-pane", "-o", "-t", this.target, `cat >> ${shellQuote(file)}`);
  }

  /** The visible screen as text, one string per row, trailing spaces trimmed. */
  async screen(): Promise<string[]> {
    const text = await this.run("capture-pane", "-p", "-t", this.target);
    return text.replace(/\n$/, "").split("\n").map((l) => l.trimEnd());
  }

  /**
   * Polls the screen until `match` holds.
   *
   * @param match A pattern for some row, or a predicate on the whole screen text.
   * @param timeoutMs Longest wait.
   * @returns The screen rows.
   * @throws {Error} On timeout, with the last screen.
   */
  async waitFor(
    match: RegExp | ((screen: string) => boolean),
    timeoutMs = 15_000,
  ): Promise<string[]> {
    const deadline = Date.now() + timeoutMs;
    let rows: string[] = [];
    while (Date.now() < deadline) {
      rows = await this.screen();
      const text = rows.join("\n");
      if (typeof match === "function" ? match(text) : rows.some((r) => match.test(r))) {
        return rows;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`screen never matched ${match} within ${timeoutMs} ms:\n${rows.join("\n")}`);
  }

  /**
   * Whether the program in the pane has exited, and its status.
   *
   * @returns The exit status, or `undefined` while it runs.
   */
  async exitStatus(): Promise<number | undefined> {
    const out = await this.run(
      "display-message",
      "-p",
      "-t",
      this.target,
      "#{pane_dead} #{pane_dead_status}",
    );
    const [dead, status] = out.trim().split(" ");
    // tmux marks the pane dead a moment before it records the status.
    return dead === "1" && status ? Number(status) : undefined;
  }

  /**
   * Waits for the program in the pane to exit.
   *
   * @param timeoutMs Longest wait.
   * @returns Its exit status.
   * @throws {Error} On timeout, with the last screen.
   */
  async waitExit(timeoutMs = 15_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const status = await this.exitStatus();
      if (status !== undefined) return status;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(
      `program still running after ${timeoutMs} ms:\n${(await this.screen()).join("\n")}`,
    );
  }

  /** Kills this tmux server and everything in it. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.run("kill-server").catch(() => {});
  }
}

function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
