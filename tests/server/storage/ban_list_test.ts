import { assert, assertEqual } from "../../_helpers/assert.ts";
import { Database } from "../../../server/storage/database.ts";
import { DatabaseSync } from "node:sqlite";
import { BanList } from "../../../server/storage/ban_list.ts";

Deno.test("BanList keeps bans, and forgets expired bans", () => {
  const db = new Database(":memory:");
  try {
    const bans = new BanList(db);
    bans.add({ kind: "nick", value: "troll", until: 2000, reason: "spam", by: "op", ts: 1 });
    bans.add({ kind: "address", value: "10.0.0.9", until: null, reason: "", by: "op", ts: 2 });
    assertEqual(bans.inForce(1500).map((b) => b.value), ["troll", "10.0.0.9"]);
    assertEqual(bans.find("troll", "127.0.0.1", 1500)?.reason, "spam");
    assertEqual(bans.find("troll", "127.0.0.1", 2000), undefined, "expired");
    assertEqual(bans.deleteExpired(2000), 1, "the expired ban is deleted by housekeeping");
    assertEqual(bans.find("anyone", "10.0.0.9", 9999)?.kind, "address");
    assert(bans.remove("address", "10.0.0.9"));
    assert(!bans.remove("address", "10.0.0.9"), "already removed");
    assertEqual(bans.inForce(0), []);
  } finally {
    db.close();
  }
});

Deno.test("BanList replaces a ban on the same nick", () => {
  const db = new Database(":memory:");
  try {
    const bans = new BanList(db);
    bans.add({ kind: "nick", value: "troll", until: null, reason: "first", by: "op", ts: 1 });
    bans.add({ kind: "nick", value: "troll", until: null, reason: "second", by: "op", ts: 2 });
    assertEqual(bans.inForce(0).map((b) => b.reason), ["second"]);
  } finally {
    db.close();
  }
});

Deno.test("BanList find is a read: it works while another process holds the write lock", async () => {
  const dir = await Deno.makeTempDir();
  const db = new Database(`${dir}/bans.db`);
  const other = new DatabaseSync(`${dir}/bans.db`);
  try {
    const bans = new BanList(db);
    bans.add({ kind: "nick", value: "old", until: 10, reason: "", by: "op", ts: 1 });
    other.exec("BEGIN EXCLUSIVE");
    const started = performance.now();
    assertEqual(bans.find("troll", "127.0.0.1", 1000), undefined);
    assert(performance.now() - started < 100, "no wait for the lock");
  } finally {
    other.exec("ROLLBACK");
    other.close();
    db.close();
    await Deno.remove(dir, { recursive: true });
  }
});
