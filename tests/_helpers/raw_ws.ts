/**
 * A WebSocket client over a raw TCP socket, for tests that need a peer the
 * standard `WebSocket` cannot play: one that never answers a close frame,
 * never reads, or sends its upgrade request with a chosen `Host`.
 *
 * @module
 */

/** A raw WebSocket connection after a `101` answer. */
export class RawWs {
  /** The socket. */
  readonly conn: Deno.Conn;
  /** Bytes read after the response head, not yet parsed. */
  #buffer: Uint8Array;
  #closed = false;

  private constructor(conn: Deno.Conn, rest: Uint8Array) {
    this.conn = conn;
    this.#buffer = rest;
  }

  /**
   * Sends an upgrade request and reads the response head.
   *
   * @param port The web port on 127.0.0.1.
   * @param headers Extra request headers (`origin`, `host`).
   * @returns The HTTP status, and the client when it was 101.
   */
  static async open(
    port: number,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; ws: RawWs | undefined }> {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    const fields: Record<string, string> = {
      host: `127.0.0.1:${port}`,
      upgrade: "websocket",
      connection: "Upgrade",
      "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==",
      "sec-websocket-version": "13",
      ...headers,
    };
    let request = "GET /ws HTTP/1.1\r\n";
    for (const [name, value] of Object.entries(fields)) request += `${name}: ${value}\r\n`;
    await write(conn, new TextEncoder().encode(`${request}\r\n`));
    let data = new Uint8Array(0);
    const buffer = new Uint8Array(4096);
    while (true) {
      let n: number | null;
      try {
        n = await conn.read(buffer);
      } catch {
        n = null;
      }
      if (n === null) {
        conn.close();
        return { status: 0, ws: undefined };
      }
      const next = new Uint8Array(data.length + n);
      next.set(data);
      next.set(buffer.subarray(0, n), data.length);
      data = next;
      const text = new TextDecoder("latin1").decode(data);
      const end = text.indexOf("\r\n\r\n");
      if (end < 0) continue;
      const status = Number(text.slice(9, 12));
      if (status !== 101) {
        conn.close();
        return { status, ws: undefined };
      }
      return { status, ws: new RawWs(conn, data.slice(end + 4)) };
    }
  }

  /** Sends a masked text frame. */
  async sendText(text: string): Promise<void> {
    await write(this.conn, maskedFrame(0x1, new TextEncoder().encode(text)));
  }

  /** Sends a JSON message. */
  sendJson(message: unknown): Promise<void> {
    return this.sendText(JSON.stringify(message));
  }

  /**
   * Reads frames until one matches or the socket closes, without answering a
   * close frame. Resolves `undefined` when the server closed the socket.
   *
   * @param match Predicate on opcode and payload.
   * @param timeoutMs Longest wait.
   * @throws {Error} On timeout.
   */
  async next(
    match: (opcode: number, payload: Uint8Array) => boolean,
    timeoutMs = 5000,
  ): Promise<{ opcode: number; payload: Uint8Array } | undefined> {
    const deadline = Date.now() + timeoutMs;
    const buffer = new Uint8Array(64 * 1024);
    while (true) {
      const frame = this.#take();
      if (frame) {
        if (match(frame.opcode, frame.payload)) return frame;
        continue;
      }
      if (this.#closed) return undefined;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no matching frame within ${timeoutMs} ms`);
      const timer = setTimeout(() => this.#closed || this.conn.close(), left);
      let n: number | null;
      try {
        n = await this.conn.read(buffer);
      } catch {
        n = null;
      } finally {
        clearTimeout(timer);
      }
      if (Date.now() >= deadline && n === null) {
        throw new Error(`no matching frame within ${timeoutMs} ms`);
      }
      if (n === null) {
        this.#closed = true;
        continue;
      }
      const next = new Uint8Array(this.#buffer.length + n);
      next.set(this.#buffer);
      next.set(buffer.subarray(0, n), this.#buffer.length);
      this.#buffer = next;
    }
  }

  /**
   * Waits until the server closes the TCP connection, reading (and not
   * answering) whatever comes.
   *
   * @param timeoutMs Longest wait.
   * @returns Whether it closed in time.
   */
  async closedByServer(timeoutMs: number): Promise<boolean> {
    try {
      await this.next(() => false, timeoutMs);
      return true;
    } catch {
      return false;
    }
  }

  /** Closes the socket. */
  close(): void {
    try {
      this.conn.close();
    } catch { /* already closed */ }
  }

  #take(): { opcode: number; payload: Uint8Array } | undefined {
    const data = this.#buffer;
    if (data.length < 2) return undefined;
    let length = data[1] & 0x7f;
    let header = 2;
    if (length === 126) {
      if (data.length < 4) return undefined;
      length = (data[2] << 8) | data[3];
      header = 4;
    } else if (length === 127) {
      if (data.length < 10) return undefined;
      length = Number(new DataView(data.buffer, data.byteOffset + 2, 8).getBigUint64(0));
      header = 10;
    }
    if (data.length < header + length) return undefined;
    const frame = { opcode: data[0] & 0x0f, payload: data.slice(header, header + length) };
    this.#buffer = data.slice(header + length);
    return frame;
  }
}

/** A client frame with a fixed mask. */
export function maskedFrame(opcode: number, payload: Uint8Array): Uint8Array {
  const mask = [1, 2, 3, 4];
  const header = payload.length < 126 ? 2 : payload.length < 65_536 ? 4 : 10;
  const frame = new Uint8Array(header + 4 + payload.length);
  frame[0] = 0x80 | opcode;
  if (header === 2) frame[1] = 0x80 | payload.length;
  else if (header === 4) {
    frame[1] = 0x80 | 126;
    frame[2] = payload.length >>> 8;
    frame[3] = payload.length & 0xff;
  } else {
    frame[1] = 0x80 | 127;
    new DataView(frame.buffer, 2, 8).setBigUint64(0, BigInt(payload.length));
  }
  frame.set(mask, header);
  for (let i = 0; i < payload.length; i++) frame[header + 4 + i] = payload[i] ^ mask[i & 3];
  return frame;
}

async function write(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < bytes.length) offset += await conn.write(bytes.subarray(offset));
}
