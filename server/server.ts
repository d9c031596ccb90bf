/**
 * The wiring: a list of transports (TCP, TLS, WebSocket, or any other
 * {@linkcode Transport}) hand their connections to one acceptor, which feeds
 * them to one {@linkcode Hub}.
 *
 * @module
 */

import type { PrometheusMetrics } from "./prometheus_metrics.ts";
import type { MetricsSnapshot } from "./metrics.ts";
import { listenMetrics, type MetricsListener } from "./transport/metrics_listener.ts";
import { formatAddr } from "./guards/host_key.ts";
import { getLogger } from "./log.ts";
import { AddressLimiter } from "./guards/address_limiter.ts";
import { AuthGuard, type AuthGuardOptions } from "./guards/auth_guard.ts";
import type { ConnectionOptions, PeerConnection } from "./transport/peer_connection.ts";
import { Acceptor } from "./transport/acceptor.ts";
import { acquirePacingDoorbell, releasePacingDoorbell } from "./transport/read_pacing.ts";
import { Hub, type HubOptions } from "./chat/hub.ts";
import { listenNodeTls } from "./transport/node_tls_listener.ts";
import type { MediaArchive } from "./storage/media_archive.ts";
import { listenWeb, type WebServer, type WebServerOptions } from "./transport/web_server.ts";
import { HistoryStore } from "./storage/history_store.ts";
import {
  type ConnListener,
  listenTcp,
  listenTcpAllFamilies,
  streamTransport,
} from "./transport/tcp_transport.ts";
import type { Transport } from "./transport/transport.ts";
import { FloodControl } from "./guards/flood_control.ts";
import { FloodLedger } from "./guards/flood_ledger.ts";
import { startMemoryTrim } from "./memory_trim.ts";

export type { AcceptedConn, ConnListener } from "./transport/tcp_transport.ts";
export type { Transport } from "./transport/transport.ts";

const log = getLogger(["parley", "server"]);

/** Longest a client may take to complete the handshake by default, in ms (TLS included). */
export const DEFAULT_HANDSHAKE_TIMEOUT_MS = 10_000;

/** Options for {@linkcode startServer}. */
export interface ServerOptions extends HubOptions, ConnectionOptions, AuthGuardOptions {
  /**
   * The ways in, already listening; the first one's address is `addr`. When
   * given, `hostname`, `port`, `listener`, `tlsCert`/`tlsKey` and `web` are
   * not used to build any. `close()` closes them.
   */
  transports?: Transport[];
  /**
   * Address to bind. `::` takes every interface of both IPv4 and IPv6 (with a
   * second socket on `0.0.0.0` where the system keeps `::` IPv6-only).
   * @default {"0.0.0.0"}
   */
  hostname?: string;
  /**
   * TCP port; 0 lets the OS pick one (read it from `addr`).
   * @default {5003}
   */
  port?: number;
  /** A ready listener to use instead of binding `hostname:port` (tests, TLS). */
  listener?: ConnListener;
  /** PEM certificate chain: serve TLS instead of plain TCP (see `node_tls_listener.ts`). Needs `tlsKey`. */
  tlsCert?: string;
  /** PEM private key for `tlsCert`. */
  tlsKey?: string;
  /**
   * Longest a client may take to send `hello`, in ms.
   * @default {10000}
   */
  handshakeTimeoutMs?: number;
  /**
   * Connections allowed to be mid-handshake at once, beyond `maxClients`,
   * counted over every transport together.
   * @default {256}
   */
  maxPendingHandshakes?: number;
  /**
   * Most connections one address (IPv4 address or IPv6 /64) may hold at once,
   * handshaking or joined.
   * @default {50}
   */
  maxPerAddress?: number;
  /** Aborting it shuts the server down, as `close()` does. */
  signal?: AbortSignal;
  /**
   * Also serve the web client and its WebSocket on this port; off when absent.
   * `hostname`, limits and timeouts default to the TCP server's.
   */
  web?: Partial<WebServerOptions> & { port: number };
  /**
   * SQLite file for history, topics and bans; `":memory:"` keeps nothing
   * across restarts. Ignored when `history` is given.
   * @default {":memory:"}
   */
  dataFile?: string;
  /** Delete messages older than this many days; kept forever when absent. */
  retainDays?: number;
  /** Keep at most this many messages per room; unlimited when absent. */
  retainMessages?: number;
  /**
   * How often retention runs after the start, in ms.
   * @default {3600000}
   */
  retentionIntervalMs?: number;
  /**
   * Prometheus metrics of this server: the hub, connections, guards and
   * storage count into it, and its level gauges sample this server. Off
   * (nothing counted) when absent.
   */
  metrics?: PrometheusMetrics;
  /**
   * Serve `GET /metrics` on this address (needs `metrics`); off when absent.
   * Port 0 picks one (read it from `metricsAddr`).
   */
  metricsListen?: { hostname: string; port: number };
  /**
   * Let several servers on this machine bind the same `port` (and web port),
   * the kernel spreading new connections over them (`SO_REUSEPORT`). Linux
   * only; Deno needs `--unstable-net` for it.
   * @default {false}
   */
  reusePort?: boolean;
}

