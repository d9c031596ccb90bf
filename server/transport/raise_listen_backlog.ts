/**
 * Raises the accept backlog of a `Deno.listen` socket, which Deno fixes at
 * 511. When more connections complete their TCP handshake at once than the
 * backlog holds (a join storm of 1,000 clients), Linux drops the rest
 * (`ListenOverflows` in `/proc/net/netstat`) and those clients retry after
 * 1 s. Linux lets a program call `listen(2)` again on a listening socket to
 * change its backlog (`inet_listen` only updates `sk_max_ack_backlog`); the
 * kernel caps it at `net.core.somaxconn` (4096 by default since Linux 5.4).
 *
 * Deno does not expose the socket's descriptor, so this finds it with
 * `getsockopt(SO_ACCEPTCONN)` and `getsockname(2)` over the process's
 * descriptors, through `Deno.dlopen` on libc. That needs `--allow-ffi`;
 * without it (or on another OS) nothing changes and the backlog stays 511.
 *
 * @module
 */

/** Linux constants (identical on x86_64 and aarch64). */
const SOL_SOCKET = 1;
const SO_ACCEPTCONN = 30;
const AF_INET = 2;
const AF_INET6 = 10;
/** Descriptors searched for the listener. */
const MAX_FD = 65_536;

/** Why the backlog could not be raised, or `undefined` when it was. */
export type BacklogResult = { raised: true; fd: number } | { raised: false; reason: string };

/**
 * Calls `listen(fd, backlog)` again on the socket behind `addr`.
 *
 * @param addr The listener's bound address (`listener.addr`), with its real port.
 * @param backlog The new backlog, in connections; the kernel caps it at `somaxconn`.
 * @returns Whether it was raised, and why not.
 *
 * @example
 * ```ts
 * import { raiseListenBacklog } from "./raise_listen_backlog.ts";
 * const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
 * raiseListenBacklog(listener.addr as Deno.NetAddr, 4096); // { raised: true, fd: 12 } with --allow-ffi
 * listener.close();
 * ```
 */
export function raiseListenBacklog(addr: Deno.NetAddr, backlog: number): BacklogResult {
  if (Deno.build.os !== "linux") return { raised: false, reason: "not Linux" };
  if (Deno.permissions.querySync({ name: "ffi" }).state !== "granted") {
    return { raised: false, reason: "no --allow-ffi" };
  }
  let lib;
  try {
    lib = Deno.dlopen("libc.so.6", {
      listen: { parameters: ["i32", "i32"], result: "i32" },
      getsockopt: { parameters: ["i32", "i32", "i32", "buffer", "buffer"], result: "i32" },
      getsockname: { parameters: ["i32", "buffer", "buffer"], result: "i32" },
    });
  } catch (error) {
    return { raised: false, reason: `cannot load libc: ${(error as Error).message}` };
  }
  try {
    const family = addr.hostname.includes(":") ? AF_INET6 : AF_INET;
    const value = new Int32Array(1);
    const valueLength = new Uint32Array([4]);
    const sockaddr = new Uint8Array(128);
    const sockaddrLength = new Uint32Array(1);
    for (let fd = 3; fd < MAX_FD; fd++) {
      valueLength[0] = 4;
      if (lib.symbols.getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, value, valueLength) !== 0) {
        continue;
      }
      if (value[0] !== 1) continue;
      sockaddrLength[0] = sockaddr.length;
      if (lib.symbols.getsockname(fd, sockaddr, sockaddrLength) !== 0) continue;
      const sockFamily = sockaddr[0] | (sockaddr[1] << 8);
      const port = (sockaddr[2] << 8) | sockaddr[3];
      if (sockFamily !== family || port !== addr.port) continue;
      if (lib.symbols.listen(fd, backlog) !== 0) {
        return { raised: false, reason: `listen(${fd}, ${backlog}) failed` };
      }
      return { raised: true, fd };
    }
    return { raised: false, reason: "listening socket not found" };
  } finally {
    lib.close();
  }
}
