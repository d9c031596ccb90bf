/**
 * A TLS listener built on `node:tls`, shaped as a {@linkcode ConnListener}.
 *
 * Why not `Deno.listenTls`: in Deno 2.9 closing a `TlsConn` whose TLS
 * handshake never completed does not close the TCP socket (no FIN, the file
 * descriptor stays open until the peer goes away), so a client that connects
 * and stays silent holds a server descriptor forever, however short the
 * handshake timeout. `node:tls` sockets are freed by `destroy()` at once, and
 * `handshakeTimeout` reports a silent TLS handshake, which is then destroyed.
 *
 * @module
 */

import { createPrivateKey, X509Certificate } from "node:crypto";
import tls from "node:tls";
import type { Socket } from "node:net";
import { getLogger } from "../log.ts";
import { closeQuietly } from "./http_response.ts";
import type { AcceptedConn, ConnListener } from "./tcp_transport.ts";

const log = getLogger(["parley", "server"]);

/** Options for {@linkcode listenNodeTls}. */
export interface NodeTlsListenOptions {
  /** Address to bind. */
  hostname: string;
  /** Port; 0 picks a free one. */
  port: number;
  /** PEM certificate chain. */
  cert: string;
  /** PEM private key. */
  key: string;
  /** Longest a TLS handshake may take, in ms. */
  handshakeTimeoutMs: number;
  /**
   * Let other processes bind the same port (`SO_REUSEPORT`, Linux).
   * @default {false}
   */
  reusePort?: boolean;
}

/** Bytes buffered from a socket before it is paused until the reader catches up. */
const HIGH_WATER_BYTES = 256 * 1024;

/**
 * Starts a TLS listener.
 *
 * @param options See {@linkcode NodeTlsListenOptions}.
 * @returns A listener that yields connections once their TLS handshake is done.
 * @throws {Deno.errors.InvalidData} If the certificate or key is not usable PEM.
 * @throws {Deno.errors.AddrInUse} If the port is taken.
 */
export async function listenNodeTls(options: NodeTlsListenOptions): Promise<ConnListener> {
  checkKeyPair(options.cert, options.key);
  const ready: AcceptedConn[] = [];
  const waiting: PromiseWithResolvers<AcceptedConn>[] = [];
  let closed = false;
  /** When the current server last accepted a TCP connection, ms (performance.now). */
  let lastAccept = performance.now();
  const create = (): tls.Server => {
    let server: tls.Server;
    try {
      server = tls.createServer({
        cert: options.cert,
        key: options.key,
        handshakeTimeout: options.handshakeTimeoutMs,
      });
    } catch (error) {
      throw new Deno.errors.InvalidData(
        `Cannot load the TLS certificate or key: ${(error as Error).message}`,
      );
    }
    server.on("connection", () => lastAccept = performance.now());
    server.on("secureConnection", (socket: tls.TLSSocket) => {
      if (closed) {
        socket.destroy();
        return;
      }
      const conn = new NodeSocketConn(socket);
      const waiter = waiting.shift();
      if (waiter) waiter.resolve(conn);
      else ready.push(conn);
    });
    // A failed or timed-out TLS handshake: Node destroys the socket itself, but
    // Deno's node:tls (2.9) only reports it, so destroy it here.
    server.on("tlsClientError", (_error: Error, socket: tls.TLSSocket) => socket?.destroy());
    return server;
  };
  let server = create();
  await listen(server, options.hostname, options.port, options.reusePort ?? false);
  const bound = server.address() as { address: string; port: number };
  const stopWatch = watchAccepting({
    hostname: options.hostname,
    port: bound.port,
    lastAccept: () => lastAccept,
    replace: async () => {
      server.close();
      const next = create();
      await listen(next, options.hostname, bound.port, options.reusePort ?? false);
      lastAccept = performance.now();
      server = next;
    },
    closed: () => closed,
  });
  const accept = (): Promise<AcceptedConn> => {
    if (closed) return Promise.reject(new Deno.errors.BadResource("Listener is closed"));
    const conn = ready.shift();
    if (conn) return Promise.resolve(conn);
    const waiter = Promise.withResolvers<AcceptedConn>();
    waiting.push(waiter);
    return waiter.promise;
  };
  return {
    addr: { transport: "tcp", hostname: bound.address, port: bound.port },
    accept,
    close() {
      if (closed) return;
      closed = true;
      stopWatch();
      server.close();
      for (const conn of ready.splice(0)) conn.close();
      for (const waiter of waiting.splice(0)) {
        waiter.reject(new Deno.errors.BadResource("Listener is closed"));
      }
    },
    async *[Symbol.asyncIterator]() {
      while (true) {
        try {
          yield await accept();
        } catch (error) {
          if (error instanceof Deno.errors.BadResource) return;
          throw error;
        }
      }
    },
  };
}

/** Binds `server`, turning node's bind errors into Deno's. */
function listen(
  server: tls.Server,
  hostname: string,
  port: number,
  reusePort: boolean,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onError = (error: Error & { code?: string }) => {
      reject(
        error.code === "EADDRINUSE"
          ? new Deno.errors.AddrInUse(error.message)
          : error.code === "EADDRNOTAVAIL"
          ? new Deno.errors.AddrNotAvailable(error.message)
          : error,
      );
    };
    server.once("error", onError);
    // A join storm needs more than node's default backlog of 511.
    const bind = { port, host: hostname, backlog: 4096 };
    server.listen(reusePort ? { ...bind, reusePort: true } : bind, () => {
      server.off("error", onError);
      resolve();
    });
  });
}

/** How often the watchdog looks at an idle listener, in ms. */
const WATCH_MS = 2000;
/** How long a probe connection may wait to be accepted, in ms. */
const PROBE_MS = 1000;

