/**
 * Metrics and ping of a clustered node: the link state gauge follows NATS,
 * acks are timed after the stream stored the message, and `ping` names the
 * node and the cluster (real nats-server, in-process servers).
 */

import { assertEqual } from "../_helpers/assert.ts";
import { natsServerAvailable, startNatsServer } from "../_helpers/nats_server.ts";
import { RawClient } from "../_helpers/raw_client.ts";
import { startClusterNode } from "../../server/cluster/cluster_node.ts";
import { startServer } from "../../server/server.ts";
import { PrometheusMetrics } from "../../server/prometheus_metrics.ts";
import { ping } from "../../cli/ping_command.ts";

const ignore = !natsServerAvailable;
if (ignore) console.log("cluster_metrics_test: nats-server is not installed; skipping");

function sample(text: string, series: string): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(series + " "));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

Deno.test({
  name:
    "a cluster node's metrics show the NATS link going down and back, and ping names node and cluster",
  ignore,
  async fn() {
    await using nats = await startNatsServer();
    const metrics = new PrometheusMetrics();
    const cluster = await startClusterNode({
      servers: [nats.url],
      name: "opsmetrics",
      nodeId: "node-m",
      heartbeatMs: 300,
      publishTimeoutMs: 2_000,
    });
    const server = await startServer({ hostname: "127.0.0.1", port: 0, cluster, metrics });
    try {
      assertEqual(sample(await metrics.text(), "parley_cluster_link_state"), 1);
      const result = await ping({ hostname: "127.0.0.1", port: server.addr.port, tls: false });
      assertEqual([result.node, result.cluster], ["node-m", "opsmetrics"]);

      await using alice = await RawClient.join(server.addr.port, "alice");
      const ref = await alice.say("stored first");
      await alice.next((m) => m.type === "ack" && m.ref === ref);
      assertEqual(sample(await metrics.text(), "parley_ack_latency_seconds_count"), 1);

      await nats.stop();
      await until(
        async () => (sample(await metrics.text(), "parley_cluster_link_state") ?? 1) < 1,
        "the link state to leave connected",
      );
      await nats.restart();
      await until(
        async () => sample(await metrics.text(), "parley_cluster_link_state") === 1,
        "the link state to come back",
      );
    } finally {
      await server.close("test over");
    }
  },
});
