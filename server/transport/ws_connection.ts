/**
 * One browser connection over a WebSocket: the second transport into the same
 * {@linkcode Hub}. Each WebSocket text message carries one protocol message
 * (the JSON payload of a frame, without the 4-byte length). Same handshake,
 * limits and idempotent `close(reason)` as the TCP {@linkcode Connection}.
 *
 * @module
 */

import { getLogger } from "../log.ts";
import { FRAME_HEADER_BYTES, HANDSHAKE_MAX_FRAME_BYTES } from "../../protocol/frame.ts";
import type { ConnectionOptions } from "./connection.ts";
import type { Hub } from "../chat/hub.ts";
import { InboundHandler } from "../chat/inbound_handler.ts";
import type { Peer, Session } from "../chat/session.ts";

const log = getLogger(["parley", "server"]);
const textDecoder = new TextDecoder();
const textEncoder = new TextEncoder();

/**
 * The text of each frame, decoded once however many WebSocket peers it goes to
 * (a room broadcast hands the same buffer to every member).
 */
const frameText = new WeakMap<Uint8Array, string>();

/** What {@linkcode WsConnection} needs of a WebSocket; the standard `WebSocket` fits. */
export interface WsSocket {
  /** Bytes accepted by `send()` but not yet written, as the standard defines it. */
  readonly bufferedAmount: number;
  /** `WebSocket.OPEN` (1) once open. */
  readonly readyState: number;
  /** Queues a text message. */
  send(data: string): void;
  /** Starts the closing handshake. */
  close(code?: number, reason?: string): void;
  /** Standard event registration. */
  addEventListener(type: string, listener: (event: Event) => void): void;
}

/**
 * A WebSocket client bound to a {@linkcode Hub}. Implements {@linkcode Peer}:
 * `send()` gets an encoded frame and sends its payload as one text message.
 * The socket's `bufferedAmount` is the outbound queue; past `maxQueueBytes`
 * the peer is a slow consumer and is dropped, and nobody else waits.
 */
export class WsConnection implements Peer {
  /** Remote address as `host:port`. */
  readonly remoteAddr: string;
  /** Time the socket was accepted, ms since the epoch. */
  readonly openedAt: number;
  /** Time of the last message read, ms since the epoch (for heartbeats). */
  lastSeen: number;
  /** Whether a heartbeat ping is outstanding. */
  pinged = false;
  readonly #socket: WsSocket;
  readonly #hub: Hub;
  readonly #maxQueueBytes: number;
  readonly #drainTimeoutMs: number;
  readonly #inbound: InboundHandler;
  #maxMessageBytes = HANDSHAKE_MAX_FRAME_BYTES;
  #state: "handshake" | "open" | "closing" | "closed" = "handshake";
  #closeReason = "";
  #overflowed = false;
  readonly #closed: PromiseWithResolvers<void> = Promise.withResolvers();

