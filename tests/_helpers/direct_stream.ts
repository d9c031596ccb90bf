/**
 * A byte stream that can also be read synchronously, like `DirectSocket`
 * (`server/transport/direct_socket.ts`), for tests of the read path.
 *
 * @module
 */

import type { ByteStream } from "../../server/transport/connection.ts";

/**
 * Bytes the test `arrive`s go to a pending `read` if there is one, else wait
 * for the next `read` or `tryRecv`. Counts how each chunk was taken and
 * records every write.
 */
export class DirectStream implements ByteStream {
  /** Every write, copied. */
  writes: Uint8Array[] = [];
  /** Calls of `read` (Deno reads). */
  reads = 0;
  /** Calls of `tryRecv`. */
  tryRecvs = 0;
  /** Chunks taken by `tryRecv`. */
  direct = 0;
  #arrived: Uint8Array[] = [];
  #waiting: { buffer: Uint8Array; resolve: (n: number | null) => void } | undefined;

  /** Bytes come in from the peer. */
  arrive(bytes: Uint8Array): void {
    const waiting = this.#waiting;
    if (waiting) {
      this.#waiting = undefined;
      waiting.buffer.set(bytes);
      waiting.resolve(bytes.length);
    } else this.#arrived.push(bytes);
  }

  read(buffer: Uint8Array): Promise<number | null> {
    this.reads++;
    const next = this.#arrived.shift();
    if (next) return Promise.resolve((buffer.set(next), next.length));
    return new Promise((resolve) => (this.#waiting = { buffer, resolve }));
  }

  tryRecv(buffer: Uint8Array): number {
    this.tryRecvs++;
    const next = this.#arrived.shift();
    if (!next) return -1;
    buffer.set(next);
    this.direct++;
    return next.length;
  }

  write(data: Uint8Array): Promise<number> {
    this.writes.push(data.slice());
    return Promise.resolve(data.length);
  }

  close(): void {
    this.#waiting?.resolve(null);
  }
}
