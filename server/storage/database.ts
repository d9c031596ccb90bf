/**
 * The one SQLite connection (`node:sqlite`, built into Deno) behind history,
 * search, topics, bans and recordings, and the schema they share.
 *
 * This is the only module that creates tables. A file database runs in WAL
 * mode with `synchronous=NORMAL`: a committed transaction has been written to
 * the WAL file with `write(2)`, so it survives the process being killed
 * (SIGKILL, crash); only a power loss or kernel crash can lose the last few
 * commits.
 *
 * The modules that use the connection each take the {@linkcode Database}:
 * {@linkcode MessageLog} (messages and ids), {@linkcode MessageSearch} (FTS5),
 * {@linkcode TopicStore}, {@linkcode BanList}, {@linkcode MediaArchive},
 * {@linkcode NickRegistry} and {@linkcode RoomAccessStore}.
 *
 * @module
 */

import {
  DatabaseSync,
  type SQLInputValue,
  type StatementResultingChanges,
  type StatementSync,
} from "node:sqlite";

/** A result row as `node:sqlite` returns it. */
export type Row = Record<string, unknown>;

/**
 * Longest one SQLite call waits for a lock another process holds, in ms.
 * Calls are synchronous: while one waits, nobody else is served, so this is
 * short, and a locked database fails the request instead.
 */
export const BUSY_TIMEOUT_MS = 200;

/**
 * After a call found the database locked, how long later calls fail at once
 * (without waiting {@linkcode BUSY_TIMEOUT_MS} each), in ms: at most one
 * call per this interval blocks the event loop while the lock is held.
 */
export const BUSY_BACKOFF_MS = 1000;

/** A prepared statement as the storage modules use it. */
export interface Statement {
  /** Runs a write; see `StatementSync.run`. */
  run(...params: SQLInputValue[]): StatementResultingChanges;
  /** The first row, or `undefined`; see `StatementSync.get`. */
  get(...params: SQLInputValue[]): unknown;
  /** Every row; see `StatementSync.all`. */
  all(...params: SQLInputValue[]): unknown[];
}

/**
 * The database is locked by another process (SQLite `SQLITE_BUSY` or
 * `SQLITE_LOCKED`), now or a moment ago; the request that needed it fails
 * and a later one may succeed.
 */
export class DatabaseBusyError extends Error {
  /**
   * @param message A sentence.
   * @param options The SQLite error as `cause`, when there is one.
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "DatabaseBusyError";
  }
}

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

/**
 * Schema versions in order: a database at `user_version` n runs the steps
 * after index n - 1. Every step uses `IF NOT EXISTS`, because files written
 * before versioning have some of these tables and `user_version` 0.
 */
const MIGRATIONS: readonly string[] = [
  // 1: messages with their FTS5 index, the id reservation, topics, bans, recordings.
  `
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
CREATE TABLE IF NOT EXISTS media (
  id INTEGER PRIMARY KEY,
  ts INTEGER NOT NULL,
  room_key TEXT NOT NULL,
  room TEXT NOT NULL,
  sender TEXT NOT NULL,
  kind TEXT NOT NULL,
  mime TEXT NOT NULL,
  duration_ms INTEGER NOT NULL,
  bytes INTEGER NOT NULL,
  data BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS media_room ON media (room_key, id);
`,
  // 2: identities. Recordings get an unguessable fetch token; nicks registered to
  // identity keys; invite-only rooms and their invitations. Private messages keep
  // their columns, but sender_key/recipient_key now hold identities or guest ids.
  `
ALTER TABLE media ADD COLUMN token TEXT;
UPDATE media SET token = lower(hex(randomblob(16))) WHERE token IS NULL;
CREATE UNIQUE INDEX IF NOT EXISTS media_token ON media (token);
CREATE TABLE IF NOT EXISTS nicks (
  skeleton TEXT PRIMARY KEY, nick TEXT NOT NULL, identity TEXT NOT NULL, ts INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS nicks_identity ON nicks (identity);
CREATE TABLE IF NOT EXISTS private_rooms (
  room_key TEXT PRIMARY KEY, room TEXT NOT NULL, owner TEXT NOT NULL, set_by TEXT NOT NULL,
  ts INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS invites (
  room_key TEXT NOT NULL, party TEXT NOT NULL, ts INTEGER NOT NULL, PRIMARY KEY (room_key, party)
);
`,
];

/**
 * One open SQLite connection with the Parley schema. Synchronous
 * (`DatabaseSync`); nothing here awaits.
 *
 * @example
 * ```ts
 * import { Database } from "./database.ts";
 * const db = new Database(":memory:");
 * db.meta("reserved_id"); // undefined
 * db.setMeta("reserved_id", 1000);
 * db.meta("reserved_id"); // 1000
 * db.close();
 * ```
 */
export class Database {
  /** Database path, or `":memory:"`. */
  readonly path: string;
  /** Whether the data survive the process (false for `":memory:"`). */
  readonly persistent: boolean;
  readonly #db: DatabaseSync;
  readonly #statements = new Map<string, Statement>();
  #closed = false;
  /** Until when calls fail at once because the database was found locked, ms (performance.now). */
  #busyUntil = 0;

