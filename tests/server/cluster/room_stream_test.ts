import { NatsLink } from "../../../server/cluster/nats_link.ts";
import { RoomStream, type StreamRecord } from "../../../server/cluster/room_stream.ts";
import { assert, assertEqual } from "../../_helpers/assert.ts";
import { natsServerAvailable, startNatsServer } from "../../_helpers/nats_server.ts";

const ignore = !natsServerAvailable;
if (ignore) console.log("room_stream_test: nats-server is not installed; skipping the NATS tests");

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Waits until `check()` holds, polling every 20 ms, at most `timeoutMs`. */
async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) {
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

Deno.test({
  name: "RoomStream delivers every message to two nodes in the same global order",
  ignore,
  async fn() {
    await using server = await startNatsServer();
    const a = await NatsLink.connect({ servers: [server.url], nodeId: "a" });
    const b = await NatsLink.connect({ servers: [server.url], nodeId: "b" });
    try {
      const streamA = await RoomStream.open(a);
      const streamB = await RoomStream.open(b);
      const seenA: StreamRecord[] = [];
      const seenB: StreamRecord[] = [];
      const followA = streamA.follow((r) => seenA.push(r), { afterSeq: 0 });
      const followB = streamB.follow((r) => seenB.push(r), { afterSeq: 0 });
      // Both nodes publish concurrently to two rooms and private messages.
      const acks = await Promise.all(
        Array.from({ length: 60 }, (_, i) => {
          const stream = i % 2 === 0 ? streamA : streamB;
          const payload = encoder.encode(`m${i}`);
          return i % 5 === 0
            ? stream.publishPrivate("bob", payload)
            : stream.publish(i % 3 === 0 ? "#a.b" : "#lobby", payload);
        }),
      );
      assertEqual(new Set(acks).size, 60, "every publish has its own sequence");
      await until(() => seenA.length === 60 && seenB.length === 60, 5_000, "60 deliveries");
      const order = (seen: StreamRecord[]) =>
        seen.map((r) => `${r.seq}:${decoder.decode(r.payload)}`);
      assertEqual(order(seenA), order(seenB));
      assertEqual(seenA.map((r) => r.seq), [...acks].sort((x, y) => x - y));
      assertEqual(seenA.filter((r) => r.scope === "pm").length, 12);
      assert(seenA.every((r) => r.node === "a" || r.node === "b"));
      assert(seenA.some((r) => r.token === "=23a=2Eb"), "a dotted room stays one token");
      await followA.stop();
      await followB.stop();
    } finally {
      await a.close();
      await b.close();
    }
  },
});

Deno.test({
  name: "RoomStream.publish resolves only once the message is stored, and fails without a stream",
  ignore,
  async fn() {
    await using server = await startNatsServer();
    const a = await NatsLink.connect({ servers: [server.url], nodeId: "a" });
    const b = await NatsLink.connect({ servers: [server.url], nodeId: "b" });
    try {
      const writer = await RoomStream.open(a, { publishTimeoutMs: 1_000 });
      const reader = await RoomStream.open(b);
      for (let i = 0; i < 20; i++) {
        const seq = await writer.publish("#lobby", encoder.encode(`x${i}`));
        // Read straight from the stream through another connection.
        const stored = await reader.get(seq);
        assertEqual(stored === undefined ? undefined : decoder.decode(stored.payload), `x${i}`);
      }
      // A retried publish with the same id is stored once.
      const first = await writer.publish("#lobby", encoder.encode("once"), { msgId: "m-1" });
      const again = await writer.publish("#lobby", encoder.encode("once"), { msgId: "m-1" });
      assertEqual(again, first);
      assertEqual(await reader.lastSeq(), first);
      // Without the stream nothing stores the message, so nothing may be acknowledged.
      const { jetstreamManager } = await import("npm:@nats-io/jetstream@3.4.0");
      await (await jetstreamManager(b.connection)).streams.delete(writer.streamName);
      let refused: unknown;
      try {
        await writer.publish("#lobby", encoder.encode("lost"));
      } catch (error) {
        refused = error;
      }
      assert(refused instanceof Error, "publish without a stream must reject");
    } finally {
      await a.close();
      await b.close();
    }
  },
});

Deno.test({
  name: "RoomStream.history returns the last N messages of one room, oldest first",
  ignore,
  async fn() {
    await using server = await startNatsServer();
    const link = await NatsLink.connect({ servers: [server.url] });
    try {
      const stream = await RoomStream.open(link);
      assertEqual(await stream.history("#lobby", 10), []);
      // Interleave a busy room so that #quiet's messages are spread far apart.
      for (let i = 0; i < 300; i++) {
        await stream.publish(i % 50 === 0 ? "#quiet" : "#busy", encoder.encode(String(i)));
      }
      const quiet = await stream.history("#quiet", 4);
      assertEqual(quiet.map((r) => decoder.decode(r.payload)), ["100", "150", "200", "250"]);
      const all = await stream.history("#QUIET".toLowerCase(), 100);
      assertEqual(all.length, 6);
      const busy = await stream.history("#busy", 3);
      assertEqual(busy.map((r) => decoder.decode(r.payload)), ["297", "298", "299"]);
      assert(busy[0].seq < busy[1].seq && busy[1].seq < busy[2].seq);
      assertEqual(await stream.history("#busy", 0), []);
      await stream.publishPrivate("bob", encoder.encode("psst"));
      assertEqual((await stream.privateHistory("bob", 5)).map((r) => decoder.decode(r.payload)), [
        "psst",
      ]);
      assertEqual(await stream.history("#nobody", 5), []);
    } finally {
      await link.close();
    }
  },
});

Deno.test({
  name:
    "RoomStream maps the per-room limit to the stream and a restarted node resumes after a sequence",
  ignore,
  async fn() {
    await using server = await startNatsServer();
    const link = await NatsLink.connect({ servers: [server.url] });
    try {
      const stream = await RoomStream.open(link, { maxPerSubject: 5, maxAgeMs: 60_000 });
      for (let i = 0; i < 12; i++) await stream.publish("#lobby", encoder.encode(String(i)));
      await stream.publish("#other", encoder.encode("o"));
      const kept = await stream.history("#lobby", 100);
      assertEqual(kept.map((r) => decoder.decode(r.payload)), ["7", "8", "9", "10", "11"]);
      assertEqual(await stream.get(1), undefined, "the oldest was dropped by retention");
      const seen: number[] = [];
      const follower = stream.follow((r) => seen.push(r.seq), { afterSeq: 10 });
      await until(() => seen.length === 3, 5_000, "3 deliveries");
      assertEqual(seen, [11, 12, 13]);
      await follower.stop();
    } finally {
      await link.close();
    }
  },
});