/**
 * Deno 2.9's `node:net` server stops accepting for good after one failed
 * accept (out of file descriptors), without an `error` event, so new clients
 * wait in the backlog forever. When nothing was accepted for `WATCH_MS`, this
 * connects to the listener itself; if that probe is not accepted within
 * `PROBE_MS`, the server is replaced by a new one on the same port (retried
 * at the next look if that fails, e.g. while descriptors are still short).
 *
 * @returns A function that stops the watchdog.
 */
function watchAccepting(watch: {
  hostname: string;
  port: number;
  lastAccept: () => number;
  replace: () => Promise<void>;
  closed: () => boolean;
}): () => void {
  const probeHost = watch.hostname === "0.0.0.0"
    ? "127.0.0.1"
    : watch.hostname === "::"
    ? "::1"
    : watch.hostname;
  let busy = false;
  const look = async () => {
    if (busy || watch.closed() || performance.now() - watch.lastAccept() < WATCH_MS) return;
    busy = true;
    const started = performance.now();
    let probe: Deno.Conn | undefined;
    try {
      probe = await Deno.connect({ hostname: probeHost, port: watch.port });
      while (watch.lastAccept() < started && performance.now() - started < PROBE_MS) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      if (watch.lastAccept() < started && !watch.closed()) {
        log.warn("TLS listener on port {port} stopped accepting; listening again", {
          port: watch.port,
        });
        await watch.replace();
      }
    } catch (error) {
      // Out of descriptors for the probe or the new listener: try again at the next look.
      log.warn("TLS listener watchdog on port {port}: {error}", {
        port: watch.port,
        error: (error as Error).message ?? String(error),
      });
    }
    busy = false;
    if (probe) closeQuietly(probe);
  };
  const timer = setInterval(() => {
    look().catch((error) => log.error("TLS listener watchdog failed: {error}", { error }));
  }, WATCH_MS);
  return () => clearInterval(timer);
}

/**
 * Checks that `cert` is a PEM certificate and `key` the matching private key
 * (Deno's `node:tls` accepts anything at `createServer` and fails per connection).
 *
 * @throws {Deno.errors.InvalidData} With a sentence saying which part is wrong.
 */
function checkKeyPair(cert: string, key: string): void {
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(cert);
  } catch (error) {
    throw new Deno.errors.InvalidData(
      `The TLS certificate is not a PEM certificate (${(error as Error).message})`,
    );
  }
  let privateKey;
  try {
    privateKey = createPrivateKey(key);
  } catch (error) {
    throw new Deno.errors.InvalidData(
      `The TLS key is not a PEM private key (${(error as Error).message})`,
    );
  }
  if (!certificate.checkPrivateKey(privateKey)) {
    throw new Deno.errors.InvalidData("The TLS key does not belong to the certificate");
  }
}

/** A `node:net`/`node:tls` socket behind the `read`/`write`/`close` interface of `Deno.Conn`. */
class NodeSocketConn implements AcceptedConn {
  readonly remoteAddr: Deno.NetAddr;
  readonly #socket: Socket;
  #chunks: Uint8Array[] = [];
  #buffered = 0;
  #ended = false;
  #error: Error | undefined;
  #reader: (() => void) | undefined;

  constructor(socket: Socket) {
    this.#socket = socket;
    this.remoteAddr = {
      transport: "tcp",
      hostname: socket.remoteAddress ?? "unknown",
      port: socket.remotePort ?? 0,
    };
    socket.on("data", (chunk: Uint8Array) => {
      this.#chunks.push(chunk);
      this.#buffered += chunk.length;
      if (this.#buffered > HIGH_WATER_BYTES) socket.pause();
      this.#wake();
    });
    socket.on("end", () => {
      this.#ended = true;
      this.#wake();
    });
    socket.on("close", () => {
      this.#ended = true;
      this.#wake();
    });
    socket.on("error", (error: Error) => {
      this.#error = new Deno.errors.ConnectionReset(error.message);
      this.#wake();
    });
  }

  setNoDelay(noDelay = true): void {
    this.#socket.setNoDelay(noDelay);
  }

  async read(buffer: Uint8Array): Promise<number | null> {
    while (this.#chunks.length === 0) {
      if (this.#socket.destroyed && !this.#ended && !this.#error) {
        throw new Deno.errors.BadResource("Connection is closed");
      }
      if (this.#error) throw this.#error;
      if (this.#ended) return null;
      await new Promise<void>((resolve) => this.#reader = resolve);
    }
    let n = 0;
    while (n < buffer.length && this.#chunks.length > 0) {
      const chunk = this.#chunks[0];
      const take = Math.min(chunk.length, buffer.length - n);
      buffer.set(chunk.subarray(0, take), n);
      n += take;
      if (take === chunk.length) this.#chunks.shift();
      else this.#chunks[0] = chunk.subarray(take);
    }
    this.#buffered -= n;
    if (this.#buffered <= HIGH_WATER_BYTES / 2 && this.#socket.isPaused()) this.#socket.resume();
    return n;
  }

  write(data: Uint8Array): Promise<number> {
    if (this.#socket.destroyed) {
      return Promise.reject(new Deno.errors.BadResource("Connection is closed"));
    }
    return new Promise((resolve, reject) => {
      this.#socket.write(data, (error?: Error | null) => {
        if (error) reject(new Deno.errors.BrokenPipe(error.message));
        else resolve(data.length);
      });
    });
  }

  close(): void {
    if (this.#socket.destroyed) throw new Deno.errors.BadResource("Connection is closed");
    this.#socket.destroy();
    this.#wake();
  }

  #wake(): void {
    const reader = this.#reader;
    this.#reader = undefined;
    reader?.();
  }
}
