/**
 * Message history, room topics and bans in an embedded SQLite database
 * (`node:sqlite`, built into Deno), with full-text search through FTS5.
 *
 * The newest messages of every room live in a JavaScript ring
 * ({@linkcode MessageRing}, `ringSize` per room, private messages in one more
 * ring): {@linkcode HistoryStore.append} pushes there and replay on join is
 * served from there, with no SQLite call. With `":memory:"` the rings are the
 * only message storage (nothing of a message touches SQLite; search scans the
 * rings, and only the newest `ringSize` messages per room are kept); topics,
 * bans and ids still use an in-memory SQLite database.
 *
 * With a file, writes are batched off the fanout path: the hub broadcasts first and then
 * {@linkcode HistoryStore.append}s the record to an in-memory batch; a short
 * timer (or a full batch) commits the whole batch in one transaction (group
 * commit). Callers that must not claim durability too early (the sender's
 * `ack`) wait with {@linkcode HistoryStore.whenDurable}, which runs once the
 * batch holding everything appended so far is committed.
 *
 * Durability: the database runs in WAL mode with `synchronous=NORMAL`. A
 * committed transaction has been written to the WAL file with `write(2)`, so it
 * survives the process being killed (SIGKILL, crash); only a power loss or
 * kernel crash can lose the last few commits. Ids are allocated in blocks that
 * are reserved in the database before use, so they stay unique and increasing
 * across restarts even after a crash.
 *
 * @module
 */

import { DatabaseSync, type StatementSync } from "node:sqlite";
import { nameKey } from "../../protocol/names.ts";
import { MessageRing } from "./message_ring.ts";

/** What a stored message is. */
export type StoredKind = "msg" | "action" | "privmsg";

