/**
 * WebSocket framing (RFC 6455, section 5) as the server side speaks it: a
 * synchronous decoder of client frames that checks the declared length
 * before buffering anything (like `protocol/frame_decoder.ts`), and the
 * encoder of server frames. No extensions are negotiated, so every RSV bit
 * must be 0.
 *
 * Why not a library: the npm `ws` package needs a `node:http` server's
 * `upgrade` event and `node:net` sockets, and `Deno.upgradeWebSocket` gives
 * no way to close a socket whose peer does not answer the closing handshake
 * (nor to bound the HTTP request before it). The framing is small; owning it
 * lets `stream_web_socket.ts` run WebSocket over the same accepted sockets,
 * caps and timeouts as everything else.
 *
 * @module
 */

/** Frame opcodes. */
export const WS_OPCODE = {
  continuation: 0x0,
  text: 0x1,
  binary: 0x2,
  close: 0x8,
  ping: 0x9,
  pong: 0xa,
} as const;

/** One decoded frame; `payload` is unmasked and owned by the caller. */
export interface WsFrame {
  /** Whether this is the last frame of its message. */
  fin: boolean;
  /** One of {@linkcode WS_OPCODE}. */
  opcode: number;
  /** The unmasked payload. */
  payload: Uint8Array;
}

/**
 * The peer broke the framing rules; the connection is closed with
 * {@linkcode WsProtocolError.code} (1002 protocol error, 1009 too big).
 */
export class WsProtocolError extends Error {
  /** The WebSocket close code to send. */
  readonly code: number;
  /** For 1009: the declared payload length, in bytes. */
  readonly length: number | undefined;

  /**
   * @param message A sentence.
   * @param code The close code (1002 or 1009).
   * @param length The declared length, for a frame over the limit.
   */
  constructor(message: string, code: number, length?: number) {
    super(message);
    this.name = "WsProtocolError";
    this.code = code;
    this.length = length;
  }
}

/**
 * Decodes client frames from chunks of bytes. Every client frame must be
 * masked; control frames must be final and at most 125 bytes; a payload
 * over `maxPayloadBytes` is refused from its header, before it is buffered.
 *
 * @example
 * ```ts
 * import { WsFrameDecoder } from "./ws_frame_decoder.ts";
 * const decoder = new WsFrameDecoder({ maxPayloadBytes: 1024 });
 * // A masked text frame "hi" (mask 0,0,0,0).
 * decoder.push(new Uint8Array([0x81, 0x82, 0, 0, 0, 0, 104, 105]), (frame) => {
 *   new TextDecoder().decode(frame.payload); // "hi"
 * });
 * ```
 */
export class WsFrameDecoder {
  /** Largest payload accepted, in bytes; may be changed between pushes. */
  maxPayloadBytes: number;
  #buffer: Uint8Array = new Uint8Array(0);

  /** @param options `maxPayloadBytes`: the largest payload, in bytes. */
  constructor(options: { maxPayloadBytes: number }) {
    this.maxPayloadBytes = options.maxPayloadBytes;
  }

  /** Bytes held of a frame not yet complete. */
  get pendingBytes(): number {
    return this.#buffer.length;
  }

