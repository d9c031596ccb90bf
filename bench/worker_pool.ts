/**
 * Spawns and drives load-generator processes over stdin/stdout JSON lines:
 * `bench/load_worker.ts` (Deno) or its C twin `bench/c_worker/load_worker.c`,
 * which {@linkcode prepareGenerator} compiles once per bench run. Both speak
 * the protocol of `worker_command.ts`.
 *
 * @module
 */

import { readLines } from "../client/read_lines.ts";
import type { WorkerCommand, WorkerEvent } from "./worker_command.ts";

const DENO_WORKER = new URL("./load_worker.ts", import.meta.url).pathname;
const C_WORKER = new URL("./c_worker/load_worker.c", import.meta.url).pathname;
const encoder = new TextEncoder();

/** Which load generator the bench runs (`--generator`). */
export type GeneratorKind = "deno" | "c";

/** How to start one load-generator process. */
export interface GeneratorProgram {
  /** Which generator this is. */
  kind: GeneratorKind;
  /** The executable. */
  command: string;
  /** Its arguments. */
  args: string[];
  /** What the report says about it. */
  label: string;
}

/** The Deno load generator, `deno run --allow-net bench/load_worker.ts`. */
export const DENO_GENERATOR: GeneratorProgram = {
  kind: "deno",
  command: Deno.execPath(),
  args: ["run", "--allow-net", DENO_WORKER],
  label: "Deno (`bench/load_worker.ts`, one event loop per process)",
};

/** A load generator ready to spawn; disposing it removes what building it left. */
export interface PreparedGenerator extends GeneratorProgram, AsyncDisposable {}

/**
 * Gets a load generator ready for a bench run. `deno` needs nothing; `c`
 * compiles `bench/c_worker/load_worker.c` once, with
 * `cc -O2 -Wall -Wextra`, into a new temporary directory that disposing the
 * result removes. Compiler warnings are printed.
 *
 * @param kind Which generator.
 * @returns The program to spawn for each worker process.
 * @throws {Error} When `cc` is missing (install gcc) or the compile fails.
 *
 * @example
 * ```ts ignore
 * await using generator = await prepareGenerator("c");
 * const workers = await startWorkers(2, 200, { generator });
 * ```
 */
export async function prepareGenerator(kind: GeneratorKind): Promise<PreparedGenerator> {
  if (kind === "deno") return { ...DENO_GENERATOR, [Symbol.asyncDispose]: async () => {} };
  const dir = await Deno.makeTempDir({ prefix: "parley-bench-cgen-" });
  const remove = () => Deno.remove(dir, { recursive: true });
  const binary = `${dir}/load_worker`;
  const args = ["-O2", "-Wall", "-Wextra", "-o", binary, C_WORKER];
  let out: Deno.CommandOutput;
  try {
    out = await new Deno.Command("cc", { args, stdin: "null", stdout: "piped", stderr: "piped" })
      .output();
  } catch (error) {
    await remove();
    if (error instanceof Deno.errors.NotFound) {
      throw new Error(
        "Cannot build the C load generator: no `cc` on the PATH; install gcc (e.g. `apt-get install gcc`)",
      );
    }
    throw error;
  }
  const messages = new TextDecoder().decode(out.stderr).trim();
  if (!out.success) {
    await remove();
    throw new Error(`Cannot build the C load generator: cc ${args.join(" ")} failed:\n${messages}`);
  }
  if (messages) console.error(`cc ${args.join(" ")}:\n${messages}`);
  return {
    kind: "c",
    command: binary,
    args: [],
    label: "C (`bench/c_worker/load_worker.c`: epoll, one thread per process, `cc -O2`)",
    [Symbol.asyncDispose]: remove,
  };
}

/** One load-generator process. */
export class WorkerProcess implements AsyncDisposable {
  readonly #child: Deno.ChildProcess;
  readonly #writer: WritableStreamDefaultWriter<Uint8Array>;
  readonly #lines: AsyncGenerator<string>;
  /** Global client ids this worker owns. */
  ids: number[] = [];