/** A running server. */
export interface ParleyServer {
  /** The bound address, with the real port. */
  readonly addr: Deno.NetAddr;
  /** The chat, for the admin console and tests. */
  readonly hub: Hub;
  /** Live connections of every transport, handshaking or joined. */
  readonly connections: ReadonlySet<PeerConnection>;
  /** The transports accepting clients. */
  readonly transports: readonly Transport[];
  /** The web client's server when `web` was given. */
  readonly web: WebServer | undefined;
  /** The metrics endpoint's address when `metricsListen` was given. */
  readonly metricsAddr: Deno.NetAddr | undefined;
  /** Resolves once the server has stopped and every socket is closed. */
  readonly finished: Promise<void>;
  /**
   * Sends every client a shutdown notice, flushes their queues, closes the
   * sockets and the listener. Idempotent; resolves like `finished`.
   *
   * @param reason Shown to users in the shutdown notice.
   */
  close(reason?: string): Promise<void>;
}

/**
 * Starts a Parley server: takes `transports`, or builds them from `hostname`,
 * `port`, `listener`, `tlsCert`/`tlsKey` and `web`; accepts connections from
 * every one of them and runs the handshake deadline and heartbeat sweep.
 *
 * @param options See {@linkcode ServerOptions}.
 * @returns The running server; await `finished` after `close()`.
 * @throws {Deno.errors.AddrInUse} If the port is taken.
 * @throws {Deno.errors.PermissionDenied} Without `--allow-net`.
 * @throws {Deno.errors.InvalidData} If `tlsCert`/`tlsKey` are not usable PEM.
 * @throws {TypeError} If `transports` is empty.
 *
 * @example
 * ```ts
 * import { startServer } from "./server.ts";
 * const server = await startServer({ hostname: "127.0.0.1", port: 0 });
 * console.log(server.addr.port);
 * await server.close("bye");
 * ```
 */
