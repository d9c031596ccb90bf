/**
 * One run of each bench scenario against one server. Every run that sends
 * messages checks delivery (no loss, no duplicates, per-sender order) and is
 * marked failed otherwise.
 *
 * @module
 */

import { type BenchServer, cpuOf } from "./servers.ts";
import type { SendMode } from "./worker_command.ts";
import { type GeneratorProgram, startWorkers, type WorkerProcess } from "./worker_pool.ts";
import { Histogram, type LatencyPercentiles } from "./histogram.ts";
import { connectLagProbe, type LagProbe } from "./lag_probe.ts";

/** The result of one run. */
export interface RunResult {
  /** Whether delivery checks passed (and every client connected). */
  ok: boolean;
  /** The first problem seen, empty when ok. */
  error: string;
  /** The headline number (unit depends on the scenario). */
  value: number;
  /** Send-to-receipt time at every receiver, over every delivery of the run, ms. */
  latency?: LatencyPercentiles;
  /**
   * The same, only for receivers in the process that also holds the senders
   * (the latency scenario's worker 0: one clock, a lightly loaded event loop).
   */
  localLatency?: LatencyPercentiles;
  /** Ping round trips of the lag probe every 10 ms during the run, ms; absent if it could not join. */
  serverLag?: LatencyPercentiles;
  /** Why the lag probe has no numbers, when it has none. */
  serverLagError?: string;
  /** Load generators' own event-loop lag (10 ms timer lateness), all workers merged, ms. */
  generatorLag?: LatencyPercentiles;
  /** Server CPU use during the measured window, % of one core. */
  serverCpu: number;
  /** Busiest load worker's CPU use during the window, % of one core. */
  workerCpu: number;
  /** The message bus' CPU use (nats-server) during the window, % of one core; clusters only. */
  busCpu?: number;
  /** Messages delivered during the measured window. */
  deliveries: number;
}

/** Common knobs. */
export interface RunOptions {
  /** Load-generator processes. */
  workers: number;
  /** Server channel (IRC). */
  channel?: string;
  /** The load generator to run; the Deno worker when absent. */
  generator?: GeneratorProgram;
}

const CHANNEL = "#bench";

async function connectAll(
  server: BenchServer,
  workers: WorkerProcess[],
  clients: number,
  readBytes: number,
): Promise<{ ms: number; failed: number; error: string }> {
  const started = performance.now();
  const answers = await Promise.all(workers.map((w) =>
    w.ask({
      cmd: "connect",
      protocol: server.protocol,
      host: server.host,
      port: server.port,
      ...(server.ports ? { ports: server.ports } : {}),
      ids: w.ids,
      total: clients,
      readBytes,
      channel: CHANNEL,
    }, "connected")
  ));
  const ms = performance.now() - started;
  const failed = answers.reduce((n, a) => n + a.failed, 0);
  return { ms, failed, error: answers.find((a) => a.firstError)?.firstError ?? "" };
}

async function closeAll(workers: WorkerProcess[]): Promise<void> {
  await Promise.all(workers.map((w) => w[Symbol.asyncDispose]()));
}

/** Options for {@linkcode messageRun}. */
export interface MessageRunOptions extends RunOptions {
  clients: number;
  mode: SendMode;
  /** How many clients send; all when absent. */
  senders?: number;
  /** Messages in flight per sender (bounded and next modes), the cap in open mode. */
  window?: number;
  /** Messages per second per sender (rate mode). */
  rate?: number;
  durationMs: number;
}

/**
 * Connects `clients`, lets senders send for `durationMs`, then waits until
 * every expected delivery arrived and checks it.
 *
 * Throughput value: deliveries per second during the window. Every receiver
 * records send-to-receipt time of every delivery (also those that arrive while
 * the run drains); the workers' histograms are merged. In rate mode the senders
 * and as many receivers are alone in worker 0, so that sending is on time; the
 * other workers hold the remaining clients. A lag probe pings the server every
 * 10 ms during the send window and the drain.
 */
