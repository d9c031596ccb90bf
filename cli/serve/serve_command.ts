/**
 * `parley serve`: runs a relay from the command line.
 *
 * @module
 */

import { EXIT_CLUSTER, EXIT_ERROR, EXIT_OK, EXIT_USAGE } from "../exit_codes.ts";
import { askSecret, isUsageError, readSecretFile, writeAllSync } from "../prompt.ts";
import { startAdminConsole } from "./admin_console.ts";
import {
  resolveServeConfig,
  type ServeConfig,
  serveEnvironmentHelp,
  serveOptionsHelp,
} from "./serve_options.ts";
import { wrapText } from "../../client/wrap_text.ts";
import { lanAddresses } from "./lan_addresses.ts";
import { setupLogging } from "../logging.ts";
import { type ServerOptions, startServer } from "../../server/server.ts";
import { createServeOutput, type ServeOutput } from "./serve_output.ts";
import { openTunnel } from "./serve_tunnel.ts";
import { joinCommandFor } from "../launch_command.ts";
import { dirname } from "node:path";
import { HistoryStoreError } from "../../server/storage/history_store.ts";
import { localNames, toClusterOptions, toServerOptions } from "./to_server_options.ts";
import { type ClusterNode, startClusterNode } from "../../server/cluster/cluster_node.ts";
import { ClusterUnavailableError } from "../../server/cluster/cluster_unavailable_error.ts";
import { loadOrCreateSelfSignedCert, type SelfSignedCert } from "./self_signed_cert.ts";
import { configDir } from "../../client/identity_key.ts";

/**
 * Usage text of `parley serve`, wrapped at word boundaries.
 *
 * @param columns Width to wrap to, in columns: the terminal's, or 80 when
 *   stdout is not a terminal.
 */
export function serveUsage(columns = helpColumns()): string {
  const notes = [
    "Durations: 500ms, 10s, 5m, 2h; a bare number is seconds. Flags win over environment " +
    "variables, which win over the --config file, which wins over defaults. The password is " +
    "never a plain argument: use PARLEY_PASSWORD, --password-file or --password-prompt. " +
    "The NATS password is never a plain argument either: PARLEY_CLUSTER_PASSWORD or " +
    "--cluster-password-file. With --cluster, history lives in the cluster's JetStream " +
    "stream; each node indexes it in memory, or in its own --data file.",
    'Prints "parley listening on HOST:PORT" once ready (then, with --http, "parley web on ' +
    'http://HOST:PORT/", with --metrics "parley metrics on http://HOST:PORT/metrics", and ' +
    'with --cluster "parley cluster NAME node ID"). SIGINT/SIGTERM ' +
    'or the console\'s "shutdown" stop it gracefully (exit 0); a second signal exits at once.',
  ].map((text) => wrapText(text, Math.min(columns, 100), 0));
  return `Usage: parley serve [options]

Options:
${serveOptionsHelp(columns)}
${wrapText(`  ${"-h, --help".padEnd(30)} show this help`, columns, 33)}

Environment only:
${serveEnvironmentHelp(columns)}

${notes.join("\n\n")}`;
}

/** The terminal's width, or 80 when stdout is not a terminal. */
function helpColumns(): number {
  return Deno.stdout.isTerminal() ? Deno.consoleSize().columns : 80;
}

/**
 * Runs `parley serve` until it is stopped.
 *
 * @param args Arguments after `serve`.
 * @returns The exit code: 0 after a graceful stop, 2 for a bad command line
 *   or configuration (unknown host, port in use, unusable TLS files) or a
 *   database that cannot be opened or written, 1 if the server could not
 *   start otherwise (log file not writable, no permission).
 */
