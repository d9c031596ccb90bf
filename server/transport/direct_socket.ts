/**
 * Synchronous socket writes for the fanout, and synchronous reads for busy
 * connections, on Linux with `--allow-ffi`.
 *
 * Deno writes a socket with an asynchronous op, and its event loop completes
 * at most 128 socket operations per turn (tokio's cooperative budget). A
 * message to a room of 1,000 therefore needs at least 8 turns before the
 * last member's bytes reach the kernel, and reads wait behind those writes
 * (bench/README.md, "Where the time goes"). `send(2)` called directly, with
 * `MSG_DONTWAIT`, hands the bytes to the kernel in the same turn, in about the
 * time of the system call, with no promise per write.
 *
 * Deno does not expose a connection's descriptor, so {@linkcode DirectSockets.wrap}
 * finds it: among the process's descriptors not already known, the one
 * socket whose local and remote ports and address family are the
 * connection's (`getsockname(2)`, `getpeername(2)`). When there is not
 * exactly one, the connection keeps Deno's writes. A descriptor is forgotten
 * before its connection is closed, so it is never written after the number
 * could be reused.
 *
 * A direct send that does not take everything (a full socket buffer:
 * `EAGAIN`; or any error) takes nothing further: the write queue hands the
 * rest to Deno's asynchronous write, which waits for the socket or reports
 * the error as before, and tries direct sends again only after that write
 * completed, so bytes stay in order. {@linkcode DirectSocket.tryRecv} is
 * `recv(2)` with `MSG_DONTWAIT`, for a connection that has no Deno read
 * pending (see `Connection`'s read after a pause, and read_pacing.ts).
 * Without `--allow-ffi` or off Linux,
 * {@linkcode DirectSockets.wrap} returns the connection as it is.
 *
 * @module
 */

import { getLogger } from "../log.ts";
import type { ByteStream } from "./connection.ts";

const log = getLogger(["parley", "server"]);

/** `MSG_DONTWAIT | MSG_NOSIGNAL` (Linux): never block, and no SIGPIPE on a closed peer. */
const SEND_FLAGS = 0x40 | 0x4000;
/** `MSG_DONTWAIT` (Linux). */
const RECV_FLAGS = 0x40;
const AF_INET = 2;
const AF_INET6 = 10;
/** Descriptors above the highest known one that are searched, for new connections. */
const SEARCH_MARGIN = 256;

/** A byte stream that can also write synchronously; see {@linkcode DirectSocket.trySend}. */
export interface SyncWritable {
  /**
   * Writes what the socket takes at once, without waiting.
   *
   * @returns Bytes written, 0 to `data.length`; 0 also on any error (the
   *   asynchronous write that follows reports it).
   */
  trySend(data: Uint8Array): number;
}

/** A byte stream that can also read synchronously; see {@linkcode SyncReadable.tryRecv}. */
export interface SyncReadable {
  /**
   * Reads what the socket holds now, without waiting (`recv(2)` with
   * `MSG_DONTWAIT`). Only call it while no `read` is pending: the two would
   * race for the same bytes.
   *
   * @param buffer Where the bytes go.
   * @returns Bytes read, 1 to `buffer.length`; 0 at end of stream; -1 when
   *   nothing is there yet or on any error (a `read` then waits, or reports
   *   the error).
   */
  tryRecv(buffer: Uint8Array): number;
}

type Libc = Deno.DynamicLibrary<{
  send: { parameters: ["i32", "buffer", "usize", "i32"]; result: "i32" };
  recv: { parameters: ["i32", "buffer", "usize", "i32"]; result: "i32" };
  getsockname: { parameters: ["i32", "buffer", "buffer"]; result: "i32" };
  getpeername: { parameters: ["i32", "buffer", "buffer"]; result: "i32" };
}>;

/** A `Deno.Conn` with its descriptor: reads and waiting writes go through Deno. */
export class DirectSocket implements ByteStream, SyncWritable, SyncReadable {
  readonly #conn: Deno.Conn;
  readonly #owner: DirectSockets;
  #fd: number;

  /** @internal Made by {@linkcode DirectSockets.wrap}. */
  constructor(conn: Deno.Conn, fd: number, owner: DirectSockets) {
    this.#conn = conn;
    this.#fd = fd;
    this.#owner = owner;
  }

  /** Reads through Deno. */
  read(buffer: Uint8Array): Promise<number | null> {
    return this.#conn.read(buffer);
  }

  /** Writes through Deno (waits for the socket). */
  write(data: Uint8Array): Promise<number> {
    return this.#conn.write(data);
  }

