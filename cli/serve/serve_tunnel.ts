/**
 * Glue between `parley serve` and {@linkcode startNgrokTunnel}: opens the
 * tunnel for a running server, reports it, and explains failures on stderr.
 *
 * @module
 */

import { writeAllSync } from "../prompt.ts";
import { parseDuration } from "../../protocol/duration.ts";
import {
  DEFAULT_NGROK_API,
  type NgrokTunnel,
  startNgrokTunnel,
  TunnelError,
} from "./ngrok_tunnel.ts";
import type { ParleyServer } from "../../server/server.ts";
import type { ServeOutput } from "./serve_output.ts";

/**
 * Opens an ngrok tunnel to `server`'s port and prints the `parley join` line.
 * The agent API address comes from `PARLEY_NGROK_API` (default
 * `http://127.0.0.1:4040`), the wait from `PARLEY_NGROK_TIMEOUT` (default 20s).
 *
 * @param server The running server.
 * @param output Where the tunnel line goes.
 * @param signal Aborted when the server is asked to stop meanwhile.
 * @returns The tunnel, or `null` after printing why it could not be opened.
 */
export async function openTunnel(
  server: ParleyServer,
  output: ServeOutput,
  signal: AbortSignal,
): Promise<NgrokTunnel | null> {
  try {
    const timeout = Deno.env.get("PARLEY_NGROK_TIMEOUT");
    const tunnel = await startNgrokTunnel({
      port: server.addr.port,
      apiUrl: Deno.env.get("PARLEY_NGROK_API") || DEFAULT_NGROK_API,
      timeoutMs: timeout ? parseDuration(timeout) : undefined,
      signal,
    });
    output.tunnel(tunnel.publicUrl);
    // Clients that dial the tunnel sign its host name in their identity proofs.
    server.hub.proofNames.add(new URL(tunnel.publicUrl).hostname);
    void tunnel.exited.then((code) => {
      if (!signal.aborted) {
        writeAllSync(
          Deno.stderr,
          `parley serve: ngrok exited (code ${code}); the tunnel is closed, local users are unaffected\n`,
        );
      }
    });
    return tunnel;
  } catch (error) {
    if (error instanceof TunnelError || error instanceof TypeError) {
      writeAllSync(Deno.stderr, `parley serve: ${error.message}\n`);
      return null;
    }
    throw error;
  }
}
