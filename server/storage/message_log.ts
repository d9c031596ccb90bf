/**
 * Chat messages: id allocation, the in-memory rings, the group commit to
 * SQLite and retention.
 *
 * The newest messages of every room live in a JavaScript ring
 * ({@linkcode MessageRing}, `ringSize` per room, private messages in one more
 * ring): {@linkcode MessageLog.append} pushes there and replay on join is
 * served from there, with no SQLite call. With a `":memory:"` database the
 * rings are the only message storage: nothing of a message touches SQLite,
 * and only the newest `ringSize` messages per room are kept.
 *
 * With a file, writes are batched off the fanout path: the hub broadcasts
 * first and then appends the record to an in-memory batch; a short timer (or a
 * full batch) commits the whole batch in one transaction (group commit).
 * Callers that must not claim durability too early (the sender's `ack`) wait
 * with {@linkcode MessageLog.whenDurable} or {@linkcode MessageLog.durable}.
 *
 * Ids are allocated in blocks that are reserved in the database before use,
 * so they stay unique and increasing across restarts even after a crash.
 *
 * @module
 */

import type { ServerMetrics } from "../metrics.ts";
import { getLogger } from "../log.ts";
import { nameKey } from "../../protocol/names.ts";
import type { Database, Row } from "./database.ts";
import { MessageRing } from "./message_ring.ts";
import { messageFromRow, type StoredMessage } from "./stored_message.ts";

const log = getLogger(["parley", "server"]);

/** Options for {@linkcode MessageLog}. */
export interface MessageLogOptions {
  /** Times each group commit; see `server/metrics.ts`. */
  metrics?: ServerMetrics;
  /**
   * Longest a message waits in the batch before the commit, in ms.
   * @default {2}
   */
  flushMs?: number;
  /**
   * Batch size that triggers an immediate commit, in messages.
   * @default {512}
   */
  maxBatch?: number;
  /**
   * Ids reserved in the database at a time; a restart skips what was unused.
   * @default {1000}
   */
  idBlock?: number;
  /**
   * Newest messages kept in memory per room (and for private messages), in
   * messages: replay and `/history` up to this many need no SQLite read; with
   * `":memory:"` it is all that is kept.
   * @default {1000}
   */
  ringSize?: number;
  /**
   * With `":memory:"`, the rooms nobody is in whose history is kept, in
   * rooms: beyond it the history of the room left longest ago is forgotten,
   * so rooms created and left one after another cannot grow memory without
   * bound. Ignored with a file (there the rings of such rooms are freed).
   * @default {1000}
   */
  maxIdleRooms?: number;
}

/** Options for {@linkcode MessageLog.enforceRetention}. */
export interface RetentionOptions {
  /** Delete messages older than this, in ms; `undefined` keeps any age. */
  maxAgeMs?: number;
  /** Keep at most this many messages per room (private messages count as one room). */
  maxPerRoom?: number;
  /** Current time, ms since the epoch. */
  now: number;
}

/** A pending callback of {@linkcode MessageLog.whenDurable}. */
export type DurableCallback = (error?: Error) => void;

/** Ring key of private messages (room keys start with `#`). */
export const PRIVATE_KEY = "";

/**
 * The message log on a {@linkcode Database}. Synchronous and owned by one
 * hub; nothing here awaits.
 *
 * @example
 * ```ts
 * import { Database } from "./database.ts";
 * import { MessageLog } from "./message_log.ts";
 * const log = new MessageLog(new Database(":memory:"));
 * const id = log.nextId();
 * log.append({ id, ts: Date.now(), kind: "msg", room: "#lobby", from: "bob", text: "hi" });
 * log.recent("#lobby", 50); // [{ id, kind: "msg", text: "hi", ... }]
 * ```
 */
export class MessageLog {
  readonly #metrics: ServerMetrics | undefined;
  readonly #db: Database;
  readonly #flushMs: number;
  readonly #maxBatch: number;
  readonly #idBlock: number;
  readonly #ringSize: number;
  readonly #maxIdleRooms: number;
  /** In memory: room keys nobody is in that still hold history, left longest ago first. */
  readonly #idle = new Set<string>();
  /** Rings by room key; private messages under {@linkcode PRIVATE_KEY}. */
  readonly #rings = new Map<string, MessageRing>();
  #pending: StoredMessage[] = [];
  #callbacks: DurableCallback[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;
  #nextId: number;
  #reservedTo: number;
  #closed = false;
  /** Number of commits, for tests and measurements. */
  commits = 0;

  /**
   * Reads where the id counter stands.
   *
   * @param db The open database.
   * @param options See {@linkcode MessageLogOptions}.
   */
  constructor(db: Database, options: MessageLogOptions = {}) {
    this.#db = db;
    this.#flushMs = options.flushMs ?? 2;
    this.#maxBatch = options.maxBatch ?? 512;
    this.#idBlock = options.idBlock ?? 1000;
    this.#ringSize = options.ringSize ?? 1000;
    this.#metrics = options.metrics;
    this.#maxIdleRooms = options.maxIdleRooms ?? 1000;
    const reserved = db.meta("reserved_id") ?? 0;
    const maxRow = db.prepare("SELECT max(id) AS id FROM messages").get() as Row;
    const last = Math.max(reserved, Number(maxRow.id ?? 0));
    this.#nextId = last + 1;
    this.#reservedTo = last;
  }

