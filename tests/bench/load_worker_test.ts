import { TEXT_BYTES } from "../../bench/message_template.ts";
import { WorkerProcess } from "../../bench/worker_pool.ts";
import { Histogram } from "../../bench/histogram.ts";
import { assert, assertEqual, assertMatch } from "../_helpers/assert.ts";

const encoder = new TextEncoder();

function frame(json: string): Uint8Array {
  const body = encoder.encode(json);
  const out = new Uint8Array(4 + body.length);
  new DataView(out.buffer).setUint32(0, body.length);
  out.set(body, 4);
  return out;
}

function delivery(sender: number, seq: number, sentAtMicros = 0): Uint8Array {
  const head = `S${String(sender).padStart(6, "0")}.${String(seq).padStart(10, "0")}.${
    String(sentAtMicros).padStart(16, "0")
  }`;
  const text = head + "x".repeat(TEXT_BYTES - head.length);
  return frame(
    `{"type":"msg","id":${seq},"ts":1,"room":"#lobby","from":"b${sender}","text":"${text}"}`,
  );
}

/** A fake Parley server: welcomes one client, then sends `frames`. */
async function checkDeliveries(frames: Uint8Array[], expected: number) {
  using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  await using worker = new WorkerProcess();
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
  const connected = await worker.ask({
    cmd: "connect",
    protocol: "parley",
    host: "127.0.0.1",
    port: (listener.addr as Deno.NetAddr).port,
    ids: [0],
    total: 10,
    readBytes: 1024,
    channel: "#bench",
  }, "connected");
  assertEqual(connected.failed, 0);
  const conn = await serving;
  const drained = await worker.ask(
    { cmd: "drain", expected, idleTimeoutMs: 300, deadlineMs: 5000 },
    "drained",
  );
  conn.close();
  return drained;
}

Deno.test("load worker accepts in-order deliveries", async () => {
  const d = await checkDeliveries([delivery(5, 1), delivery(5, 2), delivery(7, 1)], 3);
  assertEqual(d.received, 3);
  assertEqual(d.orderErrors, 0);
});

Deno.test("load worker reports a gap in a sender's sequence as missed messages", async () => {
  const d = await checkDeliveries([delivery(5, 1), delivery(5, 3)], 3);
  assertEqual(d.received, 2);
  assertEqual(d.orderErrors, 1);
  assertMatch(d.firstError, /b0 missed seq 2\.\.2 from b5/);
});

Deno.test("load worker reports a duplicate delivery", async () => {
  const d = await checkDeliveries([delivery(5, 1), delivery(5, 1)], 2);
  assertEqual(d.orderErrors, 1);
  assert(d.firstError.includes("again or out of order"), d.firstError);
});

Deno.test("load worker records send-to-receipt time of every delivery", async () => {
  const sentAt = Math.round((Date.now() - 5) * 1000);
  const d = await checkDeliveries([
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
});
