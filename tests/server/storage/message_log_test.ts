import { assert, assertEqual } from "../../_helpers/assert.ts";
import { Database } from "../../../server/storage/database.ts";
import { MessageLog, type MessageLogOptions } from "../../../server/storage/message_log.ts";

function msg(log: MessageLog, room: string, from: string, text: string, ts = 1000) {
  const id = log.nextId();
  log.append({ id, ts, kind: "msg", room, from, text });
  return id;
}

function open(path: string, options?: MessageLogOptions): [Database, MessageLog] {
  const db = new Database(path);
  return [db, new MessageLog(db, options)];
}

Deno.test("MessageLog commits a batch in one transaction and then runs whenDurable callbacks", async () => {
  const dir = await Deno.makeTempDir({ prefix: "parley-store-" });
  const [db, log] = open(`${dir}/h.db`, { flushMs: 1 });
  try {
    const order: string[] = [];
    for (let i = 0; i < 10; i++) msg(log, "#lobby", "bob", `line ${i}`);
    log.whenDurable(() => order.push("durable"));
    assertEqual(order.length, 0, "callback must wait for the commit");
    assertEqual(log.pendingCount, 10);
    await log.durable();
    assertEqual(order, ["durable"]);
    assertEqual(log.commits, 1, "ten messages, one commit");
    assertEqual(log.pendingCount, 0);
    // Nothing pending: the callback runs at once.
    log.whenDurable(() => order.push("now"));
    assertEqual(order, ["durable", "now"]);
  } finally {
    log.close();
    db.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("MessageLog commits at once when the batch is full", async () => {
  const dir = await Deno.makeTempDir({ prefix: "parley-store-" });
  const [db, log] = open(`${dir}/h.db`, { maxBatch: 3, flushMs: 60_000 });
  try {
    for (let i = 0; i < 3; i++) msg(log, "#lobby", "bob", `line ${i}`);
    assertEqual(log.commits, 1, "the third message fills the batch");
    assertEqual(log.pendingCount, 0);
    msg(log, "#lobby", "bob", "waits for the timer");
    assertEqual(log.pendingCount, 1);
  } finally {
    log.close();
    db.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("MessageLog durable rejects with the commit's error and whenDurable gets it", async () => {
  const dir = await Deno.makeTempDir({ prefix: "parley-store-" });
  const [db, log] = open(`${dir}/h.db`, { flushMs: 60_000 });
  try {
    const id = msg(log, "#lobby", "bob", "first");
    log.flush();
    // The same id again violates the primary key: the commit fails and is rolled back.
    log.append({ id, ts: 1, kind: "msg", room: "#lobby", from: "bob", text: "dup" });
    let seen: Error | undefined;
    log.whenDurable((error) => seen = error);
    const waiting = log.durable();
    log.flush();
    let rejected = false;
    await waiting.catch((error) => rejected = error instanceof Error);
    assert(rejected, "durable() must reject");
    assert(seen instanceof Error, "whenDurable must get the error");
    assertEqual(log.commits, 1);
  } finally {
    log.close();
    db.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("MessageLog recent returns the newest N of a room, oldest first, case-insensitively", () => {
  const [db, log] = open(":memory:");
  try {
    for (let i = 1; i <= 5; i++) msg(log, "#Lobby", "bob", `m${i}`);
    msg(log, "#other", "bob", "elsewhere");
    const last3 = log.recent("#lobby", 3);
    assertEqual(last3.map((m) => m.text), ["m3", "m4", "m5"]);
    assertEqual(last3[0].room, "#Lobby");
    assertEqual(log.recent("#lobby", 2, last3[0].id).map((m) => m.text), ["m1", "m2"]);
  } finally {
    db.close();
  }
});

Deno.test("MessageLog ids stay unique and increasing across reopen, even unflushed", async () => {
  const dir = await Deno.makeTempDir({ prefix: "parley-store-" });
  const path = `${dir}/h.db`;
  try {
    const [db1, first] = open(path, { idBlock: 10 });
    const a = msg(first, "#lobby", "bob", "kept");
    first.flush();
    // Ids handed out but never stored (as after a crash) must not come back.
    for (let i = 0; i < 25; i++) first.nextId();
    const lastHanded = first.nextId();
    // Simulate a crash: no close(), just open the file again.
    const [db2, second] = open(path, { idBlock: 10 });
    const b = second.nextId();
    assert(b > lastHanded, `id ${b} after restart must exceed ${lastHanded}`);
    assert(a < b);
    assertEqual(second.recent("#lobby", 10).map((m) => m.text), ["kept"]);
    db2.close();
    db1.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("MessageLog retention deletes by age and by count per room", () => {
  const [db, log] = open(":memory:");
  try {
    const day = 86_400_000;
    const now = 100 * day;
    msg(log, "#a", "bob", "ancient words", now - 10 * day);
    for (let i = 0; i < 5; i++) msg(log, "#a", "bob", `recent ${i}`, now - 1000);
    for (let i = 0; i < 3; i++) msg(log, "#b", "bob", `other ${i}`, now - 1000);
    assertEqual(log.enforceRetention({ now, maxAgeMs: 7 * day }), 1);
    assertEqual(log.enforceRetention({ now, maxPerRoom: 2 }), 3 + 1);
    assertEqual(log.recent("#a", 10).map((m) => m.text), ["recent 3", "recent 4"]);
    assertEqual(log.recent("#b", 10).map((m) => m.text), ["other 1", "other 2"]);
    assertEqual(log.count(), 4);
  } finally {
    db.close();
  }
});

Deno.test("MessageLog in memory keeps messages only in its rings: no batch, no commit, bounded per room", () => {
  const [db, log] = open(":memory:", { ringSize: 3 });
  try {
    for (let i = 1; i <= 5; i++) msg(log, "#a", "bob", `m${i}`);
    assertEqual(log.pendingCount, 0, "nothing is queued for SQLite");
    let durable = false;
    log.whenDurable(() => durable = true);
    assert(durable, "whenDurable runs at once");
    assertEqual(log.commits, 0);
    assertEqual(log.recent("#a", 10).map((m) => m.text), ["m3", "m4", "m5"]);
    assertEqual(log.count(), 3);
    const rows = db.prepare("SELECT count(*) AS n FROM messages").get() as { n: number };
    assertEqual(rows.n, 0, "no message row in SQLite");
  } finally {
    db.close();
  }
});

Deno.test("MessageLog with a file serves recent from its ring and reads older pages from SQLite", async () => {
  const dir = await Deno.makeTempDir({ prefix: "parley-store-" });
  const path = `${dir}/h.db`;
  try {
    const [db1, first] = open(path, { ringSize: 4 });
    for (let i = 1; i <= 10; i++) msg(first, "#a", "bob", `m${i}`);
    assertEqual(first.recent("#a", 3).map((m) => m.text), ["m8", "m9", "m10"]);
    assertEqual(first.pendingCount, 10, "served from the ring without a commit");
    // Past the ring: the older part comes from the database.
    assertEqual(first.recent("#a", 7).map((m) => m.text), [
      "m4",
      "m5",
      "m6",
      "m7",
      "m8",
      "m9",
      "m10",
    ]);
    const m8 = first.recent("#a", 3)[0].id;
    assertEqual(first.recent("#a", 2, m8).map((m) => m.text), ["m6", "m7"]);
    first.close();
    db1.close();
    // A new process loads the ring from the file.
    const [db2, second] = open(path, { ringSize: 4 });
    assertEqual(second.recent("#a", 10).map((m) => m.text), [
      "m1",
      "m2",
      "m3",
      "m4",
      "m5",
      "m6",
      "m7",
      "m8",
      "m9",
      "m10",
    ]);
    msg(second, "#a", "bob", "m11");
    assertEqual(second.recent("#a", 2).map((m) => m.text), ["m10", "m11"]);
    assertEqual(second.enforceRetention({ now: 2000, maxPerRoom: 3 }), 8);
    assertEqual(second.recent("#a", 10).map((m) => m.text), ["m9", "m10", "m11"]);
    assertEqual(second.get(second.recent("#a", 1)[0].id)?.text, "m11");
    second.close();
    db2.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("MessageLog ignores appends after close and close commits what is pending", async () => {
  const dir = await Deno.makeTempDir({ prefix: "parley-store-" });
  const path = `${dir}/h.db`;
  try {
    const [db1, first] = open(path, { flushMs: 60_000 });
    msg(first, "#a", "bob", "pending at close");
    first.close();
    msg(first, "#a", "bob", "after close");
    assertEqual(first.pendingCount, 0);
    db1.close();
    const [db2, second] = open(path);
    assertEqual(second.recent("#a", 10).map((m) => m.text), ["pending at close"]);
    db2.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("MessageLog does not hand out an id whose reservation failed to be written", async () => {
  const dir = await Deno.makeTempDir({ prefix: "parley-store-" });
  const [db, log] = open(`${dir}/h.db`, { idBlock: 2 });
  try {
    assertEqual(log.nextId(), 1);
    assertEqual(log.nextId(), 2);
    // A full disk at the next reservation.
    const setMeta = db.setMeta.bind(db);
    db.setMeta = () => {
      throw new Error("database or disk is full");
    };
    let failed = false;
    try {
      log.nextId();
    } catch (error) {
      failed = (error as Error).message === "database or disk is full";
    }
    assert(failed, "the reservation error reaches the caller");
    db.setMeta = setMeta;
    assertEqual(log.nextId(), 3, "the next call reserves again and hands out the same id");
  } finally {
    db.close();
  }
  // After a restart, the next id is above every one handed out.
  const [db2, log2] = open(`${dir}/h.db`, { idBlock: 2 });
  try {
    assert(log2.nextId() > 3, "ids stay unique across a restart");
  } finally {
    db2.close();
    await Deno.remove(dir, { recursive: true });
  }
});
