/**
 * The lifecycle every client connection shares, whatever its transport:
 * state, the one idempotent `close(reason)` and `abort(reason)`, leaving the
 * hub, slow-consumer overflow and the liveness fields the sweep reads. A
 * transport (TCP/TLS in `connection.ts`, WebSocket in `ws_connection.ts`) is a
 * small subclass that says how frames arrive, how bytes leave and how its
 * socket closes.
 *
 * @module
 */

import { getLogger } from "../log.ts";
import { encodeMessage, type LeaveCode } from "../../protocol/messages.ts";
import type { Hub } from "../chat/hub.ts";
import { InboundHandler, type InboundOptions } from "../chat/inbound_handler.ts";
import type { Peer, Session } from "../chat/session.ts";
import type { Sweepable } from "./liveness_sweep.ts";
import { readRef } from "../../protocol/read_ref.ts";

const log = getLogger(["parley", "server"]);

/** Options for every {@linkcode PeerConnection}. */
export interface ConnectionOptions extends InboundOptions {
  /**
   * Most bytes waiting in the outbound queue; past it the peer is a slow
   * consumer and is disconnected.
   * @default {1048576}
   */
  maxQueueBytes?: number;
  /**
   * Most bytes one write batches together (stream transports).
   * @default {262144}
   */
  maxBatchBytes?: number;
  /**
   * Longest a graceful close waits for the queue to drain, in ms.
   * @default {2000}
   */
  drainTimeoutMs?: number;
}

/** Where a connection is: reading frames, closing (draining), or closed. */
type State = "handshake" | "open" | "closing" | "closed";

/**
 * A client connection bound to a {@linkcode Hub}, as the hub, the acceptor and
 * the liveness sweep see it. Subclasses implement `send()` (the hot path, which
 * stays theirs alone) and the three socket hooks.
 *
 * Every way out — EOF, reset, full queue, kick, `/quit`, shutdown — runs
 * {@linkcode PeerConnection.close} or {@linkcode PeerConnection.abort}, both
 * safe to call any number of times.
 */
export abstract class PeerConnection implements Peer, Sweepable {
  /** Remote address as `host:port`. */
  readonly remoteAddr: string;
  /** Time the socket was accepted, ms since the epoch. */
  readonly openedAt: number;
  /** Time of the last frame read, ms since the epoch (for heartbeats). */
  lastSeen: number;
  /** Whether a heartbeat ping is outstanding. */
  pinged = false;
  /** The hub this connection feeds. */
  protected readonly hub: Hub;
  /** The protocol conversation (handshake, flood control, commands). */
  protected readonly inbound: InboundHandler;
  /** Most bytes the outbound queue may hold, in bytes. */
  protected readonly maxQueueBytes: number;
  readonly #drainTimeoutMs: number;
  readonly #metrics: ConnectionOptions["metrics"];
  #state: State = "handshake";
  #closeReason = "";
  #closeCode: LeaveCode = "disconnected";
  #overflowed = false;
  /** Whether a session was ever admitted (its leave is logged by the hub). */
  #joined = false;
  readonly #closed: PromiseWithResolvers<void> = Promise.withResolvers();

  /**
   * @param remoteAddr The peer's address, `host:port`.
   * @param hub The chat to admit the client into.
   * @param options Limits; see {@linkcode ConnectionOptions}.
   */
  constructor(remoteAddr: string, hub: Hub, options: ConnectionOptions) {
    this.remoteAddr = remoteAddr;
    this.hub = hub;
    this.maxQueueBytes = options.maxQueueBytes ?? 1_048_576;
    this.#drainTimeoutMs = options.drainTimeoutMs ?? 2000;
    this.#metrics = options.metrics;
    this.openedAt = this.lastSeen = hub.now();
    this.inbound = new InboundHandler(this, hub, options, () => {
      this.#state = "open";
      this.admitted();
    });
  }

  /** Resolves once the socket is closed. */
  get closed(): Promise<void> {
    return this.#closed.promise;
  }

  /** The session once the handshake is done. */
  get session(): Session | undefined {
    return this.inbound.session;
  }

  /** Whether the handshake has not completed yet (a delayed refusal counts). */
  get inHandshake(): boolean {
    return this.inbound.inHandshake && !this.#closeReason;
  }

  /** Bytes waiting to be written, in bytes. */
  abstract get queuedBytes(): number;

  /** Whether frames read are still taken (handshake or open). */
  protected get reading(): boolean {
    return this.#state === "handshake" || this.#state === "open";
  }

  /** Whether the connection has finished closing. */
  protected get isClosed(): boolean {
    return this.#state === "closed";
  }

  /** Whether a frame overflowed the outbound queue (nothing more is taken). */
  protected get overflowed(): boolean {
    return this.#overflowed;
  }

  /** Why the connection is closing, or `""` while it is not. */
  protected get closeReason(): string {
    return this.#closeReason;
  }

  /**
   * Runs the connection until it closes: the read loop of a stream, or just
   * the wait for an event-driven socket. Never rejects.
   */
  abstract run(): Promise<void>;

  /** See {@linkcode Peer.send}. */
  abstract send(frame: Uint8Array): boolean;

