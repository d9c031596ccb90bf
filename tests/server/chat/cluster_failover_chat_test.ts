/**
 * Two Parley nodes on a three-server NATS cluster (replicas 3): one NATS
 * server, the message stream's leader, is killed with SIGKILL while a user
 * sends; nothing acknowledged is lost or shown twice.
 */

import { jetstreamManager } from "npm:@nats-io/jetstream@3.4.0";
import type { ServerMessage } from "../../../protocol/messages.ts";
import { startClusterNode } from "../../../server/cluster/cluster_node.ts";
import { type ParleyServer, startServer } from "../../../server/server.ts";
import { assert, assertEqual } from "../../_helpers/assert.ts";
import { natsServerAvailable, startNatsCluster } from "../../_helpers/nats_server.ts";
import { RawClient } from "../../_helpers/raw_client.ts";

const ignore = !natsServerAvailable;
if (ignore) {
  console.log("cluster_failover_chat_test: nats-server is not installed; skipping the NATS tests");
}

async function startNode(urls: string[], nodeId: string): Promise<ParleyServer> {
  const cluster = await startClusterNode({
    servers: urls,
    name: "fo",
    nodeId,
    replicas: 3,
    // Longer than a failover, so that no node is taken for dead meanwhile.
    heartbeatMs: 4_000,
    publishTimeoutMs: 1_000,
  });
  return await startServer({ hostname: "127.0.0.1", port: 0, cluster });
}

Deno.test({
  name:
    "cluster: the stream leader's NATS server killed mid-traffic loses and repeats nothing acked",
  ignore,
  async fn() {
    await using nats = await startNatsCluster();
    const a = await startNode(nats.urls, "a");
    const b = await startNode(nats.urls, "b");
    try {
      const ann = await RawClient.join(a.addr.port, "ann");
      const bob = await RawClient.join(b.addr.port, "bob");
      await bob.next((m) => m.type === "join" && m.nick === "ann" || m.type === "welcome");
      const jsm = await jetstreamManager(a.hub.cluster!.node.link.connection);
      const info = await jsm.streams.info(a.hub.cluster!.node.stream.streamName);
      const victim = nats.servers.find((_, i) => `s${i}` === info.cluster?.leader);
      assert(victim !== undefined, `stream leader ${info.cluster?.leader} is one of ours`);
      const total = 40;
      const refs: number[] = [];
      for (let i = 0; i < total; i++) {
        if (i === 10) await victim.stop("SIGKILL");
        refs.push(await ann.say(`m${i}`));
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const answers = await Promise.all(
        refs.map((ref) =>
          ann.next((m) => (m.type === "ack" || m.type === "error") && m.ref === ref, 30_000)
        ),
      );
      const acked = new Map<number, string>();
      for (const [i, answer] of answers.entries()) {
        if (answer.type === "ack") acked.set(answer.id, `m${i}`);
        else {assert(
            answer.type === "error" && answer.code === "unavailable",
            JSON.stringify(answer),
          );}
      }
      assert(acked.size >= total - 5, `most lines were acknowledged (${acked.size})`);
      const lines = () =>
        bob.received.filter((m): m is Extract<ServerMessage, { type: "msg" }> => m.type === "msg");
      const deadline = Date.now() + 20_000;
      while (
        Date.now() < deadline &&
        !([...acked.keys()].every((id) => lines().some((m) => m.id === id)))
      ) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const seen = lines();
      for (const [id, text] of acked) {
        const copies = seen.filter((m) => m.id === id);
        assertEqual(copies.length, 1, `acknowledged ${text} (${id}) shown once`);
        assertEqual(copies[0].text, text);
      }
      assertEqual(new Set(seen.map((m) => m.text)).size, seen.length, "no text shown twice");
      assertEqual(seen.map((m) => m.id), [...seen.map((m) => m.id)].sort((x, y) => x - y));
      ann.close();
      bob.close();
    } finally {
      await Promise.all([a.close("test over"), b.close("test over")]);
    }
  },
});
