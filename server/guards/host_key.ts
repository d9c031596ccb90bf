/**
 * Peer addresses as text: `formatAddr` writes them, `hostKey` reduces them to
 * the key per-address limits count by.
 *
 * @module
 */

/**
 * Formats an address as `host:port`, with IPv6 hosts in brackets.
 *
 * @param addr A network address.
 * @returns e.g. `"127.0.0.1:5003"` or `"[::1]:5003"`.
 */
export function formatAddr(addr: Deno.Addr): string {
  if (addr.transport !== "tcp" && addr.transport !== "udp") return addr.transport;
  return addr.hostname.includes(":")
    ? `[${addr.hostname}]:${addr.port}`
    : `${addr.hostname}:${addr.port}`;
}

/**
 * Reduces a remote address to the key per-address limits count by: the IPv4
 * address, or the /64 prefix of an IPv6 address (one host usually holds a
 * whole /64, as IRC servers such as Solanum assume). IPv4-mapped IPv6
 * addresses count as their IPv4 address. The port is dropped.
 *
 * @param remoteAddr `host:port` or `[v6]:port`, as `formatAddr` writes it; a
 *   bare host is accepted too.
 * @returns e.g. `"192.0.2.7"` or `"2001:db8:0:1::/64"`.
 *
 * @example
 * ```ts
 * import { hostKey } from "./host_key.ts";
 * hostKey("127.0.0.1:5003"); // "127.0.0.1"
 * hostKey("[2001:db8::1]:5003"); // "2001:db8:0:0::/64"
 * hostKey("[::ffff:10.0.0.1]:80"); // "10.0.0.1"
 * ```
 */
export function hostKey(remoteAddr: string): string {
  let host = remoteAddr;
  if (host.startsWith("[")) host = host.slice(1, host.indexOf("]"));
  else if ((host.match(/:/g) ?? []).length === 1) host = host.slice(0, host.indexOf(":"));
  if (!host.includes(":")) return host;
  host = host.replace(/%.*$/, "").toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(host);
  if (mapped) return mapped[1];
  const [head, tail] = host.includes("::") ? host.split("::") : [host, undefined];
  const front = head ? head.split(":") : [];
  const back = tail ? tail.split(":") : [];
  const groups = tail === undefined
    ? front
    : [...front, ...Array(Math.max(0, 8 - front.length - back.length)).fill("0"), ...back];
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, "")).join(":")}::/64`;
}
