import { ClusterRegistry } from "../../../server/cluster/cluster_registry.ts";
import { NatsLink } from "../../../server/cluster/nats_link.ts";
import { assert, assertEqual } from "../../_helpers/assert.ts";
import { spawnLines } from "../../_helpers/line_process.ts";
import { natsServerAvailable, startNatsServer } from "../../_helpers/nats_server.ts";

const ignore = !natsServerAvailable;
if (ignore) {
  console.log("cluster_registry_test: nats-server is not installed; skipping the NATS tests");
}

async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) {
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

Deno.test({
  name: "ClusterRegistry lets exactly one of two nodes win each racing nick claim",
  ignore,
  async fn() {
    await using server = await startNatsServer();
    const a = await NatsLink.connect({ servers: [server.url], nodeId: "a" });
    const b = await NatsLink.connect({ servers: [server.url], nodeId: "b" });
    const ra = await ClusterRegistry.open(a, { heartbeatMs: 500 });
    const rb = await ClusterRegistry.open(b, { heartbeatMs: 500 });
    try {
      const nicks = Array.from({ length: 30 }, (_, i) => `user${i}`);
      const results = await Promise.all(
        nicks.map((nick, i) =>
          // Same nick in different case and width on the two nodes: one key.
          Promise.all([ra.claim(nick), rb.claim(i % 2 === 0 ? nick.toUpperCase() : nick)])
        ),
      );
      for (const [i, [wonA, wonB]] of results.entries()) {
        assert(wonA !== wonB, `${nicks[i]}: a=${wonA} b=${wonB}, exactly one must win`);
      }
      const ownedA = ra.owned().length;
      assertEqual(ownedA + rb.owned().length, 30);
      // A taken nick stays taken for the other node, and is idempotent for the owner.
      const holder = results[0][0] ? ra : rb;
      const other = holder === ra ? rb : ra;
      assertEqual(await other.claim("USER0"), false);
      assertEqual(await holder.claim("user0"), true);
      assertEqual((await other.lookup("user0"))?.node, holder === ra ? "a" : "b");
      await until(() => other.owner("user0") !== undefined, 2_000, "the mirror to see user0");
      // Released on leave: the other node can take it at once.
      assertEqual(await other.release("user0"), false, "only the owner releases");
      assertEqual(await holder.release("user0"), true);
      assertEqual(await other.claim("user0"), true);
      assertEqual((await ra.liveNodes()).sort(), ["a", "b"]);
      // A graceful close frees everything the node held.
      await ra.close();
      assertEqual(await rb.claim("user1"), true);
      assertEqual((await rb.liveNodes()).sort(), ["b"]);
    } finally {
      await ra.close();
      await rb.close();
      await a.close();
      await b.close();
    }
  },
});

Deno.test({
  name: "ClusterRegistry frees the nicks of a SIGKILLed node within TTL plus one heartbeat",
  ignore,
  async fn() {
    await using server = await startNatsServer();
    const heartbeatMs = 300;
    const node = spawnLines(Deno.execPath(), [
      "run",
      "--allow-all",
      new URL("../../_helpers/cluster_node_process.ts", import.meta.url).pathname,
      server.url,
      "doomed",
      String(heartbeatMs),
      "carol",
      "dave",
    ]);
    const link = await NatsLink.connect({ servers: [server.url], nodeId: "survivor" });
    const registry = await ClusterRegistry.open(link, { heartbeatMs });
    try {
      await node.waitFor("claimed carol dave", 15_000);
      assertEqual(await registry.claim("carol"), false, "a live node's nick is not taken");
      assertEqual((await registry.lookup("dave"))?.node, "doomed");

      await node.stop("SIGKILL");
      const killed = Date.now();
      assertEqual(await registry.claim("carol"), false, "still taken right after the kill");
      // Sweep alone (no claim attempt) frees both: TTL + one heartbeat + expiry slack.
      const bound = registry.ttlMs + heartbeatMs + 1_500;
      await until(
        async () => (await registry.lookup("dave")) === undefined,
        bound,
        "dave to be freed",
      );
      const took = Date.now() - killed;
      assert(took >= registry.ttlMs - heartbeatMs - 100, `freed after ${took} ms, before the TTL`);
      assertEqual(await registry.lookup("carol"), undefined);
      assertEqual(await registry.claim("carol"), true);
      assertEqual(await registry.liveNodes(), ["survivor"]);
    } finally {
      await node.stop("SIGKILL");
      await registry.close();
      await link.close();
    }
  },
});

Deno.test({
  name: "ClusterRegistry takes over a dead node's nick on claim, before any sweep",
  ignore,
  async fn() {
    await using server = await startNatsServer();
    const a = await NatsLink.connect({ servers: [server.url], nodeId: "a" });
    const ra = await ClusterRegistry.open(a, { heartbeatMs: 200 });
    // A claim left behind by a node that never beat (it has no heartbeat key).
    const { Kvm } = await import("npm:@nats-io/kv@3.4.0");
    const nicks = await new Kvm(a.connection).open("parley_nicks");
    await nicks.create("erin", JSON.stringify({ nick: "erin", node: "ghost", ts: 0 }));
    try {
      assertEqual(await ra.claim("Erin"), true);
      assertEqual((await ra.lookup("erin"))?.node, "a");
    } finally {
      await ra.close();
      await a.close();
    }
  },
});

Deno.test({
  name: "ClusterRegistry retries a release that failed while NATS was down",
  ignore,
  async fn() {
    await using server = await startNatsServer();
    const link = await NatsLink.connect({ servers: [server.url], nodeId: "a" });
    const registry = await ClusterRegistry.open(link, { heartbeatMs: 200 });
    try {
      assertEqual(await registry.claim("zed"), true);
      await server.stop();
      let failed = false;
      try {
        await registry.release("zed");
      } catch (error) {
        failed = error instanceof Error; // a timeout or a closed-connection error
      }
      assert(failed, "a release without NATS must fail");
      assertEqual(registry.owned(), []);
      await server.restart();
      await link.waitFor("connected", 10_000);
      await until(
        async () => (await registry.lookup("zed").catch(() => "error")) === undefined,
        8_000,
        "the retried release",
      );
    } finally {
      await registry.close();
      await link.close();
    }
  },
});
