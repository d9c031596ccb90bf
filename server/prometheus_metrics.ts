/**
 * {@linkcode ServerMetrics} as Prometheus metrics, through the maintained
 * `prom-client` library (its text exposition format, registry and
 * histograms). Counters are pushed by the server; levels are sampled from a
 * callback at each scrape, so idle servers do no metrics work.
 *
 * @module
 */

import client from "npm:prom-client@15.1.3";
import type { ClusterLinkState, MetricsSnapshot, ServerMetrics } from "./metrics.ts";

/** The values of `parley_cluster_link_state`. */
const LINK_STATES: Record<ClusterLinkState, number> = {
  connected: 1,
  reconnecting: 0.5,
  disconnected: 0,
  closed: -1,
};

/** Buckets of the latency histograms, in seconds (0.5 ms to 10 s). */
const LATENCY_BUCKETS = [
  0.0005,
  0.001,
  0.0025,
  0.005,
  0.01,
  0.025,
  0.05,
  0.1,
  0.25,
  0.5,
  1,
  2.5,
  5,
  10,
];

/**
 * Prometheus metrics of one node, in their own registry (several servers in
 * one process, as in tests, do not share counters).
 *
 * @example
 * ```ts
 * import { PrometheusMetrics } from "./prometheus_metrics.ts";
 * const metrics = new PrometheusMetrics();
 * metrics.received();
 * const text = await metrics.text();
 * text.includes("parley_messages_received_total 1"); // true
 * ```
 */
export class PrometheusMetrics implements ServerMetrics {
  /** The registry, for callers that add their own metrics. */
  readonly registry: client.Registry = new client.Registry();
  #sample: (() => MetricsSnapshot) | undefined;
  readonly #received: client.Counter;
  readonly #delivered: client.Counter;
  readonly #slow: client.Counter;
  readonly #flood: client.Counter;
  readonly #auth: client.Counter;
  readonly #ack: client.Histogram;
  readonly #commit: client.Histogram;
  readonly #link: client.Gauge;

  constructor() {
    const registers = [this.registry];
    const sample = () => this.#sample?.();
    let last: MetricsSnapshot | undefined;
    // One sample per scrape, shared by the level gauges below (collect runs per gauge).
    const snapshot = (first: boolean) => {
      if (first || last === undefined) last = sample();
      return last;
    };
    new client.Gauge({
      name: "parley_connections",
      help: "Open connections, handshaking or joined, by transport",
      labelNames: ["transport"],
      registers,
      collect() {
        this.reset();
        const s = snapshot(true);
        if (!s) return;
        for (const [transport, count] of Object.entries(s.connections)) {
          this.set({ transport }, count);
        }
      },
    });
    new client.Gauge({
      name: "parley_users",
      help: "Users joined",
      registers,
      collect() {
        this.set(snapshot(false)?.users ?? 0);
      },
    });
    new client.Gauge({
      name: "parley_rooms",
      help: "Rooms that exist",
      registers,
      collect() {
        this.set(snapshot(false)?.rooms ?? 0);
      },
    });
    new client.Gauge({
      name: "parley_queue_bytes",
      help: "Bytes waiting in all outbound queues",
      registers,
      collect() {
        this.set(snapshot(false)?.queueBytes ?? 0);
      },
    });
    this.#received = new client.Counter({
      name: "parley_messages_received_total",
      help: "Client messages taken after the handshake",
      registers,
    });
    this.#delivered = new client.Counter({
      name: "parley_messages_delivered_total",
      help: "Frames handed to members by room fanouts",
      registers,
    });
    this.#slow = new client.Counter({
      name: "parley_slow_consumer_drops_total",
      help: "Connections closed because their outbound queue overflowed",
      registers,
    });
    this.#flood = new client.Counter({
      name: "parley_flood_refusals_total",
      help: "Client messages refused by flood control",
      registers,
    });
    this.#auth = new client.Counter({
      name: "parley_auth_failures_total",
      help: "Wrong passwords and failed identity proofs",
      registers,
    });
    this.#ack = new client.Histogram({
      name: "parley_ack_latency_seconds",
      help: "Time from a message's server timestamp to its ack (after storage)",
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.#commit = new client.Histogram({
      name: "parley_storage_commit_seconds",
      help: "Time of one storage group commit",
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.#link = new client.Gauge({
      name: "parley_cluster_link_state",
      help: "Cluster bus link: 1 connected, 0.5 reconnecting, 0 disconnected, -1 closed; " +
        "absent when not clustered",
      registers,
    });
    // Absent until a cluster reports a state, so a single-process node shows no link.
    this.registry.removeSingleMetric("parley_cluster_link_state");
  }

  /**
   * Sets where the level gauges come from (the running server).
   *
   * @param sample Called once per scrape.
   */
  sampleFrom(sample: () => MetricsSnapshot): void {
    this.#sample = sample;
  }

  /** The `Content-Type` of {@linkcode PrometheusMetrics.text}. */
  get contentType(): string {
    return this.registry.contentType;
  }

  /**
   * The metrics in Prometheus' text exposition format.
   *
   * @returns The text of one scrape.
   */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  /** Answers a scrape: the metrics as text, 200. */
  async response(): Promise<Response> {
    return new Response(await this.text(), {
      headers: { "content-type": this.contentType, "cache-control": "no-store" },
    });
  }

  received(): void {
    this.#received.inc();
  }

  delivered(count: number): void {
    if (count > 0) this.#delivered.inc(count);
  }

  slowConsumerDropped(): void {
    this.#slow.inc();
  }

  floodRefused(): void {
    this.#flood.inc();
  }

  authFailed(): void {
    this.#auth.inc();
  }

  acked(ms: number): void {
    this.#ack.observe(Math.max(0, ms) / 1000);
  }

  committed(ms: number): void {
    this.#commit.observe(Math.max(0, ms) / 1000);
  }

  clusterState(state: ClusterLinkState): void {
    if (this.registry.getSingleMetric("parley_cluster_link_state") === undefined) {
      this.registry.registerMetric(this.#link);
    }
    this.#link.set(LINK_STATES[state]);
  }
}