/** The history database cannot be opened; `parley serve` reports it and exits 1. */
export class HistoryStoreError extends Error {
  /**
   * @param message A sentence naming the file.
   * @param options The underlying error as `cause`.
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "HistoryStoreError";
  }
}

/** One stored message. */
export interface StoredMessage {
  /** Server-assigned id, unique and increasing across restarts. */
  id: number;
  /** Server time, ms since the epoch. */
  ts: number;
  /** `msg` and `action` belong to a room; `privmsg` to its two parties. */
  kind: StoredKind;
  /** Room name including `#` (room messages only). */
  room?: string;
  /** Sender's nick. */
  from: string;
  /** Recipient's nick (private messages only). */
  to?: string;
  /** Sanitized text. */
  text: string;
}

/** A ban as stored. */
export interface BanRecord {
  /** `nick` bans match a nick key; `address` bans match a host (no port). */
  kind: "nick" | "address";
  /** The nick key (`nameKey`) or the host, e.g. `"203.0.113.9"` or `"::1"`. */
  value: string;
  /** Expiry, ms since the epoch; `null` for a permanent ban. */
  until: number | null;
  /** Why, as given by the operator. */
  reason: string;
  /** Who banned (`"server"` for the console). */
  by: string;
  /** When, ms since the epoch. */
  ts: number;
}

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

/** Options for {@linkcode HistoryStore}. */
export interface HistoryStoreOptions {
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
}

/** Options for {@linkcode HistoryStore.enforceRetention}. */
export interface RetentionOptions {
  /** Delete messages older than this, in ms; `undefined` keeps any age. */
  maxAgeMs?: number;
  /** Keep at most this many messages per room (private messages count as one room). */
  maxPerRoom?: number;
  /** Current time, ms since the epoch. */
  now: number;
}

/** Options for {@linkcode HistoryStore.search}. */
export interface SearchOptions {
  /** Only this room (name including `#`); all rooms when absent. */
  room?: string;
  /** The searcher's nick: private messages are found only when they are a party. */
  nick: string;
  /**
   * Most results.
   * @default {20}
   */
  limit?: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS messages (
  id INTEGER PRIMARY KEY,
  ts INTEGER NOT NULL,
  kind TEXT NOT NULL,
  room_key TEXT,
  room TEXT,
  sender TEXT NOT NULL,
  sender_key TEXT NOT NULL,
  recipient TEXT,
  recipient_key TEXT,
  text TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS messages_room ON messages (room_key, id);
CREATE INDEX IF NOT EXISTS messages_sender ON messages (sender_key, id);
CREATE INDEX IF NOT EXISTS messages_recipient ON messages (recipient_key, id);
CREATE INDEX IF NOT EXISTS messages_ts ON messages (ts);
CREATE VIRTUAL TABLE IF NOT EXISTS messages_fts USING fts5 (
  text, content='messages', content_rowid='id'
);
CREATE TRIGGER IF NOT EXISTS messages_ai AFTER INSERT ON messages BEGIN
  INSERT INTO messages_fts (rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER IF NOT EXISTS messages_ad AFTER DELETE ON messages BEGIN
  INSERT INTO messages_fts (messages_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;
CREATE TABLE IF NOT EXISTS topics (
  room_key TEXT PRIMARY KEY, room TEXT NOT NULL, topic TEXT NOT NULL,
  set_by TEXT NOT NULL, ts INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS bans (
  kind TEXT NOT NULL, value TEXT NOT NULL, until INTEGER, reason TEXT NOT NULL,
  set_by TEXT NOT NULL, ts INTEGER NOT NULL, PRIMARY KEY (kind, value)
);
`;

type Row = Record<string, unknown>;

/** A pending callback of {@linkcode HistoryStore.whenDurable}. */
type DurableCallback = (error?: Error) => void;

/**
 * The history database. Synchronous (`DatabaseSync`) and owned by one hub;
 * nothing here awaits.
 *
 * @example
 * ```ts
 * import { HistoryStore } from "./history_store.ts";
 * const store = new HistoryStore(":memory:");
 * const id = store.nextId();
 * store.append({ id, ts: Date.now(), kind: "msg", room: "#lobby", from: "bob", text: "hi" });
 * store.recent("#lobby", 50); // [{ id, kind: "msg", text: "hi", ... }]
 * store.close();
 * ```
 */
export class HistoryStore {
  /** Database path, or `":memory:"`. */
  readonly path: string;
  /** Whether messages survive a restart (false for `:memory:`). */
  readonly persistent: boolean;
  readonly #db: DatabaseSync;
  readonly #flushMs: number;
  readonly #maxBatch: number;
  readonly #idBlock: number;
  readonly #insert: StatementSync;
  readonly #ringSize: number;
  /** Rings by room key; private messages under `""`. */
  readonly #rings = new Map<string, MessageRing>();
  #pending: StoredMessage[] = [];
  #callbacks: DurableCallback[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;
  #microtask = false;
  #nextId: number;
  #reservedTo: number;
  #closed = false;
  /** Number of commits, for tests and measurements. */
  commits = 0;

  /**
   * Opens (creating if needed) the database and its schema.
   *
   * @param path A file path, or `":memory:"` for a database that lives only in this process.
   * @param options See {@linkcode HistoryStoreOptions}.
   * @throws {HistoryStoreError} If the file cannot be opened or is not a
   *   usable database (the message names the path).
   */
  constructor(path: string, options: HistoryStoreOptions = {}) {
    this.path = path;
    this.persistent = path !== ":memory:";
    this.#flushMs = options.flushMs ?? 2;
    this.#maxBatch = options.maxBatch ?? 512;
    this.#idBlock = options.idBlock ?? 1000;
    this.#ringSize = options.ringSize ?? 1000;
    try {
      this.#db = new DatabaseSync(path);
      this.#db.exec("PRAGMA busy_timeout = 5000");
      if (this.persistent) {
        this.#db.exec("PRAGMA journal_mode = WAL");
        this.#db.exec("PRAGMA synchronous = NORMAL");
      }
      this.#db.exec(SCHEMA);
      const quick = this.#db.prepare("PRAGMA quick_check").get() as Row | undefined;
      if (quick && Object.values(quick)[0] !== "ok") {
        throw new Error(`integrity check failed: ${String(Object.values(quick)[0])}`);
      }
    } catch (error) {
      throw new HistoryStoreError(
        `Cannot open history database ${path}: ${(error as Error).message}`,
        { cause: error },
      );
    }
    this.#insert = this.#db.prepare(
      `INSERT INTO messages (id, ts, kind, room_key, room, sender, sender_key, recipient,
         recipient_key, text) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const reserved = this.#meta("reserved_id") ?? 0;
    const maxRow = this.#db.prepare("SELECT max(id) AS id FROM messages").get() as Row;
    const last = Math.max(reserved, Number(maxRow.id ?? 0));
    this.#nextId = last + 1;
    this.#reservedTo = last;
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
   */
  nextId(): number {
    const id = this.#nextId++;
    if (id > this.#reservedTo) {
      this.#reservedTo = id + this.#idBlock - 1;
      this.#setMeta("reserved_id", this.#reservedTo);
    }
    return id;
  }

  /**
   * Queues a message for the next group commit. Never blocks on the disk.
   *
   * @param message The message, with an id from {@linkcode nextId}.
   */
  append(message: StoredMessage): void {
    if (this.#closed) return;
    this.#ring(message.room === undefined ? PRIVATE_KEY : keyOf(message.room)).push(message);
    if (!this.persistent) return;
    this.#pending.push(message);
    if (this.#pending.length >= this.#maxBatch) {
      this.flush();
      return;
    }
    this.#schedule();
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
    try {
      this.#db.exec("BEGIN IMMEDIATE");
      try {
        for (const m of batch) {
          this.#insert.run(
            m.id,
            m.ts,
            m.kind,
            m.room === undefined ? null : keyOf(m.room),
            m.room ?? null,
            m.from,
            keyOf(m.from),
            m.to ?? null,
            m.to === undefined ? null : keyOf(m.to),
            m.text,
          );
        }
        this.#db.exec("COMMIT");
        this.commits++;
      } catch (error) {
        this.#db.exec("ROLLBACK");
        throw error;
      }
    } catch (error) {
      failure = error instanceof Error ? error : new Error(String(error));
    }
    for (const callback of callbacks) callback(failure);
  }

  /**
   * The newest messages of a room, oldest first. Pending messages are committed first.
   *
   * @param room Room name including `#` (any case).
   * @param limit Most messages.
   * @param beforeId Only messages with a smaller id (for paging); all when absent.
   */
  recent(room: string, limit: number, beforeId?: number): StoredMessage[] {
    const ring = this.#ring(keyOf(room));
    const held = ring.newest(limit, beforeId);
    if (held.length >= limit || !this.persistent || !ring.evicted) return held;
    // Older than the ring: read the rest from the database.
    this.flush();
    const below = held.length > 0
      ? held[0].id
      : Math.min(beforeId ?? Number.MAX_SAFE_INTEGER, ring.oldestId ?? Number.MAX_SAFE_INTEGER);
    const rows = this.#db.prepare(
      `SELECT * FROM messages WHERE room_key = ? AND id < ? ORDER BY id DESC LIMIT ?`,
    ).all(keyOf(room), below, limit - held.length) as Row[];
    return [...rows.reverse().map(toMessage), ...held];
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
    return row ? toMessage(row) : undefined;
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
   * Full-text search (FTS5), newest first. Every word of `query` must occur
   * (prefix match on the last word); FTS5 operators in `query` are treated as
   * plain words, so any input is safe.
   *
   * @param query Words to find.
   * @param options Room filter, searcher, limit.
   * @returns Matching messages, newest first; `[]` when `query` has no words.
   */
  search(query: string, options: SearchOptions): StoredMessage[] {
    if (!this.persistent) return this.#searchRings(query, options);
    this.flush();
    const match = ftsQuery(query);
    if (!match) return [];
    const me = keyOf(options.nick);
    const limit = options.limit ?? 20;
    const rows = options.room === undefined
      ? this.#db.prepare(
        `SELECT m.* FROM messages_fts f JOIN messages m ON m.id = f.rowid
         WHERE messages_fts MATCH ? AND (m.room_key IS NOT NULL OR m.sender_key = ?
           OR m.recipient_key = ?)
         ORDER BY m.id DESC LIMIT ?`,
      ).all(match, me, me, limit)
      : this.#db.prepare(
        `SELECT m.* FROM messages_fts f JOIN messages m ON m.id = f.rowid
         WHERE messages_fts MATCH ? AND m.room_key = ? ORDER BY m.id DESC LIMIT ?`,
      ).all(match, keyOf(options.room), limit);
    return (rows as Row[]).map(toMessage);
  }

  /**
   * Deletes messages past the age and per-room limits.
   *
   * @param options Limits and the current time.
   * @returns How many messages were deleted.
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
    let deleted = 0;
    this.#db.exec("BEGIN IMMEDIATE");
    try {
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
      this.#db.exec("COMMIT");
    } catch (error) {
      this.#db.exec("ROLLBACK");
      throw error;
    }
    return deleted;
  }

  /**
   * The stored topic of a room.
   *
   * @param room Room name including `#`.
   */
  topic(room: string): TopicRecord | undefined {
    const row = this.#db.prepare("SELECT * FROM topics WHERE room_key = ?").get(keyOf(room)) as
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
   */
  setTopic(record: TopicRecord): void {
    this.#db.prepare(
      `INSERT INTO topics (room_key, room, topic, set_by, ts) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (room_key) DO UPDATE SET room = excluded.room, topic = excluded.topic,
         set_by = excluded.set_by, ts = excluded.ts`,
    ).run(keyOf(record.room), record.room, record.topic, record.by, record.ts);
  }

  /**
   * Adds or replaces a ban (synchronously, so it holds after a crash).
   *
   * @param ban The ban.
   */
  addBan(ban: BanRecord): void {
    this.#db.prepare(
      `INSERT OR REPLACE INTO bans (kind, value, until, reason, set_by, ts)
       VALUES (?, ?, ?, ?, ?, ?)`,
    ).run(ban.kind, ban.value, ban.until, ban.reason, ban.by, ban.ts);
  }

  /**
   * Removes a ban.
   *
   * @param kind `nick` or `address`.
   * @param value Nick key or host.
   * @returns Whether a ban was removed.
   */
  removeBan(kind: BanRecord["kind"], value: string): boolean {
    return Number(
      this.#db.prepare("DELETE FROM bans WHERE kind = ? AND value = ?").run(kind, value).changes,
    ) > 0;
  }

  /**
   * The ban matching a nick key or host, if any is in force at `now`.
   * Expired bans are deleted on the way.
   *
   * @param nickKey `nameKey(nick)`.
   * @param host Remote host without port.
   * @param now Current time, ms since the epoch.
   */
  findBan(nickKey: string, host: string, now: number): BanRecord | undefined {
    this.#db.prepare("DELETE FROM bans WHERE until IS NOT NULL AND until <= ?").run(now);
    const row = this.#db.prepare(
      `SELECT * FROM bans WHERE (kind = 'nick' AND value = ?) OR (kind = 'address' AND value = ?)
       ORDER BY kind LIMIT 1`,
    ).get(nickKey, host) as Row | undefined;
    return row ? toBan(row) : undefined;
  }

