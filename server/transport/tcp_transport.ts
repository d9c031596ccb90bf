/**
 * Stream transports: plain TCP (`Deno.listen`) and any ready listener of
 * byte streams, such as TLS from `node_tls_listener.ts`. Each accepted
 * socket becomes a {@linkcode Connection}; one refused by the acceptor gets an
 * error frame and is closed.
 *
 * @module
 */

import { formatAddr } from "../guards/host_key.ts";
import { getLogger } from "../log.ts";
import { encodeMessage } from "../../protocol/messages.ts";
import { type ByteStream, Connection } from "./connection.ts";
import { DirectSockets } from "./direct_socket.ts";
import { raiseListenBacklog } from "./raise_listen_backlog.ts";
import type { Admitted, Transport, TransportContext } from "./transport.ts";

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

/** Accept backlog asked for, in connections; Linux caps it at `net.core.somaxconn`. */
const LISTEN_BACKLOG = 4096;

/**
 * Binds a plain TCP transport: `Deno.listen`, then the accept backlog raised
 * from Deno's fixed 511 to 4096 where `--allow-ffi` allows it (see
 * `raise_listen_backlog.ts`).
 *
 * @param bind Address and port; port 0 lets the OS pick one. `reusePort` lets
 *   other processes bind the same port (Linux; needs `--unstable-net`).
 * @returns The listening transport.
 * @throws {Deno.errors.AddrInUse} If the port is taken.
 * @throws {Deno.errors.PermissionDenied} Without `--allow-net`.
 *
 * @example
 * ```ts
 * import { listenTcp } from "./tcp_transport.ts";
 * const tcp = listenTcp({ hostname: "127.0.0.1", port: 0 });
 * console.log(tcp.addr.port);
 * await tcp.close();
 * ```
 */
export function listenTcp(
  bind: { hostname: string; port: number; reusePort?: boolean },
): Transport {
  // reusePort is passed only when asked: Deno exits the process when it is
  // given without --unstable-net.
  const listener = Deno.listen(
    bind.reusePort
      ? { hostname: bind.hostname, port: bind.port, reusePort: true }
      : { hostname: bind.hostname, port: bind.port },
  );
  const result = raiseListenBacklog(listener.addr, LISTEN_BACKLOG);
  if (result.raised) log.debug("accept backlog raised to {backlog}", { backlog: LISTEN_BACKLOG });
  else log.debug("accept backlog stays 511: {reason}", { reason: result.reason });
  const direct = DirectSockets.forProcess();
  return streamTransport(listener, "tcp", direct && ((socket) => direct.wrap(socket as Deno.Conn)));
}

/**
 * Binds plain TCP on every interface of both address families: `::`, which on
 * most systems also takes IPv4 (dual-stack, `net.ipv6.bindv6only=0`); where it
 * does not, a second socket on `0.0.0.0` and the same port; where IPv6 is
 * missing altogether, `0.0.0.0` alone.
 *
 * @param port TCP port; 0 lets the OS pick one (both sockets then share it).
 * @returns One or two transports, the `::` one first when there is one.
 * @throws {Deno.errors.AddrInUse} If the port is taken.
 * @throws {Deno.errors.PermissionDenied} Without `--allow-net`.
 *
 * @example
 * ```ts
 * import { listenTcpAllFamilies } from "./tcp_transport.ts";
 * const transports = listenTcpAllFamilies(0);
 * await Promise.all(transports.map((t) => t.close()));
 * ```
 */
export function listenTcpAllFamilies(port: number): Transport[] {
  let v6: Transport;
  try {
    v6 = listenTcp({ hostname: "::", port });
  } catch (error) {
    if (error instanceof Deno.errors.AddrInUse || error instanceof Deno.errors.PermissionDenied) {
      throw error;
    }
    // No IPv6 on this machine (EAFNOSUPPORT, EADDRNOTAVAIL): IPv4 only.
    log.info("IPv6 unavailable ({error}); listening on IPv4 only", { error });
    return [listenTcp({ hostname: "0.0.0.0", port })];
  }
  try {
    // Succeeds only where `::` is IPv6-only; otherwise IPv4 is already covered.
    return [v6, listenTcp({ hostname: "0.0.0.0", port: v6.addr.port })];
  } catch (error) {
    if (error instanceof Deno.errors.AddrInUse) return [v6];
    void v6.close();
    throw error;
  }
}

/**
 * A transport over a ready listener of byte streams.
 *
 * @param listener The listener; the transport closes it.
 * @param name For logs.
 * @param wrap Replaces each accepted socket's byte stream (direct sends for plain TCP).
 * @returns The transport.
 *
 * @example
 * ```ts
 * import { streamTransport } from "./tcp_transport.ts";
 * const tcp = streamTransport(Deno.listen({ hostname: "127.0.0.1", port: 0 }), "tcp");
 * await tcp.close();
 * ```
 */
export function streamTransport(
  listener: ConnListener,
  name = "tcp",
  wrap?: (socket: AcceptedConn) => ByteStream,
): Transport {
  let closed = false;
  return {
    name,
    addr: listener.addr as Deno.NetAddr,
    async *accept(context: TransportContext): AsyncGenerator<Admitted> {
      const { hub, acceptor, options } = context;
      try {
        for await (const socket of acceptAll(listener, () => acceptor.accepting && !closed)) {
          const remoteAddr = formatAddr(socket.remoteAddr);
          const admission = acceptor.admit(remoteAddr);
          if (admission === "closing") {
            socket.close();
            continue;
          }
          try {
            socket.setNoDelay?.(true);
          } catch (error) {
            // The socket may already be gone; the read loop will see that.
            if (!(error instanceof Deno.errors.BadResource)) throw error;
          }
          const conn = new Connection(wrap ? wrap(socket) : socket, remoteAddr, hub, options);
          if (admission === "full") {
            log.warn("refused {address}: too many connections", { address: remoteAddr });
            conn.send(encodeMessage({
              type: "error",
              code: "server_full",
              message: "Server has too many connections",
            }));
            conn.close("too many connections");
          } else if (admission === "address") {
            log.warn("refused {address}: {max} connections from that address already", {
              address: remoteAddr,
              max: acceptor.maxPerAddress,
            });
            conn.send(encodeMessage({
              type: "error",
              code: "too_many_connections",
              message: `Too many connections from your address (limit ${acceptor.maxPerAddress})`,
            }));
            conn.close("too many connections from address");
          } else yield { peer: conn, ticket: admission };
        }
      } catch (error) {
        if (
          !(error instanceof Deno.errors.BadResource || error instanceof Deno.errors.Interrupted)
        ) throw error;
      }
    },
    close(): Promise<void> {
      if (closed) return Promise.resolve();
      closed = true;
      try {
        listener.close();
      } catch (error) {
        if (!(error instanceof Deno.errors.BadResource)) throw error;
      }
      return Promise.resolve();
    },
  };
}

/**
 * Yields accepted connections until the listener closes. With `accept()` a
 * failed accept (e.g. out of file descriptors) is logged and retried after a
 * pause growing from 5 ms to 1 s, as Go's `net/http` does, instead of stopping
 * the server.
 *
 * @param listener The listener.
 * @param running Whether to keep accepting.
 * @returns The accepted connections, until `running()` is false or the listener closes.
 *
 * @example
 * ```ts
 * import { acceptAll } from "./tcp_transport.ts";
 * const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
 * let open = true;
 * setTimeout(() => (open = false, listener.close()), 10);
 * for await (const conn of acceptAll(listener, () => open)) conn.close();
 * ```
 */
export async function* acceptAll(
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
