import { assert, assertEqual } from "../_helpers/assert.ts";
import { RawClient } from "../_helpers/raw_client.ts";
import { startServer } from "../../server/server.ts";
import { PrometheusMetrics } from "../../server/prometheus_metrics.ts";
import { encodeMessage, PROTOCOL_VERSION } from "../../protocol/messages.ts";

/** The value of one sample line (`name{labels} value`), or undefined when absent. */
function sample(text: string, series: string): number | undefined {
  for (const line of text.split("\n")) {
    if (line.startsWith(series + " ")) return Number(line.slice(series.length + 1));
  }
  return undefined;
}

async function scrape(url: string): Promise<string> {
  const response = await fetch(url);
  assertEqual(response.status, 200);
  assert(response.headers.get("content-type")?.startsWith("text/plain"));
  return await response.text();
}

Deno.test("PrometheusMetrics counts with no server and shows no cluster link until told", async () => {
  const metrics = new PrometheusMetrics();
  metrics.received();
  metrics.delivered(3);
  metrics.delivered(0);
  metrics.acked(2);
  let text = await metrics.text();
  assertEqual(sample(text, "parley_messages_received_total"), 1);
  assertEqual(sample(text, "parley_messages_delivered_total"), 3);
  assertEqual(sample(text, "parley_ack_latency_seconds_count"), 1);
  assert(!text.includes("parley_cluster_link_state"), "a lone node has no cluster link");
  metrics.clusterState("reconnecting");
  metrics.clusterState("connected");
  text = await metrics.text();
  assertEqual(sample(text, "parley_cluster_link_state"), 1);
});

Deno.test("server metrics move with traffic, on --metrics' own port and on the web port", async () => {
  const dir = await Deno.makeTempDir({ prefix: "parley-metrics-" });
  const metrics = new PrometheusMetrics();
  const server = await startServer({
    hostname: "127.0.0.1",
    port: 0,
    dataFile: `${dir}/parley.db`,
    password: "secret",
    authDelayMs: 1,
    floodRate: 1,
    floodBurst: 2,
    floodStrikes: 100,
    metrics,
    metricsListen: { hostname: "127.0.0.1", port: 0 },
    web: { port: 0, metrics },
  });
  try {
    const own = `http://127.0.0.1:${server.metricsAddr!.port}/metrics`;
    const before = await scrape(own);
    assertEqual(sample(before, "parley_messages_delivered_total"), 0);
    assertEqual(sample(before, "parley_users"), 0);

    await using alice = await RawClient.join(server.addr.port, "alice", "secret");
    await using bob = await RawClient.join(server.addr.port, "bob", "secret");
    await using carol = await RawClient.join(server.addr.port, "carol", "secret");
    const ref = await alice.say("hello");
    await alice.next((m) => m.type === "ack" && m.ref === ref);
    await bob.next((m) => m.type === "msg" && m.text === "hello");
    await carol.next((m) => m.type === "msg" && m.text === "hello");
    // Over the burst of 2 per second: refused as rate_limited.
    for (let i = 0; i < 4; i++) await bob.say(`flood ${i}`);
    await bob.next((m) => m.type === "error" && m.code === "rate_limited");
    // A wrong password.
    await using wrong = await RawClient.open(server.addr.port);
    await wrong.send({ type: "hello", nick: "mallory", version: 1, password: "nope" });
    await wrong.next((m) => m.type === "error");

    const text = await scrape(own);
    assertEqual(sample(text, "parley_users"), 3);
    assertEqual(sample(text, "parley_rooms"), 1);
    assertEqual(sample(text, 'parley_connections{transport="tcp"}'), 3);
    assert(sample(text, "parley_queue_bytes")! >= 0);
    assert(sample(text, "parley_messages_received_total")! >= 5, text);
    // "hello" went to bob and carol: one fanout, two deliveries, plus join notices.
    assert(sample(text, "parley_messages_delivered_total")! >= 2, text);
    assert(sample(text, "parley_flood_refusals_total")! >= 1, text);
    assertEqual(sample(text, "parley_auth_failures_total"), 1);
    assert(sample(text, "parley_ack_latency_seconds_count")! >= 1, text);
    assert(sample(text, "parley_storage_commit_seconds_count")! >= 1, text);
    assertEqual(sample(text, "parley_slow_consumer_drops_total"), 0);

    const web = await scrape(`http://127.0.0.1:${server.web!.addr.port}/metrics`);
    assertEqual(sample(web, "parley_users"), 3);
    const missing = await fetch(`http://127.0.0.1:${server.metricsAddr!.port}/other`);
    assertEqual(missing.status, 404);
    await missing.body?.cancel();
  } finally {
    await server.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the web port answers 404 at /metrics unless metrics are given to it", async () => {
  const server = await startServer({
    hostname: "127.0.0.1",
    port: 0,
    metrics: new PrometheusMetrics(),
    web: { port: 0 },
  });
  try {
    const response = await fetch(`http://127.0.0.1:${server.web!.addr.port}/metrics`);
    assert(response.status === 404, `status ${response.status}`);
    await response.body?.cancel();
    assertEqual(server.metricsAddr, undefined);
  } finally {
    await server.close();
  }
});

Deno.test("a client that stops reading is counted as a slow-consumer drop", async () => {
  const metrics = new PrometheusMetrics();
  const server = await startServer({
    hostname: "127.0.0.1",
    port: 0,
    metrics,
    maxQueueBytes: 1,
    floodRate: 1_000_000,
    floodBurst: 1_000_000,
    floodBytesRate: 1_000_000_000,
    floodBytesBurst: 1_000_000_000,
  });
  try {
    await using sender = await RawClient.join(server.addr.port, "sender");
    // Joins and never reads: its socket buffers fill, then its outbound queue.
    const stuck = await Deno.connect({ hostname: "127.0.0.1", port: server.addr.port });
    await stuck.write(encodeMessage({ type: "hello", version: PROTOCOL_VERSION, nick: "stuck" }));
    const joined = Date.now() + 5000;
    while (server.hub.find("stuck") === undefined && Date.now() < joined) {
      await new Promise((r) => setTimeout(r, 10));
    }
    const text = "x".repeat(8000);
    const deadline = Date.now() + 20_000;
    let drops = 0;
    for (let round = 0; drops === 0 && Date.now() < deadline; round++) {
      for (let i = 0; i < 200; i++) await sender.say(text);
      drops = sample(await metrics.text(), "parley_slow_consumer_drops_total") ?? 0;
    }
    assertEqual(drops, 1);
    stuck.close();
  } finally {
    await server.close();
  }
});
