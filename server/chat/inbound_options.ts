/**
 * What an `InboundHandler` is given: the transport side of a
 * connection it answers through, and its options (malformed-message
 * allowance, password guard, metrics, flood limits and ledger).
 *
 * @module
 */

import type { AuthGuard } from "../guards/auth_guard.ts";
import type { FloodOptions } from "../guards/flood_control.ts";
import type { FloodLedger } from "../guards/flood_ledger.ts";
import type { ServerMetrics } from "../metrics.ts";
import type { Peer } from "./session.ts";

/** The transport side of a connection, as the handler uses it. */
export interface InboundTransport extends Peer {
  /** Immediate close. */
  abort(reason: string): void;
}

/** Options for `InboundHandler`. */
export interface InboundOptions extends FloodOptions {
  /**
   * Malformed messages tolerated before the connection is closed.
   * @default {10}
   */
  maxBadMessages?: number;
  /** Delays and locks out password guessing; shared by every connection. */
  authGuard?: AuthGuard;
  /** Counts messages and flood refusals; see `server/metrics.ts`. */
  metrics?: ServerMetrics;
  /**
   * Flood state kept per address across connections, so that reconnecting
   * does not reset the limits; shared by every connection. Without it each
   * connection starts with full buckets.
   */
  floodLedger?: FloodLedger;
}
