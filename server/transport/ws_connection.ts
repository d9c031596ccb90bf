/**
 * One browser connection over a WebSocket, feeding the same {@linkcode Hub} as
 * TCP. Each WebSocket text message carries one protocol message (the JSON
 * payload of a frame, without the 4-byte length). The lifecycle (close, abort,
 * overflow, liveness) is {@linkcode PeerConnection}'s; this file says how
 * messages arrive, how frames leave and how the socket closes.
 *
 * @module
 */

import { getLogger } from "../log.ts";
import { FRAME_HEADER_BYTES, HANDSHAKE_MAX_FRAME_BYTES } from "../../protocol/frame.ts";
import type { Hub } from "../chat/hub.ts";
import { type ConnectionOptions, PeerConnection } from "./peer_connection.ts";
import { TOO_LARGE_EVENT } from "./stream_web_socket.ts";
import { cutUtf8, encodeWsFrame, WS_OPCODE } from "./ws_frame_decoder.ts";

const log = getLogger(["parley", "server"]);
const textDecoder = new TextDecoder();
const textEncoder = new TextEncoder();

/**
 * The text of each frame, decoded once however many WebSocket peers it goes to
 * (a room broadcast hands the same buffer to every member).
 */
const frameText = new WeakMap<Uint8Array, string>();

/**
 * Each frame as a WebSocket text frame, encoded once however many
 * {@linkcode StreamWebSocket} peers it goes to.
 */
const wireFrames = new WeakMap<Uint8Array, Uint8Array>();

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
  /**
   * Queues a whole WebSocket frame encoded by the caller, so that a
   * broadcast is encoded once for every member (`StreamWebSocket`).
   */
  sendFrame?(frame: Uint8Array): void;
  /** Closes at once, without the closing handshake (`StreamWebSocket`). */
  terminate?(): void;
  /** Drops what is queued and not yet being written (`StreamWebSocket`). */
  discard?(): void;
  /** Largest message the socket takes, in bytes (`StreamWebSocket`). */
  maxMessageBytes?: number;
}

/**
 * A WebSocket client bound to a {@linkcode Hub}. `send()` gets an encoded
 * frame and sends its payload as one text message. The socket's
 * `bufferedAmount` is the outbound queue; past `maxQueueBytes` the peer is a
 * slow consumer and is dropped, and nobody else waits.
 *
 * @example
 * ```ts
 * import { Hub } from "../chat/hub.ts";
 * import { WsConnection } from "./ws_connection.ts";
 * const hub = new Hub();
 * Deno.serve({ port: 0 }, (request, info) => {
 *   const { socket, response } = Deno.upgradeWebSocket(request);
 *   new WsConnection(socket, `${info.remoteAddr.hostname}:${info.remoteAddr.port}`, hub);
 *   return response;
 * });
 * ```
 */
export class WsConnection extends PeerConnection {
  readonly #socket: WsSocket;
  #maxMessageBytes = HANDSHAKE_MAX_FRAME_BYTES;

