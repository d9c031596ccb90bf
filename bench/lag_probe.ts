/**
 * Measures a server's event-loop lag from outside: a dedicated connection,
 * not a member of the bench room, sends a protocol-level ping every 10 ms and
 * records each round trip. A server that answers pings on its event loop
 * answers late by as long as that loop was busy, so the round-trip time is its
 * event-loop lag plus a loopback round trip (about 0.1 ms when idle).
 *
 * Pings go out on schedule whether or not earlier ones were answered, so a
 * 300 ms stall shows as 30 late answers (300, 290, … ms) rather than one; at
 * most 1,000 may be outstanding.
 *
 * Parley: `hello`, then `/join #benchlag` and `/part #lobby`, then `ping`
 * frames with a `token`. IRC: `NICK`/`USER` and no `JOIN`, then `PING :token`.
 *
 * @module
 */

import { Histogram } from "./histogram.ts";
import type { BenchProtocol } from "./worker_command.ts";

/** Interval between pings, ms. */
export const LAG_PROBE_INTERVAL_MS = 10;

const MAX_OUTSTANDING = 1000;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

function frame(json: string): Uint8Array {
  const body = encoder.encode(json);
  const out = new Uint8Array(4 + body.length);
  new DataView(out.buffer).setUint32(0, body.length);
  out.set(body, 4);
  return out;
}

async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  let at = 0;
  while (at < bytes.length) at += await conn.write(at === 0 ? bytes : bytes.subarray(at));
}

/** A running lag probe. */
export interface LagProbe {
  /** Starts pinging every {@linkcode LAG_PROBE_INTERVAL_MS} (samples before this are dropped). */
  start(): void;
  /**
   * Stops pinging, waits up to 2 s for outstanding answers, closes the
   * connection and returns the round trips. Unanswered pings count as lasting
   * until the probe stopped. Calling it again returns the same result.
   */
  stop(): Promise<Histogram>;
}

/** Where the probe connects. */
export interface LagProbeTarget {
  protocol: BenchProtocol;
  host: string;
  port: number;
}

/**
 * Connects and handshakes a lag probe; call `start()` to begin pinging.
 *
 * @param target The server.
 * @param timeoutMs Longest wait for the handshake.
 * @throws {Error} If the connection or handshake fails or times out.
 */
