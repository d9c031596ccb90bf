/**
 * Accepts connections from a listener and feeds them to one {@linkcode Hub}.
 *
 * @module
 */

import { formatAddr } from "./guards/host_key.ts";
import { startLivenessSweep } from "./transport/liveness_sweep.ts";
import { getLogger } from "./log.ts";
import { encodeMessage } from "../protocol/messages.ts";
import { AddressLimiter } from "./guards/address_limiter.ts";
import { AuthGuard, type AuthGuardOptions } from "./guards/auth_guard.ts";
import { type ByteStream, Connection, type ConnectionOptions } from "./transport/connection.ts";
import { Hub, type HubOptions } from "./chat/hub.ts";
import { listenNodeTls } from "./transport/node_tls_listener.ts";
import type { MediaArchive } from "./storage/media_archive.ts";
import { startWebServer, type WebServer, type WebServerOptions } from "./transport/web_server.ts";
import { HistoryStore } from "./storage/history_store.ts";
import { raiseListenBacklog } from "./transport/raise_listen_backlog.ts";
import { FloodControl } from "./guards/flood_control.ts";

const log = getLogger(["parley", "server"]);

/** A stream connection a listener yields; `Deno.Conn` and `Deno.TlsConn` fit. */
export interface AcceptedConn extends ByteStream {
  /** The peer's address. */
  readonly remoteAddr: Deno.Addr;
  /** Disables Nagle's algorithm, when the transport has it. */
  setNoDelay?(noDelay?: boolean): void;
}

/** A source of connections; `Deno.Listener` and `Deno.TlsListener` fit. */
export interface ConnListener extends AsyncIterable<AcceptedConn> {
  /** The bound address (with the real port when 0 was asked). */
  readonly addr: Deno.Addr;
  /** Stops accepting; ends the iteration. */
  close(): void;
  /**
   * Waits for the next connection. When present it is used instead of the
   * iterator, so that one failed accept (out of file descriptors) does not end
   * the loop.
   */
  accept?(): Promise<AcceptedConn>;
}

/** Options for {@linkcode startServer}. */
export interface ServerOptions extends HubOptions, ConnectionOptions, AuthGuardOptions {
  /**
   * Address to bind.
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
   * Connections allowed to be mid-handshake at once, beyond `maxClients`.
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
   * Also serve the web client and its WebSocket on this port (issue 7); off when absent.
   * `hostname`, limits and timeouts default to the TCP server's.
   */
  web?: Partial<WebServerOptions> & { port: number };
  // Issue 3 (history):
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
}

