/**
 * One stream connection (TCP or TLS): reads frames into the hub and drains a
 * bounded outbound queue in batched writes. Every way out — EOF, reset, full
 * queue, kick, `/quit`, shutdown — runs the same idempotent `close(reason)`.
 *
 * @module
 */

import { getLogger } from "../log.ts";
import { FrameDecoder, FrameTooLargeError } from "../../protocol/frame_decoder.ts";
import { HANDSHAKE_MAX_FRAME_BYTES } from "../../protocol/frame.ts";
import { BATCH_POOL } from "./buffer_pool.ts";
import type { Hub } from "../chat/hub.ts";
import { InboundHandler, type InboundOptions } from "../chat/inbound_handler.ts";
import type { Peer, Session } from "../chat/session.ts";

const log = getLogger(["parley", "server"]);

/** The byte stream a connection runs over; `Deno.Conn` and `Deno.TlsConn` fit. */
export interface ByteStream {
  /** Reads into `buffer`; resolves to the count, or `null` at end of stream. */
  read(buffer: Uint8Array): Promise<number | null>;
  /** Writes some prefix of `data`; resolves to the count written. */
  write(data: Uint8Array): Promise<number>;
  /** Closes both directions. */
  close(): void;
}

/** Options for {@linkcode Connection}. */
export interface ConnectionOptions extends InboundOptions {
  /**
   * Most bytes waiting in the outbound queue; past it the peer is a slow
   * consumer and is disconnected.
   * @default {1048576}
   */
  maxQueueBytes?: number;
  /**
   * Most bytes one write batches together.
   * @default {262144}
   */
  maxBatchBytes?: number;
  /**
   * Longest a graceful close waits for the queue to drain, in ms.
   * @default {2000}
   */
  drainTimeoutMs?: number;
}

/** Read buffer of an idle connection, in bytes; it doubles while reads fill it. */
const MIN_READ_BYTES = 256;
const MAX_READ_BYTES = 64 * 1024;
/**
 * Longest a presence notice (join, leave) waits to be written along with
 * others, in ms (see {@linkcode Connection.sendLater}).
 */
export const PRESENCE_DELAY_MS = 10;
/** Queue entries this large are written as they are; smaller ones are concatenated. */
const DIRECT_WRITE_BYTES = 4096;

/**
 * A client connection bound to a {@linkcode Hub}. Implements {@linkcode Peer}:
 * the hub and rooms call `send()` with encoded frames, which are queued and
 * written in batches by this connection's own writer; nobody else waits.
 */
export class Connection implements Peer {
  /** Remote address as `host:port`. */
  readonly remoteAddr: string;
  /** Time the socket was accepted, ms since the epoch. */
  readonly openedAt: number;
  /** Time of the last frame read, ms since the epoch (for heartbeats). */
  lastSeen: number;
  /** Whether a heartbeat ping is outstanding. */
  pinged = false;
  readonly #stream: ByteStream;
  readonly #hub: Hub;
  readonly #decoder = new FrameDecoder({ maxFrameBytes: HANDSHAKE_MAX_FRAME_BYTES });
  readonly #maxQueueBytes: number;
  readonly #maxBatchBytes: number;
  readonly #drainTimeoutMs: number;
  #queue: Uint8Array[] = [];
  /**
   * The newest queued frame, kept apart so that a next frame adjacent to it in
   * memory (consecutive broadcasts of a room, see frame_arena.ts) extends it
   * in place: `#tailBytes` bytes from `#tail`'s start.
   */
  #tail: Uint8Array | undefined;
  #tailBytes = 0;
  #queuedBytes = 0;
  #writing = false;
  #drained: (() => void) | undefined;
  #state: "handshake" | "open" | "closing" | "closed" = "handshake";
  #closeReason = "";
  #overflowed = false;
  #readSize = MIN_READ_BYTES;
  readonly #inbound: InboundHandler;
  /** Reused across reads: frames are consumed (or copied) before the next read. */
  #readBuffer: Uint8Array | undefined;
  /** The pooled buffer behind the batch being written, returned after the write. */
  #pooled: Uint8Array | undefined;
  readonly #closed: PromiseWithResolvers<void> = Promise.withResolvers();

