/**
 * Parsing of the server addresses users paste: `host`, `host:port`,
 * `tcp://host:port`, `tls://host:port`, `[::1]:port`.
 *
 * @module
 */

import { parsePort } from "../cli/port.ts";

// parsePort is defined in cli/port.ts, where `parley serve` uses it too.
export { parsePort };

/** The port Parley listens on unless told otherwise. */
export const DEFAULT_PORT = 5003;

/** Where to connect. */
export interface ServerAddress {
  /** Host name or IP address (IPv6 without brackets). */
  hostname: string;
  /** TCP port, 1–65535. */
  port: number;
  /** Whether the address asked for TLS (`tls://`). */
  tls: boolean;
}

const HOSTNAME =
  /^(?=.{1,253}$)[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,62})(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,62}))*\.?$/;

/**
 * Parses a server address.
 *
 * @param input What the user typed; empty means `127.0.0.1` (but a scheme
 *   alone, `tcp://`, is an error).
 * @param defaultPort Port when none is given.
 * @returns Host, port and whether TLS was asked for.
 * @throws {TypeError} With a sentence naming what is wrong (scheme, missing
 *   or invalid host, port).
 *
 * @example
 * ```ts
 * import { parseAddress } from "./address.ts";
 * parseAddress("tcp://0.tcp.ngrok.io:12345"); // { hostname: "0.tcp.ngrok.io", port: 12345, tls: false }
 * parseAddress("[::1]:5003"); // { hostname: "::1", port: 5003, tls: false }
 * ```
 */
export function parseAddress(input: string, defaultPort = DEFAULT_PORT): ServerAddress {
  let rest = input.trim();
  let tls = false;
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(rest);
  if (scheme) {
    const name = scheme[1].toLowerCase();
    if (name === "tls" || name === "parleys") tls = true;
    else if (name !== "tcp" && name !== "parley") {
      throw new TypeError(
        `Unsupported scheme "${scheme[1]}://" in "${input}"; use tcp:// or tls://`,
      );
    }
    rest = rest.slice(scheme[0].length).replace(/\/+$/, "");
    if (rest === "") throw new TypeError(`"${input}" has no host; use ${name}://HOST:PORT`);
  }
  if (rest === "") return { hostname: "127.0.0.1", port: defaultPort, tls };
  if (rest.includes("/") || rest.includes("@")) {
    throw new TypeError(`"${input}" is not a host or host:port address`);
  }
  let hostname: string;
  let portText: string | undefined;
  if (rest.startsWith("[")) {
    const end = rest.indexOf("]");
    if (end < 0) throw new TypeError(`Missing "]" after the IPv6 address in "${input}"`);
    hostname = rest.slice(1, end);
    const after = rest.slice(end + 1);
    if (after !== "" && !after.startsWith(":")) {
      throw new TypeError(`Expected ":port" after "]" in "${input}"`);
    }
    portText = after === "" ? undefined : after.slice(1);
    if (!isIPv6(hostname)) throw new TypeError(`"${hostname}" is not an IPv6 address`);
  } else if ((rest.match(/:/g) ?? []).length > 1) {
    hostname = rest; // bare IPv6 address, no port
    if (!isIPv6(hostname)) throw new TypeError(`"${hostname}" is not an IPv6 address`);
  } else {
    const colon = rest.indexOf(":");
    hostname = colon < 0 ? rest : rest.slice(0, colon);
    portText = colon < 0 ? undefined : rest.slice(colon + 1);
    if (!HOSTNAME.test(hostname)) {
      throw new TypeError(`"${hostname}" is not a valid host name or IP address`);
    }
  }
  return { hostname, port: portText === undefined ? defaultPort : parsePort(portText), tls };
}

function isIPv6(text: string): boolean {
  return /^[0-9A-Fa-f:.]+(%[\w.-]+)?$/.test(text) && text.includes(":");
}

/**
 * Formats an address for display and for `parley join`: `tcp://host:port`,
 * `tls://[::1]:port`.
 *
 * @param address The address.
 */
export function formatAddress(address: ServerAddress): string {
  const host = address.hostname.includes(":") ? `[${address.hostname}]` : address.hostname;
  return `${address.tls ? "tls" : "tcp"}://${host}:${address.port}`;
}

/**
 * Parses one address or several separated by commas (`host1:5003,host2:5003`),
 * the nodes of one clustered chat. Each item takes its own scheme; spaces
 * around items are ignored.
 *
 * @param input What the user typed; empty means `127.0.0.1`.
 * @param defaultPort Port for items that give none.
 * @returns One address per item, in the order given, at least one.
 * @throws {TypeError} With a sentence naming the item that is wrong, or an empty item.
 *
 * @example
 * ```ts
 * import { parseAddressList } from "./address.ts";
 * parseAddressList("a.example:5003, tls://b.example").map((a) => a.hostname); // ["a.example", "b.example"]
 * ```
 */
export function parseAddressList(input: string, defaultPort = DEFAULT_PORT): ServerAddress[] {
  if (input.trim() === "") return [parseAddress("", defaultPort)];
  return input.split(",").map((item, index) => {
    if (item.trim() === "") {
      throw new TypeError(`Address ${index + 1} of "${input}" is empty`);
    }
    return parseAddress(item, defaultPort);
  });
}