export async function startServer(options: ServerOptions = {}): Promise<ParleyServer> {
  // Connections create their flood state lazily; check the options (RangeError) once, here.
  new FloodControl(options, 1, 0);
  // Open the database before binding, so a bad file fails the start and leaves no listener.
  const ownStore = options.history === undefined;
  const history = options.history ??
    new HistoryStore(options.dataFile ?? ":memory:", { metrics: options.metrics });
  // Recordings live beside the messages on the same connection; closing the store closes both.
  const mediaArchive: MediaArchive | undefined = history.persistent
    ? history.mediaArchive
    : undefined;
  const closeStores = () => {
    if (ownStore) history.close();
  };
  const retain = () => {
    history.banList.deleteExpired(Date.now());
    if (options.retainDays !== undefined && mediaArchive) {
      const gone = mediaArchive.deleteOlderThan(Date.now(), options.retainDays * 86_400_000);
      if (gone > 0) log.info("retention deleted {count} recordings", { count: gone });
    }
    if (options.retainDays === undefined && options.retainMessages === undefined) return;
    const deleted = history.enforceRetention({
      now: Date.now(),
      maxAgeMs: options.retainDays === undefined ? undefined : options.retainDays * 86_400_000,
      maxPerRoom: options.retainMessages,
    });
    if (deleted > 0) log.info("retention deleted {count} messages", { count: deleted });
  };
  let transports: Transport[];
  let metricsListener: MetricsListener | undefined;
  try {
    retain();
    transports = options.transports ?? await buildTransports(options);
  } catch (error) {
    closeStores();
    await options.cluster?.close();
    throw error;
  }
  if (options.metrics && options.metricsListen) {
    try {
      metricsListener = listenMetrics(options.metricsListen, options.metrics);
    } catch (error) {
      await Promise.all(transports.map((transport) => transport.close()));
      closeStores();
      if (error instanceof Deno.errors.AddrInUse) {
        const { hostname, port } = options.metricsListen;
        throw new Deno.errors.AddrInUse(`Cannot serve metrics on ${hostname}:${port}: port in use`);
      }
      throw error;
    }
  }
  if (transports.length === 0) {
    closeStores();
    await options.cluster?.close();
    throw new TypeError("Cannot start a server without a transport");
  }
  const stopTrim = startMemoryTrim();
  const retention = setInterval(() => {
    try {
      retain();
    } catch (error) {
      // A locked or full database: try again at the next interval.
      log.error("retention failed: {error}", { error });
    }
  }, options.retentionIntervalMs ?? 3_600_000);
  // One brute-force ledger for every transport and every secret (server and
  // operator passwords, identity proofs).
  const authGuard = new AuthGuard(options, options.now ?? Date.now);
  const hub = new Hub({ ...options, history, mediaArchive, secrets: authGuard.secrets });
  // A queue must hold at least one frame of the largest size, or a media download would
  // disconnect its own requester.
  const connectionOptions: ConnectionOptions = {
    ...options,
    maxQueueBytes: Math.max(options.maxQueueBytes ?? 1_048_576, hub.limits.maxFrameBytes + 65_536),
    authGuard,
    // One flood ledger for every transport: reconnecting does not reset the
    // limits, and an address gets new budgets for about twice the connections
    // it may hold at once, then at the message rate.
    floodLedger: new FloodLedger(options, hub.limits.maxFrameBytes, {
      freshBurst: 2 * (options.maxPerAddress ?? 50),
    }),
  };
  const acceptor = new Acceptor<PeerConnection>({
    maxClients: () => hub.maxClients,
    maxPending: options.maxPendingHandshakes,
    // One per-address cap for every transport.
    addressLimiter: new AddressLimiter(options.maxPerAddress ?? 50),
    handshakeTimeoutMs: options.handshakeTimeoutMs ?? DEFAULT_HANDSHAKE_TIMEOUT_MS,
    heartbeatMs: hub.limits.heartbeatMs,
    now: () => hub.now(),
    closeGraceMs: Math.max(3000, (options.drainTimeoutMs ?? 2000) + 1000),
  });
  if (hub.cluster) {
    // Catch up with the cluster's stream (the local index) before anyone is admitted.
    try {
      await hub.cluster.start();
    } catch (error) {
      clearInterval(retention);
      stopTrim();
      await hub.cluster.close();
      await Promise.all(transports.map((transport) => transport.close()));
      closeStores();
      throw error;
    }
    const { link } = hub.cluster.node;
    options.metrics?.clusterState(link.state);
    if (options.metrics) link.onState((state) => options.metrics?.clusterState(state));
  }
  // Pacing ticks over loopback rather than a timer while this server runs (see read_pacing.ts).
  await acquirePacingDoorbell();
  const finished = Promise.withResolvers<void>();
  let closing: Promise<void> | undefined;

  const context = { hub, acceptor, options: connectionOptions };
  // Which transport each connection came through, for the metrics' connection gauge.
  const transportOf = new WeakMap<PeerConnection, string>();
  options.metrics?.sampleFrom(() => sampleMetrics(hub, acceptor.connections, transportOf));
  const acceptLoops = transports.map(async (transport) => {
    try {
      for await (const { peer, ticket } of transport.accept(context)) {
        acceptor.add(peer, ticket);
        if (options.metrics) transportOf.set(peer, transport.name);
      }
    } catch (error) {
      log.error("accept loop of {transport} failed: {error}", { transport: transport.name, error });
      void close("internal error");
    }
  });

  function close(reason = "server shutting down"): Promise<void> {
    closing ??= (async () => {
      log.info("server stopping: {reason}", { reason });
      hub.shutdown(reason);
      await acceptor.closeAll(`server shutdown: ${reason}`);
      await Promise.all(transports.map((transport) => transport.close()));
      await metricsListener?.close();
      clearInterval(retention);
      stopTrim();
      await hub.cluster?.close();
      if (ownStore) history.close();
      else history.flush();
      await Promise.all(acceptLoops);
      await releasePacingDoorbell();
      log.info("server stopped");
      finished.resolve();
    })();
    return closing;
  }

  options.signal?.addEventListener("abort", () => void close("server shutting down"), {
    once: true,
  });
  const addr = transports[0].addr;
  const web = transports.find((t): t is WebServer => "scheme" in t);
  log.info("server started on {address}", { address: formatAddr(addr) });
  return {
    addr,
    hub,
    connections: acceptor.connections,
    transports,
    web,
    metricsAddr: metricsListener?.addr,
    finished: finished.promise,
    close,
  };
}

