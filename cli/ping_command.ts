/**
 * `parley ping [tcp://|tls://]HOST[:PORT][,...]`: a health check. It performs
 * the handshake as a probe (`hello` with `probe: true`), so nobody joins and
 * the room sees nothing, and prints the server's name, version, users online,
 * the node and cluster when the server is clustered, and the round-trip time;
 * over TLS also the certificate's fingerprint, trusted as `parley join`
 * trusts it (system roots, `--ca`, or the known-servers file). Several
 * addresses are tried in turn; the first that answers is reported.
 *
 * @module
 */

import { EXIT_OK, EXIT_USAGE } from "./exit_codes.ts";
import { parseDuration } from "../protocol/duration.ts";
import { isUsageError, writeAllSync } from "./prompt.ts";
import { formatAddress, type ServerAddress } from "../client/address.ts";
import { CONNECT_OPTIONS, resolveConnectArgs } from "./connect_args.ts";
import { parseCommandLine } from "./parse_command_line.ts";
import { connect, ConnectError } from "../client/client_connection.ts";
import { connectAny } from "../client/core/connect_any.ts";
import { exitCodeFor } from "./join_command.ts";
import type { TlsTrust } from "../client/trusted_tls.ts";

/** Usage text of `parley ping`. */
export const PING_USAGE = `Usage: parley ping [ADDRESS] [options]

Checks that a Parley server answers, without joining: nobody sees the check.
ADDRESS is host, host:port, tcp://host:port, tls://host:port or [::1]:port
(default 127.0.0.1:5003), or several separated by commas (the nodes of a
cluster), tried in turn until one answers.

Options:
  --json                 print one JSON object instead of text
  --timeout D            give up after D (default 5s; 500ms, 10s, ...)
  --tls                  use TLS even without tls://
  --ca FILE              trust this PEM CA certificate for TLS
  --identity FILE        identity file whose known_servers to use (default
                         ~/.config/parley/identity.json)
  --accept-new-fingerprint HOST:PORT
                         trust the server's new TLS certificate
  --password-file FILE   the server password, if it has one (or PARLEY_PASSWORD)
  -h, --help             show this help

Prints "NAME (parley/VERSION) at ADDRESS: N users online, round trip T ms"
(with "node N of cluster C" after ADDRESS when the server is clustered; over
TLS followed by ", TLS certificate SHA-256 FINGERPRINT") and exits 0 when the
server is healthy; otherwise prints a sentence on stderr and exits non-zero (3 could not connect, 5 password, 6 closed, 7 refused).`;

/** What a successful ping learned. */
export interface PingResult {
  /** The address pinged, as `tcp://host:port`. */
  address: string;
  /** The server's name. */
  server: string;
  /** The server's software, e.g. `parley/0.1.0`. */
  software: string;
  /** Protocol version spoken. */
  protocol: number;
  /** Users online. */
  online: number;
  /** Time from starting the TCP connection to the welcome, in ms. */
  rttMs: number;
  /** SHA-256 of the TLS certificate (hex pairs with colons), over TLS. */
  fingerprint?: string;
  /** How the certificate was trusted (`verified`, `new`, `known`, `accepted`), over TLS. */
  trust?: TlsTrust["how"];
  /** The node that answered, when the server is a node of a cluster. */
  node?: string;
  /** The cluster's name, when the server is a node of one and names it. */
  cluster?: string;
}

/** Options for {@linkcode ping}. */
export interface PingOptions {
  /** Server password. */
  password?: string;
  /** PEM CA certificates for TLS (`--ca`). */
  caCerts?: string[];
  /** Known-servers file for TLS trust on first use. */
  knownServersFile?: string;
  /** Replace a different recorded fingerprint. */
  acceptNewFingerprint?: boolean;
  /** Longest wait, in ms. */
  timeoutMs?: number;
}

/**
 * Pings a server once.
 *
 * @param addresses Where: one address, or several tried in turn (the first
 *   that answers is reported; a refusal such as a wrong password ends the search).
 * @param options Password, CA certificates and timeout in ms (per address).
 * @returns What the server said.
 * @throws {ConnectError} When no address can be reached, or one refuses.
 */
