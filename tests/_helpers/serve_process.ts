/**
 * Test helpers that run `main.ts` as real subprocesses.
 *
 * @module
 */

import { readLines } from "../../client/read_lines.ts";

/** Absolute path of `main.ts`. */
export const MAIN = new URL("../../main.ts", import.meta.url).pathname;

/** The permissions `deno task serve` grants, so tests catch a missing one. */
export const SERVE_PERMISSIONS = [
  "--allow-net",
  "--allow-read",
  "--allow-write",
  "--allow-env",
  "--allow-sys=networkInterfaces,hostname",
  "--allow-ffi",
];

/** The permissions `deno task join` grants. */
export const JOIN_PERMISSIONS = ["--allow-net", "--allow-read", "--allow-write", "--allow-env"];

/** A `parley serve` subprocess. */
export interface ServeProcess extends AsyncDisposable {
  /** The port it listens on. */
  port: number;
  /** The full `parley listening on ...` line. */
  listeningLine: string;
  /** Every stdout line so far (the listening line first). */
  stdout: string[];
  /** Path of its `chat.log`. */
  logFile: string;
  /** Its temporary working directory. */
  dir: string;
  /** The child process. */
  child: Deno.ChildProcess;
  /**
   * Sends a signal and waits for exit.
   *
   * @param signal Signal to send.
   * @returns The exit status.
   */
  stop(signal?: Deno.Signal): Promise<Deno.CommandStatus>;
  /** Reads `chat.log`. */
  log(): Promise<string>;
}

/** Options for {@linkcode startServe}. */
export interface StartServeOptions {
  /** Extra environment variables. */
  env?: Record<string, string>;
  /** Working directory; a fresh temporary one by default. */
  dir?: string;
  /** Longest to wait for the listening line, in ms (default 20000). */
  timeoutMs?: number;
  /** Extra `deno run` flags before the permissions, e.g. `--unstable-net`. */
  denoFlags?: string[];
  /** A command that runs Deno, e.g. `["prlimit", "--nofile=64:64"]` (Deno is run directly by default). */
  wrapper?: string[];
}

/**
 * Starts `main.ts serve --host 127.0.0.1 --port 0` plus `args`, with a
 * `chat.log` in a temporary directory, and waits for the listening line.
 *
 * @param args Extra `serve` arguments.
 * @param options See {@linkcode StartServeOptions}.
 * @throws {Error} If the process exits or stays silent before listening.
 */
