/**
 * `parley serve --tunnel ngrok`: starts the user's own `ngrok tcp PORT`, reads
 * the public address from ngrok's local agent API (`GET /api/tunnels` on
 * 127.0.0.1:4040, see https://ngrok.com/docs/agent/api/), and stops ngrok again.
 *
 * @module
 */

import { getLogger } from "../../server/log.ts";

const log = getLogger(["parley", "tunnel"]);

/** Where ngrok's agent API listens unless `PARLEY_NGROK_API` says otherwise. */
export const DEFAULT_NGROK_API = "http://127.0.0.1:4040";

/** What to tell users who have not logged ngrok in. */
const LOGIN_HINT = "sign up at https://dashboard.ngrok.com, then run " +
  "`ngrok config add-authtoken <TOKEN>` once (TCP tunnels also need a verified account)";

/** Options for {@linkcode startNgrokTunnel}. */
export interface NgrokTunnelOptions {
  /** The local TCP port to expose. */
  port: number;
  /**
   * Base URL of ngrok's agent API.
   * @default {"http://127.0.0.1:4040"}
   */
  apiUrl?: string;
  /**
   * The ngrok executable, looked up on `PATH`.
   * @default {"ngrok"}
   */
  command?: string;
  /**
   * Longest to wait for the tunnel to show up in the agent API, in ms.
   * @default {20000}
   */
  timeoutMs?: number;
  /**
   * How often to poll the agent API, in ms.
   * @default {250}
   */
  pollMs?: number;
  /** Aborting it stops waiting and stops ngrok. */
  signal?: AbortSignal;
}

/** A running tunnel. */
export interface NgrokTunnel {
  /** The public address, e.g. `tcp://0.tcp.ngrok.io:12345`. */
  publicUrl: string;
  /** Resolves with ngrok's exit code when it exits (by itself or by `close()`). */
  exited: Promise<number>;
  /** Stops ngrok (SIGTERM, then SIGKILL after 3 s). Idempotent. */
  close(): Promise<void>;
}

/** The tunnel could not be opened; `message` says why and what to do. */
export class TunnelError extends Error {
  /**
   * @param message A sentence for the user.
   */
  constructor(message: string) {
    super(message);
    this.name = "TunnelError";
  }
}

/** One entry of `GET /api/tunnels` (only the fields Parley reads). */
interface ApiTunnel {
  public_url?: unknown;
  proto?: unknown;
  config?: { addr?: unknown };
}

/**
 * Picks the public URL of the TCP tunnel to `port` from an agent API answer.
 *
 * @param body The parsed JSON of `GET /api/tunnels`:
 *   `{ tunnels: [{ public_url: "tcp://0.tcp.ngrok.io:12345", proto: "tcp",
 *   config: { addr: "localhost:5003" } }] }`.
 * @param port The local port the tunnel must forward to.
 * @returns The `public_url`, or `undefined` if no such tunnel is listed yet.
 *
 * @example
 * ```ts
 * import { findTcpTunnel } from "./ngrok_tunnel.ts";
 * findTcpTunnel({ tunnels: [{ public_url: "tcp://0.tcp.ngrok.io:1", proto: "tcp",
 *   config: { addr: "localhost:5003" } }] }, 5003); // "tcp://0.tcp.ngrok.io:1"
 * ```
 */
export function findTcpTunnel(body: unknown, port: number): string | undefined {
  const tunnels = (body as { tunnels?: unknown })?.tunnels;
  if (!Array.isArray(tunnels)) return undefined;
  for (const tunnel of tunnels as ApiTunnel[]) {
    if (typeof tunnel?.public_url !== "string") continue;
    if (!tunnel.public_url.startsWith("tcp://")) continue;
    const addr = tunnel.config?.addr;
    // The agent API reports the forwarded address as "localhost:5003" or "tcp://localhost:5003".
    if (typeof addr === "string" && !new RegExp(`:${port}/?$`).test(addr)) continue;
    return tunnel.public_url;
  }
  return undefined;
}

/**
 * Explains why ngrok exited before opening a tunnel, from its output.
 *
 * @param code ngrok's exit code.
 * @param output What it printed (stdout and stderr).
 * @returns A sentence for the user.
 */
export function explainNgrokExit(code: number, output: string): string {
  if (/authtoken|authentication failed|ERR_NGROK_4018|ERR_NGROK_105\b/i.test(output)) {
    return `ngrok is not logged in: ${LOGIN_HINT}`;
  }
  if (/ERR_NGROK_8013|credit card|verify your account/i.test(output)) {
    return "ngrok refused the TCP tunnel: TCP addresses need a verified ngrok account; " +
      "add a payment method at https://dashboard.ngrok.com/settings#id-verification";
  }
  const last = output.trim().split("\n").filter((l) => l.trim() !== "").at(-1);
  return `ngrok exited with code ${code} before opening a tunnel${last ? `: ${last.trim()}` : ""}`;
}