export async function ping(
  addresses: ServerAddress | readonly ServerAddress[],
  options: PingOptions = {},
): Promise<PingResult> {
  const list = Array.isArray(addresses) ? addresses : [addresses as ServerAddress];
  let start = 0;
  const { connection: client, index } = await connectAny(list, (address) => {
    start = performance.now();
    return connect({
      address,
      nick: "ping",
      probe: true,
      password: options.password,
      caCerts: options.caCerts,
      knownServersFile: options.knownServersFile,
      acceptNewFingerprint: options.acceptNewFingerprint,
      timeoutMs: options.timeoutMs,
    });
  }, { tryNext: (error) => error instanceof ConnectError && error.kind !== "refused" });
  const rttMs = performance.now() - start;
  client.close();
  const { welcome } = client;
  return {
    ...(welcome.node === undefined ? {} : { node: welcome.node }),
    ...(welcome.cluster === undefined ? {} : { cluster: welcome.cluster }),
    address: formatAddress(list[index]),
    server: welcome.server,
    software: welcome.software ?? "unknown",
    protocol: welcome.version,
    online: welcome.online ?? 0,
    rttMs: Math.round(rttMs * 100) / 100,
    ...(client.fingerprint ? { fingerprint: client.fingerprint, trust: client.trust?.how } : {}),
  };
}

/**
 * Formats a ping result as the one line `parley ping` prints.
 *
 * @param result The result.
 * @returns e.g. `parley (parley/0.1.0) at tcp://127.0.0.1:5003: 3 users online, round trip 0.84 ms`,
 *   over TLS followed by `, TLS certificate SHA-256 AA:...` (and `, first use: recorded`
 *   or `, new one accepted` when that happened).
 */
export function formatPing(result: PingResult): string {
  const users = `${result.online} ${result.online === 1 ? "user" : "users"} online`;
  const tls = result.fingerprint === undefined
    ? ""
    : `, TLS certificate SHA-256 ${result.fingerprint}` +
      (result.trust === "new"
        ? " (first use: recorded)"
        : result.trust === "accepted"
        ? " (new one accepted)"
        : "");
  const node = result.node === undefined
    ? ""
    : ` node ${result.node}${result.cluster === undefined ? "" : ` of cluster ${result.cluster}`}`;
  return `${result.server} (${result.software}) at ${result.address}${node}: ${users}, ` +
    `round trip ${result.rttMs.toFixed(2)} ms${tls}`;
}

/**
 * Runs `parley ping`.
 *
 * @param args Arguments after `ping`.
 * @returns 0 if healthy; 2 bad command line; otherwise the connect exit codes.
 */
export async function pingCommand(args: string[]): Promise<number> {
  let addresses: ServerAddress[];
  let json: boolean;
  let password: string | undefined;
  let caCerts: string[] | undefined;
  let knownServersFile: string | undefined;
  let acceptNewFingerprint: boolean;
  let timeoutMs: number;
  try {
    const { values, positionals } = parseCommandLine(args, {
      json: { type: "boolean" },
      timeout: { type: "string" },
      ...CONNECT_OPTIONS,
      help: { type: "boolean", short: "h" },
    }, true);
    if (values.help) {
      writeAllSync(Deno.stdout, PING_USAGE + "\n");
      return EXIT_OK;
    }
    ({ addresses, password, caCerts, knownServersFile, acceptNewFingerprint } = resolveConnectArgs(
      values,
      positionals,
    ));
    json = values.json ?? false;
    timeoutMs = parseTimeout(values.timeout ?? "5s");
  } catch (error) {
    if (isUsageError(error)) {
      writeAllSync(Deno.stderr, `parley ping: ${error.message}\nTry 'parley ping --help'.\n`);
      return EXIT_USAGE;
    }
    throw error;
  }
  try {
    const result = await ping(addresses, {
      password,
      caCerts,
      knownServersFile,
      acceptNewFingerprint,
      timeoutMs,
    });
    writeAllSync(
      Deno.stdout,
      (json ? JSON.stringify({ ok: true, ...result }) : formatPing(result)) + "\n",
    );
    return EXIT_OK;
  } catch (error) {
    if (!(error instanceof ConnectError)) throw error;
    const code = exitCodeFor(error);
    if (json) {
      writeAllSync(
        Deno.stdout,
        JSON.stringify({
          ok: false,
          address: addresses.map(formatAddress).join(","),
          error: error.message,
          code: error.code ?? error.kind,
          exit: code,
        }) + "\n",
      );
    }
    writeAllSync(Deno.stderr, `parley ping: ${error.message}\n`);
    return code;
  }
}

function parseTimeout(text: string): number {
  let ms = NaN;
  try {
    ms = parseDuration(text);
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
  }
  if (!(ms > 0)) {
    throw new TypeError(`--timeout must be a duration such as 500ms or 5s, got "${text}"`);
  }
  return ms;
}
