/**
 * The browser side of `parley serve --http PORT`: serves the embedded web
 * client, and a WebSocket endpoint (`/ws`) that is one more
 * {@linkcode Transport}: its connections go through the same acceptor (caps,
 * handshake deadline, heartbeats) into the same hub as TCP.
 *
 * HTTP is served from sockets this module accepts itself (`Deno.listen`, or
 * `node:tls` for HTTPS), not from `Deno.serve`, because in Deno 2.9
 * `Deno.serve` cannot be bounded: a failed accept (out of file descriptors)
 * ends its server for good and rejects `finished`, and a request whose
 * headers never finish is invisible to the handler, so it can neither be
 * timed out nor counted per address. Here every socket is admitted by the
 * acceptor the moment it is accepted (per-address, pending and total caps),
 * its request head must arrive within `headerTimeoutMs`, its response must be
 * written within `requestTimeoutMs`, and each connection carries one request
 * (`Connection: close`), so an idle keep-alive socket cannot linger. A
 * WebSocket upgrade hands the same socket to a {@linkcode StreamWebSocket}.
 *
 * @module
 */

import type { PrometheusMetrics } from "../prometheus_metrics.ts";
import { createHash } from "node:crypto";
import { formatAddr } from "../guards/host_key.ts";
import { getLogger } from "../log.ts";
import { HANDSHAKE_MAX_FRAME_BYTES } from "../../protocol/frame.ts";
import { WEB_ASSETS } from "../../web/assets.ts";
import type { Ticket } from "./acceptor.ts";
import { readRequestHead, type RequestHead } from "./http_request_head.ts";
import { listenNodeTls } from "./node_tls_listener.ts";
import { StreamWebSocket } from "./stream_web_socket.ts";
import { DirectSockets } from "./direct_socket.ts";
import { acceptAll, type AcceptedConn, type ConnListener } from "./tcp_transport.ts";
import type { Admitted, Transport, TransportContext } from "./transport.ts";
import { WsConnection } from "./ws_connection.ts";
import { bracketed, originAllowed, type OriginPolicy } from "./origin_policy.ts";
import { closeQuietly, responseHead, writeWithin } from "./http_response.ts";

export { originAllowed, type OriginPolicy } from "./origin_policy.ts";

const log = getLogger(["parley", "server"]);
const textEncoder = new TextEncoder();

/** The path of the WebSocket endpoint. */
export const WS_PATH = "/ws";

/** RFC 6455's key suffix for `Sec-WebSocket-Accept`. */
const WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

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
   * Extra origins allowed to open the WebSocket (e.g.
   * `"https://chat.example.org"`); `"*"` allows any. Requests without an
   * `Origin` header (non-browser clients) are allowed.
   * @default {[]}
   */
  allowedOrigins?: string[];
  /**
   * Host names and addresses this server is reached by, besides localhost
   * names and the bound address: LAN addresses, the machine's name. A page
   * served from one of them, on this port and scheme, may open the WebSocket.
   * @default {[]}
   */
  serverNames?: string[];
  /**
   * The URL users open when the server is behind a reverse proxy or tunnel
   * (e.g. `"https://chat.example.org/"`); its origin may open the WebSocket.
   */
  publicUrl?: string;
  /** PEM certificate chain; with `key`, the server speaks HTTPS and WSS. */
  cert?: string;
  /** PEM private key for `cert`. */
  key?: string;
  /**
   * Longest a request's head (request line and headers; with HTTPS, the TLS
   * handshake too) may take to arrive, in ms.
   * @default {10000}
   */
  headerTimeoutMs?: number;
  /**
   * Longest a response may take to be written, in ms.
   * @default {30000}
   */
  requestTimeoutMs?: number;
  /**
   * Longest a WebSocket closing handshake may take before the socket is
   * closed anyway, in ms.
   * @default {5000}
   */
  closeTimeoutMs?: number;
  /**
   * Let other processes bind the same port (`SO_REUSEPORT`; Linux, needs
   * `--unstable-net` for plain HTTP).
   * @default {false}
   */
  reusePort?: boolean;
  /** Also answer `GET /metrics` with these metrics; 404 there when absent. */
  metrics?: PrometheusMetrics;
}

/** A running web server: a {@linkcode Transport} for WebSocket clients. */
export interface WebServer extends Transport {
  /** `http` or `https`. */
  readonly scheme: "http" | "https";
  /** Resolves once the HTTP server has stopped. */
  readonly finished: Promise<void>;
}

/**
 * Starts the web server on its own port. Nothing is accepted until the
 * server iterates {@linkcode Transport.accept} (connections wait in the
 * listen backlog).
 *
 * @param options See {@linkcode WebServerOptions}.
 * @returns The listening server.
 * @throws {Deno.errors.AddrInUse} If the port is taken.
 * @throws {Deno.errors.InvalidData} If `cert`/`key` are not usable PEM.
 *
 * @example
 * ```ts
 * import { listenWeb } from "./web_server.ts";
 * const web = await listenWeb({ hostname: "127.0.0.1", port: 0 });
 * console.log(`http://127.0.0.1:${web.addr.port}/`);
 * await web.close();
 * ```
 */