  /**
   * Feeds bytes; calls `onFrame` for every complete frame, in order.
   *
   * @param chunk Bytes read from the socket (copied when kept).
   * @param onFrame Called with each frame.
   * @throws {WsProtocolError} On a framing violation or a payload over the limit.
   */
  push(chunk: Uint8Array, onFrame: (frame: WsFrame) => void): void {
    let data = chunk;
    if (this.#buffer.length > 0) {
      data = new Uint8Array(this.#buffer.length + chunk.length);
      data.set(this.#buffer);
      data.set(chunk, this.#buffer.length);
    }
    let at = 0;
    while (true) {
      const frame = this.#next(data, at);
      if (frame === undefined) break;
      at = frame.end;
      onFrame(frame.frame);
    }
    this.#buffer = at === data.length ? new Uint8Array(0) : data.slice(at);
  }

  #next(data: Uint8Array, at: number): { frame: WsFrame; end: number } | undefined {
    if (data.length - at < 2) return undefined;
    const b0 = data[at];
    const b1 = data[at + 1];
    const fin = (b0 & 0x80) !== 0;
    const opcode = b0 & 0x0f;
    if ((b0 & 0x70) !== 0) throw new WsProtocolError("Cannot decode frame: RSV bits set", 1002);
    if (![0, 1, 2, 8, 9, 10].includes(opcode)) {
      throw new WsProtocolError(`Cannot decode frame: unknown opcode ${opcode}`, 1002);
    }
    if ((b1 & 0x80) === 0) {
      throw new WsProtocolError("Cannot decode frame: client frames must be masked", 1002);
    }
    let length = b1 & 0x7f;
    let header = 2;
    if (length === 126) {
      if (data.length - at < 4) return undefined;
      length = (data[at + 2] << 8) | data[at + 3];
      header = 4;
    } else if (length === 127) {
      if (data.length - at < 10) return undefined;
      const view = new DataView(data.buffer, data.byteOffset + at + 2, 8);
      const high = view.getUint32(0);
      const low = view.getUint32(4);
      // Anything at or above 2^32 is over every limit; keep the number safe.
      length = high > 0 ? Number.MAX_SAFE_INTEGER : low;
      header = 10;
    }
    if (opcode >= 8 && (!fin || length > 125)) {
      throw new WsProtocolError(
        "Cannot decode frame: a control frame must be final and at most 125 bytes",
        1002,
      );
    }
    if (length > this.maxPayloadBytes) {
      throw new WsProtocolError(
        `Cannot decode frame: length ${length} exceeds ${this.maxPayloadBytes} bytes`,
        1009,
        length,
      );
    }
    const end = at + header + 4 + length;
    if (data.length < end) return undefined;
    const mask = data.subarray(at + header, at + header + 4);
    const payload = data.slice(at + header + 4, end);
    for (let i = 0; i < payload.length; i++) payload[i] ^= mask[i & 3];
    return { frame: { fin, opcode, payload }, end };
  }
}

/**
 * Encodes one unmasked server frame.
 *
 * @param opcode One of {@linkcode WS_OPCODE}.
 * @param payload The payload.
 * @returns Header and payload in one buffer.
 *
 * @example
 * ```ts
 * import { encodeWsFrame, WS_OPCODE } from "./ws_frame_decoder.ts";
 * encodeWsFrame(WS_OPCODE.text, new TextEncoder().encode("hi")); // 0x81 0x02 h i
 * ```
 */
export function encodeWsFrame(opcode: number, payload: Uint8Array): Uint8Array {
  const length = payload.length;
  const header = length < 126 ? 2 : length < 65_536 ? 4 : 10;
  const frame = new Uint8Array(header + length);
  frame[0] = 0x80 | opcode;
  if (header === 2) frame[1] = length;
  else if (header === 4) {
    frame[1] = 126;
    frame[2] = length >>> 8;
    frame[3] = length & 0xff;
  } else {
    frame[1] = 127;
    const view = new DataView(frame.buffer, 2, 8);
    view.setUint32(0, Math.floor(length / 2 ** 32));
    view.setUint32(4, length >>> 0);
  }
  frame.set(payload, header);
  return frame;
}

/**
 * A close reason cut to at most `maxBytes` bytes of UTF-8 on a character
 * boundary (a close frame's reason is at most 123 bytes). Never throws.
 *
 * @param reason Any text.
 * @param maxBytes Most bytes.
 * @returns The longest prefix of `reason`, whole characters only, that fits.
 *
 * @example
 * ```ts
 * import { cutUtf8 } from "./ws_frame_decoder.ts";
 * cutUtf8("日本語", 7); // "日本" (6 bytes)
 * ```
 */
export function cutUtf8(reason: string, maxBytes = 123): string {
  let bytes = 0;
  let end = 0;
  for (const char of reason) {
    const code = char.codePointAt(0)!;
    // A lone surrogate is encoded as U+FFFD (3 bytes).
    const size = code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
    if (bytes + size > maxBytes) break;
    bytes += size;
    end += char.length;
  }
  return reason.slice(0, end);
}
