/**
 * A server-side WebSocket over an accepted byte stream (TCP or TLS), shaped
 * as the {@linkcode WsSocket} that `ws_connection.ts` drives: the same
 * events (`message`, `close`) and `send`/`close`/`bufferedAmount` as the
 * standard `WebSocket`, plus what the standard one lacks and a server needs:
 *
 * - the closing handshake is bounded: if the peer does not answer a close
 *   frame within `closeTimeoutMs`, the socket is closed anyway;
 * - `terminate()` closes the socket at once (an aborted connection, a slow
 *   consumer), and `discard()` drops what is queued;
 * - `close` is dispatched only once the descriptor is really closed, so the
 *   connection counts against every cap until then;
 * - a message over `maxMessageBytes` is refused from its frame header
 *   (a `toolarge` event), before its payload is buffered.
 *
 * Outbound frames go through a {@linkcode WriteQueue}, as on TCP.
 *
 * @module
 */

import type { ByteStream } from "./connection.ts";
import { WriteQueue } from "./write_queue.ts";
import {
  countFrame,
  framesSinceTick,
  readAfterPause,
  readPause,
  shouldPause,
} from "./read_pacing.ts";
import {
  cutUtf8,
  encodeWsFrame,
  WS_OPCODE,
  type WsFrame,
  WsFrameDecoder,
  WsProtocolError,
} from "./ws_frame_decoder.ts";

const textEncoder = new TextEncoder();
const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/** Options for {@linkcode StreamWebSocket}. */
export interface StreamWebSocketOptions {
  /** Largest message accepted, in bytes (may be raised later). */
  maxMessageBytes: number;
  /**
   * Longest the closing handshake may take before the socket is closed
   * anyway, in ms.
   * @default {5000}
   */
  closeTimeoutMs?: number;
  /**
   * Most bytes queued for writing before frames are refused (the owner
   * checks `bufferedAmount` first).
   * @default {16777216}
   */
  maxQueueBytes?: number;
}

/**
 * Dispatched when a message is over `maxMessageBytes`; `detail` is its
 * length in bytes. A listener that answers it calls `preventDefault()`;
 * otherwise the socket closes with 1009.
 */
export const TOO_LARGE_EVENT = "toolarge";

/**
 * One WebSocket over a byte stream, after the HTTP upgrade was answered.
 *
 * @example
 * ```ts ignore
 * import { StreamWebSocket } from "./stream_web_socket.ts";
 * const socket = new StreamWebSocket(conn, { maxMessageBytes: 8192 });
 * socket.addEventListener("message", (e) => socket.send(String((e as MessageEvent).data)));
 * void socket.run(head.rest);
 * ```
 */
export class StreamWebSocket extends EventTarget {
  /** 1 while open, 2 while closing, 3 once closed (as `WebSocket.readyState`). */
  readyState = 1;
  readonly #conn: ByteStream;
  readonly #queue: WriteQueue;
  readonly #decoder: WsFrameDecoder;
  readonly #closeTimeoutMs: number;
  #maxMessageBytes: number;
  #fragments: Uint8Array[] = [];
  #fragmentBytes = 0;
  #fragmentOpcode = 0;
  #closeSent = false;
  /** Input is no longer decoded (after a framing error or an oversized message). */
  #deaf = false;
  #timer: ReturnType<typeof setTimeout> | undefined;