export async function startServe(
  args: string[] = [],
  options: StartServeOptions = {},
): Promise<ServeProcess> {
  const dir = options.dir ?? await Deno.makeTempDir({ prefix: "parley-test-" });
  const logFile = `${dir}/chat.log`;
  const wrapper = options.wrapper ?? [];
  const child = new Deno.Command(wrapper[0] ?? Deno.execPath(), {
    args: [
      ...(wrapper.length > 0 ? [...wrapper.slice(1), Deno.execPath()] : []),
      "run",
      ...options.denoFlags ?? [],
      ...SERVE_PERMISSIONS,
      MAIN,
      "serve",
      "--host",
      "127.0.0.1",
      "--port",
      "0",
      "--log-file",
      logFile,
      ...args,
    ],
    cwd: dir,
    env: { NO_COLOR: "1", ...options.env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const stdout: string[] = [];
  const lines = readLines(child.stdout);
  const stderrText = new Response(child.stderr).text();
  const timeout = options.timeoutMs ?? 20_000;
  const deadline = Date.now() + timeout;
  let listeningLine: string | undefined;
  while (Date.now() < deadline) {
    const next = await Promise.race([
      lines.next(),
      new Promise<"timeout">((r) =>
        setTimeout(() => r("timeout"), Math.max(1, deadline - Date.now()))
      ),
    ]);
    if (next === "timeout" || next.done) break;
    stdout.push(next.value);
    if (next.value.startsWith("parley listening on ")) {
      listeningLine = next.value;
      break;
    }
  }
  if (!listeningLine) {
    try {
      child.kill("SIGKILL");
    } catch { /* already exited */ }
    await child.status;
    throw new Error(
      `serve did not start: stdout=${JSON.stringify(stdout)} stderr=${await stderrText}`,
    );
  }
  // Keep draining stdout so the child never blocks on a full pipe.
  const drained = (async () => {
    for await (const line of { [Symbol.asyncIterator]: () => lines }) stdout.push(line);
  })();
  const port = Number(/^parley listening on \S*:(\d+)/.exec(listeningLine)![1]);
  let stopped: Promise<Deno.CommandStatus> | undefined;
  const stop = (signal: Deno.Signal = "SIGTERM") => {
    stopped ??= (async () => {
      try {
        child.kill(signal);
      } catch { /* already exited */ }
      const status = await child.status;
      await drained;
      await stderrText;
      return status;
    })();
    return stopped;
  };
  return {
    port,
    listeningLine,
    stdout,
    logFile,
    dir,
    child,
    stop,
    log: () => Deno.readTextFile(logFile),
    async [Symbol.asyncDispose]() {
      await stop("SIGKILL");
      if (!options.dir) await Deno.remove(dir, { recursive: true }).catch(() => {});
    },
  };
}

/**
 * `XDG_CONFIG_HOME` for the `parley join` processes tests start, so their
 * identity keys and known servers stay out of the user's config directory.
 * One per test process: removed when it exits normally.
 */
export const TEST_CONFIG_HOME: string = Deno.makeTempDirSync({ prefix: "parley-test-config-" });
globalThis.addEventListener("unload", () => {
  try {
    Deno.removeSync(TEST_CONFIG_HOME, { recursive: true });
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
});

/** Spawns `main.ts join ARGS` with piped stdio and colour off. */
function joinChild(args: string[], env: Record<string, string>): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", ...JOIN_PERMISSIONS, MAIN, "join", ...args],
    env: { NO_COLOR: "1", XDG_CONFIG_HOME: TEST_CONFIG_HOME, ...env },
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

/** Result of a finished `parley join` run. */
export interface JoinResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs a scripted `parley join` to completion, feeding `input` on stdin.
 *
 * @param args Arguments after `join`.
 * @param input Text for stdin (closed afterwards).
 * @param env Extra environment variables.
 */
export async function runJoin(
  args: string[],
  input = "",
  env: Record<string, string> = {},
): Promise<JoinResult> {
  const child = joinChild(args, env);
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(input));
  await writer.close();
  const { code, stdout, stderr } = await child.output();
  const decoder = new TextDecoder();
  return { code, stdout: decoder.decode(stdout), stderr: decoder.decode(stderr) };
}

/**
 * A scripted `parley join` that stays running: write lines, read output lines.
 */
export interface JoinProcess extends AsyncDisposable {
  /** Every stdout line so far. */
  lines: string[];
  /** Sends one line on stdin. */
  send(line: string): Promise<void>;
  /**
   * Waits until a stdout line matches.
   *
   * @param match Substring or pattern.
   * @param timeoutMs Longest wait (default 10000).
   * @throws {Error} On timeout, listing what was seen.
   */
  waitFor(match: string | RegExp, timeoutMs?: number): Promise<string>;
  /** Closes stdin and waits for exit. */
  end(): Promise<Deno.CommandStatus>;
  /** The child process. */
  child: Deno.ChildProcess;
}

/**
 * Starts a scripted `parley join` that keeps stdin open.
 *
 * @param args Arguments after `join`.
 * @param env Extra environment variables.
 */
export function spawnJoin(args: string[], env: Record<string, string> = {}): JoinProcess {
  const child = joinChild(args, env);
  const lines: string[] = [];
  const waiters = new Set<() => void>();
  const reading = (async () => {
    for await (const line of readLines(child.stdout)) {
      lines.push(line);
      for (const wake of waiters) wake();
    }
  })();
  const stderr = new Response(child.stderr).text();
  const writer = child.stdin.getWriter();
  const encoder = new TextEncoder();
  let ended: Promise<Deno.CommandStatus> | undefined;
  const end = () => {
    ended ??= (async () => {
      await writer.close().catch(() => {});
      const status = await child.status;
      await reading;
      await stderr;
      return status;
    })();
    return ended;
  };
  return {
    lines,
    child,
    send: (line) => writer.write(encoder.encode(line + "\n")),
    async waitFor(match, timeoutMs = 10_000) {
      const test = (l: string) => typeof match === "string" ? l.includes(match) : match.test(l);
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const found = lines.find(test);
        if (found !== undefined) return found;
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
      throw new Error(
        `no line matching ${match} within ${timeoutMs} ms; saw:\n${
          lines.join("\n")
        }\nstderr: ${await Promise.race([stderr, Promise.resolve("(running)")])}`,
      );
    },
    end,
    async [Symbol.asyncDispose]() {
      try {
        child.kill("SIGKILL");
      } catch { /* already exited */ }
      await end();
    },
  };
}