export async function serveCommand(args: string[]): Promise<number> {
  let options: ServerOptions;
  let logFile: string;
  let config: ServeConfig;
  let clusterOptions: ReturnType<typeof toClusterOptions>;
  try {
    config = resolveServeConfig(args, (name) => Deno.env.get(name));
    if (config.help) {
      writeAllSync(Deno.stdout, serveUsage() + "\n");
      return EXIT_OK;
    }
    let password = config["password-file"] !== undefined
      ? readSecretFile(config["password-file"])
      : Deno.env.get("PARLEY_PASSWORD") || undefined;
    if (config["password-prompt"]) {
      if (!Deno.stdin.isTerminal()) {
        throw new TypeError(
          "--password-prompt needs a terminal; use PARLEY_PASSWORD or --password-file",
        );
      }
      password = askSecret("Server password: ");
    }
    logFile = config["log-file"];
    options = toServerOptions(config, password);
    if (config.tunnel !== undefined && config.tunnel !== "ngrok") {
      throw new TypeError(`--tunnel supports only "ngrok", got "${config.tunnel}"`);
    }
    options.adminPassword = Deno.env.get("PARLEY_ADMIN_PASSWORD") || undefined;
    clusterOptions = toClusterOptions(config, (name) => Deno.env.get(name));
    options.identityNames = [...new Set([...options.identityNames ?? [], ...localNames()])];
  } catch (error) {
    if (isUsageError(error)) {
      writeAllSync(Deno.stderr, `parley serve: ${error.message}\nTry 'parley serve --help'.\n`);
      return EXIT_USAGE;
    }
    throw error;
  }

  let selfSigned: SelfSignedCert | undefined;
  if (config["tls-self-signed"]) {
    try {
      selfSigned = await selfSignedCert(options.dataFile, config["public-name"] ?? []);
    } catch (error) {
      if (
        !(error instanceof Deno.errors.InvalidData || error instanceof Deno.errors.PermissionDenied)
      ) {
        throw error;
      }
      writeAllSync(Deno.stderr, `parley serve: ${error.message}\n`);
      return EXIT_ERROR;
    }
    options.tlsCert = selfSigned.certPem;
    options.tlsKey = selfSigned.keyPem;
  }
  const joinCommand = joinCommandFor();
  let writeLine = (line: string) => writeAllSync(Deno.stdout, line);
  const output: ServeOutput = createServeOutput(config.json, (line) => writeLine(line), undefined, {
    joinCommand,
    presenceText: Deno.stdout.isTerminal(),
  });
  options.onPresence = (event) => output.presence(event);
  let closeLog: () => Promise<void>;
  try {
    closeLog = await setupLogging({
      logFile,
      maxBytes: config["log-max-bytes"],
      keep: config["log-keep"],
    });
  } catch (error) {
    writeAllSync(
      Deno.stderr,
      `parley serve: cannot open log file ${logFile}: ${(error as Error).message}\n`,
    );
    return EXIT_ERROR;
  }
  if (clusterOptions !== undefined) {
    let cluster: ClusterNode;
    try {
      cluster = await startClusterNode(clusterOptions);
    } catch (error) {
      await closeLog();
      const reason = error instanceof Error ? error.message : String(error);
      writeAllSync(
        Deno.stderr,
        error instanceof ClusterUnavailableError
          ? `parley serve: cannot reach the cluster (${
            clusterOptions.servers.join(", ")
          }): ${reason}\n`
          : `parley serve: cannot open the cluster on ${
            clusterOptions.servers.join(", ")
          }: ${reason}\n`,
      );
      return EXIT_CLUSTER;
    }
    options.cluster = cluster;
  }
  let server;
  try {
    server = await startServer(options);
  } catch (error) {
    await closeLog();
    if (error instanceof HistoryStoreError) {
      // A database that cannot be opened or written is a configuration problem.
      writeAllSync(Deno.stderr, `parley serve: ${error.message}\n`);
      return EXIT_USAGE;
    }
    if (
      error instanceof Deno.errors.AddrInUse && error.message.startsWith("Cannot serve metrics")
    ) {
      writeAllSync(Deno.stderr, `parley serve: ${error.message}; pick another with --metrics\n`);
      return EXIT_USAGE;
    }
    const problem = describeStartError(error, options);
    if (problem !== undefined) {
      writeAllSync(Deno.stderr, `parley serve: ${problem}\n`);
      // A host or port that cannot be used is a configuration mistake, not a bug.
      return error instanceof Deno.errors.PermissionDenied ||
          error instanceof Deno.errors.NotCapable
        ? EXIT_ERROR
        : EXIT_USAGE;
    }
    if (options.cluster !== undefined && error instanceof Error) {
      // Catching up with the cluster's history or opening its media bucket failed.
      writeAllSync(Deno.stderr, `parley serve: cannot join the cluster: ${error.message}\n`);
      return EXIT_CLUSTER;
    }
    throw error;
  }
  output.listening({
    name: server.hub.serverName,
    addr: server.addr,
    hints: joinHints(server.addr, { command: joinCommand, tls: options.tlsCert !== undefined }),
    tlsFingerprint: selfSigned?.fingerprint,
    password: server.hub.requiresPassword,
    webUrl: server.web ? webUrl(server.web.scheme, server.web.addr) : undefined,
    webLanUrls: server.web ? webLanUrls(server.web.scheme, server.web.addr) : undefined,
    metricsUrl: server.metricsAddr ? `${webUrl("http", server.metricsAddr)}metrics` : undefined,
    cluster: server.hub.cluster && {
      name: server.hub.cluster.clusterName,
      node: server.hub.cluster.nodeId,
    },
  });

  let signals = 0;
  const onSignal = (name: string) => {
    signals++;
    if (signals > 1) Deno.exit(name === "SIGINT" ? 130 : 143);
    output.shutdown(name);
    stopTunnel.abort();
    // Clients show it as "server shutting down (SIGINT)".
    void server.close(name);
  };
  const stopTunnel = new AbortController();
  const listeners: [Deno.Signal, () => void][] = [];
  for (const name of ["SIGINT", "SIGTERM"] as const) {
    if (name === "SIGTERM" && Deno.build.os === "windows") continue;
    const handler = () => onSignal(name);
    Deno.addSignalListener(name, handler);
    listeners.push([name, handler]);
  }
  const tunnel = config.tunnel === "ngrok"
    ? await openTunnel(server, output, stopTunnel.signal)
    : undefined;
  if (tunnel === null) {
    for (const [name, handler] of listeners) Deno.removeSignalListener(name, handler);
    await server.close("tunnel failed");
    await closeLog();
    return signals > 0 ? EXIT_OK : EXIT_ERROR;
  }
  if (Deno.stdin.isTerminal()) writeLine = startAdminConsole(server, () => onSignal("SIGINT"));
  await server.finished;
  stopTunnel.abort();
  await tunnel?.close();
  for (const [name, handler] of listeners) Deno.removeSignalListener(name, handler);
  output.stopped();
  await closeLog();
  return EXIT_OK;
}