  /**
   * Every ban in force at `now`.
   *
   * @param now Current time, ms since the epoch.
   */
  bans(now: number): BanRecord[] {
    return (this.#db.prepare(
      "SELECT * FROM bans WHERE until IS NULL OR until > ? ORDER BY ts",
    ).all(now) as Row[]).map(toBan);
  }

  /**
   * Commits what is pending and closes the database. Idempotent.
   */
  close(): void {
    if (this.#closed) return;
    this.flush();
    this.#closed = true;
    this.#db.close();
  }

  #schedule(): void {
    if (!this.persistent) {
      // Nothing to wait for on disk: commit at the end of this turn, batching what it queued.
      if (!this.#microtask) {
        this.#microtask = true;
        queueMicrotask(() => {
          this.#microtask = false;
          this.flush();
        });
      }
      return;
    }
    this.#timer ??= setTimeout(() => {
      this.#timer = undefined;
      this.flush();
    }, this.#flushMs);
  }

  /**
   * The ring of a room key (`""` for private messages), created on first use;
   * with a file it starts with the newest `ringSize` stored messages.
   */
  #ring(key: string): MessageRing {
    let ring = this.#rings.get(key);
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
      for (let i = rows.length - 1; i >= 0; i--) ring.push(toMessage(rows[i]));
      ring.evicted = rows.length === this.#ringSize;
    }
    this.#rings.set(key, ring);
    return ring;
  }

  /** Search without SQLite (`:memory:`): the same matching as FTS5, over the rings. */
  #searchRings(query: string, options: SearchOptions): StoredMessage[] {
    const words = searchWords(query).slice(0, 16);
    if (words.length === 0) return [];
    const last = words.pop()!;
    const limit = options.limit ?? 20;
    const me = keyOf(options.nick);
    const matches = (m: StoredMessage) => {
      const tokens = searchWords(m.text);
      return words.every((w) => tokens.includes(w)) && tokens.some((t) => t.startsWith(last));
    };
    const found: StoredMessage[] = [];
    for (const [key, ring] of this.#rings) {
      if (options.room !== undefined && key !== keyOf(options.room)) continue;
      let n = 0;
      for (const m of ring.newestFirst()) {
        if (n >= limit) break;
        if (key === PRIVATE_KEY && keyOf(m.from) !== me && keyOf(m.to ?? "") !== me) continue;
        if (matches(m)) {
          found.push(m);
          n++;
        }
      }
    }
    return found.sort((a, b) => b.id - a.id).slice(0, limit);
  }

  #meta(key: string): number | undefined {
    const row = this.#db.prepare("SELECT value FROM meta WHERE key = ?").get(key) as
      | Row
      | undefined;
    return row ? Number(row.value) : undefined;
  }

  #setMeta(key: string, value: number): void {
    this.#db.prepare(
      "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = ?",
    ).run(key, value, value);
  }
}