export async function messageRun(server: BenchServer, o: MessageRunOptions): Promise<RunResult> {
  // Rate mode: worker 0 holds the senders and as many probe receivers, alone.
  const workers = await startWorkers(o.workers, o.clients, {
    dedicated: o.mode === "rate" && o.senders !== undefined ? 2 * o.senders : undefined,
    generator: o.generator,
  });
  let probe: LagProbe | undefined;
  try {
    const connected = await connectAll(server, workers, o.clients, 32 * 1024);
    if (connected.failed > 0) {
      return failed(
        `${connected.failed} of ${o.clients} clients could not join: ${connected.error}`,
      );
    }
    const senderIds = new Set<number>(
      o.senders === undefined
        ? Array.from({ length: o.clients }, (_, i) => i)
        : workers[0].ids.slice(0, o.senders),
    );
    let serverLagError = "";
    try {
      probe = await connectLagProbe(server);
    } catch (error) {
      serverLagError = (error as Error).message;
    }
    probe?.start();
    const serverCpu0 = await server.cpuMs();
    const busCpu0 = await server.busCpuMs?.();
    const workerCpu0 = await Promise.all(workers.map((w) => cpuOf(w.pid)));
    const t0 = performance.now();
    const ran = await Promise.all(workers.map((w) =>
      w.ask(
        {
          cmd: "run",
          mode: o.mode,
          senders: w.ids.filter((id) => senderIds.has(id)),
          window: o.window ?? 4,
          rate: o.rate ?? 0,
          durationMs: o.durationMs,
        },
        "ran",
        o.durationMs + 60_000,
      )
    ));
    const windowMs = performance.now() - t0;
    const workerCpu1 = await Promise.all(workers.map((w) => cpuOf(w.pid)));
    // From /proc (whole process, all threads), % of one core.
    const workerCpu = Math.max(...workerCpu1.map((c, i) => (c - workerCpu0[i]) / windowMs * 100));
    const serverCpu = ((await server.cpuMs()) - serverCpu0) / windowMs * 100;
    const busCpu = busCpu0 === undefined
      ? undefined
      : ((await server.busCpuMs!()) - busCpu0) / windowMs * 100;
    const sent = new Map<number, number>();
    for (const r of ran) for (const [id, n] of Object.entries(r.sent)) sent.set(Number(id), n);
    const drained = await Promise.all(workers.map((w) => {
      let expected = 0;
      const mine = new Set(w.ids);
      for (const [id, n] of sent) expected += n * (w.ids.length - (mine.has(id) ? 1 : 0));
      return w.ask(
        { cmd: "drain", expected, idleTimeoutMs: 10_000, deadlineMs: 60_000 },
        "drained",
        600_000,
      )
        .then((d) => ({ d, expected }));
    }));
    const serverLag = probe ? (await probe.stop()).summary() : undefined;
    const latency = new Histogram();
    const generatorLag = new Histogram();
    for (const { d } of drained) {
      latency.merge(d.latency);
      generatorLag.merge(d.loopLag);
    }
    const deliveries = ran.reduce((n, r) => n + r.received, 0);
    const elapsed = Math.max(...ran.map((r) => r.elapsedMs));
    let error = "";
    for (const { d, expected } of drained) {
      if (d.firstError) error ||= d.firstError;
      if (d.received !== expected) {
        error ||= `lost messages: ${expected - d.received} of ${expected} deliveries missing`;
      }
      if (d.orderErrors > 0) error ||= `${d.orderErrors} duplicate or out-of-order deliveries`;
      if (d.disconnects > 0) error ||= `${d.disconnects} clients disconnected`;
    }
    const totalSent = [...sent.values()].reduce((a, b) => a + b, 0);
    if (totalSent === 0) error ||= "no message was sent";
    return {
      ok: !error,
      error,
      value: deliveries / (elapsed / 1000),
      latency: latency.summary(),
      localLatency: o.mode === "rate"
        ? Histogram.fromJSON(drained[0].d.localLatency).summary()
        : undefined,
      serverLag,
      serverLagError: serverLagError || undefined,
      generatorLag: generatorLag.summary(),
      serverCpu,
      workerCpu,
      ...(busCpu === undefined ? {} : { busCpu }),
      deliveries,
    };
  } finally {
    await probe?.stop();
    await closeAll(workers);
  }
}

/**
 * Connects `clients` idle clients and returns the server's RSS growth per
 * connection, in bytes.
 */
export async function idleRun(
  server: BenchServer,
  o: RunOptions & { clients: number; settleMs: number },
): Promise<RunResult> {
  const workers = await startWorkers(o.workers, o.clients, { generator: o.generator });
  try {
    await new Promise((r) => setTimeout(r, o.settleMs));
    const before = await server.rssBytes();
    const connected = await connectAll(server, workers, o.clients, 1024);
    if (connected.failed > 0) {
      return failed(
        `${connected.failed} of ${o.clients} clients could not join: ${connected.error}`,
      );
    }
    await new Promise((r) => setTimeout(r, o.settleMs));
    const after = await server.rssBytes();
    return {
      ok: true,
      error: "",
      value: (after - before) / o.clients,
      serverCpu: 0,
      workerCpu: 0,
      deliveries: 0,
    };
  } finally {
    await closeAll(workers);
  }
}

/** Connects `clients` at once; the value is ms until every one is in the room. */
export async function stormRun(
  server: BenchServer,
  o: RunOptions & { clients: number },
): Promise<RunResult> {
  const workers = await startWorkers(o.workers, o.clients, { generator: o.generator });
  try {
    const serverCpu0 = await server.cpuMs();
    const connected = await connectAll(server, workers, o.clients, 4096);
    const serverCpu = ((await server.cpuMs()) - serverCpu0) / connected.ms * 100;
    if (connected.failed > 0) {
      return failed(
        `${connected.failed} of ${o.clients} clients could not join: ${connected.error}`,
      );
    }
    return { ok: true, error: "", value: connected.ms, serverCpu, workerCpu: 0, deliveries: 0 };
  } finally {
    await closeAll(workers);
  }
}

function failed(error: string): RunResult {
  return { ok: false, error, value: 0, serverCpu: 0, workerCpu: 0, deliveries: 0 };
}
