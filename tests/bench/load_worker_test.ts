import { dirname } from "node:path";
import { TEXT_BYTES, TEXT_SENDER, TEXT_SEQ, TEXT_TIME } from "../../bench/message_template.ts";
import {
  DENO_GENERATOR,
  type GeneratorProgram,
  type PreparedGenerator,
  prepareGenerator,
  WorkerProcess,
} from "../../bench/worker_pool.ts";
import { Histogram } from "../../bench/histogram.ts";
import { assert, assertEqual, assertMatch } from "../_helpers/assert.ts";
import { ccInstalled } from "../_helpers/cc_installed.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

// Every test runs against both generators; the C one only where `cc` is installed.
const cGenerator: PreparedGenerator | undefined = await ccInstalled()
  ? await prepareGenerator("c")
  : undefined;
if (!cGenerator) {
  console.log("load_worker_test: C generator tests skipped: no `cc` (install gcc to run them)");
}
globalThis.addEventListener("unload", () => {
  if (cGenerator) Deno.removeSync(dirname(cGenerator.command), { recursive: true });
});
const GENERATORS: [string, GeneratorProgram | undefined][] = [
  ["Deno", DENO_GENERATOR],
  ["C", cGenerator],
];

function frame(json: string): Uint8Array {
  const body = encoder.encode(json);
  const out = new Uint8Array(4 + body.length);
  new DataView(out.buffer).setUint32(0, body.length);
  out.set(body, 4);
  return out;
}

function messageText(sender: number, seq: number, sentAtMicros: number): string {
  const head = `S${String(sender).padStart(6, "0")}.${String(seq).padStart(10, "0")}.${
    String(sentAtMicros).padStart(16, "0")
  }`;
  return head + "x".repeat(TEXT_BYTES - head.length);
}

function delivery(sender: number, seq: number, sentAtMicros = 0): Uint8Array {
  return frame(
    `{"type":"msg","id":${seq},"ts":1,"room":"#lobby","from":"b${sender}","text":"${
      messageText(sender, seq, sentAtMicros)
    }"}`,
  );
}

/** Reads Parley frames from `conn` until `done` says stop; returns their JSON texts. */
async function readFrames(
  conn: Deno.Conn,
  done: (frames: string[]) => boolean,
): Promise<string[]> {
  const frames: string[] = [];
  let pending = new Uint8Array(0);
  const buf = new Uint8Array(65536);
  while (!done(frames)) {
    const n = await conn.read(buf);
    if (n === null) break;
    const joined = new Uint8Array(pending.length + n);
    joined.set(pending);
    joined.set(buf.subarray(0, n), pending.length);
    let at = 0;
    while (joined.length - at >= 4) {
      const len = new DataView(joined.buffer, at).getUint32(0);
      if (joined.length - at - 4 < len) break;
      frames.push(decoder.decode(joined.subarray(at + 4, at + 4 + len)));
      at += 4 + len;
    }
    pending = joined.slice(at);
  }
  return frames;
}

/** Reads CRLF lines from `conn` until `done` says stop. */
async function readIrcLines(
  conn: Deno.Conn,
  done: (lines: string[]) => boolean,
): Promise<string[]> {
  const lines: string[] = [];
  let pending = "";
  const buf = new Uint8Array(65536);
  while (!done(lines)) {
    const n = await conn.read(buf);
    if (n === null) break;
    pending += decoder.decode(buf.subarray(0, n));
    let nl: number;
    while ((nl = pending.indexOf("\n")) >= 0) {
      lines.push(pending.slice(0, nl).replace(/\r$/, ""));
      pending = pending.slice(nl + 1);
    }
  }
  return lines;
}

function connectCommand(port: number, protocol: "parley" | "irc", ids: number[]) {
  return {
    cmd: "connect" as const,
    protocol,
    host: "127.0.0.1",
    port,
    ids,
    total: 10,
    readBytes: 1024,
    channel: "#bench",
  };
}

/** A fake Parley server: welcomes one client, then sends `frames`. */
async function checkDeliveries(
  generator: GeneratorProgram,
  frames: Uint8Array[],
  expected: number,
) {
  using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  await using worker = new WorkerProcess(generator);
  worker.ids = [0];
  await worker.next(30_000); // ready
  const serving = (async () => {
    const conn = await listener.accept();
    const buf = new Uint8Array(4096);
    await conn.read(buf); // hello
    await conn.write(frame(`{"type":"welcome","version":1,"nick":"b0"}`));
    for (const f of frames) await conn.write(f);
    return conn;
  })();
  const connected = await worker.ask(
    connectCommand((listener.addr as Deno.NetAddr).port, "parley", [0]),
    "connected",
  );
  assertEqual(connected.failed, 0);
  const conn = await serving;
  const drained = await worker.ask(
    { cmd: "drain", expected, idleTimeoutMs: 300, deadlineMs: 5000 },
    "drained",
  );
  conn.close();
  return drained;
}

