/**
 * Spawns and drives `bench/load_worker.ts` processes over stdin/stdout JSON lines.
 *
 * @module
 */

import { readLines } from "../client/read_lines.ts";
import type { WorkerCommand, WorkerEvent } from "./worker_command.ts";

const WORKER = new URL("./load_worker.ts", import.meta.url).pathname;
const encoder = new TextEncoder();

/** One load-generator process. */
export class WorkerProcess implements AsyncDisposable {
  readonly #child: Deno.ChildProcess;
  readonly #writer: WritableStreamDefaultWriter<Uint8Array>;
  readonly #lines: AsyncGenerator<string>;
  /** Global client ids this worker owns. */
  ids: number[] = [];

  constructor() {
    this.#child = new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-net", WORKER],
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

/**
 * Starts `count` workers, deals client ids `0..clients-1` round-robin, and
 * waits until every worker is ready.
 *
 * @param count Worker processes.
 * @param clients Client ids to deal.
 * @param dedicated When set (and `count > 1`), worker 0 gets only ids
 *   `0..dedicated-1` and the others share the rest: a lightly loaded process
 *   for latency senders and probes, so its own event loop adds little delay.
 */
export async function startWorkers(
  count: number,
  clients: number,
  dedicated?: number,
): Promise<WorkerProcess[]> {
  const workers = Array.from({ length: count }, () => new WorkerProcess());
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
