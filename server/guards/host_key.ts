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
 * Reduces a remote address to the key that per-address limits count by: the
 * IPv4 address, or the /64 prefix of an IPv6 address (one host usually holds a
 * whole /64, as IRC servers such as Solanum assume). IPv4-mapped IPv6 addresses
 * (`::ffff:a.b.c.d`, in any spelling) count as their IPv4 address. The port, any
 * brackets and an IPv6 zone (`%eth0`) are dropped. This is the one rule for
 * connection caps, secret lockouts and address bans (see {@linkcode addressKey}).
 *
 * @param remoteAddr `host:port` or `[v6]:port`, as `formatAddr` writes it; a
 *   bare host (`127.0.0.1`, `::1`, `[::1]`) is accepted too.
 * @returns e.g. `"192.0.2.7"` or `"2001:db8:0:1::/64"`; a name that is not an IP
 *   address comes back in lower case.
 *
 * @example
 * ```ts
 * import { hostKey } from "./host_key.ts";
 * hostKey("127.0.0.1:5003"); // "127.0.0.1"
 * hostKey("::ffff:127.0.0.1"); // "127.0.0.1"
 * hostKey("[2001:db8::1]:5003"); // "2001:db8:0:0::/64"
 * hostKey("[::ffff:10.0.0.1]:80"); // "10.0.0.1"
 * ```
 */
export function hostKey(remoteAddr: string): string {
  const host = stripPort(remoteAddr.trim()).replace(/%.*$/, "").toLowerCase();
  if (!host.includes(":")) return host;
  const groups = parseIPv6(host);
  if (!groups) return host;
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return [groups[6] >> 8, groups[6] & 0xff, groups[7] >> 8, groups[7] & 0xff].join(".");
  }
  return `${groups.slice(0, 4).map((g) => g.toString(16)).join(":")}::/64`;
}

/**
 * The {@linkcode hostKey} of an address an operator typed, e.g. for `/ban`:
 * an IPv4 or IPv6 address, optionally in brackets, with a port, or as a `/64`
 * prefix the way `hostKey` writes it. Banning an IPv6 address bans its /64, as
 * the caps and lockouts count it.
 *
 * @param target What the operator typed.
 * @returns The key, or `undefined` when `target` is not an IP address (a nick).
 *
 * @example
 * ```ts
 * import { addressKey } from "./host_key.ts";
 * addressKey("::ffff:10.0.0.1"); // "10.0.0.1"
 * addressKey("2001:db8::7"); // "2001:db8:0:0::/64"
 * addressKey("alice"); // undefined
 * ```
 */
export function addressKey(target: string): string | undefined {
  const host = stripPort(target.trim()).replace(/\/64$/, "").replace(/%.*$/, "");
  if (IPV4.test(host)) return hostKey(host);
  if (host.includes(":") && parseIPv6(host.toLowerCase())) return hostKey(host);
  return undefined;
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** `[v6]:port` → `v6`, `[v6]` → `v6`, `v4:port` → `v4`; a bare IPv6 address stays whole. */
function stripPort(address: string): string {
  if (address.startsWith("[")) {
    const end = address.indexOf("]");
    return end < 0 ? address : address.slice(1, end);
  }
  const colons = address.split(":").length - 1;
  return colons === 1 ? address.slice(0, address.indexOf(":")) : address;
}

/**
 * Parses an IPv6 address (RFC 4291 section 2.2, with `::` and a dotted IPv4 tail).
 *
 * @returns Its eight 16-bit groups, or `undefined` if it is not one.
 */
function parseIPv6(text: string): number[] | undefined {
  let hex = text;
  const dotted = /(^|:)(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    // A dotted IPv4 tail is the last two groups written another way.
    if (!IPV4.test(dotted[2])) return undefined;
    const [a, b, c, d] = dotted[2].split(".").map(Number);
    hex = text.slice(0, text.length - dotted[2].length) +
      `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const halves = hex.split("::");
  if (halves.length > 2) return undefined;
  const split = (part: string) => part === "" ? [] : part.split(":");
  const head = split(halves[0]);
  const back = halves.length === 2 ? split(halves[1]) : [];
  if (![...head, ...back].every((g) => /^[0-9a-f]{1,4}$/.test(g))) return undefined;
  const known = head.length + back.length;
  if (halves.length === 1 ? known !== 8 : known > 7) return undefined;
  return [...head, ...Array(8 - known).fill("0"), ...back].map((g) => parseInt(g, 16));
}
