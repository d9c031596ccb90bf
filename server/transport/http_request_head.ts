/**
 * Reading the head of one HTTP/1.1 request (request line and headers) from
 * an accepted socket, bounded in bytes and in time: a client that sends its
 * headers slowly, or never finishes them, holds its socket at most
 * `timeoutMs`. The web server answers one request per connection, so this is
 * all of HTTP it needs to read.
 *
 * @module
 */

import type { ByteStream } from "./connection.ts";

/** A parsed request head. */
export interface RequestHead {
  /** `GET`, `HEAD`, … as sent. */
  method: string;
  /** The request target, e.g. `/ws` or `/app.js?v=1`. */
  target: string;
  /** Header fields; names are case-insensitive. */
  headers: Headers;
  /** Bytes read after the head (the start of a WebSocket stream, if any). */
  rest: Uint8Array;
}

/** Why {@linkcode readRequestHead} gave up. */
export type HeadFailure =
  /** The peer closed or reset before the head was complete. */
  | "closed"
  /** `timeoutMs` passed first. */
  | "timeout"
  /** The head is longer than `maxBytes`. */
  | "too_large"
  /** Not an HTTP/1.x request. */
  | "malformed";

/** Options for {@linkcode readRequestHead}. */
export interface ReadHeadOptions {
  /** Longest the whole head may take, in ms. */
  timeoutMs: number;
  /**
   * Most bytes of request line and headers.
   * @default {16384}
   */
  maxBytes?: number;
}

const CRLFCRLF = [13, 10, 13, 10];

/**
 * Reads one request head. On a timeout the socket is closed (that is what
 * ends the pending read).
 *
 * @param conn The accepted socket.
 * @param options Time and size bounds.
 * @returns The head, or why there is none.
 *
 * @example
 * ```ts ignore
 * import { readRequestHead } from "./http_request_head.ts";
 * const head = await readRequestHead(conn, { timeoutMs: 10_000 });
 * if (typeof head !== "string") console.log(head.method, head.target);
 * ```
 */
export async function readRequestHead(
  conn: ByteStream,
  options: ReadHeadOptions,
): Promise<RequestHead | HeadFailure> {
  const maxBytes = options.maxBytes ?? 16_384;
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    try {
      conn.close();
    } catch (error) {
      if (!(error instanceof Deno.errors.BadResource)) throw error;
    }
  }, options.timeoutMs);
  try {
    let data = new Uint8Array(0);
    const buffer = new Uint8Array(4096);
    while (true) {
      let n: number | null;
      try {
        n = await conn.read(buffer);
      } catch (error) {
        if (timedOut) return "timeout";
        if (error instanceof Error && error.name in Deno.errors) return "closed";
        throw error;
      }
      if (timedOut) return "timeout";
      if (n === null) return "closed";
      const next = new Uint8Array(data.length + n);
      next.set(data);
      next.set(buffer.subarray(0, n), data.length);
      // Search from just before the new bytes: the terminator may span two reads.
      const end = indexOf(next, CRLFCRLF, Math.max(0, data.length - 3));
      data = next;
      // Bytes that cannot begin a request line (a Parley frame, a TLS hello) are
      // refused at once rather than after the timeout, so the peer learns what it reached.
      if (!startsLikeRequestLine(data)) return "malformed";
      if (end >= 0) {
        if (end + 4 > maxBytes) return "too_large";
        return parseHead(data.subarray(0, end), data.slice(end + 4)) ?? "malformed";
      }
      if (data.length > maxBytes) return "too_large";
    }
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Parses a request line and header lines (without the blank line).
 *
 * @param bytes The head, ASCII/Latin-1.
 * @param rest Bytes that followed it.
 * @returns The head, or `undefined` if it is not an HTTP/1.x request.
 */
export function parseHead(bytes: Uint8Array, rest: Uint8Array): RequestHead | undefined {
  const lines = new TextDecoder("latin1").decode(bytes).split("\r\n");
  const match = /^([A-Z]+) (\S+) HTTP\/1\.[01]$/.exec(lines[0]);
  if (!match) return undefined;
  const headers = new Headers();
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(":");
    if (colon <= 0) return undefined;
    try {
      headers.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
    } catch (error) {
      // An invalid header name or value.
      if (error instanceof TypeError) return undefined;
      throw error;
    }
  }
  return { method: match[1], target: match[2], headers, rest };
}

/** Whether `data` can be the start of `METHOD SP ...`: capital letters up to the first space. */
function startsLikeRequestLine(data: Uint8Array): boolean {
  for (const byte of data) {
    if (byte === 0x20) return true;
    if (byte < 0x41 || byte > 0x5a) return false;
  }
  return true;
}

function indexOf(haystack: Uint8Array, needle: number[], from: number): number {
  outer: for (let i = from; i <= haystack.length - needle.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}