/**
 * Says in one sentence why the server could not start, for the failures a
 * user can fix (host, port, TLS files, permissions).
 *
 * @param error What `startServer` threw.
 * @param options The options it was given, to name the host and ports.
 * @returns The sentence, or `undefined` for an unexpected error.
 */
export function describeStartError(
  error: unknown,
  options: Pick<ServerOptions, "hostname" | "port" | "web">,
): string | undefined {
  const text = error instanceof Error ? error.message : String(error);
  if (error instanceof Deno.errors.AddrInUse) {
    const ports = options.web
      ? `port ${options.port} or web port ${options.web.port} is`
      : `port ${options.port} is`;
    return `${ports} already in use; stop the other server or pick another with --port` +
      (options.web ? " or --http" : "");
  }
  if (error instanceof Deno.errors.InvalidData || /pem|certificate|private key/i.test(text)) {
    return `cannot use the TLS certificate or key: ${text}`;
  }
  if (error instanceof Deno.errors.AddrNotAvailable) {
    return `cannot bind ${options.hostname}: it is not an address of this machine; ` +
      "use :: or 0.0.0.0 for every interface";
  }
  if (/lookup address|name or service|nodename|no address associated/i.test(text)) {
    return `cannot bind ${options.hostname}: the name could not be resolved; ` +
      "use an address of this machine, or :: or 0.0.0.0 for every interface";
  }
  if (error instanceof Deno.errors.PermissionDenied || error instanceof Deno.errors.NotCapable) {
    return `not allowed to listen: ${text}`;
  }
  return undefined;
}

