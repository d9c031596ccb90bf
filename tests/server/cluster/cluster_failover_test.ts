import { jetstreamManager } from "npm:@nats-io/jetstream@3.4.0";
import { NatsLink } from "../../../server/cluster/nats_link.ts";
import { RoomStream, type StreamRecord } from "../../../server/cluster/room_stream.ts";
import { assert, assertEqual } from "../../_helpers/assert.ts";
import { natsServerAvailable, startNatsCluster } from "../../_helpers/nats_server.ts";

const ignore = !natsServerAvailable;
if (ignore) {
  console.log("cluster_failover_test: nats-server is not installed; skipping the NATS tests");
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

Deno.test({
  name:
    "RoomStream on a 3-server cluster loses nothing acknowledged when the stream leader is killed mid-publish",
  ignore,
  async fn() {
    await using cluster = await startNatsCluster();
    const link = await NatsLink.connect({ servers: cluster.urls, nodeId: "a", replicas: 3 });
    const other = await NatsLink.connect({ servers: cluster.urls, nodeId: "b", replicas: 3 });
    try {
      const stream = await RoomStream.open(link, { publishTimeoutMs: 1_000 });
      // Node b follows all along, through the failover.
      const before: StreamRecord[] = [];
      const otherStream = await RoomStream.open(other);
      const steady = otherStream.follow((record) => before.push(record), { afterSeq: 0 });
      await steady.ready;
      const jsm = await jetstreamManager(link.connection);
      const info = await jsm.streams.info(stream.streamName);
      assertEqual(info.config.num_replicas, 3);
      const leader = info.cluster?.leader ?? "";
      const victim = cluster.servers.find((_, i) => `s${i}` === leader);
      assert(victim !== undefined, `stream leader ${leader} is one of ours`);

      const acked = new Map<number, string>();
      let failures = 0;
      const total = 120;
      const deadline = Date.now() + 15_000;
      for (let i = 0; i < total; i++) {
        if (i === 40) await victim.stop("SIGKILL");
        const text = `m${i}`;
        // Retry with the same id: at most one copy is stored, whatever the failover did.
        for (;;) {
          try {
            acked.set(await stream.publish("#lobby", encoder.encode(text), { msgId: text }), text);
            break;
          } catch (error) {
            failures++;
            if (Date.now() > deadline) throw error;
            await new Promise((resolve) => setTimeout(resolve, 100));
          }
        }
      }
      assertEqual(acked.size, total);

      // Every acknowledged message is stored, read one by one from the stream.
      for (const [seq, text] of acked) {
        const record = await stream.get(seq);
        assertEqual(
          record && decoder.decode(record.payload),
          text,
          `acknowledged ${text} at ${seq}`,
        );
      }
      // A follower started after the failover and the one that ran through it
      // both see all of them, once each, in order.
      const after: StreamRecord[] = [];
      const late = stream.follow((record) => after.push(record), { afterSeq: 0 });
      const wait = Date.now() + 8_000;
      while ((before.length < total || after.length < total) && Date.now() < wait) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      await late.stop();
      await steady.stop();
      const sorted = [...acked.keys()].sort((x, y) => x - y);
      assertEqual(before.map((r) => r.seq), sorted, `no duplicates (${failures} retried)`);
      assertEqual(after.map((r) => r.seq), sorted);
      assertEqual(new Set(after.map((r) => decoder.decode(r.payload))).size, total);
    } finally {
      await link.close();
      await other.close();
    }
  },
});
