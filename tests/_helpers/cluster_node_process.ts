/**
 * A stand-in cluster node for tests that must kill one with SIGKILL: it
 * connects to NATS, opens the registry, claims the nicks given, prints
 * `claimed <nicks>` and waits to be killed.
 *
 * Usage: `deno run -A cluster_node_process.ts <nats url> <node id> <heartbeat ms> <nick>...`
 *
 * @module
 */

import { ClusterRegistry } from "../../server/cluster/cluster_registry.ts";
import { NatsLink } from "../../server/cluster/nats_link.ts";

if (import.meta.main) {
  const [url, nodeId, heartbeat, ...nicks] = Deno.args;
  const link = await NatsLink.connect({ servers: [url], nodeId });
  const registry = await ClusterRegistry.open(link, { heartbeatMs: Number(heartbeat) });
  const won: string[] = [];
  for (const nick of nicks) if (await registry.claim(nick)) won.push(nick);
  console.log(`claimed ${won.join(" ")}`);
  await new Promise(() => {});
}
