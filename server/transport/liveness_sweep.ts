/**
 * One timer that enforces the handshake deadline and the heartbeat for a set
 * of connections, whatever their transport (TCP/TLS or WebSocket). A single
 * sweep instead of a timer per connection keeps idle connections cheap.
 *
 * @module
 */

import { encodeMessage, type LeaveCode } from "../../protocol/messages.ts";

/** What the sweep needs of a connection; `Connection` and `WsConnection` fit. */
export interface Sweepable {
  /** Whether `hello` has not been handled yet. */
  readonly inHandshake: boolean;
  /** When the connection was accepted, ms since the epoch. */
  readonly openedAt: number;
  /** When the last frame arrived, ms since the epoch. */
  readonly lastSeen: number;
  /** Whether a heartbeat ping is outstanding. */
  pinged: boolean;
  /** Queues a frame. */
  send(frame: Uint8Array): boolean;
  /** Graceful close (flushes the queue); `code` is the `leave` code the rooms get. */
  close(reason: string, code?: LeaveCode): void;
  /** Immediate close; `code` is the `leave` code the rooms get. */
  abort(reason: string, code?: LeaveCode): void;
}

/** Options for {@linkcode startLivenessSweep}. */
export interface LivenessSweepOptions {
  /** Longest a connection may take to send `hello`, in ms. */
  handshakeTimeoutMs: number;
  /** Ping after this much silence, drop after twice as much, in ms. */
  heartbeatMs: number;
  /** Clock, ms since the epoch. */
  now: () => number;
}

/**
 * Starts the sweep: every `min(1000, handshakeTimeoutMs / 2, heartbeatMs / 2)`
 * ms, a connection still in the handshake past its deadline gets
 * `handshake_timeout` and is closed; one silent for `heartbeatMs` is pinged;
 * one silent for `2 × heartbeatMs` is dropped (`heartbeat timeout`).
 *
 * @param connections The live connections (read afresh at every tick).
 * @param options Deadlines and clock.
 * @returns A function that stops the sweep.
 */
export function startLivenessSweep(
  connections: Iterable<Sweepable>,
  options: LivenessSweepOptions,
): () => void {
  const { handshakeTimeoutMs, heartbeatMs, now: clock } = options;
  const timer = setInterval(() => {
    const now = clock();
    for (const conn of connections) {
      try {
        sweepOne(conn, now);
      } catch {
        // A connection that cannot be pinged or closed gracefully is dropped; the sweep goes on.
        conn.abort("internal error");
      }
    }
  }, Math.max(10, Math.min(1000, handshakeTimeoutMs / 2, heartbeatMs / 2)));
  return () => clearInterval(timer);

  function sweepOne(conn: Sweepable, now: number): void {
    if (conn.inHandshake) {
      if (now - conn.openedAt > handshakeTimeoutMs) {
        conn.send(encodeMessage({
          type: "error",
          code: "handshake_timeout",
          message: `No hello within ${handshakeTimeoutMs} ms`,
        }));
        conn.close("handshake timeout");
      }
      return;
    }
    const idle = now - conn.lastSeen;
    if (idle > 2 * heartbeatMs) {
      conn.abort(`heartbeat timeout: no traffic for ${idle} ms`, "timeout");
    } else if (idle > heartbeatMs && !conn.pinged) {
      conn.pinged = true;
      conn.send(encodeMessage({ type: "ping", token: now }));
    }
  }
}