  /**
   * Opens (creating if needed) the database and brings its schema up to date.
   *
   * @param path A file path, or `":memory:"` for a database that lives only in this process.
   * @throws {HistoryStoreError} If the file cannot be opened, written, or is
   *   not a usable database (the message names the path).
   */
  constructor(path: string) {
    this.path = path;
    this.persistent = path !== ":memory:";
    const created = this.persistent && !exists(path);
    try {
      this.#db = new DatabaseSync(path);
      // Messages are private: a new file is readable by its owner only. SQLite
      // gives the -wal and -shm files the mode of the database file.
      if (created) Deno.chmodSync(path, 0o600);
      this.#db.exec(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
      if (this.persistent) {
        this.#db.exec("PRAGMA journal_mode = WAL");
        this.#db.exec("PRAGMA synchronous = NORMAL");
      }
      this.#migrate();
      // A file that opens but cannot be written (read-only file, directory or
      // mount) fails here, at start, not at the first message or retention run.
      if (this.persistent) {
        this.#db.exec("BEGIN IMMEDIATE");
        try {
          this.#db.exec("INSERT OR REPLACE INTO meta (key, value) VALUES ('write_check', 0)");
        } finally {
          this.#db.exec("ROLLBACK");
        }
      }
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
  }

  /** Whether {@linkcode close} has run. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Schema version of the open database (`PRAGMA user_version`). */
  get schemaVersion(): number {
    return Number((this.#db.prepare("PRAGMA user_version").get() as Row).user_version);
  }

  /**
   * A prepared statement, compiled once per connection and reused. Running
   * it waits at most {@linkcode BUSY_TIMEOUT_MS} for another process's lock;
   * for {@linkcode BUSY_BACKOFF_MS} after that, writes fail at once.
   *
   * @param sql One SQL statement.
   * @returns The statement.
   * @throws {Error} If the SQL is invalid or the database is closed.
   */
  prepare(sql: string): Statement {
    let statement = this.#statements.get(sql);
    if (!statement) {
      statement = this.#guard(this.#db.prepare(sql));
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  /**
   * Runs `body` in one `BEGIN IMMEDIATE` transaction: committed when it
   * returns, rolled back when it throws.
   *
   * @param body The writes.
   * @returns What `body` returns.
   * @throws {Error} What `body` or SQLite throws (the error that failed the
   *   transaction, never a later rollback's); nothing is written then.
   */
  transaction<T>(body: () => T): T {
    this.#checkBusy();
    try {
      this.#db.exec("BEGIN IMMEDIATE");
    } catch (error) {
      throw this.#busy(error);
    }
    try {
      const result = body();
      this.#db.exec("COMMIT");
      return result;
    } catch (error) {
      this.#rollback();
      throw error;
    }
  }

  /**
   * A number kept in the `meta` table.
   *
   * @param key Its name.
   * @returns The value, or `undefined` if never set.
   */
  meta(key: string): number | undefined {
    const row = this.prepare("SELECT value FROM meta WHERE key = ?").get(key) as Row | undefined;
    return row ? Number(row.value) : undefined;
  }

  /**
   * Stores a number in the `meta` table (its own transaction).
   *
   * @param key Its name.
   * @param value The value.
   */
  setMeta(key: string, value: number): void {
    this.prepare(
      "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = ?",
    ).run(key, value, value);
  }

  /** Closes the connection. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#statements.clear();
    this.#db.close();
  }

  /** Fails at once while the database was found locked a moment ago. */
  #checkBusy(): void {
    if (this.#busyUntil === 0) return;
    const left = this.#busyUntil - performance.now();
    if (left <= 0) {
      this.#busyUntil = 0;
      return;
    }
    throw new DatabaseBusyError(
      `Cannot use the history database ${this.path}: it is locked by another process (retrying in ${
        Math.ceil(left)
      } ms)`,
    );
  }

  /** Turns SQLite's busy error into a {@linkcode DatabaseBusyError} and starts the backoff. */
  #busy(error: unknown): unknown {
    const code = (error as { errcode?: number } | null)?.errcode;
    // SQLITE_BUSY (5) and SQLITE_LOCKED (6), with any extended bits.
    if (code === undefined || ((code & 0xff) !== 5 && (code & 0xff) !== 6)) return error;
    this.#busyUntil = performance.now() + BUSY_BACKOFF_MS;
    return new DatabaseBusyError(
      `Cannot use the history database ${this.path}: it is locked by another process`,
      { cause: error },
    );
  }

  /** A statement whose runs go through the busy backoff. */
  #guard(statement: StatementSync): Statement {
    const call = <T>(run: () => T, write: boolean): T => {
      // Reads go on while another process writes (WAL); only writes wait for the lock.
      if (write) this.#checkBusy();
      try {
        return run();
      } catch (error) {
        throw this.#busy(error);
      }
    };
    return {
      run: (...params) => call(() => statement.run(...params), true),
      get: (...params) => call(() => statement.get(...params), false),
      all: (...params) => call(() => statement.all(...params), false),
    };
  }

  #migrate(): void {
    const version = this.schemaVersion;
    for (let v = version; v < MIGRATIONS.length; v++) {
      this.#db.exec("BEGIN IMMEDIATE");
      try {
        this.#db.exec(MIGRATIONS[v]);
        this.#db.exec(`PRAGMA user_version = ${v + 1}`);
        this.#db.exec("COMMIT");
      } catch (error) {
        this.#rollback();
        throw error;
      }
    }
  }

  /**
   * Rolls back the open transaction, if SQLite has not already done so: after
   * some errors (a full disk, out of memory) it rolls back by itself, and a
   * second ROLLBACK would fail with "no transaction is active" and hide the
   * error that matters.
   */
  #rollback(): void {
    if (!this.#db.isTransaction) return;
    try {
      this.#db.exec("ROLLBACK");
    } catch (error) {
      // The caller rethrows the error that caused the rollback; this one only
      // says the connection may be unusable, which the next call reports.
      if (!(error instanceof Error)) throw error;
    }
  }
}

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}
