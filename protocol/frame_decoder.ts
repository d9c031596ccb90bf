import {
  DEFAULT_MAX_FRAME_BYTES,
  FRAME_HEADER_BYTES,
  MAX_FRAME_LENGTH,
  readFrameHeader,
} from "./frame.ts";

/** Options for {@linkcode FrameDecoder} and `FrameDecoderStream`. */
export interface FrameDecoderOptions {
  /**
   * Largest payload accepted, in bytes. A header declaring more is rejected
   * before any of the payload is buffered.
   * @default {1048576}
   */
  maxFrameBytes?: number;
}

/**
 * Thrown when a peer declares a frame longer than the decoder accepts.
 * Callers catch it to answer with a `frame_too_large` error before closing.
 */
export class FrameTooLargeError extends RangeError {
  /** Declared payload length, in bytes. */
  readonly length: number;
  /** The limit in force, in bytes. */
  readonly limit: number;
  /**
   * @param length Declared payload length, in bytes.
   * @param limit The limit in force, in bytes.
   */
  constructor(length: number, limit: number) {
    super(`Cannot decode frame: length ${length} exceeds ${limit} bytes`);
    this.name = "FrameTooLargeError";
    this.length = length;
    this.limit = limit;
  }
}

/**
 * Incremental, synchronous decoder of length-prefixed frames
 * (4-byte big-endian length, then payload; see `protocol/README.md`).
 *
 * Feed it chunks as they arrive; it calls back once per complete payload.
 * A payload that lies wholly inside one chunk is passed as a view of that
 * chunk (no copy), so it is valid only until the callback returns if the caller
 * reuses its read buffer. A payload spread over several chunks is assembled
 * from copies of only the bytes received so far, so a peer that declares a
 * large frame and sends it slowly costs what it has sent, not what it declared.
 *
 * @example
 * ```ts
 * import { FrameDecoder } from "./frame_decoder.ts";
 * const decoder = new FrameDecoder({ maxFrameBytes: 1024 });
 * decoder.push(new Uint8Array([0, 0, 0, 1, 65]), (payload) => console.log(payload)); // Uint8Array [65]
 * ```
 */
export class FrameDecoder {
  #maxFrameBytes: number;
  /** A header split across chunks (rare): allocated when first needed. */
  #header: Uint8Array | undefined;
  #headerBytes = 0;
  /** Declared length of the frame being assembled, or -1 while reading a header. */
  #want = -1;
  /** Pieces of a payload split across chunks; allocated when first needed. */
  #parts: Uint8Array[] | undefined;
  #partsBytes = 0;
  #failed = false;

  /** @param options Limits; see {@linkcode FrameDecoderOptions}. */
  constructor(options: FrameDecoderOptions = {}) {
    this.#maxFrameBytes = checkLimit(options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES);
  }

  /** Largest payload accepted, in bytes. May be raised after a handshake. */
  get maxFrameBytes(): number {
    return this.#maxFrameBytes;
  }

  set maxFrameBytes(value: number) {
    this.#maxFrameBytes = checkLimit(value);
  }

  /** Bytes of an unfinished frame (header included) held by the decoder. */
  get pendingBytes(): number {
    return this.#headerBytes + this.#partsBytes;
  }

  /**
   * Decodes `chunk`, calling `onFrame` for every payload it completes, in order.
   *
   * @param chunk Bytes as read from the transport; any size, including 0.
   * @param onFrame Called with each complete payload.
   * @throws {FrameTooLargeError} If a header declares more than `maxFrameBytes`;
   *   the decoder is then unusable and the connection should be closed.
   * @throws {TypeError} If called again after it threw.
   */
  push(chunk: Uint8Array, onFrame: (payload: Uint8Array) => void): void {
    if (this.#failed) throw new TypeError("Cannot decode frame: decoder already failed");
    let offset = 0;
    const end = chunk.length;
    while (offset < end) {
      if (this.#want < 0) {
        // Fast path: a whole header, and maybe a whole frame, inside this chunk.
        if (this.#headerBytes === 0 && end - offset >= FRAME_HEADER_BYTES) {
          const length = readFrameHeader(chunk, offset);
          this.#accept(length);
          offset += FRAME_HEADER_BYTES;
          if (end - offset >= length) {
            this.#want = -1;
            onFrame(chunk.subarray(offset, offset + length));
            offset += length;
          }
          continue;
        }
        const take = Math.min(FRAME_HEADER_BYTES - this.#headerBytes, end - offset);
        this.#header ??= new Uint8Array(FRAME_HEADER_BYTES);
        this.#header.set(chunk.subarray(offset, offset + take), this.#headerBytes);
        this.#headerBytes += take;
        offset += take;
        if (this.#headerBytes < FRAME_HEADER_BYTES) return;
        this.#headerBytes = 0;
        const length = readFrameHeader(this.#header, 0);
        this.#accept(length);
        if (length === 0) {
          this.#want = -1;
          onFrame(new Uint8Array(0));
        }
        continue;
      }
      // Assembling a payload that started in an earlier chunk.
      const need = this.#want - this.#partsBytes;
      if (this.#partsBytes === 0 && end - offset >= need) {
        const payload = chunk.subarray(offset, offset + need);
        offset += need;
        this.#want = -1;
        onFrame(payload);
        continue;
      }
      const take = Math.min(need, end - offset);
      (this.#parts ??= []).push(chunk.slice(offset, offset + take));
      this.#partsBytes += take;
      offset += take;
      if (this.#partsBytes === this.#want) {
        const payload = concat(this.#parts!, this.#partsBytes);
        this.#parts = undefined;
        this.#partsBytes = 0;
        this.#want = -1;
        onFrame(payload);
      }
    }
  }

  /**
   * Checks that the input ended on a frame boundary.
   *
   * @throws {SyntaxError} If a header or payload was cut off.
   */
  finish(): void {
    if (this.#headerBytes > 0) {
      throw new SyntaxError(
        `Cannot decode frame: stream ended inside a header (${this.#headerBytes} of 4 bytes)`,
      );
    }
    if (this.#want >= 0) {
      throw new SyntaxError(
        `Cannot decode frame: stream ended after ${this.#partsBytes} of ${this.#want} payload bytes`,
      );
    }
  }

  #accept(length: number): void {
    if (length > this.#maxFrameBytes) {
      this.#failed = true;
      throw new FrameTooLargeError(length, this.#maxFrameBytes);
    }
    this.#want = length;
  }
}

function checkLimit(value: number): number {
  if (!Number.isSafeInteger(value) || value < 0 || value > MAX_FRAME_LENGTH) {
    throw new RangeError(`Cannot set frame limit: ${value} is not an integer from 0 to 2^32-1`);
  }
  return value;
}

function concat(parts: Uint8Array[], total: number): Uint8Array {
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(total);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
