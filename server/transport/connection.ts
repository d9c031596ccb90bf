/**
 * One stream connection (TCP or TLS): reads frames into the hub and writes
 * through a {@linkcode WriteQueue}. The lifecycle (close, abort, overflow,
 * liveness) is {@linkcode PeerConnection}'s; this file says how frames are
 * read, how bytes are written and how the socket closes.
 *
 * @module
 */

import { getLogger } from "../log.ts";
import { FrameDecoder, FrameTooLargeError } from "../../protocol/frame_decoder.ts";
import { HANDSHAKE_MAX_FRAME_BYTES } from "../../protocol/frame.ts";
import type { Hub } from "../chat/hub.ts";
import { type ConnectionOptions, PeerConnection } from "./peer_connection.ts";
import { PRESENCE_DELAY_MS, WriteQueue } from "./write_queue.ts";
import {
  countFrame,
  framesSinceTick,
  readAfterPause,
  readPause,
  shouldPause,
} from "./read_pacing.ts";

export type { ConnectionOptions } from "./peer_connection.ts";
export { PRESENCE_DELAY_MS };

const log = getLogger(["parley", "server"]);

/** The byte stream a connection runs over; `Deno.Conn` and `Deno.TlsConn` fit. */
export interface ByteStream {
  /** Reads into `buffer`; resolves to the count, or `null` at end of stream. */
  read(buffer: Uint8Array): Promise<number | null>;
  /** Writes some prefix of `data`; resolves to the count written. */
  write(data: Uint8Array): Promise<number>;
  /** Closes both directions. */
  close(): void;
  /**
   * Reads what is there without waiting, when the stream can (see
   * `direct_socket.ts`): bytes read, 0 at end of stream, -1 for nothing yet
   * or an error.
   */
  tryRecv?(buffer: Uint8Array): number;
}

/** Read buffer of an idle connection, in bytes; it doubles while reads fill it. */
const MIN_READ_BYTES = 256;
const MAX_READ_BYTES = 64 * 1024;

/**
 * A client connection over a byte stream. The hub and rooms call `send()` with
 * encoded frames, which go straight into this connection's write queue; its
 * own writer batches them, and nobody else waits.
 *
 * @example
 * ```ts
 * import { Hub } from "../chat/hub.ts";
 * import { Connection } from "./connection.ts";
 * const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
 * const hub = new Hub();
 * const client = Deno.connect({ hostname: "127.0.0.1", port: listener.addr.port });
 * const connection = new Connection(await listener.accept(), "127.0.0.1:1", hub);
 * const running = connection.run();
 * (await client).close(); // the peer hangs up: run() ends and the connection closes
 * await running;
 * listener.close();
 * ```
 */
export class Connection extends PeerConnection {
  readonly #stream: ByteStream;
  readonly #decoder = new FrameDecoder({ maxFrameBytes: HANDSHAKE_MAX_FRAME_BYTES });
  readonly #queue: WriteQueue;
  #readSize = MIN_READ_BYTES;
  /** Reused across reads: frames are consumed (or copied) before the next read. */
  #readBuffer: Uint8Array | undefined;