  /**
   * @param socket The upgraded WebSocket (open or about to open).
   * @param remoteAddr Its remote address, `host:port`.
   * @param hub The chat to admit the client into.
   * @param options Same limits as TCP; see {@linkcode ConnectionOptions}.
   */
  constructor(socket: WsSocket, remoteAddr: string, hub: Hub, options: ConnectionOptions = {}) {
    super(remoteAddr, hub, options);
    this.#socket = socket;
    if (socket.maxMessageBytes !== undefined) socket.maxMessageBytes = this.#maxMessageBytes;
    socket.addEventListener(TOO_LARGE_EVENT, (event) => {
      event.preventDefault();
      const length = (event as CustomEvent<number>).detail;
      this.deliver(() =>
        this.inbound.refuse(
          "frame_too_large",
          `Cannot decode message: length ${length} exceeds ${this.#maxMessageBytes} bytes`,
        )
      );
    });
    socket.addEventListener("message", (event) => {
      const data = (event as MessageEvent).data;
      this.deliver(() => this.#onMessage(data));
    });
    socket.addEventListener("close", () => {
      // A no-op when already closing: the reason given then stays.
      this.close("connection closed");
      this.finish();
    });
    socket.addEventListener("error", () => this.abort("connection reset"));
    log.info("connect from {address} (websocket)", { address: remoteAddr });
  }

  /** Bytes the socket has not written yet. */
  get queuedBytes(): number {
    return this.#socket.bufferedAmount;
  }

  /** Resolves once the socket is closed: the socket's events drive everything. */
  run(): Promise<void> {
    return this.closed;
  }

  /**
   * Sends a frame's payload as one text message; see {@linkcode Peer.send}.
   * Overflowing the queue closes this connection at once (slow consumer).
   */
  send(frame: Uint8Array): boolean {
    if (this.isClosed || this.overflowed) return false;
    const size = frame.length - FRAME_HEADER_BYTES;
    if (this.#socket.bufferedAmount + size > this.maxQueueBytes) return this.overflow();
    try {
      if (this.#socket.sendFrame) {
        let wire = wireFrames.get(frame);
        if (wire === undefined) {
          wire = encodeWsFrame(WS_OPCODE.text, frame.subarray(FRAME_HEADER_BYTES));
          wireFrames.set(frame, wire);
        }
        this.#socket.sendFrame(wire);
        return true;
      }
      let text = frameText.get(frame);
      if (text === undefined) {
        text = textDecoder.decode(frame.subarray(FRAME_HEADER_BYTES));
        frameText.set(frame, text);
      }
      this.#socket.send(text);
    } catch (error) {
      // The socket is closing or closed under us; its close event finishes the job.
      if (!(error instanceof DOMException)) throw error;
      return false;
    }
    return true;
  }

  /** Polls `bufferedAmount` until the socket has written everything, at most `timeoutMs` ms. */
  protected override async drain(timeoutMs: number): Promise<void> {
    const deadline = this.hub.now() + timeoutMs;
    for (let i = 0; i < 200 && this.#socket.bufferedAmount > 0 && !this.isClosed; i++) {
      if (this.hub.now() >= deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /** Drops what the socket queued and has not started writing, where it can. */
  protected override discard(): void {
    this.#socket.discard?.();
  }

  /**
   * Starts the closing handshake (1000) after a drained close; on abort,
   * closes at once where the socket can, else starts the handshake with
   * 1001. The close event then finishes the connection. The reason is cut to
   * the 123 bytes a close frame holds, on a character boundary.
   */
  protected override hangUp(graceful: boolean): void {
    if (!graceful && this.#socket.terminate) {
      this.#socket.terminate();
      return;
    }
    try {
      this.#socket.close(graceful ? 1000 : 1001, cutUtf8(this.closeReason, 123));
    } catch (error) {
      if (!(error instanceof DOMException)) throw error;
    }
  }

  /** Raises the message limit from the handshake's to the hub's. */
  protected override admitted(): void {
    this.#maxMessageBytes = this.hub.limits.maxFrameBytes;
    if (this.#socket.maxMessageBytes !== undefined) {
      this.#socket.maxMessageBytes = this.#maxMessageBytes;
    }
  }

  #onMessage(data: unknown): void {
    if (!this.reading) return;
    this.touch();
    if (typeof data !== "string") {
      this.inbound.malformed(
        new TypeError("Cannot decode message: expected a text message, got binary"),
      );
      return;
    }
    // A UTF-16 length over the limit is already too many UTF-8 bytes; encode only the rest.
    const payload = data.length > this.#maxMessageBytes ? undefined : textEncoder.encode(data);
    if (payload === undefined || payload.length > this.#maxMessageBytes) {
      this.inbound.refuse(
        "frame_too_large",
        `Cannot decode message: length ${
          payload?.length ?? data.length
        } exceeds ${this.#maxMessageBytes} bytes`,
      );
      return;
    }
    this.deliver(() => this.inbound.handle(payload), payload);
  }
}