export async function connectLagProbe(
  target: LagProbeTarget,
  timeoutMs = 30_000,
): Promise<LagProbe> {
  const conn = await Deno.connect({ hostname: target.host, port: target.port });
  conn.setNoDelay(true);
  const sentAt = new Map<number, number>();
  const rtt = new Histogram();
  let ready: PromiseWithResolvers<void> | undefined = Promise.withResolvers();
  let settled: PromiseWithResolvers<void> | undefined;
  let closed = false;
  let handshakeStep = 0;

  const answered = (token: number) => {
    const t = sentAt.get(token);
    if (t === undefined) return;
    sentAt.delete(token);
    rtt.recordMs(performance.now() - t);
    if (settled && sentAt.size === 0) settled.resolve();
  };

  const onParley = (json: string) => {
    const msg = JSON.parse(json) as { type: string; token?: number; ref?: number };
    if (msg.type === "pong" && typeof msg.token === "number") answered(msg.token);
    else if (msg.type === "ping") {
      void writeAll(conn, frame(JSON.stringify({ type: "pong", token: msg.token }))).catch(
        () => {},
      );
    } else if (msg.type === "error" && ready) ready.reject(new Error(`lag probe got ${json}`));
    else if (msg.type === "welcome" && handshakeStep === 0) {
      handshakeStep = 1;
      void writeAll(
        conn,
        frame(`{"type":"command","ref":1,"room":"#lobby","name":"join","args":"#benchlag"}`),
      ).catch(() => {});
    } else if (msg.type === "ack" && msg.ref === 1 && handshakeStep === 1) {
      handshakeStep = 2;
      void writeAll(
        conn,
        frame(`{"type":"command","ref":2,"room":"#lobby","name":"part","args":"#lobby"}`),
      ).catch(() => {});
    } else if (msg.type === "ack" && msg.ref === 2 && handshakeStep === 2) ready?.resolve();
  };

  const onIrc = (line: string) => {
    const words = line.split(" ");
    const command = line.startsWith(":") ? words[1] : words[0];
    if (command === "PONG") answered(Number(line.slice(line.lastIndexOf(":") + 1)));
    else if (command === "PING") {
      void writeAll(conn, encoder.encode(`PONG ${line.slice(line.indexOf("PING") + 5)}\r\n`))
        .catch(() => {});
    } else if (command === "001") ready?.resolve();
    else if (command === "ERROR" || command === "433" || command === "432") {
      ready?.reject(new Error(`lag probe got ${line}`));
    }
  };

  const reading = (async () => {
    let buf = new Uint8Array(64 * 1024);
    let end = 0;
    try {
      while (true) {
        if (end === buf.length) {
          const bigger = new Uint8Array(buf.length * 2);
          bigger.set(buf);
          buf = bigger;
        }
        const n = await conn.read(buf.subarray(end));
        if (n === null) break;
        end += n;
        let at = 0;
        if (target.protocol === "parley") {
          while (end - at >= 4) {
            const len = new DataView(buf.buffer, at, 4).getUint32(0);
            if (end - at - 4 < len) break;
            onParley(decoder.decode(buf.subarray(at + 4, at + 4 + len)));
            at += 4 + len;
          }
        } else {
          for (let nl = buf.indexOf(10, at); nl !== -1 && nl < end; nl = buf.indexOf(10, at)) {
            onIrc(decoder.decode(buf.subarray(at, buf[nl - 1] === 13 ? nl - 1 : nl)));
            at = nl + 1;
          }
        }
        buf.copyWithin(0, at, end);
        end -= at;
      }
    } catch (error) {
      if (!closed) ready?.reject(error);
    }
    if (!closed) ready?.reject(new Error("lag probe was disconnected by the server"));
    settled?.resolve();
  })();

  const nick = `lagprobe${Math.floor(Math.random() * 1e6)}`;
  await writeAll(
    conn,
    target.protocol === "parley"
      ? frame(`{"type":"hello","version":1,"nick":"${nick}","client":"bench-lag"}`)
      : encoder.encode(`NICK ${nick}\r\nUSER ${nick} 0 * :bench lag probe\r\n`),
  );
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await Promise.race([
      ready.promise,
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`lag probe handshake timed out after ${timeoutMs} ms`)),
          timeoutMs,
        );
      }),
    ]);
  } catch (error) {
    closed = true;
    conn.close();
    await reading;
    throw error;
  } finally {
    clearTimeout(timer);
  }
  ready = undefined;

  let interval: ReturnType<typeof setInterval> | undefined;
  let token = 0;
  let stopping: Promise<Histogram> | undefined;
  return {
    start() {
      interval = setInterval(() => {
        if (sentAt.size >= MAX_OUTSTANDING) return;
        const t = ++token;
        sentAt.set(t, performance.now());
        void writeAll(
          conn,
          target.protocol === "parley"
            ? frame(`{"type":"ping","token":${t}}`)
            : encoder.encode(`PING :${t}\r\n`),
        ).catch(() => {});
      }, LAG_PROBE_INTERVAL_MS);
    },
    stop() {
      return stopping ??= finish();
    },
  };

  async function finish(): Promise<Histogram> {
    clearInterval(interval);
    if (sentAt.size > 0) {
      settled = Promise.withResolvers();
      let wait: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        settled.promise,
        new Promise((r) => wait = setTimeout(r, 2000)),
      ]);
      clearTimeout(wait);
    }
    const now = performance.now();
    for (const t of sentAt.values()) rtt.recordMs(now - t);
    sentAt.clear();
    closed = true;
    conn.close();
    await reading;
    return rtt;
  }
}
