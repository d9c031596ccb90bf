/**
 * The browser side of `parley serve --http PORT` (issue 7): serves the
 * embedded web client and a WebSocket endpoint (`/ws`) that feeds the same
 * {@linkcode Hub} as TCP, with the same handshake deadline and heartbeats.
 *
 * @module
 */

import { formatAddr } from "../guards/host_key.ts";
import { startLivenessSweep } from "./liveness_sweep.ts";
import type { AddressLimiter } from "../guards/address_limiter.ts";
import { getLogger } from "../log.ts";

import { WEB_ASSETS } from "../../web/assets.ts";
import type { ConnectionOptions } from "./connection.ts";
import type { Hub } from "../chat/hub.ts";
import { WsConnection } from "./ws_connection.ts";

const log = getLogger(["parley", "server"]);

/** The path of the WebSocket endpoint. */
export const WS_PATH = "/ws";

/**
 * The Content-Security-Policy of every response: scripts and styles only from
 * this server's own files (no inline script, no `eval`), media from `blob:`
 * URLs the page makes, connections only back to this server.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "media-src 'self' blob:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

const SECURITY_HEADERS: Record<string, string> = {
  "content-security-policy": CONTENT_SECURITY_POLICY,
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
  "cross-origin-opener-policy": "same-origin",
  "permissions-policy": "camera=(self), microphone=(self), geolocation=()",
};

/** Options for {@linkcode startWebServer}. */
export interface WebServerOptions extends ConnectionOptions {
  /**
   * Address to bind.
   * @default {"0.0.0.0"}
   */
  hostname?: string;
  /** HTTP port; 0 lets the OS pick one (read it from `addr`). */
  port: number;
  /**
   * Origins allowed to open the WebSocket besides the page's own
   * (e.g. `"https://chat.example.org"`); `"*"` allows any. Requests without
   * an `Origin` header (non-browser clients) are allowed.
   * @default {[]}
   */
  allowedOrigins?: string[];
  /** PEM certificate chain; with `key`, the server speaks HTTPS and WSS. */
  cert?: string;
  /** PEM private key for `cert`. */
  key?: string;
  /**
   * Longest a client may take to send `hello`, in ms.
   * @default {10000}
   */
  handshakeTimeoutMs?: number;
  /**
   * WebSockets allowed to be mid-handshake at once, beyond `hub.maxClients`.
   * @default {256}
   */
  maxPendingHandshakes?: number;
  /**
   * The per-address connection cap shared with the TCP listener, so one
   * address cannot get around it by switching transports; none when absent.
   */
  addressLimiter?: AddressLimiter;
}

/** A running web server. */
export interface WebServer {
  /** The bound address, with the real port. */
  readonly addr: Deno.NetAddr;
  /** `http` or `https`. */
  readonly scheme: "http" | "https";
  /** Live WebSocket connections. */
  readonly connections: ReadonlySet<WsConnection>;
  /** Resolves once the server has stopped. */
  readonly finished: Promise<void>;
  /**
   * Closes WebSockets still in handshake, waits (bounded) for the others,
   * and stops listening. Idempotent. Call `hub.shutdown()` first to say goodbye.
   */
  close(): Promise<void>;
}

/**
 * Whether a WebSocket request's `Origin` may connect: absent (not a browser),
 * the page's own origin (same scheme and host), or listed in `allowed`.
 *
 * @param origin The `Origin` header, or `null`.
 * @param host The `Host` header the request was sent to, or `null`.
 * @param scheme This server's scheme.
 * @param allowed Extra allowed origins; `"*"` allows any.
 */
export function originAllowed(
  origin: string | null,
  host: string | null,
  scheme: "http" | "https",
  allowed: readonly string[],
): boolean {
  if (origin === null) return true;
  if (allowed.includes("*")) return true;
  let url: URL;
  try {
    url = new URL(origin);
  } catch (error) {
    if (error instanceof TypeError) return false;
    throw error;
  }
  if (allowed.some((a) => a.replace(/\/+$/, "").toLowerCase() === url.origin.toLowerCase())) {
    return true;
  }
  return host !== null && url.protocol === `${scheme}:` && url.host === host.toLowerCase();
}

/**
 * Starts the web server on its own port, sharing `hub` with the TCP server.
 *
 * @param hub The chat.
 * @param options See {@linkcode WebServerOptions}.
 * @returns The running server.
 * @throws {Deno.errors.AddrInUse} If the port is taken.
 *
 * @example
 * ```ts
 * import { Hub } from "../chat/hub.ts";
 * import { startWebServer } from "./web_server.ts";
 * const web = startWebServer(new Hub(), { hostname: "127.0.0.1", port: 0 });
 * console.log(`http://127.0.0.1:${web.addr.port}/`);
 * await web.close();
 * ```
 */
