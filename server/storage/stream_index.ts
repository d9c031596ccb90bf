/**
 * A cluster node's history file (`serve --cluster … --data FILE`) as an
 * index of the cluster's JetStream stream: the messages table holds stream
 * messages under their stream sequence, so the node reads on from the
 * highest one it has and rebuilds from the stream what is missing. A file is
 * marked as one cluster's index on first use, and refused for another
 * cluster or when it holds a single server's history (whose ids would clash).
 *
 * @module
 */

import { HistoryStoreError } from "./database.ts";
import type { HistoryStore } from "./history_store.ts";

/** `meta` key marking a file as a cluster index; its value identifies the cluster name. */
const INDEX_KEY = "cluster_index";

/**
 * Prepares `store` as the index of one cluster's stream.
 *
 * @example
 * ```ts
 * import { HistoryStore } from "./history_store.ts";
 * import { openStreamIndex } from "./stream_index.ts";
 * const store = new HistoryStore(":memory:");
 * openStreamIndex(store, "parley", 0); // 0: read the stream from its start
 * ```
 *
 * @param store The node's store (`:memory:` always starts empty).
 * @param cluster The cluster name.
 * @param streamLastSeq The stream's last sequence now.
 * @returns The sequence after which the node must read the stream: the
 *   highest indexed one, or 0 when the index is new or was emptied because
 *   the stream was recreated (its last sequence is below the index's).
 * @throws {HistoryStoreError} When the file holds a single server's
 *   history, or is the index of another cluster.
 */
export function openStreamIndex(
  store: HistoryStore,
  cluster: string,
  streamLastSeq: number,
): number {
  if (!store.persistent) return 0;
  const db = store.database;
  const marker = db.meta(INDEX_KEY);
  const last = Number(
    (db.prepare("SELECT max(id) AS id FROM messages").get() as { id: number | null }).id ?? 0,
  );
  const expected = nameNumber(cluster);
  if (marker === undefined) {
    if (last > 0) {
      throw new HistoryStoreError(
        `Cannot use ${store.path} as a cluster node's history: it holds a single server's messages; give each node its own --data file`,
      );
    }
    db.setMeta(INDEX_KEY, expected);
    return 0;
  }
  if (marker !== expected) {
    throw new HistoryStoreError(
      `Cannot use ${store.path} for cluster "${cluster}": it indexes another cluster`,
    );
  }
  if (last > streamLastSeq) {
    // The stream was deleted and created again: its sequences start over.
    db.transaction(() => db.prepare("DELETE FROM messages").run());
    return 0;
  }
  return last;
}

/** A cluster name as a stable 32-bit number (FNV-1a), for the numeric `meta` table. */
function nameNumber(name: string): number {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(name)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}
