/**
 * Which web pages may open the WebSocket: the Origin check against DNS
 * rebinding. A page's origin is accepted when it is one of this server's own
 * (its scheme and port, and a host that is a localhost name or one of the
 * server's names) or listed; the request's `Host` header plays no part.
 *
 * @module
 */

/** Who may open the WebSocket from a web page; see {@linkcode originAllowed}. */
export interface OriginPolicy {
  /** This server's scheme. */
  scheme: "http" | "https";
  /** This server's bound port. */
  port: number;
  /** This server's own host names and addresses (IPv6 in brackets), lower case. */
  names: readonly string[];
  /** Extra allowed origins; `"*"` allows any. */
  allowed: readonly string[];
}

/**
 * Whether a WebSocket request's `Origin` may connect: absent (not a
 * browser); listed in `policy.allowed`; or this server's own page, with the
 * same scheme and port and a host that is a localhost name or one of
 * `policy.names`. The request's `Host` header plays no part: with DNS
 * rebinding an attacker's name can point at this server, and the page's
 * `Host` and `Origin` then agree.
 *
 * @param origin The `Origin` header, or `null`.
 * @param policy The server's names and allowed origins.
 * @returns Whether to accept the upgrade.
 *
 * @example
 * ```ts
 * import { originAllowed } from "./origin_policy.ts";
 * const policy = { scheme: "http" as const, port: 8080, names: ["192.168.1.5"], allowed: [] };
 * originAllowed("http://192.168.1.5:8080", policy); // true
 * originAllowed("http://rebind.attacker.example:8080", policy); // false
 * ```
 */
export function originAllowed(origin: string | null, policy: OriginPolicy): boolean {
  if (origin === null) return true;
  if (policy.allowed.includes("*")) return true;
  let url: URL;
  try {
    url = new URL(origin);
  } catch (error) {
    if (error instanceof TypeError) return false;
    throw error;
  }
  const listed = policy.allowed.some((a) =>
    a.replace(/\/+$/, "").toLowerCase() === url.origin.toLowerCase()
  );
  if (listed) return true;
  if (url.protocol !== `${policy.scheme}:`) return false;
  const port = url.port === "" ? (policy.scheme === "https" ? 443 : 80) : Number(url.port);
  if (port !== policy.port) return false;
  const host = url.hostname.toLowerCase();
  return isLocalName(host) || policy.names.some((name) => name.toLowerCase() === host);
}

/** Localhost names and loopback addresses (IPv6 in brackets, as `URL.hostname` has it). */
function isLocalName(host: string): boolean {
  return host === "localhost" || host.endsWith(".localhost") || host === "[::1]" ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/**
 * An IPv6 address in brackets, as `URL.hostname` writes it; anything else as it is.
 *
 * @param host A host name or address.
 * @returns `host`, bracketed when it is an IPv6 address.
 *
 * @example
 * ```ts
 * import { bracketed } from "./origin_policy.ts";
 * bracketed("::1"); // "[::1]"
 * ```
 */
export function bracketed(host: string): string {
  return host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
}
