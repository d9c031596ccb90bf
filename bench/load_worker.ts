/**
 * One load-generator process: holds many client connections to a Parley or
 * IRC server, sends numbered messages and checks every delivery (no loss, no
 * duplicates, per-sender order) without decoding JSON on the hot path.
 *
 * It is driven by `bench/main.ts` over stdin/stdout, one JSON object per line:
 * commands in ({@linkcode WorkerCommand}), events out ({@linkcode WorkerEvent});
 * see `worker_command.ts`. The message text layout and send templates are in
 * `message_template.ts`.
 *
 * @module
 */

import process from "node:process";
import { Histogram } from "./histogram.ts";
import {
  frame,
  ircTemplate,
  nowMicros,
  parleyTemplate,
  readDigits,
  type Template,
  TEXT_BYTES,
  TEXT_SENDER,
  TEXT_SEQ,
  TEXT_TIME,
  writeAll,
  writeDigits,
} from "./message_template.ts";
import {
  type BenchProtocol,
  type SendMode,
  serveWorkerCommands,
  type WorkerCommand,
  type WorkerEvent,
  type WorkerHandler,
} from "./worker_command.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

const CH_S = 0x53;
const CH_COLON = 0x3a;
const CH_LF = 0x0a;
const CH_CR = 0x0d;
/** Period of the timer that measures the worker's own event-loop lag, ms. */
const LAG_TICK_MS = 10;

/** Messages an open-loop sender writes per write call. */
const OPEN_LOOP_BATCH = 16;

class Client {
  readonly id: number;
  readonly nick: string;
  readonly conn: Deno.TcpConn;
  buf: Uint8Array;
  end = 0;
  /** Last seq seen per sender id (lazily allocated). */
  last: Int32Array | undefined;
  /** Messages sent (the next seq is `sent + 1`). */
  sent = 0;
  acked = 0;
  writing = false;
  /** Messages waiting for the writer in bounded/rate mode. */
  owed = 0;
  sending = false;
  closed = false;
  /** In `next` mode: the client whose receipt of this sender's messages opens its window. */
  observer: Client | undefined;
  /** Wakes an open-loop sender waiting for acks. */
  wake: (() => void) | undefined;
  ready: PromiseWithResolvers<void> = Promise.withResolvers();

  constructor(id: number, conn: Deno.TcpConn, readBytes: number) {
    this.id = id;
    this.nick = `b${id}`;
    this.conn = conn;
    this.buf = new Uint8Array(readBytes);
    // Handshake failures are also reported through `firstError`.
    this.ready.promise.catch(() => {});
  }
}

/** The worker's state and behaviour. */
class LoadWorker implements WorkerHandler {
  #protocol: BenchProtocol = "parley";
  #channel = "#bench";
  #total = 0;
  #clients: Client[] = [];
  #byId = new Map<number, Client>();
  #localSenders = new Set<number>();
  #template: Template = parleyTemplate();
  #received = 0;
  #orderErrors = 0;
  #disconnects = 0;
  #firstError = "";
  #mode: SendMode = "bounded";
  #window = 4;
  #running = false;
  #latency = new Histogram();
  #localLatency = new Histogram();
  #loopLag = new Histogram();
  #lagTimer: ReturnType<typeof setTimeout> | undefined;
  /** Receipt time of the data being parsed, µs (one reading per socket read). */
  #readAt = 0;

