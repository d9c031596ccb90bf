/**
 * What the server counts, as one small interface: the hub, transports, guards
 * and storage call it at the places where the event happens, and a metrics
 * exporter (see `prometheus_metrics.ts`) implements it. Without `--metrics`
 * nothing implements it: callers hold `undefined` and skip the call, so the
 * fanout path pays one optional call per broadcast, never per recipient.
 *
 * Levels (connections, users, rooms, queued bytes) are not pushed through
 * this interface: the exporter samples them when it is scraped (see
 * {@linkcode MetricsSnapshot}).
 *
 * @module
 */

/** State of the link to the cluster's message bus, as the cluster layer reports it. */
export type ClusterLinkState = "connected" | "disconnected" | "reconnecting" | "closed";

/**
 * Events the server counts. Every method is synchronous and cheap; none may
 * throw.
 */
export interface ServerMetrics {
  /** One client message taken after the handshake (before flood control decides). */
  received(): void;
  /**
   * One fanout handed a frame to `count` members (called once per broadcast).
   *
   * @param count Members that accepted the frame.
   */
  delivered(count: number): void;
  /** A connection was closed because its outbound queue overflowed. */
  slowConsumerDropped(): void;
  /** A client message was refused (or the client disconnected) by flood control. */
  floodRefused(): void;
  /** A wrong secret: server or operator password, or a failed identity proof. */
  authFailed(): void;
  /**
   * An `ack` was sent for a message that created one.
   *
   * @param ms Time from the message's server timestamp to the ack, in ms.
   */
  acked(ms: number): void;
  /**
   * A storage group commit finished (successfully or not).
   *
   * @param ms Time the commit took, in ms.
   */
  committed(ms: number): void;
  /**
   * The cluster link changed state (only clustered nodes call it).
   *
   * @param state The new state.
   */
  clusterState(state: ClusterLinkState): void;
}

/** The levels an exporter samples when scraped. */
export interface MetricsSnapshot {
  /** Open connections (handshaking or joined) by transport name (`tcp`, `tls`, `websocket`). */
  connections: Record<string, number>;
  /** Users joined. */
  users: number;
  /** Rooms that exist. */
  rooms: number;
  /** Bytes waiting in all outbound queues together. */
  queueBytes: number;
}
