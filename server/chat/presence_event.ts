/**
 * What the hub reports when a user joins or leaves the server, for
 * `parley serve --json` and other observers.
 *
 * @module
 */

/** A user joined (finished the handshake) or left the server. */
export interface PresenceEvent {
  /** `join` after a successful handshake; `leave` when the session ends. */
  kind: "join" | "leave";
  /** The user's nick. */
  nick: string;
  /** The peer address, `host:port`. */
  address: string;
  /** Why the user left (`quit`, `heartbeat timeout ...`); only for `leave`. */
  reason?: string;
  /** Users online after this event. */
  online: number;
}