  /**
   * @param stream The accepted socket.
   * @param remoteAddr Its remote address, `host:port`.
   * @param hub The chat to admit the client into.
   * @param options Queue limits; see {@linkcode ConnectionOptions}.
   */
  constructor(stream: ByteStream, remoteAddr: string, hub: Hub, options: ConnectionOptions = {}) {
    this.#stream = stream;
    this.remoteAddr = remoteAddr;
    this.#hub = hub;
    this.#maxQueueBytes = options.maxQueueBytes ?? 1_048_576;
    this.#maxBatchBytes = options.maxBatchBytes ?? 262_144;
    this.#drainTimeoutMs = options.drainTimeoutMs ?? 2000;
    this.openedAt = this.lastSeen = hub.now();
    this.#inbound = new InboundHandler(this, hub, options, () => {
      this.#state = "open";
      this.#decoder.maxFrameBytes = hub.limits.maxFrameBytes;
    });
  }

  /** Resolves once the socket is closed. */
  get closed(): Promise<void> {
    return this.#closed.promise;
  }

  /** The session once the handshake is done. */
  get session(): Session | undefined {
    return this.#inbound.session;
  }

  /** Whether the handshake has not completed yet (a delayed refusal counts). */
  get inHandshake(): boolean {
    return this.#inbound.inHandshake && !this.#closeReason;
  }

  /** Bytes waiting in the outbound queue. */
  get queuedBytes(): number {
    return this.#queuedBytes;
  }

  /**
   * Runs the read loop until the connection closes. Never rejects.
   */
  async run(): Promise<void> {
    log.info("connect from {address}", { address: this.remoteAddr });
    const onFrame = (payload: Uint8Array) => this.#onFrame(payload);
    try {
      while (this.#state === "handshake" || this.#state === "open") {
        if (this.#readBuffer?.length !== this.#readSize) {
          this.#readBuffer = new Uint8Array(this.#readSize);
        }
        const buffer = this.#readBuffer;
        const n = await this.#stream.read(buffer);
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
        this.lastSeen = this.#hub.now();
        this.pinged = false;
        this.#decoder.push(buffer.subarray(0, n), onFrame);
      }
    } catch (error) {
      if (error instanceof FrameTooLargeError) {
        this.#inbound.refuse("frame_too_large", error.message);
      } else if (
        error instanceof Deno.errors.ConnectionReset || error instanceof Deno.errors.BrokenPipe ||
        error instanceof Deno.errors.BadResource || error instanceof Deno.errors.Interrupted ||
        error instanceof Deno.errors.ConnectionAborted
      ) {
        this.close(
          this.#state === "closing" || this.#state === "closed"
            ? this.#closeReason
            : "connection reset",
        );
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
    await this.#closed.promise;
  }

  /**
   * Queues a frame; see {@linkcode Peer.send}. Overflowing the queue closes this
   * connection at once (slow consumer), without waiting on the socket.
   */
  send(frame: Uint8Array): boolean {
    if (!this.#enqueue(frame)) return false;
    if (!this.#writing) {
      this.#writing = true;
      // Let the current turn finish queuing so that one write carries them all.
      queueMicrotask(() => this.#flush());
    }
    return true;
  }

  /**
   * Queues a frame that may wait up to {@linkcode PRESENCE_DELAY_MS} for the
   * next write (see {@linkcode Member.sendLater}): presence notices in a join
   * storm then cost each member one write per delay instead of one per join.
   * Any {@linkcode send} before then writes it along, in order.
   */
  sendLater(frame: Uint8Array): boolean {
    if (!this.#enqueue(frame)) return false;
    if (!this.#writing) Connection.#later.add(this);
    Connection.#laterTimer ??= setTimeout(Connection.#flushLater, PRESENCE_DELAY_MS);
    return true;
  }

  /** Connections holding delayed frames and no writer running. */
  static readonly #later = new Set<Connection>();
  static #laterTimer: ReturnType<typeof setTimeout> | undefined;
  static #flushLater(): void {
    Connection.#laterTimer = undefined;
    for (const conn of Connection.#later) {
      if (!conn.#writing && conn.#state !== "closed") {
        conn.#writing = true;
        void conn.#flush();
      }
    }
    Connection.#later.clear();
  }

  /** Adds a frame to the queue (merging it into the tail span when adjacent); false if refused. */
  #enqueue(frame: Uint8Array): boolean {
    if (this.#state === "closed" || this.#overflowed) return false;
    if (this.#queuedBytes + frame.length > this.#maxQueueBytes) return this.#overflow();
    this.#queuedBytes += frame.length;
    const tail = this.#tail;
    if (
      tail !== undefined && frame.buffer === tail.buffer &&
      frame.byteOffset === tail.byteOffset + this.#tailBytes
    ) {
      this.#tailBytes += frame.length;
    } else {
      if (tail !== undefined) this.#closeTail();
      this.#tail = frame;
      this.#tailBytes = frame.length;
    }
    return true;
  }

  /**
   * Queues one frame given in parts (see {@linkcode Peer.sendParts}): the
   * parts go into the queue as they are, so a large shared part is written
   * without a copy.
   */
  sendParts(parts: Uint8Array[]): boolean {
    let bytes = 0;
    for (const part of parts) bytes += part.length;
    if (this.#state === "closed" || this.#overflowed) return false;
    if (this.#queuedBytes + bytes > this.#maxQueueBytes) return this.#overflow();
    for (const part of parts) if (part.length > 0) this.send(part);
    return true;
  }

  /** Marks the queue overflowed and closes this connection after the current fanout. */
  #overflow(): false {
    this.#overflowed = true;
    const who = this.session?.nick ?? this.remoteAddr;
    log.warn("slow consumer {nick} ({address}): outbound queue over {max} bytes, disconnecting", {
      nick: who,
      address: this.remoteAddr,
      max: this.#maxQueueBytes,
    });
    // Closing runs the hub's leave broadcast, so do it after the current fanout returns.
    queueMicrotask(() =>
      this.abort(`slow consumer: outbound queue over ${this.#maxQueueBytes} bytes`)
    );
    return false;
  }

  /**
   * Graceful close: leaves the hub (announcing it), writes what is queued
   * (up to `drainTimeoutMs`), then closes the socket. Idempotent.
   *
   * @param reason Why, for leave notices and `chat.log`.
   */
  close(reason: string): void {
    if (this.#state === "closed" || this.#closeReason) return;
    this.#closeReason = reason;
    this.#state = "closing";
    this.#leave(reason);
    void this.#drain().then(() => this.#finish());
  }

  /**
   * Immediate close: drops the queue and closes the socket. Idempotent, and
   * takes over a graceful close in progress.
   *
   * @param reason Why, for leave notices and `chat.log`.
   */
  abort(reason: string): void {
    if (this.#state === "closed") return;
    if (!this.#closeReason) this.#closeReason = reason;
    this.#leave(this.#closeReason);
    this.#queue = [];
    this.#tail = undefined;
    this.#queuedBytes = 0;
    this.#finish();
  }

  #leave(reason: string): void {
    if (this.session) this.#hub.disconnect(this.session, reason);
    else {log.debug("disconnect {address} before handshake: {reason}", {
        address: this.remoteAddr,
        reason,
      });}
  }

  #finish(): void {
    if (this.#state === "closed") return;
    this.#state = "closed";
    this.#inbound.dispose();
    try {
      this.#stream.close();
    } catch (error) {
      if (!(error instanceof Deno.errors.BadResource)) throw error;
    }
    this.#drained?.();
    this.#closed.resolve();
  }

  async #drain(): Promise<void> {
    if (!this.#writing && this.#queue.length === 0 && this.#tail === undefined) return;
    const { promise, resolve } = Promise.withResolvers<void>();
    this.#drained = resolve;
    const timer = setTimeout(resolve, this.#drainTimeoutMs);
    await promise;
    clearTimeout(timer);
  }

  async #flush(): Promise<void> {
    try {
      while (this.#state !== "closed") {
        if (this.#tail !== undefined) this.#closeTail();
        if (this.#queue.length === 0) break;
        const batch = this.#takeBatch();
        let offset = 0;
        while (offset < batch.length) {
          offset += await this.#stream.write(offset === 0 ? batch : batch.subarray(offset));
        }
        this.#queuedBytes -= batch.length;
        if (this.#pooled) {
          BATCH_POOL.give(this.#pooled);
          this.#pooled = undefined;
        }
      }
    } catch (error) {
      if (error instanceof Deno.errors.BrokenPipe || error instanceof Deno.errors.ConnectionReset) {
        // The peer went away; the writer can notice before the reader sees EOF.
        this.abort(
          this.#decoder.pendingBytes > 0 ? "connection lost mid-frame" : "connection lost",
        );
      } else if (error instanceof Error && error.name !== "BadResource") {
        this.abort(`write failed: ${error.message}`);
      } else {
        this.abort(this.#closeReason || "connection closed");
      }
    } finally {
      this.#writing = false;
      if (this.#queue.length === 0 && this.#tail === undefined) this.#drained?.();
    }
  }

  /** Moves the tail into the queue, as one view when frames were merged into it. */
  #closeTail(): void {
    const tail = this.#tail!;
    this.#queue.push(
      this.#tailBytes === tail.length
        ? tail
        : new Uint8Array(tail.buffer, tail.byteOffset, this.#tailBytes),
    );
    this.#tail = undefined;
  }

  /**
   * The next bytes to write: a large entry (a span of many broadcasts) as it
   * is, without copying; a run of small ones concatenated into one buffer.
   */
  #takeBatch(): Uint8Array {
    const queue = this.#queue;
    const first = queue[0];
    if (queue.length === 1) {
      this.#queue = [];
      return first;
    }
    if (first.length >= DIRECT_WRITE_BYTES) {
      queue.shift();
      return first;
    }
    let count = 0;
    let bytes = 0;
    while (
      count < queue.length && queue[count].length < DIRECT_WRITE_BYTES &&
      (count === 0 || bytes + queue[count].length <= this.#maxBatchBytes)
    ) {
      bytes += queue[count].length;
      count++;
    }
    if (count === 1) {
      queue.shift();
      return first;
    }
    let batch: Uint8Array;
    if (bytes <= BATCH_POOL.size) {
      this.#pooled = BATCH_POOL.take();
      batch = this.#pooled.subarray(0, bytes);
    } else batch = new Uint8Array(bytes);
    let at = 0;
    for (let i = 0; i < count; i++) {
      batch.set(queue[i], at);
      at += queue[i].length;
    }
    this.#queue = count === queue.length ? [] : queue.slice(count);
    return batch;
  }

  #onFrame(payload: Uint8Array): void {
    if (this.#state === "handshake" || this.#state === "open") this.#inbound.handle(payload);
  }
}