  /**
   * Starts one worker process.
   *
   * @param generator What to run; the Deno worker when absent.
   */
  constructor(generator: GeneratorProgram = DENO_GENERATOR) {
    this.#child = new Deno.Command(generator.command, {
      args: generator.args,
      stdin: "piped",
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    this.#writer = this.#child.stdin.getWriter();
    this.#lines = readLines(this.#child.stdout);
  }

  /** The process id, for `/proc` readings. */
  get pid(): number {
    return this.#child.pid;
  }

  /**
   * Waits for the next event.
   *
   * @param timeoutMs Longest wait, ms.
   * @throws {Error} On timeout, on exit, or when the worker reports an error.
   */
  async next(timeoutMs = 120_000): Promise<WorkerEvent> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`Load worker ${this.pid} sent nothing for ${timeoutMs} ms`)),
        timeoutMs,
      );
    });
    try {
      const next = await Promise.race([this.#lines.next(), timeout]);
      if (next.done) throw new Error(`Load worker ${this.pid} exited unexpectedly`);
      const event = JSON.parse(next.value) as WorkerEvent;
      if (event.event === "error") throw new Error(`Load worker failed: ${event.message}`);
      return event;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Sends a command. */
  async send(command: WorkerCommand): Promise<void> {
    await this.#writer.write(encoder.encode(JSON.stringify(command) + "\n"));
  }

  /** Sends a command and waits for its answer. */
  async ask<T extends WorkerEvent["event"]>(
    command: WorkerCommand,
    expect: T,
    timeoutMs?: number,
  ): Promise<Extract<WorkerEvent, { event: T }>> {
    await this.send(command);
    const event = await this.next(timeoutMs);
    if (event.event !== expect) {
      throw new Error(`Load worker answered ${event.event}, expected ${expect}`);
    }
    return event as Extract<WorkerEvent, { event: T }>;
  }

  /** Asks the worker to exit, killing it after 5 s. */
  async [Symbol.asyncDispose](): Promise<void> {
    try {
      await this.send({ cmd: "close" });
      await this.#writer.close();
    } catch { /* already gone */ }
    const timer = setTimeout(() => {
      try {
        this.#child.kill("SIGKILL");
      } catch { /* already exited */ }
    }, 5000);
    await this.#child.status;
    clearTimeout(timer);
    for await (const _ of this.#lines) { /* drain */ }
  }
}

/** Options for {@linkcode startWorkers}. */
export interface StartWorkersOptions {
  /**
   * When set (and `count > 1`), worker 0 gets only ids `0..dedicated-1` and
   * the others share the rest: a lightly loaded process for latency senders
   * and probes, so its own event loop adds little delay.
   */
  dedicated?: number;
  /** @default {@linkcode DENO_GENERATOR} */
  generator?: GeneratorProgram;
}

/**
 * Starts `count` workers, deals client ids `0..clients-1` round-robin, and
 * waits until every worker is ready.
 *
 * @param count Worker processes.
 * @param clients Client ids to deal.
 * @param options Dedicated worker 0 and the generator to run.
 */
export async function startWorkers(
  count: number,
  clients: number,
  options: StartWorkersOptions = {},
): Promise<WorkerProcess[]> {
  const { dedicated, generator } = options;
  const workers = Array.from({ length: count }, () => new WorkerProcess(generator));
  if (dedicated !== undefined && count > 1) {
    for (let id = 0; id < clients; id++) {
      workers[id < dedicated ? 0 : 1 + ((id - dedicated) % (count - 1))].ids.push(id);
    }
  } else {
    for (let id = 0; id < clients; id++) workers[id % count].ids.push(id);
  }
  await Promise.all(workers.map((w) => w.next(30_000)));
  return workers;
}
