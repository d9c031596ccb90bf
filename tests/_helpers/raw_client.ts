/**
 * A protocol-level test client over a real socket: sends frames, collects
 * every server message, and waits for ones that match.
 *
 * @module
 */

import { FrameDecoder } from "../../protocol/frame_decoder.ts";
import {
  type ClientMessage,
  encodeMessage,
  parseServerMessage,
  PROTOCOL_VERSION,
  type ServerMessage,
} from "../../protocol/messages.ts";

/** A connected raw client. */
export class RawClient implements AsyncDisposable {
  /** Every message received, in order. */
  readonly received: ServerMessage[] = [];
  /** The socket. */
  readonly conn: Deno.Conn;
  #closed = false;
  #waiters = new Set<() => void>();
  #reading: Promise<void>;
  #ref = 1;

  /** @param conn A connected socket. */
  constructor(conn: Deno.Conn) {
    this.conn = conn;
    this.#reading = this.#read();
  }

  /**
   * Connects to `127.0.0.1:port` without sending anything.
   *
   * @param port Server port.
   * @param hostname Server host (default 127.0.0.1).
   */
  static async open(port: number, hostname = "127.0.0.1"): Promise<RawClient> {
    return new RawClient(await Deno.connect({ hostname, port }));
  }

  /**
   * Connects and completes the handshake as `nick`.
   *
   * @param port Server port.
   * @param nick Nick to register.
   * @param password Server password, if any.
   * @throws {Error} If the server answers anything but `welcome`.
   */
  static async join(port: number, nick: string, password?: string): Promise<RawClient> {
    const client = await RawClient.open(port);
    await client.send(
      password === undefined
        ? { type: "hello", version: PROTOCOL_VERSION, nick }
        : { type: "hello", version: PROTOCOL_VERSION, nick, password },
    );
    const first = await client.next(() => true);
    if (first.type !== "welcome") {
      client.close();
      throw new Error(`handshake as ${nick} failed: ${JSON.stringify(first)}`);
    }
    return client;
  }

  /** Whether the server closed the connection. */
  get closed(): boolean {
    return this.#closed;
  }

  /** A fresh ref. */
  ref(): number {
    return this.#ref++;
  }

  /** Sends one message as a frame. */
  async send(message: ClientMessage): Promise<void> {
    await this.sendBytes(encodeMessage(message));
  }

  /** Writes raw bytes (for malformed input). */
  async sendBytes(bytes: Uint8Array): Promise<void> {
    let offset = 0;
    while (offset < bytes.length) offset += await this.conn.write(bytes.subarray(offset));
  }

  /** Sends a chat line to a room and returns its ref. */
  async say(text: string, room = "#lobby"): Promise<number> {
    const ref = this.ref();
    await this.send({ type: "msg", ref, room, text });
    return ref;
  }

  /** Sends a command and returns its ref. */
  async command(name: string, args = "", room = "#lobby"): Promise<number> {
    const ref = this.ref();
    await this.send({ type: "command", ref, room, name, args });
    return ref;
  }

  /**
   * Waits for the first received message (old or new) that matches.
   *
   * @param match Predicate.
   * @param timeoutMs Longest wait (default 10000).
   * @throws {Error} On timeout or close, listing what was received.
   */
  async next(match: (m: ServerMessage) => boolean, timeoutMs = 10_000): Promise<ServerMessage> {
    const deadline = Date.now() + timeoutMs;
    while (true) {
      const found = this.received.find(match);
      if (found) return found;
      if (this.#closed) {
        throw new Error(`connection closed; received ${JSON.stringify(this.received)}`);
      }
      if (Date.now() >= deadline) {
        throw new Error(
          `timed out after ${timeoutMs} ms; received ${JSON.stringify(this.received)}`,
        );
      }
      await this.#wait(deadline - Date.now());
    }
  }

  /**
   * Waits until the server closes the connection.
   *
   * @param timeoutMs Longest wait (default 10000).
   * @returns Whether it closed in time.
   */
  async waitClosed(timeoutMs = 10_000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.#closed && Date.now() < deadline) await this.#wait(deadline - Date.now());
    return this.#closed;
  }

  /** Closes the socket. */
  close(): void {
    try {
      this.conn.close();
    } catch { /* already closed */ }
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.close();
    await this.#reading;
  }

  #wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        this.#waiters.delete(wake);
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(wake, Math.max(1, ms));
      this.#waiters.add(wake);
    });
  }

  async #read(): Promise<void> {
    const decoder = new FrameDecoder({ maxFrameBytes: 64 * 1024 * 1024 });
    const buffer = new Uint8Array(64 * 1024);
    try {
      while (true) {
        const n = await this.conn.read(buffer);
        if (n === null) break;
        decoder.push(buffer.subarray(0, n), (payload) => {
          const message = parseServerMessage(payload);
          if (message) this.received.push(message);
        });
        for (const wake of [...this.#waiters]) wake();
      }
    } catch (error) {
      if (
        !(error instanceof Deno.errors.BadResource ||
          error instanceof Deno.errors.ConnectionReset ||
          error instanceof Deno.errors.Interrupted)
      ) throw error;
    } finally {
      this.#closed = true;
      for (const wake of [...this.#waiters]) wake();
    }
  }
}