/**
 * The transports `ServerOptions` describe: TCP on `hostname:port` (or the
 * given `listener`), TLS instead when `tlsCert` is set (through `node:tls`,
 * see node_tls_listener.ts for why not `Deno.listenTls`), and the web server
 * when `web` is set. On failure, the ones already bound are closed.
 */
async function buildTransports(options: ServerOptions): Promise<Transport[]> {
  const bind = {
    hostname: options.hostname ?? "0.0.0.0",
    port: options.port ?? 5003,
    reusePort: options.reusePort ?? false,
  };
  let streams: Transport[];
  if (options.listener) streams = [streamTransport(options.listener)];
  else if (options.tlsCert !== undefined) {
    const listener: ConnListener = await listenNodeTls({
      ...bind,
      cert: options.tlsCert,
      key: options.tlsKey ?? "",
      handshakeTimeoutMs: options.handshakeTimeoutMs ?? DEFAULT_HANDSHAKE_TIMEOUT_MS,
    });
    streams = [streamTransport(listener, "tls")];
  } else if (bind.hostname === "::" && !bind.reusePort) {
    streams = listenTcpAllFamilies(bind.port);
  } else streams = [listenTcp(bind)];
  if (!options.web) return streams;
  try {
    const web: WebServerOptions = {
      // Where `::` fell back to IPv4 only (no IPv6 here), the web server follows.
      hostname: bind.hostname === "::" && !options.listener && options.tlsCert === undefined
        ? streams[0].addr.hostname
        : options.hostname,
      // With --tls-cert/--tls-key the web side is HTTPS/WSS too: browsers allow
      // the microphone and camera only on HTTPS (or localhost).
      ...(options.tlsCert !== undefined ? { cert: options.tlsCert, key: options.tlsKey } : {}),
      ...options.web,
      reusePort: options.reusePort,
    };
    return [...streams, await listenWeb(web)];
  } catch (error) {
    await Promise.all(streams.map((stream) => stream.close()));
    throw error;
  }
}

/** The levels the metrics sample at each scrape. */
function sampleMetrics(
  hub: Hub,
  connections: ReadonlySet<PeerConnection>,
  transportOf: WeakMap<PeerConnection, string>,
): MetricsSnapshot {
  const byTransport: Record<string, number> = {};
  let queueBytes = 0;
  for (const peer of connections) {
    const name = transportOf.get(peer) ?? "unknown";
    byTransport[name] = (byTransport[name] ?? 0) + 1;
    queueBytes += peer.queuedBytes;
  }
  let rooms = 0;
  for (const _ of hub.rooms()) rooms++;
  return { connections: byTransport, users: hub.size, rooms, queueBytes };
}