/**
 * The web client's URL, e.g. `http://127.0.0.1:8080/`; a wildcard
 * bind shows the loopback address.
 *
 * @param scheme `http` or `https`.
 * @param addr The web server's bound address.
 */
export function webUrl(scheme: string, addr: Deno.NetAddr): string {
  const host = addr.hostname === "0.0.0.0"
    ? "127.0.0.1"
    : addr.hostname === "::"
    ? "[::1]"
    : addr.hostname.includes(":")
    ? `[${addr.hostname}]`
    : addr.hostname;
  return `${scheme}://${host}:${addr.port}/`;
}

/**
 * The web client's URLs on this machine's LAN addresses, for a wildcard bind.
 *
 * @param scheme `http` or `https`.
 * @param addr The web server's bound address.
 * @param lan LAN addresses (default: this machine's).
 * @returns e.g. `["http://192.168.1.20:8080/"]`; empty for a specific bind.
 */
export function webLanUrls(
  scheme: string,
  addr: Deno.NetAddr,
  lan: () => string[] = lanAddresses,
): string[] {
  if (addr.hostname !== "0.0.0.0" && addr.hostname !== "::") return [];
  return lan().map((ip) => `${scheme}://${ip}:${addr.port}/`);
}

/** Options for {@linkcode joinHints}. */
export interface JoinHintOptions {
  /**
   * The command that runs `parley join` (see `joinCommandFor`).
   * @default {"parley join"}
   */
  command?: string;
  /** Whether the server speaks TLS (the addresses get `tls://`). */
  tls?: boolean;
  /**
   * LAN addresses for a wildcard bind.
   * @default {lanAddresses}
   */
  lan?: () => string[];
}

/**
 * The join lines to print at start-up, one per reachable address, each a
 * command that works for how the server was started.
 *
 * @param addr The bound address.
 * @param options The join command and TLS; see {@linkcode JoinHintOptions}.
 * @returns Lines such as `  this machine:  deno task join 127.0.0.1:5003`.
 */
export function joinHints(addr: Deno.NetAddr, options: JoinHintOptions = {}): string[] {
  const wildcard = addr.hostname === "0.0.0.0" || addr.hostname === "::";
  const command = options.command ?? "parley join";
  const lines: string[] = [];
  const hint = (label: string, host: string) => {
    const shown = host.includes(":") ? `[${host}]` : host;
    lines.push(
      `  ${label.padEnd(14)} ${command} ${options.tls ? "tls://" : ""}${shown}:${addr.port}`,
    );
  };
  if (!wildcard) {
    hint("join with:", addr.hostname);
    return lines;
  }
  hint("this machine:", "127.0.0.1");
  for (const ip of (options.lan ?? lanAddresses)()) hint("your network:", ip);
  return lines;
}

/**
 * The certificate of `--tls-self-signed`: kept beside the database (in the
 * config directory when the database is `:memory:`), made on first start.
 * It names `--public-name`, this machine's host name and LAN addresses beside
 * the loopback names (a kept certificate is not remade for new names: its
 * fingerprint is what clients remember).
 *
 * @param dataFile The database path.
 * @param publicNames The `--public-name` values.
 * @throws {Deno.errors.InvalidData} If the kept files are unusable (see `loadOrCreateSelfSignedCert`).
 */
async function selfSignedCert(
  dataFile: string | undefined,
  publicNames: string[],
): Promise<SelfSignedCert> {
  const dir = dataFile === undefined || dataFile === ":memory:" ? configDir() : dirname(dataFile);
  const hostnames = [...publicNames, ...lanAddresses()];
  try {
    hostnames.push(Deno.hostname());
  } catch (error) {
    // Without --allow-sys=hostname the certificate still names the loopback and LAN addresses.
    if (
      !(error instanceof Deno.errors.NotCapable || error instanceof Deno.errors.PermissionDenied)
    ) {
      throw error;
    }
  }
  return await loadOrCreateSelfSignedCert(dir, { hostnames });
}
