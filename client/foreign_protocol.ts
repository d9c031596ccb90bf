/**
 * Recognises a server that is not Parley from the first bytes it answers
 * with, so `parley join` and `parley ping` can say what is on that port
 * instead of failing to decode a frame. Pure.
 *
 * @module
 */

/** A protocol spoken by a server that is not Parley. */
export type ForeignProtocol = "http" | "tls";

/**
 * Which protocol the first bytes from a server belong to, if not Parley's:
 * `HTTP/` (an HTTP server answering our hello with an error page; read as a
 * frame length that is ASCII `HTTP`, 0x48545450) or a TLS record header
 * (content type 0x15 alert or 0x16 handshake, then major version 3).
 *
 * @param head The first bytes received (at least 2 for TLS, 4 for HTTP).
 * @returns The protocol, or `undefined` when it may be Parley.
 *
 * @example
 * ```ts
 * import { sniffForeignProtocol } from "./foreign_protocol.ts";
 * sniffForeignProtocol(new TextEncoder().encode("HTTP/1.1 400 Bad Request")); // "http"
 * sniffForeignProtocol(new Uint8Array([0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x46])); // "tls"
 * ```
 */
export function sniffForeignProtocol(head: Uint8Array): ForeignProtocol | undefined {
  if (
    head.length >= 4 && head[0] === 0x48 && head[1] === 0x54 && head[2] === 0x54 &&
    head[3] === 0x50
  ) return "http";
  if (head.length >= 2 && (head[0] === 0x15 || head[0] === 0x16) && head[1] === 0x03) return "tls";
  return undefined;
}

/**
 * The sentence for a port that speaks another protocol.
 *
 * @param protocol What the port speaks.
 * @param where The address as the user would type it: `HOST:PORT` (IPv6 in brackets).
 * @returns e.g. `that port speaks HTTP: open http://HOST:PORT in a browser, or join the TCP port`.
 */
export function describeForeignProtocol(protocol: ForeignProtocol, where: string): string {
  return protocol === "http"
    ? `that port speaks HTTP: open http://${where} in a browser, or join the TCP port`
    : `that port speaks TLS: use tls://${where}`;
}

/** Thrown while reading when the server turned out to speak another protocol. */
export class ForeignProtocolError extends Error {
  /** What the server speaks. */
  readonly protocol: ForeignProtocol;
  /**
   * @param protocol What the server speaks.
   */
  constructor(protocol: ForeignProtocol) {
    super(`The server speaks ${protocol.toUpperCase()}, not Parley`);
    this.name = "ForeignProtocolError";
    this.protocol = protocol;
  }
}

/**
 * A pass-through stream that errors with {@linkcode ForeignProtocolError} when
 * the first bytes are another protocol's.
 *
 * @returns The stream, to put before the frame decoder.
 */
export function foreignProtocolGuard(): TransformStream<Uint8Array, Uint8Array> {
  let head: Uint8Array | undefined = new Uint8Array(0);
  return new TransformStream({
    transform(chunk, controller) {
      if (head !== undefined) {
        const joined = new Uint8Array(head.length + chunk.length);
        joined.set(head);
        joined.set(chunk, head.length);
        const protocol = sniffForeignProtocol(joined);
        if (protocol) {
          controller.error(new ForeignProtocolError(protocol));
          return;
        }
        // Decide once four bytes have been seen; until then keep looking.
        head = joined.length >= 4 ? undefined : joined;
      }
      controller.enqueue(chunk);
    },
  });
}
