/**
 * Admission for every transport: the pending-handshake cap, the per-address
 * cap, the set of live connections, the one liveness sweep over them, and
 * close-all. Transports ask {@linkcode Acceptor.admit} before they build a
 * connection (so each refuses in its own way: an error frame on TCP, an HTTP
 * status on WebSocket) and hand what they built to {@linkcode Acceptor.add}.
 *
 * @module
 */

import type { AddressLimiter } from "../guards/address_limiter.ts";
import { startLivenessSweep, type Sweepable } from "./liveness_sweep.ts";

/** What the acceptor needs of a connection; every `PeerConnection` fits. */
export interface AcceptedPeer extends Sweepable {
  /** Runs the connection until it closes; never rejects. */
  run(): Promise<void>;
  /** Resolves once the connection is closed. */
  readonly closed: Promise<void>;
}

/** Why {@linkcode Acceptor.admit} said no. */
export type Refusal =
  /** The acceptor is closing: nothing new is taken. */
  | "closing"
  /** `maxClients + maxPending` connections are open or admitted already. */
  | "full"
  /** The peer's address holds `addressLimiter.max` connections already. */
  | "address";

/** A place reserved by {@linkcode Acceptor.admit}, to pass to `add` or `release`. */
export interface Ticket {
  /** The address key the per-address limiter counted. */
  readonly key: string;
}

/** Options for {@linkcode Acceptor}. */
export interface AcceptorOptions {
  /** Connections allowed at once beyond joined clients: {@linkcode AcceptorOptions.maxPending} is added to this. */
  maxClients: () => number;
  /**
   * Connections allowed to be mid-handshake at once, beyond `maxClients`.
   * @default {256}
   */
  maxPending?: number;
  /** The per-address cap, shared by every transport. */
  addressLimiter: AddressLimiter;
  /** Longest a connection may take to send `hello`, in ms. */
  handshakeTimeoutMs: number;
  /** Ping after this much silence, drop after twice as much, in ms. */
  heartbeatMs: number;
  /** Clock, ms since the epoch. */
  now: () => number;
  /**
   * Longest {@linkcode Acceptor.closeAll} waits for graceful closes before it
   * aborts the rest, in ms.
   * @default {3000}
   */
  closeGraceMs?: number;
}

/**
 * Owns the live connections of every transport.
 *
 * @typeParam P The connection type.
 *
 * @example
 * ```ts
 * import { Acceptor } from "./acceptor.ts";
 * import { AddressLimiter } from "../guards/address_limiter.ts";
 * const acceptor = new Acceptor({
 *   maxClients: () => 100,
 *   addressLimiter: new AddressLimiter(5),
 *   handshakeTimeoutMs: 10_000,
 *   heartbeatMs: 30_000,
 *   now: Date.now,
 * });
 * const admission = acceptor.admit("10.0.0.1:4000");
 * // typeof admission === "string" ? refuse : acceptor.add(peer, admission)
 * await acceptor.closeAll("bye");
 * ```
 */
export class Acceptor<P extends AcceptedPeer = AcceptedPeer> {
  readonly #connections = new Set<P>();
  readonly #maxClients: () => number;
  readonly #maxPending: number;
  readonly #limiter: AddressLimiter;
  readonly #closeGraceMs: number;
  readonly #stopSweep: () => void;
  /** Tickets given out and not yet released (admitted, added or not). */
  #admitted = 0;
  #closing: Promise<void> | undefined;

  /**
   * Starts the liveness sweep at once; {@linkcode Acceptor.closeAll} stops it.
   *
   * @param options See {@linkcode AcceptorOptions}.
   */
  constructor(options: AcceptorOptions) {
    this.#maxClients = options.maxClients;
    this.#maxPending = options.maxPending ?? 256;
    this.#limiter = options.addressLimiter;
    this.#closeGraceMs = options.closeGraceMs ?? 3000;
    this.#stopSweep = startLivenessSweep(this.#connections, {
      handshakeTimeoutMs: options.handshakeTimeoutMs,
      heartbeatMs: options.heartbeatMs,
      now: options.now,
    });
  }

  /** Live connections, handshaking or joined, of every transport. */
  get connections(): ReadonlySet<P> {
    return this.#connections;
  }

  /** Whether new connections are still taken. */
  get accepting(): boolean {
    return this.#closing === undefined;
  }

  /** The per-address cap, for refusal messages. */
  get maxPerAddress(): number {
    return this.#limiter.max;
  }

  /**
   * Reserves a place for a new connection from `remoteAddr`, or says why not.
   *
   * @param remoteAddr The peer's `host:port`.
   * @returns A ticket for {@linkcode Acceptor.add} (or `release`), or the refusal.
   */
  admit(remoteAddr: string): Ticket | Refusal {
    if (this.#closing) return "closing";
    if (this.#admitted >= this.#maxClients() + this.#maxPending) return "full";
    const key = this.#limiter.acquire(remoteAddr);
    if (key === undefined) return "address";
    this.#admitted++;
    return { key };
  }

  /**
   * Gives back a ticket whose connection was never added.
   *
   * @param ticket From {@linkcode Acceptor.admit}.
   */
  release(ticket: Ticket): void {
    this.#admitted--;
    this.#limiter.release(ticket.key);
  }

  /**
   * Tracks and runs an admitted connection until it closes; its ticket is
   * released then. Added while closing, it is closed at once.
   *
   * @param peer The new connection.
   * @param ticket The ticket {@linkcode Acceptor.admit} gave for it.
   */
  add(peer: P, ticket: Ticket): void {
    this.#connections.add(peer);
    void peer.closed.then(() => {
      this.#connections.delete(peer);
      this.release(ticket);
    });
    // run() never rejects; should one ever do, that connection is dropped, not the process.
    peer.run().catch(() => peer.abort("internal error"));
    if (this.#closing) peer.abort("server shutdown", "shutdown");
  }

  /**
   * Stops taking connections, closes every one gracefully, waits for them up
   * to `closeGraceMs`, aborts the rest and stops the sweep. Idempotent: later
   * calls return the first call's promise.
   *
   * @param reason The close reason, for logs and leave notices (their code is `shutdown`).
   * @returns Resolves once every connection is closed.
   */
  closeAll(reason: string): Promise<void> {
    this.#closing ??= (async () => {
      for (const peer of this.#connections) peer.close(reason, "shutdown");
      const settled = Promise.all([...this.#connections].map((peer) => peer.closed));
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<void>((resolve) =>
        timer = setTimeout(resolve, this.#closeGraceMs)
      );
      await Promise.race([settled, timeout]);
      clearTimeout(timer);
      for (const peer of this.#connections) peer.abort(reason, "shutdown");
      await Promise.all([...this.#connections].map((peer) => peer.closed));
      this.#stopSweep();
    })();
    return this.#closing;
  }
}