  /**
   * Graceful close: leaves the hub (announcing it), lets what is queued go
   * (up to `drainTimeoutMs`), then closes the socket. Idempotent.
   *
   * @param reason Why, for leave notices and `chat.log`.
   * @param code Why, as the `leave` code the rooms are told.
   */
  close(reason: string, code: LeaveCode = "disconnected"): void {
    if (this.#state === "closed" || this.#closeReason) return;
    this.#closeReason = reason;
    this.#closeCode = code;
    this.#state = "closing";
    this.#leave();
    void this.drain(this.#drainTimeoutMs).then(() => this.hangUp(true)).catch((error) => {
      log.error("closing {address} failed: {error}", { address: this.remoteAddr, error });
      this.abort(reason, code);
    });
  }

  /**
   * Immediate close: drops the queue and closes the socket. Idempotent, and
   * takes over a graceful close in progress.
   *
   * @param reason Why, for leave notices and `chat.log`.
   * @param code Why, as the `leave` code the rooms are told.
   */
  abort(reason: string, code: LeaveCode = "disconnected"): void {
    if (this.#state === "closed") return;
    if (!this.#closeReason) {
      this.#closeReason = reason;
      this.#closeCode = code;
    }
    this.#state = "closing";
    this.#leave();
    this.discard();
    // The transport finishes once its socket is really closed, so that the
    // connection counts against every cap until then.
    this.hangUp(false);
  }

  /**
   * Runs `handling` (one payload, or one malformed-message report) as the last
   * catch for this peer's input: an unexpected error — a storage failure, a
   * bug — is logged once, answered with an `internal` error carrying the
   * payload's `ref` when it is readable, and goes no further, so it can
   * neither end the process nor touch another peer. Before the handshake
   * completed the connection is closed after the error, since the client
   * cannot continue.
   *
   * @param handling Work that feeds the protocol handler.
   * @param payload The payload being handled, to read its `ref`.
   */
  protected deliver(handling: () => void, payload?: Uint8Array): void {
    try {
      handling();
    } catch (error) {
      this.#internalError(error, payload);
    }
  }

  #internalError(error: unknown, payload: Uint8Array | undefined): void {
    log.error("internal error handling input from {address}: {error}", {
      address: this.remoteAddr,
      error,
    });
    try {
      const ref = payload === undefined ? undefined : readRef(payload);
      const message = "Internal error: the server could not handle this request";
      this.send(encodeMessage(
        ref === undefined
          ? { type: "error", code: "internal", message }
          : { type: "error", code: "internal", message, ref },
      ));
      if (!this.session) this.close("internal error");
    } catch (again) {
      // Answering failed as well: give up on this connection only.
      log.error("could not answer {address} after an internal error: {error}", {
        address: this.remoteAddr,
        error: again,
      });
      this.abort("internal error");
    }
  }

  /** Records traffic from the peer: it is alive, and no ping is outstanding. */
  protected touch(): void {
    this.lastSeen = this.hub.now();
    this.pinged = false;
  }

  /**
   * Marks the outbound queue overflowed and aborts this connection after the
   * current fanout returns (closing runs the hub's leave broadcast).
   *
   * @returns `false`, for `send()` to return.
   */
  protected overflow(): false {
    this.#overflowed = true;
    this.#metrics?.slowConsumerDropped();
    log.warn("slow consumer {nick} ({address}): outbound queue over {max} bytes, disconnecting", {
      nick: this.session?.nick ?? this.remoteAddr,
      address: this.remoteAddr,
      max: this.maxQueueBytes,
    });
    queueMicrotask(() =>
      this.abort(`slow consumer: outbound queue over ${this.maxQueueBytes} bytes`, "slow_consumer")
    );
    return false;
  }

  /**
   * Marks the connection closed and resolves `closed`. Idempotent. A
   * connection that never joined (a probe, a refusal, a handshake timeout)
   * gets its closing line in `chat.log` here, matching its `connect from`
   * line; one that joined has its `leave` line from the hub.
   */
  protected finish(): void {
    if (this.#state === "closed") return;
    if (!this.#joined && this.session === undefined) {
      const reason = this.#closeReason || "connection closed";
      log.info("closed {address} without joining after {ms} ms: {reason}", {
        address: this.remoteAddr,
        ms: Math.max(0, this.hub.now() - this.openedAt),
        reason: reason === "probe" ? "answered a probe (parley ping)" : reason,
      });
    }
    this.#state = "closed";
    this.inbound.dispose();
    this.finished();
    this.#closed.resolve();
  }

  /** Called once the hub admitted the client (raise frame limits here). */
  protected admitted(): void {}

  /** Called once when the connection is marked closed, before `closed` resolves. */
  protected finished(): void {}

  /**
   * Waits for queued bytes to be written, at most `timeoutMs`.
   *
   * @param timeoutMs Longest wait, in ms.
   */
  protected abstract drain(timeoutMs: number): Promise<void>;

  /** Drops the queued bytes. */
  protected abstract discard(): void;

  /**
   * Closes the socket. A stream transport finishes at once; an event-driven
   * one may wait for its close event to call `finish()`.
   *
   * @param graceful Whether the queue was drained first (a normal close).
   */
  protected abstract hangUp(graceful: boolean): void;

  #leave(): void {
    const reason = this.#closeReason;
    if (this.session) {
      this.#joined = true;
      try {
        this.hub.disconnect(this.session, reason, this.#closeCode);
      } catch (error) {
        // Leaving must not stop the socket from closing.
        log.error("leaving the chat failed for {address}: {error}", {
          address: this.remoteAddr,
          error,
        });
      }
    }
  }
}
