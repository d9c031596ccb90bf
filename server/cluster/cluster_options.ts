/**
 * How a `parley serve` node reaches the NATS servers that join it to a
 * cluster, and the parser for the `--cluster` server list. Every node that
 * names the same servers and the same cluster `name` is part of one chat.
 *
 * @module
 */

/** Options shared by every part of the cluster layer. */
export interface ClusterOptions {
  /** NATS server URLs, e.g. `["nats://10.0.0.1:4222", "nats://10.0.0.2:4222"]`. */
  servers: string[];
  /**
   * Cluster name: the prefix of every subject (`<name>.room.…`) and the stem of
   * every stream and bucket (`<name>_msgs`, `<name>_nicks`, …). Letters,
   * digits, `_` and `-`.
   * @default {"parley"}
   */
  name?: string;
  /** User name for NATS user/password authentication. */
  user?: string;
  /** Password for NATS user/password authentication. */
  password?: string;
  /** Path of a NATS `.creds` file (JWT + nkey seed); replaces user/password. */
  credsFile?: string;
  /** Path of a PEM file with the CA that signed the NATS servers' certificates. */
  tlsCa?: string;
  /**
   * This node's id, unique in the cluster: owner of its nicks and its
   * heartbeat key. Letters, digits, `_` and `-`.
   * @default {a random id}
   */
  nodeId?: string;
  /**
   * JetStream replicas of the message stream and the buckets (1, 3 or 5; at
   * most the number of NATS servers).
   * @default {1}
   */
  replicas?: number;
  /**
   * Longest time to reach NATS when the node starts, in ms; after it
   * {@linkcode ClusterUnavailableError} is thrown.
   * @default {5000}
   */
  connectTimeoutMs?: number;
}

/** Cluster names, node ids: safe as a subject token, a stream name and a bucket name. */
const NAME = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Checks a cluster name or node id.
 *
 * @param value The name.
 * @param what What it is, for the message (`"cluster name"`).
 * @returns `value`.
 * @throws {TypeError} When it has characters other than letters, digits, `_` and `-`,
 *   or is empty or longer than 64 characters.
 */
export function checkClusterName(value: string, what: string): string {
  if (!NAME.test(value)) {
    throw new TypeError(
      `Cannot use ${JSON.stringify(value)} as ${what}: use 1-64 letters, digits, "_" or "-"`,
    );
  }
  return value;
}

/**
 * Parses a comma-separated NATS server list as given on the command line.
 * A URL without a port gets the NATS default, 4222.
 *
 * @example
 * ```ts
 * import { parseClusterServers } from "./cluster_options.ts";
 * parseClusterServers("nats://a:4222, nats://b:4223"); // ["nats://a:4222", "nats://b:4223"]
 * ```
 *
 * @param text `nats://host:port[,nats://host:port…]`; `tls://` is accepted too.
 * @returns The URLs, normalised to `scheme://host:port`, duplicates removed.
 * @throws {TypeError} When the list is empty or an entry is not a `nats://` or
 *   `tls://` URL with a host.
 */
export function parseClusterServers(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.split(",")) {
    const entry = raw.trim();
    if (entry === "") continue;
    let url: URL;
    try {
      url = new URL(entry);
    } catch (error) {
      throw new TypeError(`Cannot parse NATS server ${JSON.stringify(entry)}: not a URL`, {
        cause: error,
      });
    }
    if (url.protocol !== "nats:" && url.protocol !== "tls:") {
      throw new TypeError(
        `Cannot use NATS server ${JSON.stringify(entry)}: the scheme must be nats:// or tls://`,
      );
    }
    if (url.hostname === "" || (url.pathname !== "" && url.pathname !== "/")) {
      throw new TypeError(
        `Cannot use NATS server ${JSON.stringify(entry)}: expected scheme://host:port`,
      );
    }
    const normal = `${url.protocol}//${url.hostname}:${url.port === "" ? "4222" : url.port}`;
    if (!out.includes(normal)) out.push(normal);
  }
  if (out.length === 0) {
    throw new TypeError("Cannot use an empty NATS server list");
  }
  return out;
}