  /** Whether messages survive a restart (false for `:memory:`). */
  get persistent(): boolean {
    return this.#db.persistent;
  }

  /** Messages appended but not yet committed. */
  get pendingCount(): number {
    return this.#pending.length;
  }

  /**
   * Allocates the next message id. Every `idBlock` ids it reserves the next
   * block in the database (one small synchronous write), so ids never repeat
   * after a restart, even a crash.
   *
   * @returns A positive id, larger than every id handed out before, in any run.
   * @throws {Error} If the reservation cannot be written; no id is used up then.
   */
  nextId(): number {
    const id = this.#nextId;
    if (id > this.#reservedTo) {
      // Reserved in the database first: if the write fails (a full disk), the
      // id is not handed out and the next call tries the reservation again.
      this.#db.setMeta("reserved_id", id + this.#idBlock - 1);
      this.#reservedTo = id + this.#idBlock - 1;
    }
    this.#nextId++;
    return id;
  }

  /**
   * Adds a message to its ring and, with a file, to the next group commit.
   * Never blocks on the disk.
   *
   * @param message The message, with an id from {@linkcode nextId}.
   */
  append(message: StoredMessage): void {
    if (this.#closed) return;
    this.ring(message.room === undefined ? PRIVATE_KEY : nameKey(message.room)).push(message);
    if (!this.persistent) return;
    this.#pending.push(message);
    if (this.#pending.length >= this.#maxBatch) {
      this.flush();
      return;
    }
    this.#timer ??= setTimeout(() => {
      this.#timer = undefined;
      this.flush();
    }, this.#flushMs);
  }

