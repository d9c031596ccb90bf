/**
 * What `parley serve` prints on stdout: text for people (with a line per join
 * and leave when stdout is a terminal), or with `--json` one JSON object per
 * line (JSON Lines) for supervisors and scripts.
 *
 * JSON events, each with `event` and `ts` (RFC 3339 UTC time):
 * - `listening`: `name`, `version`, `host`, `port`, `address` (`host:port`),
 *   `join` (the join commands that reach it, e.g. `deno task join 127.0.0.1:5003`),
 *   `password` (boolean), `tls_fingerprint` (SHA-256 of the `--tls-self-signed`
 *   certificate, when used), `metrics` (the metrics URL, with `--metrics`); with
 *   `--http`, `web` (loopback URL) and `web_lan` (URLs on LAN addresses); with
 *   `--cluster`, `cluster` (the cluster name) and `node` (this node's id).
 * - `tunnel`: `url` (`tcp://host:port`), `join` (the command to share).
 * - `join` / `leave`: `nick`, `address`, `online` (users after it); `leave` adds `reason`.
 * - `shutdown`: `reason` (`SIGTERM`, `SIGINT`, or `stopped` when the console or
 *   an error stopped it).
 * - `stopped`: the summary: `joins`, `leaves`, `peak_online`, `uptime_ms`.
 *
 * @module
 */

import { formatAddr } from "../../server/guards/host_key.ts";
import { writeAllSync } from "../prompt.ts";
import { VERSION } from "../../protocol/version.ts";
import type { PresenceEvent } from "../../server/chat/presence_event.ts";

/** Facts printed once the server listens. */
export interface ListeningInfo {
  /** Server name. */
  name: string;
  /** The bound address. */
  addr: Deno.NetAddr;
  /** `parley join ...` hint lines (text form, indented, with a label). */
  hints: string[];
  /** Whether a password is required. */
  password: boolean;
  /** The web client's URL when `--http` is on. */
  webUrl?: string;
  /** The web client's URLs on LAN addresses, for a wildcard bind. */
  webLanUrls?: string[];
  /** The metrics endpoint's URL when `--metrics` is on. */
  metricsUrl?: string;
  /** The cluster and this node's id, with `--cluster`. */
  cluster?: { name: string; node: string };
  /**
   * SHA-256 of the TLS certificate (hex pairs with colons), shown so users can
   * check what their client trusts on first use (`--tls-self-signed`).
   */
  tlsFingerprint?: string;
}

/** Options for {@linkcode createServeOutput}. */
export interface ServeOutputOptions {
  /**
   * The command that runs `parley join`, for the tunnel line (see `joinCommandFor`).
   * @default {"parley join"}
   */
  joinCommand?: string;
  /**
   * Print a line per join and leave in text mode (when stdout is a terminal
   * someone watches).
   * @default {false}
   */
  presenceText?: boolean;
}

/** The stdout of `parley serve`. */
export interface ServeOutput {
  /** The server is ready. */
  listening(info: ListeningInfo): void;
  /** A tunnel is open at `url` (`tcp://host:port`). */
  tunnel(url: string): void;
  /** A user joined or left. */
  presence(event: PresenceEvent): void;
  /** Shutdown has begun. */
  shutdown(reason: string): void;
  /** Shutdown has finished. */
  stopped(): void;
}

/**
 * Creates the stdout writer for `parley serve`.
 *
 * @param json `true` for JSON Lines, `false` for text.
 * @param write Where lines go (one call per line, newline included).
 * @param now Clock, ms since the epoch.
 * @param options Join command and presence lines; see {@linkcode ServeOutputOptions}.
 * @returns The writer.
 *
 * @example
 * ```ts
 * import { createServeOutput } from "./serve_output.ts";
 * const output = createServeOutput(true);
 * output.shutdown("SIGTERM"); // {"event":"shutdown","ts":"...","reason":"SIGTERM"}
 * ```
 */
export function createServeOutput(
  json: boolean,
  write: (line: string) => void = (line) => writeAllSync(Deno.stdout, line),
  now: () => number = Date.now,
  options: ServeOutputOptions = {},
): ServeOutput {
  const joinCommand = options.joinCommand ?? "parley join";
  const started = now();
  let joins = 0;
  let leaves = 0;
  let peak = 0;
  let shutdownSent = false;
  const emit = (event: string, fields: Record<string, unknown>) =>
    write(JSON.stringify({ event, ts: new Date(now()).toISOString(), ...fields }) + "\n");
  const text = (line: string) => write(line + "\n");
  return {
    listening({
      name,
      addr,
      hints,
      password,
      webUrl,
      webLanUrls = [],
      tlsFingerprint,
      metricsUrl,
      cluster,
    }) {
      const address = formatAddr(addr);
      if (!json) {
        text(
          `parley listening on ${address}` +
            (tlsFingerprint ? ` (TLS certificate SHA-256 ${tlsFingerprint})` : ""),
        );
        if (webUrl) text(`parley web on ${webUrl}`);
        for (const url of webLanUrls) text(`  ${"web, network:".padEnd(14)} ${url}`);
        if (metricsUrl) text(`parley metrics on ${metricsUrl}`);
        if (cluster) text(`parley cluster ${cluster.name} node ${cluster.node}`);
        for (const line of hints) text(line);
        if (password) text("  a password is required to join");
        return;
      }
      emit("listening", {
        name,
        version: VERSION,
        host: addr.hostname,
        port: addr.port,
        address,
        join: hints.map((line) => line.trim().replace(/^[\w ,]+:\s+/, "")),
        password,
        ...(webUrl ? { web: webUrl } : {}),
        ...(webLanUrls.length > 0 ? { web_lan: webLanUrls } : {}),
        ...(metricsUrl ? { metrics: metricsUrl } : {}),
        ...(cluster ? { cluster: cluster.name, node: cluster.node } : {}),
        ...(tlsFingerprint ? { tls_fingerprint: tlsFingerprint } : {}),
      });
    },
    tunnel(url) {
      if (json) emit("tunnel", { url, join: `${joinCommand} ${url}` });
      else {
        text("tunnel open through ngrok; share this line:");
        text(`  ${joinCommand} ${url}`);
      }
    },
    presence(event) {
      if (event.kind === "join") joins++;
      else leaves++;
      peak = Math.max(peak, event.online);
      if (!json) {
        if (!options.presenceText) return;
        const time = new Date(now()).toTimeString().slice(0, 5);
        text(
          event.kind === "join"
            ? `[${time}] --> ${event.nick} joined from ${event.address} (${event.online} online)`
            : `[${time}] <-- ${event.nick} left (${
              event.reason ?? "left"
            }; ${event.online} online)`,
        );
        return;
      }
      const { kind, ...fields } = event;
      emit(kind, fields);
    },
    shutdown(reason) {
      shutdownSent = true;
      if (json) emit("shutdown", { reason });
    },
    stopped() {
      if (json) {
        if (!shutdownSent) emit("shutdown", { reason: "stopped" });
        emit("stopped", { joins, leaves, peak_online: peak, uptime_ms: now() - started });
      } else text("parley stopped");
    },
  };
}
