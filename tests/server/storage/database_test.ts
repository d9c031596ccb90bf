import { DatabaseSync } from "node:sqlite";
import { assert, assertEqual, assertThrows } from "../../_helpers/assert.ts";
import {
  BUSY_BACKOFF_MS,
  BUSY_TIMEOUT_MS,
  Database,
  DatabaseBusyError,
  HistoryStoreError,
} from "../../../server/storage/database.ts";

Deno.test("Database refuses a file that is not a database with HistoryStoreError", async () => {
  const dir = await Deno.makeTempDir({ prefix: "parley-store-" });
  try {
    await Deno.writeTextFile(`${dir}/junk.db`, "this is not sqlite ".repeat(200));
    assertThrows(() => new Database(`${dir}/junk.db`), HistoryStoreError, /junk\.db/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("Database creates every table on one connection and records the schema version", () => {
  const db = new Database(":memory:");
  try {
    const tables = (db.prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'messages_fts_%' ORDER BY name",
    ).all() as { name: string }[]).map((r) => r.name);
    assertEqual(tables, [
      "bans",
      "invites",
      "media",
      "messages",
      "messages_fts",
      "meta",
      "nicks",
      "private_rooms",
      "topics",
    ]);
    assertEqual(db.schemaVersion, 2);
    assertEqual(db.persistent, false);
  } finally {
    db.close();
  }
});

Deno.test("Database upgrades a file written before schema versions, keeping its rows", async () => {
  const dir = await Deno.makeTempDir({ prefix: "parley-store-" });
  const path = `${dir}/old.db`;
  try {
    // An older file: messages and meta only, no media table, user_version 0.
    const old = new DatabaseSync(path);
    old.exec(`CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
      INSERT INTO meta VALUES ('reserved_id', 42);`);
    old.close();
    const db = new Database(path);
    try {
      assertEqual(db.schemaVersion, 2);
      assertEqual(db.meta("reserved_id"), 42);
      assertEqual((db.prepare("SELECT count(*) AS n FROM media").get() as { n: number }).n, 0);
      assert(db.persistent);
    } finally {
      db.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("Database meta stores numbers and transaction rolls back on a throw", () => {
  const db = new Database(":memory:");
  try {
    assertEqual(db.meta("x"), undefined);
    db.setMeta("x", 7);
    db.setMeta("x", 8);
    assertEqual(db.meta("x"), 8);
    assertThrows(
      () =>
        db.transaction(() => {
          db.setMeta("x", 9);
          throw new RangeError("stop");
        }),
      RangeError,
      /stop/,
    );
    assertEqual(db.meta("x"), 8, "rolled back");
    assertEqual(db.transaction(() => 5), 5);
  } finally {
    db.close();
  }
  db.close(); // idempotent
  assert(db.closed);
});

Deno.test("Database fails a write fast while another process holds the lock, then recovers", async () => {
  const dir = await Deno.makeTempDir();
  const db = new Database(`${dir}/busy.db`);
  const other = new DatabaseSync(`${dir}/busy.db`);
  try {
    other.exec("BEGIN EXCLUSIVE");
    const first = performance.now();
    assertThrowsBusy(() => db.setMeta("k", 1));
    const waited = performance.now() - first;
    assert(waited < BUSY_TIMEOUT_MS + 300, `the first write waited ${waited} ms`);
    // Within the backoff, writes fail without waiting for the lock again.
    const second = performance.now();
    assertThrowsBusy(() => db.transaction(() => db.setMeta("k", 2)));
    assert(performance.now() - second < 50, "a write within the backoff fails at once");
    // Reads go on (WAL).
    assertEqual(db.meta("k"), undefined);
    other.exec("ROLLBACK");
    await new Promise((resolve) => setTimeout(resolve, BUSY_BACKOFF_MS + 50));
    db.setMeta("k", 3);
    assertEqual(db.meta("k"), 3);
  } finally {
    other.close();
    db.close();
    await Deno.remove(dir, { recursive: true });
  }
});

function assertThrowsBusy(fn: () => void): void {
  try {
    fn();
  } catch (error) {
    assert(error instanceof DatabaseBusyError, `expected DatabaseBusyError, got ${error}`);
    return;
  }
  throw new Error("expected DatabaseBusyError, nothing was thrown");
}

Deno.test("Database transaction reports the error that failed it when SQLite already rolled back", () => {
  const db = new Database(":memory:");
  try {
    // SQLite ends the transaction by itself after some errors (a full disk); a
    // second ROLLBACK then failed with "no transaction is active".
    assertThrows(
      () =>
        db.transaction(() => {
          db.prepare("ROLLBACK").run();
          throw new Error("database or disk is full");
        }),
      Error,
      /database or disk is full/,
    );
    db.setMeta("after", 1);
    assertEqual(db.meta("after"), 1, "the connection is usable afterwards");
  } finally {
    db.close();
  }
});

Deno.test("Database creates its file, -wal and -shm readable by the owner only (0600)", async () => {
  const dir = await Deno.makeTempDir({ prefix: "parley-store-" });
  try {
    const db = new Database(`${dir}/new.db`);
    try {
      db.setMeta("x", 1);
      for (const name of ["new.db", "new.db-wal", "new.db-shm"]) {
        assertEqual((Deno.statSync(`${dir}/${name}`).mode! & 0o777).toString(8), "600", name);
      }
    } finally {
      db.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