  /**
   * @param stream The accepted socket.
   * @param remoteAddr Its remote address, `host:port`.
   * @param hub The chat to admit the client into.
   * @param options Queue limits; see {@linkcode ConnectionOptions}.
   */
  constructor(stream: ByteStream, remoteAddr: string, hub: Hub, options: ConnectionOptions = {}) {
    super(remoteAddr, hub, options);
    this.#stream = stream;
    this.#queue = new WriteQueue(stream, {
      maxBytes: this.maxQueueBytes,
      maxBatchBytes: options.maxBatchBytes,
      onOverflow: () => this.overflow(),
      onError: (error) => this.#writeFailed(error),
    });
  }

  /** Bytes waiting in the outbound queue. */
  get queuedBytes(): number {
    return this.#queue.queuedBytes;
  }

  /** Runs the read loop until the connection closes. Never rejects. */
  async run(): Promise<void> {
    log.info("connect from {address}", { address: this.remoteAddr });
    const onFrame = (payload: Uint8Array) => {
      countFrame();
      if (this.reading) this.deliver(() => this.inbound.handle(payload), payload);
    };
    const direct = this.#stream.tryRecv !== undefined;
    let resumed = false;
    try {
      while (this.reading) {
        if (this.#readBuffer?.length !== this.#readSize) {
          this.#readBuffer = new Uint8Array(this.#readSize);
        }
        const buffer = this.#readBuffer;
        let n = resumed ? readAfterPause(this.#stream, buffer) : undefined;
        if (n === undefined) n = await this.#stream.read(buffer);
        if (n === null) {
          this.close(
            this.#decoder.pendingBytes > 0 ? "connection lost mid-frame" : "connection closed",
          );
          break;
        }
        // Grow the read buffer for busy peers, shrink it back for idle ones.
        if (n === buffer.length && this.#readSize < MAX_READ_BYTES) this.#readSize *= 2;
        else if (n < this.#readSize / 8 && this.#readSize > MIN_READ_BYTES) {
          this.#readSize = MIN_READ_BYTES;
        }
        this.touch();
        const before = framesSinceTick();
        this.#decoder.push(buffer.subarray(0, n), onFrame);
        resumed = shouldPause(framesSinceTick() - before, direct);
        if (resumed) await readPause();
      }
    } catch (error) {
      if (error instanceof FrameTooLargeError) {
        this.inbound.refuse("frame_too_large", error.message);
      } else if (
        error instanceof Deno.errors.ConnectionReset || error instanceof Deno.errors.BrokenPipe ||
        error instanceof Deno.errors.BadResource || error instanceof Deno.errors.Interrupted ||
        error instanceof Deno.errors.ConnectionAborted
      ) {
        // A no-op when already closing: the reason given then stays.
        this.close("connection reset");
      } else if (
        error instanceof Deno.errors.InvalidData || error instanceof Deno.errors.UnexpectedEof
      ) {
        // TLS-level garbage or truncation.
        this.abort(`transport error: ${(error as Error).message}`);
      } else {
        log.error("read loop failed for {address}: {error}", { address: this.remoteAddr, error });
        this.abort("internal error");
      }
    }
    await this.closed;
  }

  /**
   * Queues a frame; see {@linkcode Peer.send}. Overflowing the queue closes this
   * connection at once (slow consumer), without waiting on the socket.
   */
  send(frame: Uint8Array): boolean {
    return this.#queue.push(frame);
  }

  /**
   * Queues a frame that may wait up to {@linkcode PRESENCE_DELAY_MS} for the
   * next write (see {@linkcode Member.sendLater}).
   */
  sendLater(frame: Uint8Array): boolean {
    return this.#queue.pushLater(frame);
  }

  /**
   * Queues one frame given in parts (see {@linkcode Peer.sendParts}), without
   * joining them.
   */
  sendParts(parts: Uint8Array[]): boolean {
    return this.#queue.pushParts(parts);
  }

  /** Waits for the queue to be written, at most `timeoutMs` ms. */
  protected override drain(timeoutMs: number): Promise<void> {
    return this.#queue.drain(timeoutMs);
  }

  /** Drops the queue. */
  protected override discard(): void {
    this.#queue.clear();
  }

  /** A stream is closed as soon as its socket is: finish now. */
  protected override hangUp(_graceful: boolean): void {
    this.finish();
  }

  /** Raises the frame limit from the handshake's to the hub's. */
  protected override admitted(): void {
    this.#decoder.maxFrameBytes = this.hub.limits.maxFrameBytes;
  }

  /** Stops the writer and closes the socket. */
  protected override finished(): void {
    try {
      this.#stream.close();
    } catch (error) {
      if (!(error instanceof Deno.errors.BadResource)) throw error;
    }
    this.#queue.stop();
  }

  #writeFailed(error: unknown): void {
    if (error instanceof Deno.errors.BrokenPipe || error instanceof Deno.errors.ConnectionReset) {
      // The peer went away; the writer can notice before the reader sees EOF.
      this.abort(this.#decoder.pendingBytes > 0 ? "connection lost mid-frame" : "connection lost");
    } else if (error instanceof Error && error.name !== "BadResource") {
      this.abort(`write failed: ${error.message}`);
    } else {
      this.abort(this.closeReason || "connection closed");
    }
  }
}