  /**
   * @param conn The socket, with the `101 Switching Protocols` answer written.
   * @param options Limits and timeouts.
   */
  constructor(conn: ByteStream, options: StreamWebSocketOptions) {
    super();
    this.#conn = conn;
    this.#maxMessageBytes = options.maxMessageBytes;
    this.#closeTimeoutMs = options.closeTimeoutMs ?? 5000;
    this.#decoder = new WsFrameDecoder({ maxPayloadBytes: options.maxMessageBytes });
    this.#queue = new WriteQueue(conn, {
      maxBytes: options.maxQueueBytes ?? 16 * 1024 * 1024,
      onError: () => this.terminate(),
    });
  }

  /** Bytes queued and not yet written. */
  get bufferedAmount(): number {
    return this.#queue.queuedBytes;
  }

  /** Largest message accepted, in bytes. */
  get maxMessageBytes(): number {
    return this.#maxMessageBytes;
  }

  set maxMessageBytes(bytes: number) {
    this.#maxMessageBytes = bytes;
    this.#decoder.maxPayloadBytes = bytes;
  }

  /**
   * Reads frames until the socket closes. Never rejects.
   *
   * @param initial Bytes already read after the HTTP head.
   */
  async run(initial: Uint8Array = new Uint8Array(0)): Promise<void> {
    if (initial.length > 0) this.#input(initial);
    const buffer = new Uint8Array(16 * 1024);
    // Read pacing and direct reads as on TCP (see Connection.run and read_pacing.ts).
    const direct = this.#conn.tryRecv !== undefined;
    let resumed = false;
    while (this.readyState !== 3) {
      let n = resumed ? readAfterPause(this.#conn, buffer) : undefined;
      if (n === undefined) {
        try {
          n = await this.#conn.read(buffer);
        } catch (error) {
          if (!(error instanceof Error && error.name in Deno.errors)) throw error;
          n = null;
        }
      }
      if (n === null) break;
      const before = framesSinceTick();
      this.#input(buffer.subarray(0, n));
      resumed = shouldPause(framesSinceTick() - before, direct);
      if (resumed) await readPause();
    }
    this.terminate();
  }

  /**
   * Queues a text message.
   *
   * @param data The text.
   * @throws {DOMException} `InvalidStateError` once closing.
   */
  send(data: string): void {
    if (this.readyState !== 1) throw new DOMException("WebSocket is not open", "InvalidStateError");
    this.#queue.push(encodeWsFrame(WS_OPCODE.text, textEncoder.encode(data)));
  }

  /**
   * Queues a text frame already encoded with `encodeWsFrame` (shared by every
   * member of a broadcast; it must not be modified afterwards).
   *
   * @param frame The whole frame.
   * @throws {DOMException} `InvalidStateError` once closing.
   */
  sendFrame(frame: Uint8Array): void {
    if (this.readyState !== 1) throw new DOMException("WebSocket is not open", "InvalidStateError");
    this.#queue.push(frame);
  }

  /**
   * Starts the closing handshake; the socket is closed when the peer answers
   * or `closeTimeoutMs` passed. Idempotent; never throws.
   *
   * @param code Close code.
   * @param reason Cut to 123 bytes of UTF-8 on a character boundary.
   */
  close(code = 1000, reason = ""): void {
    if (this.readyState !== 1) return;
    this.readyState = 2;
    this.#sendClose(code, reason);
    this.#timer = setTimeout(() => this.terminate(), this.#closeTimeoutMs);
  }

  /** Drops what is queued and not yet being written. */
  discard(): void {
    this.#queue.clear();
  }

  /** Closes the socket at once, without a closing handshake. Idempotent. */
  terminate(): void {
    if (this.readyState === 3) return;
    this.readyState = 3;
    clearTimeout(this.#timer);
    this.#queue.stop();
    try {
      this.#conn.close();
    } catch (error) {
      if (!(error instanceof Deno.errors.BadResource)) throw error;
    }
    this.dispatchEvent(new Event("close"));
  }

  #sendClose(code: number, reason: string): void {
    if (this.#closeSent) return;
    this.#closeSent = true;
    const text = textEncoder.encode(cutUtf8(reason, 123));
    const payload = new Uint8Array(2 + text.length);
    payload[0] = code >>> 8;
    payload[1] = code & 0xff;
    payload.set(text, 2);
    this.#queue.push(encodeWsFrame(WS_OPCODE.close, payload));
  }

  #input(chunk: Uint8Array): void {
    if (this.#deaf) return;
    try {
      this.#decoder.push(chunk, (frame) => this.#frame(frame));
    } catch (error) {
      if (!(error instanceof WsProtocolError)) throw error;
      this.#deaf = true;
      if (error.code === 1009) this.#tooLarge(error.length ?? 0);
      else this.close(error.code, error.message);
    }
  }

  #frame(frame: WsFrame): void {
    if (this.#deaf) return;
    switch (frame.opcode) {
      case WS_OPCODE.text:
      case WS_OPCODE.binary:
        if (this.#fragmentOpcode !== 0) return this.#protocolError("a new message inside another");
        if (frame.fin) return this.#message(frame.opcode, frame.payload);
        this.#fragmentOpcode = frame.opcode;
        this.#fragments = [frame.payload];
        this.#fragmentBytes = frame.payload.length;
        return;
      case WS_OPCODE.continuation: {
        if (this.#fragmentOpcode === 0) return this.#protocolError("a continuation of nothing");
        this.#fragmentBytes += frame.payload.length;
        if (this.#fragmentBytes > this.#maxMessageBytes) {
          this.#deaf = true;
          return this.#tooLarge(this.#fragmentBytes);
        }
        this.#fragments.push(frame.payload);
        if (!frame.fin) return;
        const whole = new Uint8Array(this.#fragmentBytes);
        let at = 0;
        for (const part of this.#fragments) {
          whole.set(part, at);
          at += part.length;
        }
        const opcode = this.#fragmentOpcode;
        this.#fragments = [];
        this.#fragmentBytes = 0;
        this.#fragmentOpcode = 0;
        return this.#message(opcode, whole);
      }
      case WS_OPCODE.ping:
        if (this.readyState === 1) this.#queue.push(encodeWsFrame(WS_OPCODE.pong, frame.payload));
        return;
      case WS_OPCODE.pong:
        return;
      case WS_OPCODE.close:
        this.#deaf = true;
        if (this.#closeSent) {
          this.terminate();
          return;
        }
        // The peer closes: answer with its code, then close once that is written.
        this.readyState = 2;
        this.#sendClose(echoCode(frame.payload), "");
        this.#timer = setTimeout(() => this.terminate(), this.#closeTimeoutMs);
        void this.#queue.drain(this.#closeTimeoutMs).then(() => this.terminate());
        return;
    }
  }

  #message(opcode: number, payload: Uint8Array): void {
    if (this.readyState !== 1) return;
    let data: string | Uint8Array = payload;
    if (opcode === WS_OPCODE.text) {
      try {
        data = strictUtf8.decode(payload);
      } catch (error) {
        if (!(error instanceof TypeError)) throw error;
        this.#deaf = true;
        this.close(1007, "Text message is not valid UTF-8");
        return;
      }
    }
    countFrame();
    this.dispatchEvent(new MessageEvent("message", { data }));
  }

  #tooLarge(length: number): void {
    const event = new CustomEvent(TOO_LARGE_EVENT, { detail: length, cancelable: true });
    // Unless a listener answered it (and called preventDefault), close as the standard says.
    if (this.dispatchEvent(event)) this.close(1009, "Message too big");
  }

  #protocolError(what: string): void {
    this.#deaf = true;
    this.close(1002, `Cannot decode frame: ${what}`);
  }
}

/** The code to answer a peer's close frame with: its own when it may be sent, else 1000. */
function echoCode(payload: Uint8Array): number {
  if (payload.length < 2) return 1000;
  const code = (payload[0] << 8) | payload[1];
  const sendable = (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) ||
    (code >= 3000 && code <= 4999);
  return sendable ? code : 1000;
}