  /** See {@linkcode SyncWritable.trySend}. */
  trySend(data: Uint8Array): number {
    if (this.#fd < 0) return 0;
    const n = this.#owner.send(this.#fd, data);
    return n > 0 ? n : 0;
  }

  /** See {@linkcode SyncReadable.tryRecv}. */
  tryRecv(buffer: Uint8Array): number {
    if (this.#fd < 0) return -1;
    const n = this.#owner.recv(this.#fd, buffer);
    return n >= 0 ? n : -1;
  }

  /** Forgets the descriptor, then closes the connection. */
  close(): void {
    if (this.#fd >= 0) {
      this.#owner.release(this.#fd);
      this.#fd = -1;
    }
    this.#conn.close();
  }
}

/**
 * The process's direct sockets: libc loaded once, and the descriptors of the
 * connections wrapped.
 *
 * @example
 * ```ts ignore
 * const direct = DirectSockets.open(); // undefined without --allow-ffi or off Linux
 * const stream = direct ? direct.wrap(conn) : conn;
 * ```
 */
export class DirectSockets {
  readonly #libc: Libc;
  /** `known[fd]` is 1 for a descriptor of a wrapped, open connection. */
  #known = new Uint8Array(1024);
  #highest = 2;
  readonly #sockaddr = new Uint8Array(128);
  readonly #length = new Uint32Array(1);

  private constructor(libc: Libc) {
    this.#libc = libc;
  }

  static #process: DirectSockets | undefined | null = null;

  /**
   * The process's direct sockets, opened on first use (see {@linkcode DirectSockets.open}).
   *
   * @returns The shared instance, or `undefined` without `--allow-ffi` or off Linux.
   */
  static forProcess(): DirectSockets | undefined {
    if (DirectSockets.#process === null) {
      DirectSockets.#process = DirectSockets.open();
      log.info("fanout writes: {how}", {
        how: DirectSockets.#process
          ? "direct send(2) (Linux, --allow-ffi)"
          : "Deno's asynchronous writes (direct sends need Linux and --allow-ffi)",
      });
    }
    return DirectSockets.#process;
  }

  /**
   * Loads libc when this can work: Linux, `--allow-ffi` granted (never asked for).
   *
   * @returns The direct sockets, or `undefined`.
   */
  static open(): DirectSockets | undefined {
    if (Deno.build.os !== "linux") return undefined;
    if (Deno.permissions.querySync({ name: "ffi" }).state !== "granted") return undefined;
    try {
      return new DirectSockets(Deno.dlopen("libc.so.6", {
        // ssize_t read as its low 32 bits: exact for one batch (≤ 1 MiB), and -1 stays -1.
        send: { parameters: ["i32", "buffer", "usize", "i32"], result: "i32" },
        recv: { parameters: ["i32", "buffer", "usize", "i32"], result: "i32" },
        getsockname: { parameters: ["i32", "buffer", "buffer"], result: "i32" },
        getpeername: { parameters: ["i32", "buffer", "buffer"], result: "i32" },
      }));
    } catch {
      return undefined;
    }
  }

  /**
   * The connection with synchronous writes, when its descriptor is found
   * unambiguously; else the connection itself.
   *
   * @param conn A TCP connection just accepted.
   */
  wrap(conn: Deno.Conn): ByteStream {
    const local = conn.localAddr;
    const remote = conn.remoteAddr;
    if (local.transport !== "tcp" || remote.transport !== "tcp") return conn;
    const family = remote.hostname.includes(":") ? AF_INET6 : AF_INET;
    let found = -1;
    const last = this.#highest + SEARCH_MARGIN;
    for (let fd = 3; fd <= last; fd++) {
      if (fd < this.#known.length && this.#known[fd] === 1) continue;
      if (!this.#matches(fd, family, local.port, remote.port)) continue;
      if (found >= 0) return conn; // two candidates: do not guess
      found = fd;
    }
    if (found < 0) return conn;
    this.#remember(found);
    return new DirectSocket(conn, found, this);
  }

  /** @internal `send(fd, data, MSG_DONTWAIT | MSG_NOSIGNAL)`: bytes sent, or -1. */
  send(fd: number, data: Uint8Array): number {
    // Deno takes a number for a `usize` argument (its types say bigint, which would allocate).
    return this.#libc.symbols.send(fd, data, data.length as unknown as bigint, SEND_FLAGS);
  }

  /** @internal `recv(fd, buffer, MSG_DONTWAIT)`: bytes read, 0 at end of stream, or -1. */
  recv(fd: number, buffer: Uint8Array): number {
    return this.#libc.symbols.recv(fd, buffer, buffer.length as unknown as bigint, RECV_FLAGS);
  }

  /** @internal Forgets a descriptor whose connection is being closed. */
  release(fd: number): void {
    this.#known[fd] = 0;
  }

  /** Unloads libc (wrapped sockets then write through Deno only after `close`). */
  close(): void {
    this.#libc.close();
  }

  #remember(fd: number): void {
    if (fd >= this.#known.length) {
      const grown = new Uint8Array(Math.max(fd + 1, this.#known.length * 2));
      grown.set(this.#known);
      this.#known = grown;
    }
    this.#known[fd] = 1;
    if (fd > this.#highest) this.#highest = fd;
  }

  /** Whether `fd` is a TCP socket of `family` with these local and remote ports. */
  #matches(fd: number, family: number, localPort: number, remotePort: number): boolean {
    const sockaddr = this.#sockaddr;
    const length = this.#length;
    length[0] = sockaddr.length;
    if (this.#libc.symbols.getpeername(fd, sockaddr, length) !== 0) return false;
    if (portOf(sockaddr, family) !== remotePort) return false;
    length[0] = sockaddr.length;
    if (this.#libc.symbols.getsockname(fd, sockaddr, length) !== 0) return false;
    if (fd > this.#highest) this.#highest = fd;
    return portOf(sockaddr, family) === localPort;
  }
}

/** The port of a `sockaddr_in`/`sockaddr_in6` of `family`, or -1 for another family. */
function portOf(sockaddr: Uint8Array, family: number): number {
  if ((sockaddr[0] | (sockaddr[1] << 8)) !== family) return -1;
  return (sockaddr[2] << 8) | sockaddr[3];
}