for (const [name, generator] of GENERATORS) {
  const ignore = generator === undefined;

  Deno.test({
    name: `${name} load worker accepts in-order deliveries`,
    ignore,
    fn: async () => {
      const d = await checkDeliveries(generator!, [
        delivery(5, 1),
        delivery(5, 2),
        delivery(7, 1),
      ], 3);
      assertEqual(d.received, 3);
      assertEqual(d.orderErrors, 0);
    },
  });

  Deno.test({
    name: `${name} load worker reports a gap in a sender's sequence as missed messages`,
    ignore,
    fn: async () => {
      const d = await checkDeliveries(generator!, [delivery(5, 1), delivery(5, 3)], 3);
      assertEqual(d.received, 2);
      assertEqual(d.orderErrors, 1);
      assertMatch(d.firstError, /b0 missed seq 2\.\.2 from b5/);
    },
  });

  Deno.test({
    name: `${name} load worker reports a duplicate delivery`,
    ignore,
    fn: async () => {
      const d = await checkDeliveries(generator!, [delivery(5, 1), delivery(5, 1)], 2);
      assertEqual(d.orderErrors, 1);
      assert(d.firstError.includes("again or out of order"), d.firstError);
    },
  });

  Deno.test({
    name: `${name} load worker records send-to-receipt time of every delivery`,
    ignore,
    fn: async () => {
      const sentAt = Math.round((Date.now() - 5) * 1000);
      const d = await checkDeliveries(generator!, [
        delivery(5, 1, sentAt),
        delivery(5, 2, sentAt),
        delivery(7, 1, sentAt),
      ], 3);
      assertEqual(d.orderErrors, 0);
      const latency = Histogram.fromJSON(d.latency).summary();
      assertEqual(latency.count, 3);
      // Sent 5 ms before the test started; received within a few seconds of it.
      assert(latency.p50 >= 5 && latency.max < 5000, JSON.stringify(latency));
      // None of the senders is held by this worker.
      assertEqual(d.localLatency.count, 0);
    },
  });

  Deno.test({
    name: `${name} load worker keeps 3 messages unacked in bounded mode and answers pings`,
    ignore,
    fn: async () => {
      using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
      await using worker = new WorkerProcess(generator!);
      worker.ids = [3];
      await worker.next(30_000);
      const serving = (async () => {
        const conn = await listener.accept();
        const hello = await readFrames(conn, (f) => f.length >= 1);
        await conn.write(frame(`{"type":"welcome","version":1,"nick":"b3"}`));
        return { conn, hello };
      })();
      const connected = await worker.ask(
        connectCommand((listener.addr as Deno.NetAddr).port, "parley", [3]),
        "connected",
      );
      assertEqual(connected.failed, 0);
      const { conn, hello } = await serving;
      assertEqual(JSON.parse(hello[0]).nick, "b3");
      await conn.write(frame(`{"type":"ping","token":41}`));
      const pong = await readFrames(conn, (f) => f.length >= 1);
      assertEqual(pong[0], `{"type":"pong","token":41}`);
      await worker.send({
        cmd: "run",
        mode: "bounded",
        senders: [3],
        window: 3,
        rate: 0,
        durationMs: 400,
      });
      // Three messages, then nothing until an ack; one ack lets exactly one more go.
      const first = await readFrames(conn, (f) => f.length >= 3);
      const before = Date.now() * 1000;
      await conn.write(frame(`{"type":"ack","ref":1000000001,"id":1}`));
      const fourth = await readFrames(conn, (f) => f.length >= 1);
      const ran = await worker.next(5000);
      assert(ran.event === "ran", JSON.stringify(ran));
      assertEqual(ran.sent, { "3": 4 });
      assert(ran.elapsedMs >= 400 && ran.elapsedMs < 2000, JSON.stringify(ran));
      const msgs = [...first, ...fourth].map((f) => JSON.parse(f));
      msgs.forEach((m, i) => {
        assertEqual(m.type, "msg");
        assertEqual(m.ref, 1_000_000_001 + i);
        const text: string = m.text;
        assertEqual(text.length, TEXT_BYTES);
        assertEqual(Number(text.slice(TEXT_SENDER, TEXT_SENDER + 6)), 3);
        assertEqual(Number(text.slice(TEXT_SEQ, TEXT_SEQ + 10)), i + 1);
      });
      // Send times are µs since the epoch on the system clock.
      const stamped = Number(msgs[3].text.slice(TEXT_TIME, TEXT_TIME + 16));
      assert(Math.abs(stamped - before) < 2_000_000, `${stamped} vs ${before}`);
      const drained = await worker.ask(
        { cmd: "drain", expected: 0, idleTimeoutMs: 100, deadlineMs: 1000 },
        "drained",
      );
      assert(drained.loopLag.count > 0, JSON.stringify(drained.loopLag));
      conn.close();
    },
  });

  Deno.test({
    name: `${name} load worker joins an IRC channel and checks PRIVMSG deliveries`,
    ignore,
    fn: async () => {
      using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
      await using worker = new WorkerProcess(generator!);
      worker.ids = [1];
      await worker.next(30_000);
      const serving = (async () => {
        const conn = await listener.accept();
        const register = await readIrcLines(conn, (l) => l.length >= 2);
        await conn.write(encoder.encode(":irc.test 001 b1 :Welcome\r\n"));
        const join = await readIrcLines(conn, (l) => l.length >= 1);
        await conn.write(encoder.encode(
          ":b1!b1@localhost JOIN :#bench\r\n:irc.test 353 b1 = #bench :b1\r\n" +
            ":irc.test 366 b1 #bench :End of /NAMES list.\r\n",
        ));
        return { conn, register, join };
      })();
      const connected = await worker.ask(
        connectCommand((listener.addr as Deno.NetAddr).port, "irc", [1]),
        "connected",
      );
      assertEqual(connected.failed, 0);
      const { conn, register, join } = await serving;
      assertEqual(register, ["NICK b1", "USER b1 0 * :bench"]);
      assertEqual(join, ["JOIN #bench"]);
      await conn.write(encoder.encode("PING :irc.test\r\n"));
      assertEqual(await readIrcLines(conn, (l) => l.length >= 1), ["PONG :irc.test"]);
      const line = (sender: number, seq: number) =>
        `:b${sender}!b${sender}@localhost PRIVMSG #bench :${messageText(sender, seq, 0)}\r\n`;
      await conn.write(encoder.encode(line(4, 1) + line(4, 2) + line(6, 1) + line(4, 4)));
      const drained = await worker.ask(
        { cmd: "drain", expected: 4, idleTimeoutMs: 300, deadlineMs: 5000 },
        "drained",
      );
      assertEqual(drained.received, 4);
      assertEqual(drained.orderErrors, 1);
      assertMatch(drained.firstError, /b1 missed seq 3\.\.3 from b4/);
      conn.close();
    },
  });

  Deno.test({
    name: `${name} load worker counts a server disconnect and refuses a next-member run alone`,
    ignore,
    fn: async () => {
      using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
      await using worker = new WorkerProcess(generator!);
      worker.ids = [0];
      await worker.next(30_000);
      const serving = (async () => {
        const conn = await listener.accept();
        await readFrames(conn, (f) => f.length >= 1);
        await conn.write(frame(`{"type":"welcome","version":1,"nick":"b0"}`));
        return conn;
      })();
      await worker.ask(
        connectCommand((listener.addr as Deno.NetAddr).port, "parley", [0]),
        "connected",
      );
      const conn = await serving;
      let refused = "";
      try {
        await worker.ask(
          { cmd: "run", mode: "next", senders: [0], window: 1, rate: 0, durationMs: 100 },
          "ran",
        );
      } catch (error) {
        refused = (error as Error).message;
      }
      assertMatch(refused, /a worker needs at least 2 clients/);
      conn.close();
      const drained = await worker.ask(
        { cmd: "drain", expected: 1, idleTimeoutMs: 300, deadlineMs: 5000 },
        "drained",
      );
      assertEqual(drained.disconnects, 1);
      assertEqual(drained.firstError, "b0 was disconnected by the server");
    },
  });

  Deno.test({
    name: `${name} load worker reports a client that cannot connect`,
    ignore,
    fn: async () => {
      const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
      const port = (listener.addr as Deno.NetAddr).port;
      listener.close();
      await using worker = new WorkerProcess(generator!);
      await worker.next(30_000);
      const connected = await worker.ask(connectCommand(port, "parley", [2]), "connected");
      assertEqual(connected.failed, 1);
      assertMatch(connected.firstError, /^client 2: Connection refused \(os error 111\)/);
    },
  });
}
