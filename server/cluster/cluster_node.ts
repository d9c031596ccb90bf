/**
 * One node's whole cluster layer, opened in order and closed in reverse:
 * the link, the message stream, the nick registry, presence and the shared
 * state. This is what `parley serve --cluster …` will hold and hand to the hub.
 *
 * @module
 */

import type { ClusterOptions } from "./cluster_options.ts";
import { ClusterRegistry, type ClusterRegistryOptions } from "./cluster_registry.ts";
import { DeliveryProgress } from "./delivery_progress.ts";
import { NatsLink } from "./nats_link.ts";
import { PresenceBus } from "./presence_bus.ts";
import { RoomStream, type RoomStreamOptions } from "./room_stream.ts";
import { SharedState } from "./shared_state.ts";

/** Everything a node needs to take part in a cluster. */
export interface ClusterNode {
  /** The NATS connection and its state. */
  link: NatsLink;
  /** Room and private messages: global ids and one order. */
  stream: RoomStream;
  /** Cluster-wide nicks and node liveness. */
  registry: ClusterRegistry;
  /** Join/leave/away between nodes. */
  presence: PresenceBus;
  /** Topics, bans, mutes, registrations and room access. */
  state: SharedState;
  /** Every node's delivery of the stream, and the publish window it sets. */
  progress: DeliveryProgress;
  /**
   * Releases this node's nicks, stops the stream followers and the watches,
   * and closes the link. Safe to call more than once.
   */
  close(): Promise<void>;
}

/**
 * Connects to NATS and opens every part of the cluster layer.
 *
 * @example
 * ```ts ignore
 * import { startClusterNode } from "./cluster_node.ts";
 * const node = await startClusterNode({ servers: ["nats://127.0.0.1:4222"] });
 * await node.close();
 * ```
 *
 * @param options Connection options, plus stream retention and the heartbeat.
 * @returns The opened node.
 * @throws {ClusterUnavailableError} When NATS is not reachable within `connectTimeoutMs`.
 * @throws {TypeError} When an option is invalid.
 * @throws {Error} When JetStream refuses or does not answer (the link is closed again).
 */
export async function startClusterNode(
  options: ClusterOptions & RoomStreamOptions & ClusterRegistryOptions,
): Promise<ClusterNode> {
  const link = await NatsLink.connect(options);
  let registry: ClusterRegistry | undefined;
  try {
    const stream = await RoomStream.open(link, options);
    registry = await ClusterRegistry.open(link, options);
    const state = await SharedState.open(link);
    const presence = new PresenceBus(link);
    // Half the per-room limit: a node that far behind overall is that far behind in any room.
    const progress = new DeliveryProgress(link, {
      window: options.maxPerSubject ? Math.max(1, Math.floor(options.maxPerSubject / 2)) : Infinity,
    });
    let closing: Promise<void> | undefined;
    return {
      link,
      stream,
      registry,
      presence,
      state,
      progress,
      close: () =>
        closing ??= (async () => {
          presence.close();
          state.close();
          await stream.close();
          await registry?.close();
          await link.close();
        })(),
    };
  } catch (error) {
    await registry?.close();
    await link.close();
    throw error;
  }
}
