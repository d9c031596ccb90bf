/**
 * The line protocol between the bench launcher and its load-generator
 * processes (`load_worker.ts`): one JSON object per line, commands in
 * ({@linkcode WorkerCommand}) and events out ({@linkcode WorkerEvent}), and
 * the worker side's command loop ({@linkcode serveWorkerCommands}).
 *
 * @module
 */

import type { HistogramJson } from "./histogram.ts";

/** Protocol a worker speaks. */
export type BenchProtocol = "parley" | "irc";

/**
 * How senders pace themselves: `bounded` keeps at most `window` messages not
 * yet acknowledged by the server (Parley `ack`, IRC `PONG` to a `PING` after
 * each line); `next` keeps at most `window` messages not yet received by the
 * sender's observer, another member of the room (the next client this worker
 * holds), which means the same for every protocol; `open` writes as fast as
 * TCP takes it (capped, see `window`); `rate` sends `rate` messages per second.
 */
export type SendMode = "bounded" | "next" | "open" | "rate";

/** Commands the launcher sends to a worker. */
export type WorkerCommand =
  | {
    cmd: "connect";
    protocol: BenchProtocol;
    host: string;
    port: number;
    /**
     * Ports of every node of a clustered server: client `id` connects to
     * `ports[id % ports.length]`, spreading the room over the nodes. `port` when absent.
     */
    ports?: number[];
    /** Global client ids this worker owns; the nick is `b<id>`. */
    ids: number[];
    /** Total clients across all workers (sizes the per-sender tables). */
    total: number;
    /** Per-connection read buffer, bytes. */
    readBytes: number;
    /** IRC channel to join. */
    channel: string;
  }
  | {
    cmd: "run";
    mode: SendMode;
    /** Global ids (owned by this worker) that send. */
    senders: number[];
    /**
     * Most unacknowledged messages per sender: the window in `bounded` mode,
     * the cap in `open` mode (at least 16).
     */
    window: number;
    /** Messages per second per sender in `rate` mode. */
    rate: number;
    /** How long to send, in ms. */
    durationMs: number;
  }
  | { cmd: "drain"; expected: number; idleTimeoutMs: number; deadlineMs: number }
  | { cmd: "stats" }
  | { cmd: "close" };

/** Events a worker prints. */
export type WorkerEvent =
  | { event: "ready" }
  | { event: "connected"; ms: number; failed: number; firstError: string }
  | {
    event: "ran";
    sent: Record<string, number>;
    received: number;
    elapsedMs: number;
    cpuUserMs: number;
    cpuSystemMs: number;
  }
  | {
    event: "drained";
    received: number;
    orderErrors: number;
    disconnects: number;
    firstError: string;
    /** Send-to-receipt time of every delivery this worker's clients received in the run, µs bins. */
    latency: HistogramJson;
    /** The same for deliveries whose sender this worker also holds (one clock, no skew). */
    localLatency: HistogramJson;
    /** This worker's own event-loop lag: lateness of a 10 ms interval timer, µs bins. */
    loopLag: HistogramJson;
  }
  | { event: "stats"; received: number; cpuUserMs: number; cpuSystemMs: number }
  | { event: "error"; message: string };

/** What answers the commands: the load worker's state and behaviour. */
export interface WorkerHandler {
  /** Opens and handshakes the connections. */
  connect(c: Extract<WorkerCommand, { cmd: "connect" }>): Promise<WorkerEvent>;
  /** Sends for the given time. */
  run(c: Extract<WorkerCommand, { cmd: "run" }>): Promise<WorkerEvent>;
  /** Waits for the expected deliveries. */
  drain(c: Extract<WorkerCommand, { cmd: "drain" }>): Promise<WorkerEvent>;
  /** Counts and CPU time so far. */
  stats(): WorkerEvent;
  /** Closes every connection. */
  close(): void;
}

/**
 * Runs a worker process's command loop: prints `ready`, then reads commands
 * from stdin, one JSON object per line, and prints each answer as a line of
 * JSON on stdout (a failed command prints an `error` event). Exits the process
 * after `close` or at the end of stdin.
 *
 * @param worker What answers the commands.
 */
export async function serveWorkerCommands(worker: WorkerHandler): Promise<void> {
  const out = (event: WorkerEvent) => console.log(JSON.stringify(event));
  out({ event: "ready" });
  let pending = "";
  const reader = Deno.stdin.readable.pipeThrough(new TextDecoderStream()).getReader();
  while (true) {
    const { value, done } = await reader.read();
    if (done) break;
    pending += value;
    let nl: number;
    while ((nl = pending.indexOf("\n")) >= 0) {
      const line = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      if (!line.trim()) continue;
      const command = JSON.parse(line) as WorkerCommand;
      try {
        switch (command.cmd) {
          case "connect":
            out(await worker.connect(command));
            break;
          case "run":
            out(await worker.run(command));
            break;
          case "drain":
            out(await worker.drain(command));
            break;
          case "stats":
            out(worker.stats());
            break;
          case "close":
            worker.close();
            Deno.exit(0);
        }
      } catch (error) {
        out({ event: "error", message: (error as Error).message });
      }
    }
  }
  worker.close();
  Deno.exit(0);
}
