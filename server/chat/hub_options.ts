/**
 * Options for the `Hub`: limits, clock, storage and callbacks.
 *
 * @module
 */

import type { ServerMetrics } from "../metrics.ts";
import type { FloodOptions } from "../guards/flood_control.ts";
import type { HistoryStore } from "../storage/history_store.ts";
import type { MediaArchive } from "../storage/media_archive.ts";
import type { PresenceEvent } from "./presence_event.ts";
import type { SecretGuard } from "../guards/secret_guard.ts";
import type { ClusterNode } from "../cluster/cluster_node.ts";

/**
 * Options for `Hub`. The flood options are not enforced here (each
 * connection's `InboundHandler` does that) but announced in `welcome.limits`.
 */
export interface HubOptions extends FloodOptions {
  /**
   * Name announced in `welcome`.
   * @default {"parley"}
   */
  serverName?: string;
  /** Password clients must send in `hello`; none when absent or empty. */
  password?: string;
  /**
   * Most users online at once; more are refused with `server_full`.
   * @default {1000}
   */
  maxClients?: number;
  /**
   * Largest message text, in UTF-8 bytes.
   * @default {8192}
   */
  maxTextBytes?: number;
  /**
   * Largest frame payload, in bytes (announced in `welcome`).
   * @default {1048576}
   */
  maxFrameBytes?: number;
  /**
   * Heartbeat interval announced in `welcome`, in ms.
   * @default {30000}
   */
  heartbeatMs?: number;
  /**
   * Log message bodies to `chat.log`.
   * @default {false}
   */
  logMessages?: boolean;
  /**
   * Clock, ms since the epoch; tests pass a fake.
   * @default {Date.now}
   */
  now?: () => number;
  /** Called synchronously after each join and leave (`serve --json` prints them). */
  onPresence?: (event: PresenceEvent) => void;
  /** Counts deliveries and times acks; off (no calls) when absent. See `server/metrics.ts`. */
  metrics?: ServerMetrics;
  /**
   * Largest voice or video recording, in bytes. The frame limit is
   * raised to fit one such recording as base64.
   * @default {2097152}
   */
  maxMediaBytes?: number;
  /** Where recordings are kept with history (the `--data` file); memory only when absent. */
  mediaArchive?: MediaArchive;
  /**
   * History, topics and bans. The hub does not close it; its owner does.
   * @default {a new in-memory store}
   */
  history?: HistoryStore;
  /**
   * Messages replayed when a user joins a room.
   * @default {50}
   */
  historyReplay?: number;
  /** Operator password for `/op`; no password operators when absent or empty. */
  adminPassword?: string;
  /** Key fingerprints (`SHA256:...`) whose sessions are operators (`--op-key`). */
  operatorKeys?: readonly string[];
  /**
   * Host names and addresses clients dial to reach this server: identity
   * proofs are accepted for these names only.
   * @default {["localhost", "127.0.0.1", "::1"]}
   */
  identityNames?: readonly string[];
  /**
   * The brute-force guard shared by every secret (server and operator
   * passwords, identity proofs); `startServer` passes the transports' one.
   * @default {a guard of its own}
   */
  secrets?: SecretGuard;
  /**
   * Most rooms on the server, `#lobby` included (`too_many_rooms` beyond).
   * @default {1000}
   */
  maxRooms?: number;
  /**
   * Most rooms one user is in at once, `#lobby` included.
   * @default {20}
   */
  maxRoomsPerUser?: number;
  /**
   * Rooms one address may create per minute, sustained (`maxRoomsPerUser` at once).
   * @default {30}
   */
  roomCreatesPerMinute?: number;
  /**
   * An opened cluster node (`serve --cluster`): messages, nicks, presence go
   * through it (see `cluster_chat.ts`). `startServer` calls
   * `hub.cluster.start()` before admitting anyone and closes the node when it
   * stops (or fails to start); a hub used alone leaves both to its owner.
   */
  cluster?: ClusterNode;
}
