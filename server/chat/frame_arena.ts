/**
 * Where a room lays its broadcast frames end to end, so that a member who
 * receives consecutive broadcasts finds them adjacent in memory: its queue
 * then grows one span instead of holding one entry per frame, and its writer
 * hands that span to the socket without copying it when the span is all it
 * has to write (see `write_queue.ts`).
 *
 * @module
 */

import { encodeJsonInto, frameBytesAtMost } from "../../protocol/encode_message.ts";
import type { ServerMessage } from "../../protocol/message_types.ts";

/** Default chunk size, in bytes. */
const CHUNK_BYTES = 16 * 1024;

/**
 * An append-only sequence of chunks holding frames. Chunks are never reused:
 * a chunk lives as long as some queue still holds a view of it, and the
 * garbage collector frees it after that.
 *
 * @example
 * ```ts
 * import { FrameArena } from "./frame_arena.ts";
 * const arena = new FrameArena();
 * const a = arena.place(new Uint8Array([0, 0, 0, 1, 65]));
 * const b = arena.place(new Uint8Array([0, 0, 0, 1, 66]));
 * a.buffer === b.buffer && a.byteOffset + a.length === b.byteOffset; // true
 * ```
 */
export class FrameArena {
  /** Size of each chunk, in bytes; larger frames are not placed. */
  readonly chunkBytes: number;
  #chunk: Uint8Array | undefined;
  #used = 0;

  /** @param chunkBytes Size of each chunk, in bytes (default 16 KiB). */
  constructor(chunkBytes = CHUNK_BYTES) {
    this.chunkBytes = chunkBytes;
  }

  /**
   * Copies `frame` right after the previous one (in a new chunk when it does
   * not fit) and returns the copy; a frame larger than a quarter chunk is
   * returned as it is.
   *
   * @param frame A complete frame; not modified.
   * @returns A view of the placed copy, or `frame` itself.
   */
  place(frame: Uint8Array): Uint8Array {
    const length = frame.length;
    if (length > this.chunkBytes >> 2) return frame;
    const chunk = this.#chunkWith(length);
    const start = this.#used;
    chunk.set(frame, start);
    this.#used = start + length;
    return chunk.subarray(start, this.#used);
  }

  /**
   * Encodes a message as one frame (as `encodeMessage` does) straight into
   * the arena, right after the previous frame: no frame of its own to
   * allocate and copy. A message whose frame could be larger than a quarter
   * chunk gets a buffer of its own.
   *
   * @param message Any server message; keys are written in insertion order.
   * @returns A view of the frame.
   */
  encode(message: ServerMessage): Uint8Array {
    const json = JSON.stringify(message);
    const worst = frameBytesAtMost(json);
    if (worst > this.chunkBytes >> 2) {
      const frame = new Uint8Array(worst);
      return frame.subarray(0, encodeJsonInto(json, frame, 0));
    }
    const chunk = this.#chunkWith(worst);
    const start = this.#used;
    this.#used = start + encodeJsonInto(json, chunk, start);
    return chunk.subarray(start, this.#used);
  }

  /** The current chunk, or a new one when it has fewer than `bytes` free. */
  #chunkWith(bytes: number): Uint8Array {
    if (this.#chunk === undefined || this.#used + bytes > this.#chunk.length) {
      this.#chunk = new Uint8Array(this.chunkBytes);
      this.#used = 0;
    }
    return this.#chunk;
  }
}
