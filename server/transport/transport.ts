/**
 * The shape every way in for clients has (TCP, TLS, WebSocket), so that the
 * server wires a list of them and none is a special case; a new transport is
 * one more file implementing {@linkcode Transport}.
 *
 * @module
 */

import type { Hub } from "../chat/hub.ts";
import type { Acceptor, Ticket } from "./acceptor.ts";
import type { ConnectionOptions, PeerConnection } from "./peer_connection.ts";

/** What a transport gets to build and admit connections. */
export interface TransportContext {
  /** The chat every connection feeds. */
  readonly hub: Hub;
  /** Admission, shared by every transport. */
  readonly acceptor: Acceptor<PeerConnection>;
  /** Limits for every connection. */
  readonly options: ConnectionOptions;
}

/** A connection the acceptor admitted, with its ticket. */
export interface Admitted {
  /** The new connection, not yet running. */
  readonly peer: PeerConnection;
  /** From `acceptor.admit()`, for `acceptor.add()`. */
  readonly ticket: Ticket;
}

/**
 * A bound listener for one kind of client. It is listening once created; the
 * server iterates {@linkcode Transport.accept} and hands each connection to
 * the acceptor.
 */
export interface Transport {
  /** Short name for logs: `"tcp"`, `"tls"`, `"websocket"`. */
  readonly name: string;
  /** The bound address, with the real port when 0 was asked. */
  readonly addr: Deno.NetAddr;
  /**
   * Yields new connections, each admitted by `context.acceptor` (refused
   * ones are answered and closed by the transport itself), until the
   * acceptor stops accepting or the transport is closed.
   *
   * @param context Hub, acceptor and limits.
   * @throws {Error} If accepting fails for good (the server then shuts down).
   */
  accept(context: TransportContext): AsyncIterable<Admitted>;
  /** Stops listening. Idempotent. */
  close(): Promise<void>;
}
