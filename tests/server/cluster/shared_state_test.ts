import { NatsLink } from "../../../server/cluster/nats_link.ts";
import { PresenceBus, type PresenceEvent } from "../../../server/cluster/presence_bus.ts";
import { SharedState } from "../../../server/cluster/shared_state.ts";
import type { SharedStateChange } from "../../../server/cluster/shared_records.ts";
import { assertEqual } from "../../_helpers/assert.ts";
import { natsServerAvailable, startNatsServer } from "../../_helpers/nats_server.ts";

const ignore = !natsServerAvailable;
if (ignore) console.log("shared_state_test: nats-server is not installed; skipping the NATS tests");

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
  name: "SharedState shows topics, bans and mutes set on one node to every node",
  ignore,
  async fn() {
    await using server = await startNatsServer();
    const a = await NatsLink.connect({ servers: [server.url], nodeId: "a" });
    const b = await NatsLink.connect({ servers: [server.url], nodeId: "b" });
    try {
      const sa = await SharedState.open(a);
      await sa.setTopic({ room: "#Lobby", topic: "welcome", by: "alice", ts: 1 });
      // A node that starts later loads what is there before open() resolves.
      const sb = await SharedState.open(b);
      assertEqual(sb.topic("#lobby")?.topic, "welcome");
      const changes: SharedStateChange[] = [];
      sb.onChange((change) => changes.push(change));

      await sa.addBan({
        kind: "nick",
        value: "mallory",
        until: null,
        reason: "spam",
        by: "op",
        ts: 2,
      });
      await sa.addMute({ nick: "Trent", until: 99, by: "op", ts: 3 });
      await sa.setTopic({ room: "#lobby", topic: "new", by: "bob", ts: 4 });
      await until(() => changes.length === 3, 3_000, "three changes on node b");
      assertEqual(changes.map((c) => c.kind), ["ban", "mute", "topic"]);
      assertEqual(sb.bans().map((ban) => ban.value), ["mallory"]);
      assertEqual(sb.mute("trent")?.until, 99);
      assertEqual(sb.topic("#LOBBY")?.topic, "new");

      await sa.removeBan("nick", "MALLORY");
      await sa.removeMute("trent");
      await until(() => changes.length === 5, 3_000, "two removals on node b");
      assertEqual(changes.slice(3).map((c) => [c.kind, c.value]), [["ban", undefined], [
        "mute",
        undefined,
      ]]);
      assertEqual(sb.bans(), []);
      assertEqual(sb.mute("trent"), undefined);
      sa.close();
      sb.close();
    } finally {
      await a.close();
      await b.close();
    }
  },
});

Deno.test({
  name: "PresenceBus carries join, away and leave to other nodes and filters a node's own",
  ignore,
  async fn() {
    await using server = await startNatsServer();
    const a = await NatsLink.connect({ servers: [server.url], nodeId: "a" });
    const b = await NatsLink.connect({ servers: [server.url], nodeId: "b" });
    try {
      const busA = new PresenceBus(a);
      const busB = new PresenceBus(b);
      const onB: PresenceEvent[] = [];
      const lobbyOnB: PresenceEvent[] = [];
      const ownOnA: PresenceEvent[] = [];
      busB.subscribe((event) => onB.push(event));
      busB.subscribe((event) => lobbyOnB.push(event), { room: "#LOBBY" });
      busA.subscribe((event) => ownOnA.push(event), { includeOwn: true });
      await busB.flush();
      await busA.flush();
      busA.publish({ type: "join", room: "#lobby", nick: "alice" });
      busA.publish({ type: "away", room: "#a.b", nick: "alice", away: "lunch" });
      busA.publish({ type: "leave", room: "#lobby", nick: "alice", reason: "quit" });
      busB.publish({ type: "join", room: "#lobby", nick: "bob" });
      await busA.flush();
      await busB.flush();
      await until(() => onB.length === 3 && ownOnA.length === 4, 3_000, "presence events");
      assertEqual(onB.map((e) => [e.type, e.room, e.node]), [
        ["join", "#lobby", "a"],
        ["away", "#a.b", "a"],
        ["leave", "#lobby", "a"],
      ]);
      assertEqual(onB[1].away, "lunch");
      assertEqual(lobbyOnB.map((e) => e.type), ["join", "leave"]);
      // Order holds per sender, not across two connections.
      assertEqual(ownOnA.filter((e) => e.node === "a").map((e) => e.type), [
        "join",
        "away",
        "leave",
      ]);
      assertEqual(ownOnA.filter((e) => e.node === "b").map((e) => e.nick), ["bob"]);
      busA.close();
      busB.close();
    } finally {
      await a.close();
      await b.close();
    }
  },
});

Deno.test({
  name: "startClusterNode opens every part and close releases the node's nicks",
  ignore,
  async fn() {
    await using server = await startNatsServer();
    const { startClusterNode } = await import("../../../server/cluster/cluster_node.ts");
    const a = await startClusterNode({ servers: [server.url], nodeId: "a", heartbeatMs: 500 });
    const b = await startClusterNode({ servers: [server.url], nodeId: "b", heartbeatMs: 500 });
    try {
      assertEqual(await a.registry.claim("alice"), true);
      assertEqual(await b.registry.claim("alice"), false);
      const seq = await a.stream.publish("#lobby", new TextEncoder().encode("hi"));
      assertEqual((await b.stream.history("#lobby", 1)).map((r) => r.seq), [seq]);
      await a.close();
      await a.close(); // safe twice
      assertEqual(a.link.state, "closed");
      assertEqual(await b.registry.claim("alice"), true);
    } finally {
      await a.close();
      await b.close();
    }
  },
});
