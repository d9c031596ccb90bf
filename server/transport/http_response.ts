/**
 * Writing one HTTP/1.1 response on an accepted socket, bounded in time, for
 * `web_server.ts`.
 *
 * @module
 */

import type { AcceptedConn } from "./tcp_transport.ts";

const textEncoder = new TextEncoder();

const REASONS: Record<number, string> = {
  101: "Switching Protocols",
  200: "OK",
  400: "Bad Request",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  426: "Upgrade Required",
  429: "Too Many Requests",
  431: "Request Header Fields Too Large",
  503: "Service Unavailable",
};

/**
 * The status line and header fields of a response, with the blank line.
 *
 * @param status The status code.
 * @param headers Header fields, names in lower case.
 * @returns The head as bytes.
 *
 * @example
 * ```ts
 * import { responseHead } from "./http_response.ts";
 * responseHead(404, { "content-length": "0" }); // "HTTP/1.1 404 Not Found\r\n…"
 * ```
 */
export function responseHead(status: number, headers: Record<string, string>): Uint8Array {
  let text = `HTTP/1.1 ${status} ${REASONS[status] ?? "Unknown"}\r\n`;
  for (const [name, value] of Object.entries(headers)) text += `${name}: ${value}\r\n`;
  return textEncoder.encode(`${text}\r\n`);
}

/**
 * Writes head and body; closes the socket if that takes longer than
 * `timeoutMs` (a reader that never reads cannot hold it).
 *
 * @param socket The accepted socket.
 * @param head From {@linkcode responseHead}.
 * @param body The body, or `null`.
 * @param timeoutMs Longest the writes may take, in ms.
 *
 * @example
 * ```ts ignore
 * import { responseHead, writeWithin } from "./http_response.ts";
 * await writeWithin(conn, responseHead(204, {}), null, 30_000);
 * ```
 */
export async function writeWithin(
  socket: AcceptedConn,
  head: Uint8Array,
  body: Uint8Array | null,
  timeoutMs: number,
): Promise<void> {
  const timer = setTimeout(() => closeQuietly(socket), timeoutMs);
  try {
    for (const part of body ? [head, body] : [head]) {
      let offset = 0;
      while (offset < part.length) offset += await socket.write(part.subarray(offset));
    }
  } catch (error) {
    // The peer went away, or the deadline closed the socket.
    if (!(error instanceof Error && error.name in Deno.errors)) throw error;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Closes a socket or listener that may be closed already.
 *
 * @param closable The socket or listener.
 *
 * @example
 * ```ts
 * import { closeQuietly } from "./http_response.ts";
 * const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
 * closeQuietly(listener);
 * closeQuietly(listener); // no error
 * ```
 */
export function closeQuietly(closable: { close(): void }): void {
  try {
    closable.close();
  } catch (error) {
    if (!(error instanceof Deno.errors.BadResource)) throw error;
  }
}