export function startWebServer(hub: Hub, options: WebServerOptions): WebServer {
  const scheme = options.cert && options.key ? "https" : "http";
  const allowed = options.allowedOrigins ?? [];
  const connections = new Set<WsConnection>();
  const handshakeTimeoutMs = options.handshakeTimeoutMs ?? 10_000;
  const maxPending = options.maxPendingHandshakes ?? 256;
  const heartbeatMs = hub.limits.heartbeatMs;
  const connectionOptions: ConnectionOptions = {
    ...options,
    maxQueueBytes: Math.max(options.maxQueueBytes ?? 1_048_576, hub.limits.maxFrameBytes + 65_536),
  };
  let accepting = true;

  const handler = (request: Request, info: Deno.ServeHandlerInfo<Deno.NetAddr>): Response => {
    const url = new URL(request.url);
    if (url.pathname === WS_PATH) return upgrade(request, info);
    if (request.method !== "GET" && request.method !== "HEAD") {
      return respond(405, "Method not allowed", "text/plain; charset=utf-8", {
        allow: "GET, HEAD",
      });
    }
    const asset = WEB_ASSETS[url.pathname];
    if (!asset) return respond(404, "Not found", "text/plain; charset=utf-8");
    return respond(200, request.method === "HEAD" ? null : asset.body, asset.type);
  };

  const upgrade = (request: Request, info: Deno.ServeHandlerInfo<Deno.NetAddr>): Response => {
    const address = formatAddr(info.remoteAddr);
    if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") {
      return respond(426, "Expected a WebSocket upgrade", "text/plain; charset=utf-8");
    }
    const origin = request.headers.get("origin");
    if (!originAllowed(origin, request.headers.get("host"), scheme, allowed)) {
      log.warn("refused websocket from {address}: origin {origin} not allowed", {
        address,
        origin,
      });
      return respond(403, "Origin not allowed", "text/plain; charset=utf-8");
    }
    if (!accepting || connections.size >= hub.maxClients + maxPending) {
      log.warn("refused websocket from {address}: too many connections", { address });
      return respond(503, "Server has too many connections", "text/plain; charset=utf-8");
    }
    const addressKey = options.addressLimiter?.acquire(address);
    if (options.addressLimiter && addressKey === undefined) {
      log.warn("refused websocket from {address}: more than {max} connections from this address", {
        address,
        max: options.addressLimiter.max,
      });
      return respond(429, "Too many connections from your address", "text/plain; charset=utf-8");
    }
    const { socket, response } = Deno.upgradeWebSocket(request);
    const conn = new WsConnection(socket, address, hub, connectionOptions);
    connections.add(conn);
    void conn.closed.then(() => {
      connections.delete(conn);
      if (addressKey !== undefined) options.addressLimiter!.release(addressKey);
    });
    return response;
  };

  const server = Deno.serve({
    hostname: options.hostname ?? "0.0.0.0",
    port: options.port,
    ...(scheme === "https" ? { cert: options.cert, key: options.key } : {}),
    onListen: () => {},
    onError: (error) => {
      log.error("web request failed: {error}", { error });
      return respond(500, "Internal error", "text/plain; charset=utf-8");
    },
  }, handler);

  const stopSweep = startLivenessSweep(connections, {
    handshakeTimeoutMs,
    heartbeatMs,
    now: () => hub.now(),
  });

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      accepting = false;
      for (const conn of connections) conn.close("server shutdown");
      const settled = Promise.all([...connections].map((c) => c.closed));
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<void>((resolve) => timer = setTimeout(resolve, 3000));
      await Promise.race([settled, timeout]);
      clearTimeout(timer);
      for (const conn of connections) conn.abort("server shutdown");
      stopSweep();
      await server.shutdown();
    })();
    return closing;
  };

  const addr = server.addr as Deno.NetAddr;
  log.info("web client on {scheme}://{address}", {
    scheme,
    address: `${addr.hostname}:${addr.port}`,
  });
  return { addr, scheme, connections, finished: server.finished, close };
}

function respond(
  status: number,
  body: string | null,
  type: string,
  extra: Record<string, string> = {},
): Response {
  return new Response(body, {
    status,
    headers: { ...SECURITY_HEADERS, "content-type": type, "cache-control": "no-cache", ...extra },
  });
}