const keyOf = nameKey;

/** Ring key of private messages (room keys start with `#`). */
const PRIVATE_KEY = "";

/**
 * Words as FTS5's default `unicode61` tokenizer sees them: runs of letters and
 * digits, case-folded, diacritics removed.
 */
function searchWords(text: string): string[] {
  return text.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase().match(/[\p{L}\p{N}]+/gu) ??
    [];
}

function toMessage(row: Row): StoredMessage {
  const m: StoredMessage = {
    id: Number(row.id),
    ts: Number(row.ts),
    kind: row.kind as StoredKind,
    from: String(row.sender),
    text: String(row.text),
  };
  if (row.room !== null) m.room = String(row.room);
  if (row.recipient !== null) m.to = String(row.recipient);
  return m;
}

function toBan(row: Row): BanRecord {
  return {
    kind: row.kind as BanRecord["kind"],
    value: String(row.value),
    until: row.until === null ? null : Number(row.until),
    reason: String(row.reason),
    by: String(row.set_by),
    ts: Number(row.ts),
  };
}

/**
 * Turns user text into a safe FTS5 query: each word becomes a quoted string
 * (so `AND`, `NEAR`, `*`, `:` and quotes are plain text) and the last word
 * matches as a prefix.
 *
 * @param text What the user typed.
 * @returns The MATCH expression, or `""` when there are no words.
 */
export function ftsQuery(text: string): string {
  const words = text.match(/[\p{L}\p{N}_]+/gu) ?? [];
  if (words.length === 0) return "";
  return words.slice(0, 16).map((w, i, all) =>
    `"${w.replaceAll('"', '""')}"${i === all.length - 1 ? "*" : ""}`
  ).join(" ");
}