/**
 * Starts `ngrok tcp PORT` and waits until its agent API lists the TCP tunnel.
 *
 * @param options See {@linkcode NgrokTunnelOptions}.
 * @returns The running tunnel; call `close()` on shutdown.
 * @throws {TunnelError} If ngrok is not on PATH, may not be run, is not logged
 *   in, exits early, or shows no tunnel within `timeoutMs` (ngrok is stopped first).
 *
 * @example
 * ```ts
 * import { startNgrokTunnel } from "./ngrok_tunnel.ts";
 * // Needs ngrok installed and logged in, so the example defines it and does not call it.
 * async function share(port: number): Promise<() => Promise<void>> {
 *   const tunnel = await startNgrokTunnel({ port });
 *   console.log(`parley join ${tunnel.publicUrl}`);
 *   return () => tunnel.close();
 * }
 * ```
 */
export async function startNgrokTunnel(options: NgrokTunnelOptions): Promise<NgrokTunnel> {
  const command = options.command ?? "ngrok";
  const apiUrl = (options.apiUrl ?? DEFAULT_NGROK_API).replace(/\/+$/, "");
  const timeoutMs = options.timeoutMs ?? 20_000;
  const pollMs = options.pollMs ?? 250;
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command(command, {
      args: ["tcp", String(options.port), "--log", "stdout"],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new TunnelError(
        `ngrok is not installed or not on PATH: install it from https://ngrok.com/download, then ${LOGIN_HINT}`,
      );
    }
    if (error instanceof Deno.errors.NotCapable || error instanceof Deno.errors.PermissionDenied) {
      throw new TunnelError(
        `Parley may not run ngrok: run deno with --allow-run=ngrok (${(error as Error).message})`,
      );
    }
    throw error;
  }
  log.info("started {command} tcp {port} (pid {pid})", {
    command,
    port: options.port,
    pid: child.pid,
  });
  let output = "";
  const collect = async (stream: ReadableStream<Uint8Array>) => {
    for await (const text of stream.pipeThrough(new TextDecoderStream())) {
      output = (output + text).slice(-16_384);
    }
  };
  const drained = Promise.all([collect(child.stdout), collect(child.stderr)]);
  let exitCode: number | undefined;
  const exited = child.status.then(async (status) => {
    exitCode = status.code;
    await drained;
    log.info("ngrok exited with code {code}", { code: status.code });
    return status.code;
  });
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      if (exitCode !== undefined) return;
      try {
        child.kill("SIGTERM");
      } catch (error) {
        if (!(error instanceof TypeError)) throw error; // already exited
      }
      const timer = setTimeout(() => {
        try {
          child.kill("SIGKILL");
        } catch (error) {
          if (!(error instanceof TypeError)) throw error;
        }
      }, 3000);
      await exited;
      clearTimeout(timer);
    })();
    return closing;
  };

  const deadline = Date.now() + timeoutMs;
  let apiAnswered = false;
  let lastApiError = "";
  try {
    while (true) {
      if (options.signal?.aborted) throw new TunnelError("Stopped before the ngrok tunnel opened");
      if (exitCode !== undefined) {
        await exited;
        throw new TunnelError(explainNgrokExit(exitCode, output));
      }
      try {
        const response = await fetch(`${apiUrl}/api/tunnels`, {
          signal: AbortSignal.timeout(2000),
        });
        if (response.ok) {
          apiAnswered = true;
          const url = findTcpTunnel(await response.json(), options.port);
          if (url) {
            log.info("ngrok tunnel {url} -> port {port}", { url, port: options.port });
            return { publicUrl: url, exited, close };
          }
        } else {
          await response.body?.cancel();
          lastApiError = `HTTP ${response.status}`;
        }
      } catch (error) {
        if (error instanceof Deno.errors.NotCapable) throw error;
        lastApiError = (error as Error).message;
      }
      if (Date.now() >= deadline) break;
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
    if (exitCode !== undefined) throw new TunnelError(explainNgrokExit(exitCode, output));
    const seconds = Math.round(timeoutMs / 1000);
    throw new TunnelError(
      apiAnswered
        ? `ngrok's agent API at ${apiUrl} showed no TCP tunnel to port ${options.port} within ${seconds} s; ` +
          `is ngrok logged in? ${LOGIN_HINT}`
        : `ngrok's agent API at ${apiUrl} did not answer within ${seconds} s (${lastApiError}); ` +
          "is another ngrok already using port 4040? Set PARLEY_NGROK_API to its web_addr",
    );
  } catch (error) {
    await close();
    throw error;
  }
}
