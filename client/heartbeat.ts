/**
 * The client side of the heartbeat.
 *
 * @module
 */

import type { ParleyClient } from "./client_connection.ts";

/** What the heartbeat needs of a connection; {@linkcode ParleyClient} fits. */
export interface HeartbeatTarget {
  /** The server's welcome; `limits.heartbeatMs` is the interval. */
  readonly welcome: ParleyClient["welcome"];
  /** Sends one message; rejects when the connection is gone. */
  send: ParleyClient["send"];
  /** Closes the connection; idempotent. */
  close(): void;
}

/**
 * Pings a quiet server and closes the connection when it stays silent, so a
 * dead link is noticed (and, interactively, reconnected) within about
 * 2.5 heartbeat intervals.
 *
 * @param client The connection; its welcome gives the interval (`limits.heartbeatMs`).
 * @param lastHeard When anything was last received, in ms since the epoch.
 * @returns A function that stops the heartbeat.
 */
export function heartbeat(client: HeartbeatTarget, lastHeard: () => number): () => void {
  const interval = client.welcome.limits.heartbeatMs;
  let pinged = false;
  const timer = setInterval(() => {
    const quiet = Date.now() - lastHeard();
    if (quiet > 2.5 * interval) client.close();
    else if (quiet > interval && !pinged) {
      pinged = true;
      client.send({ type: "ping", token: Date.now() }).catch(() => client.close());
    } else if (quiet <= interval) pinged = false;
  }, Math.max(250, interval / 4));
  return () => clearInterval(timer);
}