  /**
   * Runs `callback` once everything appended so far is committed: at once when
   * nothing is pending, otherwise right after the next commit. A failed commit
   * passes the error.
   *
   * @param callback Called with no argument on success, with the error on failure.
   */
  whenDurable(callback: DurableCallback): void {
    if (this.#pending.length === 0) callback();
    else this.#callbacks.push(callback);
  }

  /**
   * Waits until everything appended so far is committed (the promise form of
   * {@linkcode whenDurable}).
   *
   * @returns A promise that resolves after the commit.
   * @throws {Error} The commit's error, if it failed.
   */
  durable(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.whenDurable((error) => error ? reject(error) : resolve());
    });
  }

  /**
   * Commits every pending message in one transaction, then runs the waiting
   * {@linkcode whenDurable} callbacks. Synchronous; safe to call any time.
   */
  flush(): void {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    if (this.#pending.length === 0 || this.#closed) return;
    const batch = this.#pending;
    const callbacks = this.#callbacks;
    this.#pending = [];
    this.#callbacks = [];
    let failure: Error | undefined;
    const started = performance.now();
    try {
      const insert = this.#db.prepare(
        `INSERT INTO messages (id, ts, kind, room_key, room, sender, sender_key, recipient,
           recipient_key, text) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      this.#db.transaction(() => {
        for (const m of batch) {
          insert.run(
            m.id,
            m.ts,
            m.kind,
            m.room === undefined ? null : nameKey(m.room),
            m.room ?? null,
            m.from,
            m.fromParty ?? nameKey(m.from),
            m.to ?? null,
            m.to === undefined ? null : m.toParty ?? nameKey(m.to),
            m.text,
          );
        }
      });
      this.commits++;
    } catch (error) {
      failure = error instanceof Error ? error : new Error(String(error));
    }
    this.#metrics?.committed(performance.now() - started);
    // One failing callback must not keep the others from running.
    for (const callback of callbacks) {
      try {
        callback(failure);
      } catch (error) {
        log.error("a commit callback failed: {error}", { error });
      }
    }
  }

  /**
   * The newest messages of a room, oldest first. Pending messages are
   * committed first when the answer needs the database.
   *
   * @param room Room name including `#` (any case).
   * @param limit Most messages.
   * @param beforeId Only messages with a smaller id (for paging); all when absent.
   */
  recent(room: string, limit: number, beforeId?: number): StoredMessage[] {
    const key = nameKey(room);
    // In memory, a room that never had a message has no ring; do not make one.
    if (!this.persistent && !this.#rings.has(key)) return [];
    const ring = this.ring(key);
    const held = ring.newest(limit, beforeId);
    if (held.length >= limit || !this.persistent || !ring.evicted) return held;
    // Older than the ring: read the rest from the database.
    this.flush();
    const below = held.length > 0
      ? held[0].id
      : Math.min(beforeId ?? Number.MAX_SAFE_INTEGER, ring.oldestId ?? Number.MAX_SAFE_INTEGER);
    const rows = this.#db.prepare(
      `SELECT * FROM messages WHERE room_key = ? AND id < ? ORDER BY id DESC LIMIT ?`,
    ).all(nameKey(room), below, limit - held.length) as Row[];
    return [...rows.reverse().map(messageFromRow), ...held];
  }

  /**
   * Looks a message up by id (pending ones included).
   *
   * @param id Message id.
   */
  get(id: number): StoredMessage | undefined {
    for (const ring of this.#rings.values()) {
      for (const m of ring.newestFirst()) if (m.id === id) return m;
    }
    if (!this.persistent) return undefined;
    this.flush();
    const row = this.#db.prepare("SELECT * FROM messages WHERE id = ?").get(id) as Row | undefined;
    return row ? messageFromRow(row) : undefined;
  }

  /** Number of stored messages. */
  count(): number {
    if (!this.persistent) {
      let n = 0;
      for (const ring of this.#rings.values()) n += ring.size;
      return n;
    }
    this.flush();
    return Number((this.#db.prepare("SELECT count(*) AS n FROM messages").get() as Row).n);
  }

  /**
   * The rings loaded so far, by room key ({@linkcode PRIVATE_KEY} for private
   * messages). With `":memory:"` they hold every message there is.
   */
  rings(): IterableIterator<[string, MessageRing]> {
    return this.#rings.entries();
  }

  /**
   * The ring of a room key ({@linkcode PRIVATE_KEY} for private messages),
   * created on first use; with a file it starts with the newest `ringSize`
   * stored messages.
   *
   * @param key `nameKey(room)`, or {@linkcode PRIVATE_KEY}.
   */
  ring(key: string): MessageRing {
    let ring = this.#rings.get(key);
    // In use again (a join, a message): no longer idle.
    if (this.#idle.size > 0) this.#idle.delete(key);
    if (ring) return ring;
    ring = new MessageRing(this.#ringSize);
    if (this.persistent) {
      const rows = (key === PRIVATE_KEY
        ? this.#db.prepare(
          "SELECT * FROM messages WHERE room_key IS NULL ORDER BY id DESC LIMIT ?",
        ).all(this.#ringSize)
        : this.#db.prepare(
          "SELECT * FROM messages WHERE room_key = ? ORDER BY id DESC LIMIT ?",
        ).all(key, this.#ringSize)) as Row[];
      for (let i = rows.length - 1; i >= 0; i--) ring.push(messageFromRow(rows[i]));
      ring.evicted = rows.length === this.#ringSize;
    }
    this.#rings.set(key, ring);
    return ring;
  }

  /**
   * Frees the ring of a room nobody is in any more. With a file the ring is
   * only a cache: it goes (pending messages are committed first, so that it
   * reloads whole). In memory the ring is the room's history: an empty one
   * goes, and of the others only the `maxIdleRooms` left most recently are
   * kept. So memory follows the rooms in use, not every room ever created.
   *
   * @param room Room name including `#` (any case).
   */
  releaseRing(room: string): void {
    const key = nameKey(room);
    const ring = this.#rings.get(key);
    if (!ring) return;
    if (!this.persistent) {
      if (ring.size === 0) {
        this.#rings.delete(key);
        return;
      }
      this.#idle.delete(key);
      this.#idle.add(key);
      for (const oldest of this.#idle) {
        if (this.#idle.size <= this.#maxIdleRooms) break;
        this.#idle.delete(oldest);
        this.#rings.delete(oldest);
      }
      return;
    }
    if (this.#pending.length > 0) this.flush();
    this.#rings.delete(key);
  }

  /**
   * Deletes messages past the age and per-room limits.
   *
   * @param options Limits and the current time.
   * @returns How many messages were deleted.
   * @throws {Error} If SQLite cannot delete; nothing is deleted then.
   */
  enforceRetention(options: RetentionOptions): number {
    if (!this.persistent) {
      const oldest = options.maxAgeMs === undefined ? -Infinity : options.now - options.maxAgeMs;
      let dropped = 0;
      for (const ring of this.#rings.values()) {
        dropped += ring.retain((m) => m.ts >= oldest, options.maxPerRoom);
      }
      return dropped;
    }
    this.flush();
    // The rings reload from the database on next use.
    this.#rings.clear();
    return this.#db.transaction(() => {
      let deleted = 0;
      if (options.maxAgeMs !== undefined) {
        deleted += Number(
          this.#db.prepare("DELETE FROM messages WHERE ts < ?").run(
            options.now - options.maxAgeMs,
          ).changes,
        );
      }
      if (options.maxPerRoom !== undefined) {
        deleted += Number(
          this.#db.prepare(
            `DELETE FROM messages WHERE id IN (
               SELECT id FROM (
                 SELECT id, row_number() OVER (
                   PARTITION BY coalesce(room_key, '') ORDER BY id DESC) AS rn
                 FROM messages)
               WHERE rn > ?)`,
          ).run(options.maxPerRoom).changes,
        );
      }
      return deleted;
    });
  }

  /** Commits what is pending; later appends are ignored. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.flush();
    this.#closed = true;
  }
}