export async function listenWeb(options: WebServerOptions): Promise<WebServer> {
  const scheme = options.cert && options.key ? "https" : "http";
  const hostname = options.hostname ?? "0.0.0.0";
  const headerTimeoutMs = options.headerTimeoutMs ?? 10_000;
  const requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
  const listener: ConnListener = scheme === "https"
    ? await listenNodeTls({
      hostname,
      port: options.port,
      cert: options.cert!,
      key: options.key!,
      handshakeTimeoutMs: headerTimeoutMs,
      reusePort: options.reusePort,
    })
    // reusePort only when asked: Deno exits the process when it is given without --unstable-net.
    : Deno.listen(
      options.reusePort
        ? { hostname, port: options.port, reusePort: true }
        : { hostname, port: options.port },
    );
  const addr = listener.addr as Deno.NetAddr;
  const names = [...(options.serverNames ?? [])];
  if (hostname !== "0.0.0.0" && hostname !== "::") names.push(bracketed(hostname));
  const allowed = [...(options.allowedOrigins ?? [])];
  if (options.publicUrl) allowed.push(new URL(options.publicUrl).origin);
  const policy: OriginPolicy = {
    scheme,
    port: addr.port,
    names: names.map((n) => bracketed(n).toLowerCase()),
    allowed,
  };
  let stopped = false;
  const finished = Promise.withResolvers<void>();
  /** Sockets between accept and hand-over (reading a head, writing a response). */
  const exchanges = new Set<AcceptedConn>();
  /** Upgraded connections not yet taken by the iterator, and the iterator's wait. */
  const ready: Admitted[] = [];
  let wake: (() => void) | undefined;
  let context: TransportContext | undefined;

  const exchange = async (socket: AcceptedConn, ticket: Ticket, address: string) => {
    let handedOver = false;
    exchanges.add(socket);
    try {
      const head = await readRequestHead(socket, { timeoutMs: headerTimeoutMs });
      if (head === "timeout") {
        log.info("closed {address}: no complete HTTP request within {ms} ms", {
          address,
          ms: headerTimeoutMs,
        });
        return;
      }
      if (head === "closed") return;
      if (head === "too_large" || head === "malformed") {
        const status = head === "too_large" ? 431 : 400;
        await reply(socket, status, head === "too_large" ? "Request too large" : "Bad request");
        return;
      }
      const path = pathOf(head.target);
      if (path === WS_PATH) {
        handedOver = await upgrade(socket, head, ticket, address);
        return;
      }
      if (head.method !== "GET" && head.method !== "HEAD") {
        await reply(socket, 405, "Method not allowed", { allow: "GET, HEAD" });
        return;
      }
      if (path === "/metrics" && options.metrics) {
        const bytes = textEncoder.encode(await options.metrics.text());
        await reply(socket, 200, head.method === "HEAD" ? null : bytes, {
          "content-type": options.metrics.contentType,
          "cache-control": "no-store",
        }, bytes.length);
        return;
      }
      const asset = WEB_ASSETS[path];
      if (!asset) {
        await reply(socket, 404, "Not found");
        return;
      }
      const bytes = assetBytes(asset.body);
      await reply(socket, 200, head.method === "HEAD" ? null : bytes, {
        "content-type": asset.type,
      }, bytes.length);
    } catch (error) {
      log.error("web request from {address} failed: {error}", { address, error });
    } finally {
      exchanges.delete(socket);
      if (!handedOver) {
        closeQuietly(socket);
        context!.acceptor.release(ticket);
      }
    }
  };

  /** Writes a response within `requestTimeoutMs`; the socket is closed after. */
  const reply = async (
    socket: AcceptedConn,
    status: number,
    body: string | Uint8Array | null,
    extra: Record<string, string> = {},
    length?: number,
  ) => {
    const bytes = typeof body === "string" ? textEncoder.encode(body) : body;
    const headers: Record<string, string> = {
      ...SECURITY_HEADERS,
      "content-type": "text/plain; charset=utf-8",
      "cache-control": "no-cache",
      ...extra,
      "content-length": String(length ?? bytes?.length ?? 0),
      connection: "close",
    };
    await writeWithin(socket, responseHead(status, headers), bytes, requestTimeoutMs);
  };

  const upgrade = async (
    socket: AcceptedConn,
    head: RequestHead,
    ticket: Ticket,
    address: string,
  ): Promise<boolean> => {
    const { headers } = head;
    if (
      head.method !== "GET" || !/\bwebsocket\b/i.test(headers.get("upgrade") ?? "") ||
      !/\bupgrade\b/i.test(headers.get("connection") ?? "")
    ) {
      await reply(socket, 426, "Expected a WebSocket upgrade", { upgrade: "websocket" });
      return false;
    }
    const key = headers.get("sec-websocket-key") ?? "";
    if (headers.get("sec-websocket-version") !== "13" || !/^[A-Za-z0-9+/]{22}==$/.test(key)) {
      await reply(socket, 400, "Expected WebSocket version 13 with a key", {
        "sec-websocket-version": "13",
      });
      return false;
    }
    const origin = headers.get("origin");
    if (!originAllowed(origin, policy)) {
      log.warn("refused websocket from {address}: origin {origin} not allowed", {
        address,
        origin,
      });
      await reply(socket, 403, "Origin not allowed");
      return false;
    }
    const accept = createHash("sha1").update(key + WS_GUID).digest("base64");
    await writeWithin(
      socket,
      responseHead(101, {
        upgrade: "websocket",
        connection: "Upgrade",
        "sec-websocket-accept": accept,
      }),
      null,
      requestTimeoutMs,
    );
    if (stopped) return false;
    // Plain HTTP: frames go out with direct sends where available (see direct_socket.ts).
    const direct = scheme === "http" ? DirectSockets.forProcess() : undefined;
    const ws = new StreamWebSocket(direct ? direct.wrap(socket as Deno.Conn) : socket, {
      maxMessageBytes: HANDSHAKE_MAX_FRAME_BYTES,
      closeTimeoutMs: options.closeTimeoutMs,
    });
    const conn = new WsConnection(ws, address, context!.hub, context!.options);
    ws.run(head.rest).catch((error) => {
      log.error("websocket read loop failed for {address}: {error}", { address, error });
      ws.terminate();
    });
    ready.push({ peer: conn, ticket });
    wake?.();
    return true;
  };

  const serve = async (given: TransportContext) => {
    const { acceptor } = given;
    try {
      for await (const socket of acceptAll(listener, () => !stopped && acceptor.accepting)) {
        const address = formatAddr(socket.remoteAddr);
        const admission = acceptor.admit(address);
        if (typeof admission === "string") {
          if (admission === "address") {
            log.warn(
              "refused web connection from {address}: more than {max} connections from this address",
              { address, max: acceptor.maxPerAddress },
            );
          } else {log.warn("refused web connection from {address}: too many connections", {
              address,
            });}
          const [status, text] = admission === "address"
            ? [429, "Too many connections from your address"]
            : [503, "Server has too many connections"];
          // Answered without reading the request: nothing of it is held.
          void reply(socket, status, text).catch((error) => {
            log.error("answering {address} failed: {error}", { address, error });
          }).finally(() => closeQuietly(socket));
          continue;
        }
        void exchange(socket, admission, address);
      }
    } catch (error) {
      if (
        !(error instanceof Deno.errors.BadResource || error instanceof Deno.errors.Interrupted)
      ) throw error;
    }
  };

  log.info("web client on {scheme}://{address}", {
    scheme,
    address: `${addr.hostname}:${addr.port}`,
  });
  let closing: Promise<void> | undefined;
  let serving: Promise<void> | undefined;
  return {
    name: "websocket",
    addr,
    scheme,
    finished: finished.promise,
    async *accept(given: TransportContext): AsyncGenerator<Admitted> {
      context = given;
      serving ??= serve(given);
      const failed = serving.then(() => {}, (error) => error);
      while (!stopped) {
        const next = ready.shift();
        if (next) {
          yield next;
          continue;
        }
        const { promise, resolve } = Promise.withResolvers<void>();
        wake = resolve;
        const error = await Promise.race([promise, failed]);
        wake = undefined;
        if (error instanceof Error) throw error;
      }
    },
    close(): Promise<void> {
      closing ??= (async () => {
        stopped = true;
        wake?.();
        closeQuietly(listener);
        for (const socket of exchanges) closeQuietly(socket);
        // Upgraded but never handed over: nobody else will close them.
        for (const { peer, ticket } of ready.splice(0)) {
          peer.abort("server shutdown", "shutdown");
          context?.acceptor.release(ticket);
        }
        await serving;
        finished.resolve();
      })();
      return closing;
    },
  };
}

const encodedAssets = new Map<string, Uint8Array>();

/** An asset's body as UTF-8, encoded once. */
function assetBytes(body: string): Uint8Array {
  let bytes = encodedAssets.get(body);
  if (!bytes) encodedAssets.set(body, bytes = textEncoder.encode(body));
  return bytes;
}

/** The path of a request target, normalised (`/a/../b` is `/b`). */
function pathOf(target: string): string {
  try {
    return new URL(target, "http://x").pathname;
  } catch (error) {
    if (error instanceof TypeError) return "";
    throw error;
  }
}