/** A running server. */
export interface ParleyServer {
  /** The bound address, with the real port. */
  readonly addr: Deno.NetAddr;
  /** The chat, for the admin console and tests. */
  readonly hub: Hub;
  /** Live connections, handshaking or joined. */
  readonly connections: ReadonlySet<Connection>;
  /** The web client's server when `web` was given (issue 7). */
  readonly web: WebServer | undefined;
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
 * Starts a Parley server: binds (or takes) a listener, accepts connections and
 * runs the handshake deadline and heartbeat sweep.
 *
 * @param options See {@linkcode ServerOptions}.
 * @returns The running server; await `finished` after `close()`.
 * @throws {Deno.errors.AddrInUse} If the port is taken.
 * @throws {Deno.errors.PermissionDenied} Without `--allow-net`.
 * @throws {Deno.errors.InvalidData} If `tlsCert`/`tlsKey` are not usable PEM.
 *
 * @example
 * ```ts
 * import { startServer } from "./server.ts";
 * const server = await startServer({ hostname: "127.0.0.1", port: 0 });
 * console.log(server.addr.port);
 * await server.close("bye");
 * ```
 */
export function startServer(options: ServerOptions = {}): Promise<ParleyServer> {
  const bind = { hostname: options.hostname ?? "0.0.0.0", port: options.port ?? 5003 };
  if (options.tlsCert !== undefined && !options.listener) {
    // Issue 4: TLS through node:tls (see node_tls_listener.ts for why not Deno.listenTls).
    return listenNodeTls({
      ...bind,
      cert: options.tlsCert,
      key: options.tlsKey ?? "",
      handshakeTimeoutMs: options.handshakeTimeoutMs ?? 10_000,
    }).then((listener) => startServer({ ...options, listener }));
  }
  // Connections create their flood state lazily; check the options (RangeError) once, here.
  new FloodControl(options, 1, 0);
  // Open the database before binding, so a bad file fails the start and leaves no listener.
  const ownStore = options.history === undefined;
  const history = options.history ?? new HistoryStore(options.dataFile ?? ":memory:");
  // Recordings live beside the messages on the same connection; closing the store closes both.
  const mediaArchive: MediaArchive | undefined = history.persistent
    ? history.mediaArchive
    : undefined;
  const closeStores = () => {
    if (ownStore) history.close();
  };
  const retain = () => {
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
  let listener: ConnListener;
  try {
    retain();
    listener = options.listener ?? listenTcp(bind);
  } catch (error) {
    closeStores();
    throw error;
  }
  const retention = setInterval(retain, options.retentionIntervalMs ?? 3_600_000);
  const hub = new Hub({ ...options, history, mediaArchive });
  // A queue must hold at least one frame of the largest size, or a media download would
  // disconnect its own requester.
  const connectionOptions: ConnectionOptions = {
    ...options,
    maxQueueBytes: Math.max(options.maxQueueBytes ?? 1_048_576, hub.limits.maxFrameBytes + 65_536),
    // Issue 4: one brute-force ledger for every transport.
    authGuard: new AuthGuard(options, () => hub.now()),
  };
  // One per-address cap for every transport.
  const perAddress = new AddressLimiter(options.maxPerAddress ?? 50);
  let web: WebServer | undefined;
  if (options.web) {
    try {
      web = startWebServer(hub, {
        hostname: options.hostname,
        handshakeTimeoutMs: options.handshakeTimeoutMs,
        maxPendingHandshakes: options.maxPendingHandshakes,
        ...connectionOptions,
        addressLimiter: perAddress,
        // With --tls-cert/--tls-key the web side is HTTPS/WSS too: browsers allow
        // the microphone and camera only on HTTPS (or localhost).
        ...(options.tlsCert !== undefined ? { cert: options.tlsCert, key: options.tlsKey } : {}),
        ...options.web,
      });
    } catch (error) {
      listener.close();
      clearInterval(retention);
      closeStores();
      throw error;
    }
  }
  const connections = new Set<Connection>();
  const handshakeTimeoutMs = options.handshakeTimeoutMs ?? 10_000;
  const maxPending = options.maxPendingHandshakes ?? 256;
  const heartbeatMs = hub.limits.heartbeatMs;
  const finished = Promise.withResolvers<void>();
  let closing: Promise<void> | undefined;
  let accepting = true;

  const stopSweep = startLivenessSweep(connections, {
    handshakeTimeoutMs,
    heartbeatMs,
    now: () => hub.now(),
  });

  const acceptLoop = (async () => {
    try {
      for await (const socket of acceptAll(listener, () => accepting)) {
        const remoteAddr = formatAddr(socket.remoteAddr);
        if (!accepting) {
          socket.close();
          continue;
        }
        try {
          socket.setNoDelay?.(true);
        } catch (error) {
          // The socket may already be gone; the read loop will see that.
          if (!(error instanceof Deno.errors.BadResource)) throw error;
        }
        const conn = new Connection(socket, remoteAddr, hub, connectionOptions);
        if (connections.size >= hub.maxClients + maxPending) {
          log.warn("refused {address}: too many connections", { address: remoteAddr });
          conn.send(encodeMessage({
            type: "error",
            code: "server_full",
            message: "Server has too many connections",
          }));
          conn.close("too many connections");
          continue;
        }
        const addressKey = perAddress.acquire(remoteAddr);
        if (addressKey === undefined) {
          log.warn("refused {address}: {max} connections from that address already", {
            address: remoteAddr,
            max: perAddress.max,
          });
          conn.send(encodeMessage({
            type: "error",
            code: "too_many_connections",
            message: `Too many connections from your address (limit ${perAddress.max})`,
          }));
          conn.close("too many connections from address");
          continue;
        }
        connections.add(conn);
        void conn.run().finally(() => {
          connections.delete(conn);
          perAddress.release(addressKey);
        });
      }
    } catch (error) {
      if (!(error instanceof Deno.errors.BadResource || error instanceof Deno.errors.Interrupted)) {
        log.error("accept loop failed: {error}", { error });
        void close("internal error");
      }
    }
  })();

  function close(reason = "server shutting down"): Promise<void> {
    closing ??= (async () => {
      accepting = false;
      log.info("server stopping: {reason}", { reason });
      try {
        listener.close();
      } catch (error) {
        if (!(error instanceof Deno.errors.BadResource)) throw error;
      }
      hub.shutdown(reason);
      for (const conn of connections) {
        if (conn.inHandshake) conn.close(`server shutdown: ${reason}`);
      }
      await Promise.all([...connections].map((c) => c.closed));
      await web?.close();
      stopSweep();
      clearInterval(retention);
      if (ownStore) history.close();
      else history.flush();
      await acceptLoop;
      log.info("server stopped");
      finished.resolve();
    })();
    return closing;
  }

  options.signal?.addEventListener("abort", () => void close("server shutting down"), {
    once: true,
  });
  const addr = listener.addr as Deno.NetAddr;
  log.info("server started on {address}", { address: formatAddr(addr) });
  return Promise.resolve({ addr, hub, connections, web, finished: finished.promise, close });
}

/**
 * `Deno.listen`, then (issue 5) the accept backlog raised from Deno's fixed 511
 * to 4096 where `--allow-ffi` allows it (see raise_listen_backlog.ts).
 */
function listenTcp(bind: { hostname: string; port: number }): Deno.TcpListener {
  const listener = Deno.listen(bind);
  const result = raiseListenBacklog(listener.addr, LISTEN_BACKLOG);
  if (result.raised) log.debug("accept backlog raised to {backlog}", { backlog: LISTEN_BACKLOG });
  else log.debug("accept backlog stays 511: {reason}", { reason: result.reason });
  return listener;
}

/** Accept backlog asked for, in connections; Linux caps it at `net.core.somaxconn`. */
const LISTEN_BACKLOG = 4096;

/**
 * Yields accepted connections until the listener closes. With `accept()` a
 * failed accept (e.g. out of file descriptors) is logged and retried after a
 * pause growing from 5 ms to 1 s, as Go's `net/http` does, instead of stopping
 * the server.
 *
 * @param listener The listener.
 * @param running Whether to keep accepting.
 */
async function* acceptAll(
  listener: ConnListener,
  running: () => boolean,
): AsyncGenerator<AcceptedConn> {
  if (!listener.accept) {
    yield* listener;
    return;
  }
  let pause = 0;
  while (running()) {
    let socket: AcceptedConn;
    try {
      socket = await listener.accept();
    } catch (error) {
      if (
        error instanceof Deno.errors.BadResource || error instanceof Deno.errors.Interrupted ||
        !running()
      ) return;
      pause = Math.min(1000, pause ? pause * 2 : 5);
      log.warn("accept failed, retrying in {ms} ms: {error}", {
        ms: pause,
        error: (error as Error).message ?? String(error),
      });
      await new Promise((resolve) => setTimeout(resolve, pause));
      continue;
    }
    pause = 0;
    yield socket;
  }
}
