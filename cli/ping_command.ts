/**
 * `parley ping [tcp://|tls://]HOST[:PORT]`: a health check. It performs the
 * handshake as a probe (`hello` with `probe: true`), so nobody joins and the
 * room sees nothing, and prints the server's name, version, users online and
 * the round-trip time.
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
import { exitCodeFor } from "./join_command.ts";

/** Usage text of `parley ping`. */
export const PING_USAGE = `Usage: parley ping [ADDRESS] [options]

Checks that a Parley server answers, without joining: nobody sees the check.
ADDRESS is host, host:port, tcp://host:port, tls://host:port or [::1]:port
(default 127.0.0.1:5003).

Options:
  --json                 print one JSON object instead of text
  --timeout D            give up after D (default 5s; 500ms, 10s, ...)
  --tls                  use TLS even without tls://
  --ca FILE              trust this PEM CA certificate for TLS
  --password-file FILE   the server password, if it has one (or PARLEY_PASSWORD)
  -h, --help             show this help

Prints "NAME (parley/VERSION) at ADDRESS: N users online, round trip T ms" and
exits 0 when the server is healthy; otherwise prints a sentence on stderr and
exits non-zero (3 could not connect, 5 password, 6 closed, 7 refused).`;

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
}

/**
 * Pings a server once.
 *
 * @param address Where.
 * @param options Password, CA certificates and timeout in ms.
 * @returns What the server said.
 * @throws {ConnectError} When the server cannot be reached or refuses.
 */
export async function ping(
  address: ServerAddress,
  options: { password?: string; caCerts?: string[]; timeoutMs?: number } = {},
): Promise<PingResult> {
  const start = performance.now();
  const client = await connect({
    address,
    nick: "ping",
    probe: true,
    password: options.password,
    caCerts: options.caCerts,
    timeoutMs: options.timeoutMs,
  });
  const rttMs = performance.now() - start;
  client.close();
  const { welcome } = client;
  return {
    address: formatAddress(address),
    server: welcome.server,
    software: welcome.software ?? "unknown",
    protocol: welcome.version,
    online: welcome.online ?? 0,
    rttMs: Math.round(rttMs * 100) / 100,
  };
}

/**
 * Formats a ping result as the one line `parley ping` prints.
 *
 * @param result The result.
 * @returns e.g. `parley (parley/0.1.0) at tcp://127.0.0.1:5003: 3 users online, round trip 0.84 ms`.
 */
export function formatPing(result: PingResult): string {
  const users = `${result.online} ${result.online === 1 ? "user" : "users"} online`;
  return `${result.server} (${result.software}) at ${result.address}: ${users}, round trip ${
    result.rttMs.toFixed(2)
  } ms`;
}

/**
 * Runs `parley ping`.
 *
 * @param args Arguments after `ping`.
 * @returns 0 if healthy; 2 bad command line; otherwise the connect exit codes.
 */
export async function pingCommand(args: string[]): Promise<number> {
  let address: ServerAddress;
  let json: boolean;
  let password: string | undefined;
  let caCerts: string[] | undefined;
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
    ({ address, password, caCerts } = resolveConnectArgs(values, positionals));
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
    const result = await ping(address, { password, caCerts, timeoutMs });
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
          address: formatAddress(address),
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
