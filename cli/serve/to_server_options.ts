/**
 * Turns resolved `parley serve` options into what the server and the
 * cluster node are started with: {@linkcode toServerOptions} and
 * {@linkcode toClusterOptions}, with the checks of the values they read
 * (`--metrics`, `--reuse-port`, `--op-key`, `--public-url`, TLS files).
 *
 * @module
 */

import { readOptionFile, readSecretFile } from "../prompt.ts";
import type { ServeConfig } from "./serve_options.ts";
import { lanAddresses } from "./lan_addresses.ts";
import type { ServerOptions } from "../../server/server.ts";
import { dirname, join } from "node:path";
import { DEFAULT_IDENTITY_NAMES } from "../../server/chat/identity_challenge.ts";
import { PrometheusMetrics } from "../../server/prometheus_metrics.ts";
import { parsePort } from "../port.ts";
import {
  checkClusterName,
  type ClusterOptions,
  parseClusterServers,
} from "../../server/cluster/cluster_options.ts";

/**
 * Turns resolved options into {@linkcode ServerOptions}.
 *
 * @param config Resolved options (see `resolveServeConfig`).
 * @param password The server password, if any.
 */
export function toServerOptions(config: ServeConfig, password: string | undefined): ServerOptions {
  if (config["web-metrics"] && config.http === undefined) {
    throw new TypeError("--web-metrics serves /metrics on the web port; give --http too");
  }
  const metrics = config.metrics !== undefined || config["web-metrics"]
    ? new PrometheusMetrics()
    : undefined;
  return {
    hostname: config.host,
    port: config.port,
    serverName: config.name,
    password,
    logMessages: config["log-messages"],
    maxClients: config["max-clients"],
    maxFrameBytes: config["max-frame-bytes"],
    maxTextBytes: config["max-text-bytes"],
    maxQueueBytes: config["max-queue-bytes"],
    handshakeTimeoutMs: config["handshake-timeout"],
    heartbeatMs: config.heartbeat,
    maxMediaBytes: config["max-media-bytes"],
    maxRooms: config["max-rooms"],
    maxRoomsPerUser: config["max-rooms-per-user"],
    roomCreatesPerMinute: config["room-create-rate"],
    ...(config.http === undefined ? {} : {
      web: {
        port: config.http,
        allowedOrigins: config["web-origin"] ?? [],
        // The names a page from this server can have; any other Host is not this server's.
        serverNames: webNames(config["public-name"] ?? []),
        publicUrl: publicUrl(config["public-url"]),
        ...(config["web-metrics"] ? { metrics } : {}),
      },
    }),
    ...(metrics ? { metrics } : {}),
    ...(config.metrics === undefined ? {} : { metricsListen: parseMetricsAddress(config.metrics) }),
    ...(config["reuse-port"] ? { reusePort: checkReusePort() } : {}),
    // History: without --data, parley.db sits beside the log file. A cluster node
    // indexes the cluster's stream: in memory unless --data names its own file.
    dataFile: config.data ??
      (config.cluster !== undefined ? ":memory:" : join(dirname(config["log-file"]), "parley.db")),
    historyReplay: config.history,
    retainDays: config["retain-days"],
    retainMessages: config["retain-messages"],
    // Limits against hostile clients.
    maxPerAddress: config["max-per-address"],
    floodRate: config["flood-rate"],
    floodBurst: config["flood-burst"],
    floodBytesRate: config["flood-bytes"],
    floodBytesBurst: config["flood-burst-bytes"],
    floodStrikes: config["flood-strikes"],
    authDelayMs: config["auth-delay"],
    authMaxFailures: config["auth-max-failures"],
    authLockoutMs: config["auth-lockout"],
    operatorKeys: checkOperatorKeys(config["op-key"] ?? []),
    identityNames: [
      ...DEFAULT_IDENTITY_NAMES,
      ...(config["public-name"] ?? []).map((name) => name.toLowerCase()),
    ],
    ...readTlsFiles(config),
  };
}

/** What `startClusterNode` is given by `parley serve`. */
export type ClusterStartOptions = ClusterOptions & {
  maxAgeMs?: number;
  maxPerSubject?: number;
  heartbeatMs?: number;
};

/**
 * The cluster connection `--cluster` and its companions describe.
 *
 * @param config Resolved options.
 * @param env Environment lookup (for `PARLEY_CLUSTER_PASSWORD`).
 * @returns The options for `startClusterNode`, or `undefined` without `--cluster`.
 * @throws {TypeError} For a bad server list, name or node id, or an
 *   unreadable password file.
 */
