/**
 * Room topics in the history database, so a room keeps its topic across
 * restarts.
 *
 * @module
 */

import { nameKey } from "../../protocol/names.ts";
import type { Database, Row } from "./database.ts";

/** A stored room topic. */
export interface TopicRecord {
  /** Room name as last set. */
  room: string;
  /** Topic text; empty when cleared. */
  topic: string;
  /** Who set it. */
  by: string;
  /** When, ms since the epoch. */
  ts: number;
}

/**
 * Topics by room, on a {@linkcode Database}.
 *
 * @example
 * ```ts
 * import { Database } from "./database.ts";
 * import { TopicStore } from "./topic_store.ts";
 * const topics = new TopicStore(new Database(":memory:"));
 * topics.set({ room: "#Dev", topic: "ship it", by: "bob", ts: 5 });
 * topics.get("#dev")?.topic; // "ship it"
 * ```
 */
export class TopicStore {
  readonly #db: Database;

  /** @param db The open database. */
  constructor(db: Database) {
    this.#db = db;
  }

  /**
   * The stored topic of a room.
   *
   * @param room Room name including `#` (any case).
   * @returns The topic, or `undefined` if none was ever set.
   */
  get(room: string): TopicRecord | undefined {
    const row = this.#db.prepare("SELECT * FROM topics WHERE room_key = ?").get(nameKey(room)) as
      | Row
      | undefined;
    return row
      ? {
        room: String(row.room),
        topic: String(row.topic),
        by: String(row.set_by),
        ts: Number(row.ts),
      }
      : undefined;
  }

  /**
   * Stores a room topic (synchronously: topics change rarely).
   *
   * @param record The topic; an empty `topic` clears it.
   * @throws {Error} If SQLite cannot write it.
   */
  set(record: TopicRecord): void {
    this.#db.prepare(
      `INSERT INTO topics (room_key, room, topic, set_by, ts) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (room_key) DO UPDATE SET room = excluded.room, topic = excluded.topic,
         set_by = excluded.set_by, ts = excluded.ts`,
    ).run(nameKey(record.room), record.room, record.topic, record.by, record.ts);
  }
}
