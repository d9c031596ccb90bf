/**
 * A child process whose stdout is read line by line, for tests that run
 * something other than `deno run main.ts` (a compiled executable, `main.ts`
 * from a URL, a shell, a stand-in ngrok).
 *
 * @module
 */

import { readLines } from "../../client/read_lines.ts";

/** A running child with its stdout lines. */
export interface LineProcess extends AsyncDisposable {
  /** The child. */
  child: Deno.ChildProcess;
  /** Every stdout line so far. */
  lines: string[];
  /** All of stderr, once the process has exited. */
  stderr: Promise<string>;
  /**
   * Waits until a stdout line matches.
   *
   * @param match Substring or pattern.
   * @param timeoutMs Longest wait (default 20000).
   * @throws {Error} On timeout or exit, listing what was seen.
   */
  waitFor(match: string | RegExp, timeoutMs?: number): Promise<string>;
  /** Writes one line to stdin (when stdin is piped). */
  send(line: string): Promise<void>;
  /** Closes stdin (when piped) and waits for exit. */
  end(): Promise<Deno.CommandStatus>;
  /** Sends a signal (default SIGTERM) and waits for exit. */
  stop(signal?: Deno.Signal): Promise<Deno.CommandStatus>;
}

/**
 * Spawns `command args` with stdout piped and read into lines.
 *
 * @param command Executable.
 * @param args Arguments.
 * @param options `env`, `cwd`, and `stdin` (`"null"` by default).
 */
export function spawnLines(
  command: string,
  args: string[],
  options: { env?: Record<string, string>; cwd?: string; stdin?: "null" | "piped" } = {},
): LineProcess {
  const child = new Deno.Command(command, {
    args,
    cwd: options.cwd,
    env: { NO_COLOR: "1", ...options.env },
    stdin: options.stdin ?? "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const lines: string[] = [];
  const waiters = new Set<() => void>();
  let done = false;
  const reading = (async () => {
    for await (const line of readLines(child.stdout)) {
      lines.push(line);
      for (const wake of waiters) wake();
    }
    done = true;
    for (const wake of waiters) wake();
  })();
  const stderr = new Response(child.stderr).text();
  const writer = options.stdin === "piped" ? child.stdin.getWriter() : undefined;
  let finished: Promise<Deno.CommandStatus> | undefined;
  const finish = () => {
    finished ??= (async () => {
      await writer?.close().catch(() => {});
      const status = await child.status;
      await reading;
      await stderr;
      return status;
    })();
    return finished;
  };
  const stop = async (signal: Deno.Signal = "SIGTERM") => {
    try {
      child.kill(signal);
    } catch { /* already exited */ }
    return await finish();
  };
  return {
    child,
    lines,
    stderr,
    async waitFor(match, timeoutMs = 20_000) {
      const test = (l: string) => typeof match === "string" ? l.includes(match) : match.test(l);
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const found = lines.find(test);
        if (found !== undefined) return found;
        if (done) break;
        await new Promise<void>((resolve) => {
          const wake = () => {
            waiters.delete(wake);
            clearTimeout(timer);
            resolve();
          };
          const timer = setTimeout(wake, Math.max(1, deadline - Date.now()));
          waiters.add(wake);
        });
      }
      const err = await Promise.race([
        stderr,
        new Promise<string>((r) => setTimeout(() => r("(still running)"), 200)),
      ]);
      throw new Error(
        `no line matching ${match} within ${timeoutMs} ms; saw:\n${
          lines.join("\n")
        }\nstderr: ${err}`,
      );
    },
    send: async (line) => {
      await writer!.write(new TextEncoder().encode(line + "\n"));
    },
    end: finish,
    stop,
    async [Symbol.asyncDispose]() {
      await stop("SIGKILL");
    },
  };
}