export function toClusterOptions(
  config: ServeConfig,
  env: (name: string) => string | undefined,
): ClusterStartOptions | undefined {
  if (config.cluster === undefined) return undefined;
  const password = config["cluster-password-file"] !== undefined
    ? readSecretFile(config["cluster-password-file"])
    : env("PARLEY_CLUSTER_PASSWORD") || undefined;
  const options: ClusterStartOptions = {
    servers: parseClusterServers(config.cluster),
    heartbeatMs: config["cluster-heartbeat"],
    name: checkClusterName(config["cluster-name"], "cluster name"),
    replicas: config["cluster-replicas"],
    maxPerSubject: config["retain-messages"],
  };
  if (config["cluster-node"] !== undefined) {
    options.nodeId = checkClusterName(config["cluster-node"], "node id");
  }
  if (config["retain-days"] !== undefined) options.maxAgeMs = config["retain-days"] * 86_400_000;
  if (config["cluster-user"] !== undefined) options.user = config["cluster-user"];
  if (password !== undefined) options.password = password;
  if (config["cluster-creds"] !== undefined) options.credsFile = config["cluster-creds"];
  if (config["cluster-ca"] !== undefined) options.tlsCa = config["cluster-ca"];
  return options;
}

/**
 * Parses `--metrics`: `HOST:PORT`, `[::1]:PORT`, or a bare port (loopback).
 *
 * @param text The value as given.
 * @returns Where to bind the metrics endpoint.
 * @throws {TypeError} For a value that is not an address with a port.
 */
export function parseMetricsAddress(text: string): { hostname: string; port: number } {
  const value = text.trim();
  const match = /^(?:(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9_.-]+)):)?(\d{1,5})$/.exec(value);
  if (!match) throw new TypeError(`--metrics must be HOST:PORT or a port, got "${text}"`);
  return {
    hostname: match[1] ?? match[2] ?? "127.0.0.1",
    port: parsePort(match[3], true),
  };
}

/**
 * Checks that `--reuse-port` can work here: Linux, and Deno's unstable
 * network APIs enabled (`--unstable-net`, or `"unstable": ["net"]` in
 * deno.json), without which Deno exits the process at the first listen.
 *
 * @returns `true`.
 * @throws {TypeError} With a sentence saying what is missing.
 */
function checkReusePort(): true {
  if (Deno.build.os !== "linux") {
    throw new TypeError(`--reuse-port works on Linux only, not on ${Deno.build.os}`);
  }
  // Deno hides its unstable network functions unless --unstable-net is on.
  if (!("listenDatagram" in Deno)) {
    throw new TypeError(
      "--reuse-port needs Deno's --unstable-net flag (deno run --unstable-net main.ts serve ...)",
    );
  }
  return true;
}

/**
 * Checks `--op-key` values: each must be a fingerprint as clients show it.
 *
 * @param keys The list as given.
 * @returns The same list.
 * @throws {TypeError} For a value that is not `SHA256:` and 43 base64 characters.
 */
function checkOperatorKeys(keys: string[]): string[] {
  for (const key of keys) {
    if (!/^SHA256:[A-Za-z0-9+/]{43}$/.test(key)) {
      throw new TypeError(
        `--op-key ${key} is not a key fingerprint (SHA256: and 43 base64 characters)`,
      );
    }
  }
  return keys;
}

/**
 * The names this machine may be dialled by: its host name and its LAN
 * addresses (identity proofs sign the name the client dialled).
 *
 * @returns Lower-case host name (when readable) and LAN addresses.
 */
export function localNames(): string[] {
  const names: string[] = [];
  try {
    names.push(Deno.hostname().toLowerCase());
  } catch (error) {
    // Without --allow-sys the server still accepts loopback and --public-name.
    if (
      !(error instanceof Deno.errors.NotCapable || error instanceof Deno.errors.PermissionDenied)
    ) throw error;
  }
  return [...names, ...lanAddresses()];
}

/**
 * The host names a page of this server's web client can have: this
 * machine's names (also as `NAME.local`, for mDNS) and `--public-name`.
 */
function webNames(publicNames: string[]): string[] {
  const local = localNames();
  const mdns = local.filter((name) => /^[a-z0-9-]+$/i.test(name)).map((name) => `${name}.local`);
  return [...local, ...mdns, ...publicNames.map((name) => name.toLowerCase())];
}

/**
 * Checks `--public-url`.
 *
 * @throws {TypeError} If it is not an http or https URL.
 */
function publicUrl(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
  }
  if (url?.protocol !== "http:" && url?.protocol !== "https:") {
    throw new TypeError(`--public-url must be an http or https URL, got "${text}"`);
  }
  return url.href;
}

/**
 * Reads the PEM files named by `--tls-cert` and `--tls-key`.
 *
 * @param config Resolved options.
 * @returns The PEM texts, or `{}` without TLS.
 * @throws {TypeError} If only one is given or a file cannot be read.
 */
function readTlsFiles(config: ServeConfig): { tlsCert?: string; tlsKey?: string } {
  const cert = config["tls-cert"];
  const key = config["tls-key"];
  if (config["tls-self-signed"] && (cert !== undefined || key !== undefined)) {
    throw new TypeError("--tls-self-signed and --tls-cert/--tls-key exclude each other");
  }
  if (cert === undefined && key === undefined) return {};
  if (cert === undefined || key === undefined) {
    throw new TypeError("--tls-cert and --tls-key go together; give both or neither");
  }
  return {
    tlsCert: readOptionFile(cert, "TLS certificate"),
    tlsKey: readOptionFile(key, "TLS key"),
  };
}
