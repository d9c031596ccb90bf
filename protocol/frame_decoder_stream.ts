import { FrameDecoder, type FrameDecoderOptions } from "./frame_decoder.ts";

/**
 * A `TransformStream` from raw bytes to frame payloads
 * (4-byte big-endian length prefix; see `protocol/README.md`).
 *
 * Handles frames split across chunks and many frames in one chunk. A declared
 * length above `maxFrameBytes` errors the stream with a `FrameTooLargeError`
 * before the payload is buffered; input that ends inside a frame errors it with
 * a `SyntaxError` on flush. Payloads may be views of input chunks, which is
 * safe because a stream's chunks are not reused by their producer.
 *
 * @example
 * ```ts
 * import { FrameDecoderStream } from "./frame_decoder_stream.ts";
 * const frames = ReadableStream.from([new Uint8Array([0, 0, 0, 2, 104]), new Uint8Array([105])])
 *   .pipeThrough(new FrameDecoderStream());
 * console.log(await Array.fromAsync(frames)); // [Uint8Array [104, 105]]
 * ```
 */
export class FrameDecoderStream extends TransformStream<Uint8Array, Uint8Array> {
  /** @param options Limits; see {@linkcode FrameDecoderOptions}. */
  constructor(options: FrameDecoderOptions = {}) {
    const decoder = new FrameDecoder(options);
    super({
      transform(chunk, controller) {
        decoder.push(chunk, (payload) => controller.enqueue(payload));
      },
      flush() {
        decoder.finish();
      },
    });
  }
}