  async connect(c: Extract<WorkerCommand, { cmd: "connect" }>): Promise<WorkerEvent> {
    this.#protocol = c.protocol;
    this.#channel = c.channel;
    this.#total = c.total;
    const started = performance.now();
    let failed = 0;
    let firstError = "";
    await Promise.all(c.ids.map(async (id) => {
      try {
        const port = c.ports?.length ? c.ports[id % c.ports.length] : c.port;
        const conn = await Deno.connect({ hostname: c.host, port });
        conn.setNoDelay(true);
        const client = new Client(id, conn, c.readBytes);
        this.#clients.push(client);
        this.#byId.set(id, client);
        void this.#readLoop(client);
        const hello = c.protocol === "parley"
          ? frame(`{"type":"hello","version":1,"nick":"${client.nick}","client":"bench"}`)
          : encoder.encode(`NICK ${client.nick}\r\nUSER ${client.nick} 0 * :bench\r\n`);
        await writeAll(conn, hello);
        let timer: ReturnType<typeof setTimeout> | undefined;
        await Promise.race([
          client.ready.promise,
          new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error("handshake timed out after 150 s")), 150_000);
          }),
        ]).finally(() => clearTimeout(timer));
      } catch (error) {
        failed++;
        if (!firstError) firstError = `client ${id}: ${(error as Error).message}`;
      }
    }));
    return { event: "connected", ms: performance.now() - started, failed, firstError };
  }

  async run(c: Extract<WorkerCommand, { cmd: "run" }>): Promise<WorkerEvent> {
    this.#mode = c.mode;
    this.#window = c.window;
    this.#localSenders = new Set(c.senders);
    this.#template = this.#protocol === "parley"
      ? parleyTemplate()
      : ircTemplate(this.#channel, c.mode !== "next");
    if (c.mode === "next") {
      if (c.senders.length > 0 && this.#clients.length < 2) {
        throw new Error("Cannot run the next-member window: a worker needs at least 2 clients");
      }
      const sorted = [...this.#clients].sort((a, b) => a.id - b.id);
      sorted.forEach((client, i) => client.observer = sorted[(i + 1) % sorted.length]);
    }
    this.#latency.reset();
    this.#localLatency.reset();
    this.#loopLag.reset();
    clearTimeout(this.#lagTimer);
    // A chain of timeouts: each one's lateness is how long the loop was busy.
    let due = performance.now() + LAG_TICK_MS;
    const tick = () => {
      const now = performance.now();
      this.#loopLag.recordMs(now - due);
      due = now + LAG_TICK_MS;
      this.#lagTimer = setTimeout(tick, LAG_TICK_MS);
    };
    this.#lagTimer = setTimeout(tick, LAG_TICK_MS);
    const cpu0 = process.cpuUsage();
    const received0 = this.#received;
    const started = performance.now();
    this.#running = true;
    const senders = c.senders.map((id) => this.#byId.get(id)!).filter((x) => x);
    const timers: ReturnType<typeof setTimeout>[] = [];
    if (c.mode === "bounded" || c.mode === "next") {
      for (const s of senders) {
        s.owed = this.#window;
        this.#pump(s);
      }
    } else if (c.mode === "open") {
      for (const s of senders) void this.#flood(s);
    } else {
      const period = 1000 / c.rate;
      senders.forEach((s, i) => {
        // Stagger senders across the period so their messages do not coincide.
        const start = setTimeout(() => {
          s.owed++;
          this.#pump(s);
          timers.push(setInterval(() => {
            if (!this.#running) return;
            s.owed++;
            this.#pump(s);
          }, period));
        }, (period * i) / senders.length);
        timers.push(start);
      });
    }
    await new Promise((r) => setTimeout(r, c.durationMs));
    this.#running = false;
    for (const t of timers) clearInterval(t);
    const elapsedMs = performance.now() - started;
    const received = this.#received - received0;
    const cpu1 = process.cpuUsage();
    const sent: Record<string, number> = {};
    for (const s of senders) sent[s.id] = s.sent;
    return {
      event: "ran",
      sent,
      received,
      elapsedMs,
      cpuUserMs: (cpu1.user - cpu0.user) / 1000,
      cpuSystemMs: (cpu1.system - cpu0.system) / 1000,
    };
  }

  async drain(c: Extract<WorkerCommand, { cmd: "drain" }>): Promise<WorkerEvent> {
    let last = this.#received;
    let lastChange = performance.now();
    // Bounded by idleTimeoutMs without progress.
    const started = performance.now();
    while (
      this.#received < c.expected && performance.now() - lastChange < c.idleTimeoutMs &&
      performance.now() - started < c.deadlineMs
    ) {
      await new Promise((r) => setTimeout(r, 20));
      if (this.#received !== last) {
        last = this.#received;
        lastChange = performance.now();
      }
    }
    clearTimeout(this.#lagTimer);
    this.#lagTimer = undefined;
    return {
      event: "drained",
      received: this.#received,
      orderErrors: this.#orderErrors,
      disconnects: this.#disconnects,
      firstError: this.#firstError,
      latency: this.#latency.toJSON(),
      localLatency: this.#localLatency.toJSON(),
      loopLag: this.#loopLag.toJSON(),
    };
  }

  stats(): WorkerEvent {
    const cpu = process.cpuUsage();
    return {
      event: "stats",
      received: this.#received,
      cpuUserMs: cpu.user / 1000,
      cpuSystemMs: cpu.system / 1000,
    };
  }

  close(): void {
    this.#running = false;
    clearTimeout(this.#lagTimer);
    for (const c of this.#clients) {
      c.closed = true;
      try {
        c.conn.close();
      } catch { /* already closed by the server */ }
    }
  }

  #error(message: string): void {
    if (!this.#firstError) this.#firstError = message;
  }

  /** Stamps message `seq` of `s` into `out` at `at` (a copy of the template). */
  #stamp(s: Client, out: Uint8Array, at: number): void {
    const t = this.#template;
    out.set(t.bytes, at);
    const seq = ++s.sent;
    writeDigits(out, at + t.text + TEXT_SENDER, 6, s.id);
    writeDigits(out, at + t.text + TEXT_SEQ, 10, seq);
    writeDigits(out, at + t.text + TEXT_TIME, 16, nowMicros());
    if (t.ref >= 0) writeDigits(out, at + t.ref, 10, 1_000_000_000 + seq);
  }

  /** Writes the messages `s` owes (bounded and rate modes), one write per batch. */
  #pump(s: Client): void {
    if (s.sending || s.closed) return;
    s.sending = true;
    void (async () => {
      try {
        while (s.owed > 0 && this.#running && !s.closed) {
          const n = s.owed;
          s.owed = 0;
          const size = this.#template.bytes.length;
          const out = new Uint8Array(n * size);
          for (let i = 0; i < n; i++) this.#stamp(s, out, i * size);
          await writeAll(s.conn, out);
        }
      } catch (error) {
        this.#error(`send from ${s.nick} failed: ${(error as Error).message}`);
      } finally {
        s.sending = false;
      }
    })();
  }

  /**
   * Open loop: writes batches of 16 as fast as the socket takes them, never
   * waiting for a particular ack, but stopping at `window` unacknowledged
   * messages so that a run can always be drained and verified.
   */
  async #flood(s: Client): Promise<void> {
    const size = this.#template.bytes.length;
    const count = OPEN_LOOP_BATCH;
    const cap = Math.max(this.#window, count);
    const out = new Uint8Array(size * count);
    try {
      while (this.#running && !s.closed) {
        if (s.sent - s.acked > cap - count) {
          await new Promise<void>((resolve) => s.wake = resolve);
          continue;
        }
        for (let i = 0; i < count; i++) this.#stamp(s, out, i * size);
        await writeAll(s.conn, out);
      }
    } catch (error) {
      this.#error(`flood from ${s.nick} failed: ${(error as Error).message}`);
    }
  }

  #onAck(s: Client): void {
    s.acked++;
    if (s.wake) {
      const wake = s.wake;
      s.wake = undefined;
      wake();
    }
    if (this.#mode === "bounded" && this.#running) {
      s.owed++;
      this.#pump(s);
    }
  }

  /** `next` mode: the observer of sender `s` received one of its messages. */
  #onObserved(s: Client): void {
    if (this.#running) {
      s.owed++;
      this.#pump(s);
    }
  }

  #onDelivery(r: Client, bytes: Uint8Array, text: number): void {
    const sender = readDigits(bytes, text + TEXT_SENDER, 6);
    const seq = readDigits(bytes, text + TEXT_SEQ, 10);
    const last = r.last ??= new Int32Array(this.#total);
    const expected = last[sender] + 1;
    if (seq !== expected) {
      this.#orderErrors++;
      this.#error(
        seq < expected
          ? `${r.nick} got seq ${seq} from b${sender} again or out of order (expected ${expected})`
          : `${r.nick} missed seq ${expected}..${seq - 1} from b${sender}`,
      );
    }
    if (seq > last[sender]) last[sender] = seq;
    this.#received++;
    const us = this.#readAt - readDigits(bytes, text + TEXT_TIME, 16);
    this.#latency.recordUs(us);
    if (this.#localSenders.has(sender)) {
      this.#localLatency.recordUs(us);
      if (this.#mode === "next") {
        const s = this.#byId.get(sender);
        if (s?.observer === r) this.#onObserved(s);
      }
    }
  }

  async #readLoop(c: Client): Promise<void> {
    try {
      while (!c.closed) {
        if (c.end === c.buf.length) {
          const bigger = new Uint8Array(c.buf.length * 2);
          bigger.set(c.buf);
          c.buf = bigger;
        }
        const n = await c.conn.read(c.buf.subarray(c.end));
        if (n === null) break;
        this.#readAt = nowMicros();
        c.end += n;
        const used = this.#protocol === "parley" ? this.#parleyFrames(c) : this.#ircLines(c);
        if (used > 0) {
          c.buf.copyWithin(0, used, c.end);
          c.end -= used;
        }
      }
    } catch (error) {
      if (!c.closed) this.#error(`${c.nick} read failed: ${(error as Error).message}`);
    }
    if (c.wake) {
      c.wake();
      c.wake = undefined;
    }
    if (!c.closed) {
      c.closed = true;
      this.#disconnects++;
      this.#error(`${c.nick} was disconnected by the server`);
      c.ready.reject(new Error("disconnected during handshake"));
    }
  }

  /** Handles every complete frame in `c.buf`; returns the bytes consumed. */
  #parleyFrames(c: Client): number {
    const b = c.buf;
    let at = 0;
    while (c.end - at >= 4) {
      const len = ((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) >>> 0;
      if (c.end - at - 4 < len) {
        if (4 + len > b.length) {
          const bigger = new Uint8Array(4 + len);
          bigger.set(b.subarray(at, c.end));
          c.buf = bigger;
          c.end -= at;
          return 0;
        }
        break;
      }
      const p = at + 4;
      // `{"type":"` is 9 bytes; the next byte tells the kinds apart.
      const kind = b[p + 9];
      if (kind === 0x6d /* m */ && b[p + len - 2 - TEXT_BYTES] === CH_S) {
        this.#onDelivery(c, b, p + len - 2 - TEXT_BYTES);
      } else if (kind === 0x61 /* a */) {
        this.#onAck(c);
      } else if (kind === 0x77 /* w */) {
        c.ready.resolve();
      } else if (kind === 0x70 /* p */ && b[p + 10] === 0x69 /* i */) {
        const ping = JSON.parse(decoder.decode(b.subarray(p, p + len)));
        void writeAll(c.conn, frame(JSON.stringify({ type: "pong", token: ping.token }))).catch(
          () => {},
        );
      } else if (kind === 0x65 /* e */) {
        const text = decoder.decode(b.subarray(p, p + len));
        this.#error(`${c.nick} got ${text}`);
        c.ready.reject(new Error(text));
      }
      at = p + len;
    }
    return at;
  }

  /** Handles every complete IRC line in `c.buf`; returns the bytes consumed. */
  #ircLines(c: Client): number {
    const b = c.buf;
    let start = 0;
    for (let i = b.indexOf(CH_LF, 0); i !== -1 && i < c.end; i = b.indexOf(CH_LF, start)) {
      const end = b[i - 1] === CH_CR ? i - 1 : i;
      const text = end - TEXT_BYTES;
      if (text > start && b[text] === CH_S && b[text - 1] === CH_COLON) {
        this.#onDelivery(c, b, text);
      } else {
        this.#ircControl(c, decoder.decode(b.subarray(start, end)));
      }
      start = i + 1;
    }
    return start;
  }

  #ircControl(c: Client, line: string): void {
    const words = line.split(" ");
    const command = line.startsWith(":") ? words[1] : words[0];
    switch (command) {
      case "PING":
        void writeAll(c.conn, encoder.encode(`PONG ${line.slice(line.indexOf("PING") + 5)}\r\n`))
          .catch(() => {});
        return;
      case "PONG":
        this.#onAck(c);
        return;
      case "001":
        void writeAll(c.conn, encoder.encode(`JOIN ${this.#channel}\r\n`)).catch(() => {});
        return;
      case "366":
        c.ready.resolve();
        return;
      case "ERROR":
      case "432":
      case "433":
      case "451":
      case "471":
      case "473":
      case "404":
        this.#error(`${c.nick} got ${line}`);
        c.ready.reject(new Error(line));
        return;
    }
  }
}

if (import.meta.main) await serveWorkerCommands(new LoadWorker());