  /**
   * @param socket The upgraded WebSocket (open or about to open).
   * @param remoteAddr Its remote address, `host:port`.
   * @param hub The chat to admit the client into.
   * @param options Same limits as TCP; see {@linkcode ConnectionOptions}.
   */
  constructor(socket: WsSocket, remoteAddr: string, hub: Hub, options: ConnectionOptions = {}) {
    this.#socket = socket;
    this.remoteAddr = remoteAddr;
    this.#hub = hub;
    this.#maxQueueBytes = options.maxQueueBytes ?? 1_048_576;
    this.#drainTimeoutMs = options.drainTimeoutMs ?? 2000;
    this.#inbound = new InboundHandler(this, hub, options, () => {
      this.#state = "open";
      this.#maxMessageBytes = hub.limits.maxFrameBytes;
    });
    this.openedAt = this.lastSeen = hub.now();
    socket.addEventListener("message", (event) => this.#onMessage((event as MessageEvent).data));
    socket.addEventListener("close", () => {
      this.close(
        this.#state === "closing" || this.#state === "closed"
          ? this.#closeReason
          : "connection closed",
      );
      this.#finish();
    });
    socket.addEventListener("error", () => this.abort("connection reset"));
    log.info("connect from {address} (websocket)", { address: remoteAddr });
  }

  /** Resolves once the socket is closed. */
  get closed(): Promise<void> {
    return this.#closed.promise;
  }

  /** The session once the handshake is done. */
  get session(): Session | undefined {
    return this.#inbound.session;
  }

  /** Whether the handshake has not completed yet (a delayed refusal counts). */
  get inHandshake(): boolean {
    return this.#inbound.inHandshake && !this.#closeReason;
  }

  /** Bytes the socket has not written yet. */
  get queuedBytes(): number {
    return this.#socket.bufferedAmount;
  }

  /**
   * Sends a frame's payload as one text message; see {@linkcode Peer.send}.
   * Overflowing the queue closes this connection at once (slow consumer).
   */
  send(frame: Uint8Array): boolean {
    if (this.#state === "closed" || this.#overflowed) return false;
    const size = frame.length - FRAME_HEADER_BYTES;
    if (this.#socket.bufferedAmount + size > this.#maxQueueBytes) {
      this.#overflowed = true;
      log.warn("slow consumer {nick} ({address}): outbound queue over {max} bytes, disconnecting", {
        nick: this.session?.nick ?? this.remoteAddr,
        address: this.remoteAddr,
        max: this.#maxQueueBytes,
      });
      queueMicrotask(() =>
        this.abort(`slow consumer: outbound queue over ${this.#maxQueueBytes} bytes`)
      );
      return false;
    }
    let text = frameText.get(frame);
    if (text === undefined) {
      text = textDecoder.decode(frame.subarray(FRAME_HEADER_BYTES));
      frameText.set(frame, text);
    }
    try {
      this.#socket.send(text);
    } catch (error) {
      // The socket is closing or closed under us; its close event finishes the job.
      if (!(error instanceof DOMException)) throw error;
      return false;
    }
    return true;
  }

  /**
   * Graceful close: leaves the hub (announcing it), lets queued messages go
   * (up to `drainTimeoutMs`), then closes the socket. Idempotent.
   *
   * @param reason Why, for leave notices and `chat.log`.
   */
  close(reason: string): void {
    if (this.#state === "closed" || this.#closeReason) return;
    this.#closeReason = reason;
    this.#state = "closing";
    this.#leave(reason);
    void this.#drain().then(() => this.#closeSocket(1000));
  }

  /**
   * Immediate close: leaves the hub and closes the socket. Idempotent.
   *
   * @param reason Why, for leave notices and `chat.log`.
   */
  abort(reason: string): void {
    if (this.#state === "closed") return;
    if (!this.#closeReason) this.#closeReason = reason;
    this.#state = "closing";
    this.#leave(this.#closeReason);
    this.#closeSocket(1001);
    this.#finish();
  }

  #leave(reason: string): void {
    if (this.session) this.#hub.disconnect(this.session, reason);
    else {
      log.debug("disconnect {address} before handshake: {reason}", {
        address: this.remoteAddr,
        reason,
      });
    }
  }

  #closeSocket(code: number): void {
    try {
      // A close reason is at most 123 bytes; keep well inside it.
      this.#socket.close(code, this.#closeReason.slice(0, 60));
    } catch (error) {
      if (!(error instanceof DOMException)) throw error;
    }
  }

  #finish(): void {
    if (this.#state === "closed") return;
    this.#state = "closed";
    this.#inbound.dispose();
    this.#closed.resolve();
  }

  async #drain(): Promise<void> {
    const deadline = this.#hub.now() + this.#drainTimeoutMs;
    for (let i = 0; i < 200 && this.#socket.bufferedAmount > 0; i++) {
      if (this.#hub.now() >= deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  #onMessage(data: unknown): void {
    if (this.#state !== "handshake" && this.#state !== "open") return;
    this.lastSeen = this.#hub.now();
    this.pinged = false;
    if (typeof data !== "string") {
      this.#inbound.malformed(
        new TypeError("Cannot decode message: expected a text message, got binary"),
      );
      return;
    }
    // A UTF-16 length over the limit is already too many UTF-8 bytes; encode only the rest.
    const payload = data.length > this.#maxMessageBytes ? undefined : textEncoder.encode(data);
    if (payload === undefined || payload.length > this.#maxMessageBytes) {
      this.#inbound.refuse(
        "frame_too_large",
        `Cannot decode message: length ${
          payload?.length ?? data.length
        } exceeds ${this.#maxMessageBytes} bytes`,
      );
      return;
    }
    this.#inbound.handle(payload);
  }
}
