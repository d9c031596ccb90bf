/**
 * The browser side of `parley serve --http PORT`: serves the embedded web
 * client, and a WebSocket endpoint (`/ws`) that is one more
 * {@linkcode Transport}: its connections go through the same acceptor (caps,
 * handshake deadline, heartbeats) into the same hub as TCP.
 *
 * @module
 */

import { formatAddr } from "../guards/host_key.ts";
import { getLogger } from "../log.ts";
import { WEB_ASSETS } from "../../web/assets.ts";
import type { Admitted, Transport, TransportContext } from "./transport.ts";
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

/** Options for {@linkcode listenWeb}. */
export interface WebServerOptions {
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
}

/** A running web server: a {@linkcode Transport} for WebSocket clients. */
export interface WebServer extends Transport {
  /** `http` or `https`. */
  readonly scheme: "http" | "https";
  /** Resolves once the HTTP server has stopped. */
  readonly finished: Promise<void>;
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
 * Starts the web server on its own port. WebSocket upgrades are answered 503
 * until the server iterates {@linkcode Transport.accept}.
 *
 * @param options See {@linkcode WebServerOptions}.
 * @returns The listening server.
 * @throws {Deno.errors.AddrInUse} If the port is taken.
 *
 * @example
 * ```ts
 * import { listenWeb } from "./web_server.ts";
 * const web = listenWeb({ hostname: "127.0.0.1", port: 0 });
 * console.log(`http://127.0.0.1:${web.addr.port}/`);
 * await web.close();
 * ```
 */
export function listenWeb(options: WebServerOptions): WebServer {
  const scheme = options.cert && options.key ? "https" : "http";
  const allowed = options.allowedOrigins ?? [];
  let context: TransportContext | undefined;
  let stopped = false;
  /** Upgraded connections not yet taken by the iterator, and the iterator's wait. */
  const ready: Admitted[] = [];
  let wake: (() => void) | undefined;

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
    const admission = stopped || !context ? "closing" : context.acceptor.admit(address);
    if (admission === "closing" || admission === "full") {
      log.warn("refused websocket from {address}: too many connections", { address });
      return respond(503, "Server has too many connections", "text/plain; charset=utf-8");
    }
    if (admission === "address") {
      log.warn("refused websocket from {address}: more than {max} connections from this address", {
        address,
        max: context!.acceptor.maxPerAddress,
      });
      return respond(429, "Too many connections from your address", "text/plain; charset=utf-8");
    }
    const { socket, response } = Deno.upgradeWebSocket(request);
    const conn = new WsConnection(socket, address, context!.hub, context!.options);
    ready.push({ peer: conn, ticket: admission });
    wake?.();
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

  let closing: Promise<void> | undefined;
  const addr = server.addr as Deno.NetAddr;
  log.info("web client on {scheme}://{address}", {
    scheme,
    address: `${addr.hostname}:${addr.port}`,
  });
  return {
    name: "websocket",
    addr,
    scheme,
    finished: server.finished,
    async *accept(given: TransportContext): AsyncGenerator<Admitted> {
      context = given;
      while (!stopped) {
        const next = ready.shift();
        if (next) {
          yield next;
          continue;
        }
        const { promise, resolve } = Promise.withResolvers<void>();
        wake = resolve;
        await promise;
        wake = undefined;
      }
    },
    close(): Promise<void> {
      closing ??= (async () => {
        stopped = true;
        wake?.();
        // Upgraded but never handed over: nobody else will close them.
        for (const { peer, ticket } of ready.splice(0)) {
          peer.abort("server shutdown", "shutdown");
          context?.acceptor.release(ticket);
        }
        await server.shutdown();
      })();
      return closing;
    },
  };
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
