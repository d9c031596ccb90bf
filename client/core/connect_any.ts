/**
 * Connecting to the first of several addresses that answers: the nodes of a
 * clustered chat, given as `host1:5003,host2:5003`. Browser-safe: the caller
 * supplies how to open one connection.
 *
 * @module
 */

/** A connection that {@linkcode connectAny} opened, and which address answered. */
export interface ConnectedTo<C> {
  /** The open connection. */
  connection: C;
  /** Index of the address that answered, in the list given. */
  index: number;
}

/** Options for {@linkcode connectAny}. */
export interface ConnectAnyOptions {
  /**
   * Index of the first address to try; the others follow in order, wrapping.
   * @default {0}
   */
  start?: number;
  /**
   * Whether a failure lets the next address be tried. A server that answered
   * and refused (wrong password, nick taken) would be answered the same by
   * every node of the chat, so such a failure should end the search.
   * @default {() => true}
   */
  tryNext?: (error: unknown) => boolean;
}

/**
 * Tries the addresses in turn, from `start`, until one connects.
 *
 * @param addresses The addresses, at least one.
 * @param open Opens one connection; rejects when it cannot.
 * @param options Where to start and which failures move on.
 * @returns The first connection that opened and its address' index.
 * @throws The failure of the last address tried (every one failed, or one
 *   failed with an error `tryNext` refuses).
 * @throws {RangeError} If `addresses` is empty.
 *
 * @example
 * ```ts
 * import { connectAny } from "./connect_any.ts";
 * const { connection, index } = await connectAny(["down", "up"], (a) =>
 *   a === "up" ? Promise.resolve(`socket to ${a}`) : Promise.reject(new Error("refused"))
 * );
 * connection; // "socket to up"
 * index; // 1
 * ```
 */
export async function connectAny<A, C>(
  addresses: readonly A[],
  open: (address: A, index: number) => Promise<C>,
  options: ConnectAnyOptions = {},
): Promise<ConnectedTo<C>> {
  if (addresses.length === 0) throw new RangeError("Cannot connect without an address");
  const start = ((options.start ?? 0) % addresses.length + addresses.length) % addresses.length;
  const tryNext = options.tryNext ?? (() => true);
  let lastError: unknown;
  for (let i = 0; i < addresses.length; i++) {
    const index = (start + i) % addresses.length;
    try {
      return { connection: await open(addresses[index], index), index };
    } catch (error) {
      lastError = error;
      if (!tryNext(error)) break;
    }
  }
  throw lastError;
}
