/**
 * Splits a byte stream into text lines.
 *
 * @module
 */

/**
 * Yields the lines of a UTF-8 byte stream, without their `\n` or `\r\n`; a last
 * line without a newline is yielded too.
 *
 * @param stream Bytes, e.g. `Deno.stdin.readable`.
 *
 * @example
 * ```ts
 * import { readLines } from "./read_lines.ts";
 * const bytes = ReadableStream.from([new TextEncoder().encode("a\nb")]);
 * await Array.fromAsync(readLines(bytes)); // ["a", "b"]
 * ```
 */
export async function* readLines(stream: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  let buffered = "";
  for await (const text of stream.pipeThrough(new TextDecoderStream())) {
    buffered += text;
    let newline: number;
    while ((newline = buffered.indexOf("\n")) >= 0) {
      yield buffered.slice(0, newline).replace(/\r$/, "");
      buffered = buffered.slice(newline + 1);
    }
  }
  if (buffered !== "") yield buffered.replace(/\r$/, "");
}
