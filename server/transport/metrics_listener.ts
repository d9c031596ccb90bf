/**
 * The metrics endpoint on its own address (`serve --metrics HOST:PORT`): an
 * HTTP server that answers `GET /metrics` with the Prometheus text and 404
 * to anything else. It is kept apart from the chat and web ports so that it
 * can be bound to a private interface.
 *
 * @module
 */

import type { PrometheusMetrics } from "../prometheus_metrics.ts";

/** A running metrics endpoint. */
export interface MetricsListener {
  /** The bound address, with the real port. */
  readonly addr: Deno.NetAddr;
  /** Stops the HTTP server; resolves once it has stopped. Idempotent. */
  close(): Promise<void>;
}

/**
 * Serves `/metrics` on `hostname:port`.
 *
 * @param bind Address and port; port 0 lets the OS pick one.
 * @param metrics What to serve.
 * @returns The listening endpoint.
 * @throws {Deno.errors.AddrInUse} If the port is taken.
 *
 * @example
 * ```ts
 * import { PrometheusMetrics } from "../prometheus_metrics.ts";
 * import { listenMetrics } from "./metrics_listener.ts";
 * const endpoint = listenMetrics({ hostname: "127.0.0.1", port: 0 }, new PrometheusMetrics());
 * const response = await fetch(`http://127.0.0.1:${endpoint.addr.port}/metrics`);
 * await response.text();
 * await endpoint.close();
 * ```
 */
export function listenMetrics(
  bind: { hostname: string; port: number },
  metrics: PrometheusMetrics,
): MetricsListener {
  const server = Deno.serve(
    { hostname: bind.hostname, port: bind.port, onListen: () => {} },
    (request) => {
      const path = new URL(request.url).pathname;
      if (path !== "/metrics") return new Response("Not found\n", { status: 404 });
      if (request.method !== "GET" && request.method !== "HEAD") {
        return new Response("Method not allowed\n", { status: 405, headers: { allow: "GET" } });
      }
      return metrics.response();
    },
  );
  let closing: Promise<void> | undefined;
  return {
    addr: server.addr,
    close() {
      closing ??= server.shutdown();
      return closing;
    },
  };
}
