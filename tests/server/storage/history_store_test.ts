import { assert, assertEqual, assertThrows } from "../../_helpers/assert.ts";
import {
  ftsQuery,
  HistoryStore,
  HistoryStoreError,
} from "../../../server/storage/history_store.ts";

function msg(store: HistoryStore, room: string, from: string, text: string, ts = 1000) {
  const id = store.nextId();
  store.append({ id, ts, kind: "msg", room, from, text });
  return id;
}

Deno.test("HistoryStore commits a batch in one transaction and then runs whenDurable callbacks", async () => {
  const dir = await Deno.makeTempDir({ prefix: "parley-store-" });
  const store = new HistoryStore(`${dir}/h.db`, { flushMs: 1 });
  try {
    const order: string[] = [];
    for (let i = 0; i < 10; i++) msg(store, "#lobby", "bob", `line ${i}`);
    store.whenDurable(() => order.push("durable"));
    assertEqual(order.length, 0, "callback must wait for the commit");
    assertEqual(store.pendingCount, 10);
    await new Promise((r) => setTimeout(r, 30));
    assertEqual(order, ["durable"]);
    assertEqual(store.commits, 1, "ten messages, one commit");
    // Nothing pending: the callback runs at once.
    store.whenDurable(() => order.push("now"));
    assertEqual(order, ["durable", "now"]);
  } finally {
    store.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("HistoryStore recent returns the newest N of a room, oldest first, case-insensitively", () => {
  const store = new HistoryStore(":memory:");
  try {
    for (let i = 1; i <= 5; i++) msg(store, "#Lobby", "bob", `m${i}`);
    msg(store, "#other", "bob", "elsewhere");
    const last3 = store.recent("#lobby", 3);
    assertEqual(last3.map((m) => m.text), ["m3", "m4", "m5"]);
    assertEqual(last3[0].room, "#Lobby");
    assertEqual(store.recent("#lobby", 2, last3[0].id).map((m) => m.text), ["m1", "m2"]);
  } finally {
    store.close();
  }
});

Deno.test("HistoryStore ids stay unique and increasing across reopen, even unflushed", async () => {
  const dir = await Deno.makeTempDir({ prefix: "parley-store-" });
  const path = `${dir}/h.db`;
  try {
    const first = new HistoryStore(path, { idBlock: 10 });
    const a = msg(first, "#lobby", "bob", "kept");
    first.flush();
    // Ids handed out but never stored (as after a crash) must not come back.
    for (let i = 0; i < 25; i++) first.nextId();
    const lastHanded = first.nextId();
    // Simulate a crash: no close(), just drop it and open the file again.
    const second = new HistoryStore(path, { idBlock: 10 });
    const b = second.nextId();
    assert(b > lastHanded, `id ${b} after restart must exceed ${lastHanded}`);
    assert(a < b);
    assertEqual(second.recent("#lobby", 10).map((m) => m.text), ["kept"]);
    second.close();
    first.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("HistoryStore search finds words newest first and filters by room", () => {
  const store = new HistoryStore(":memory:");
  try {
    msg(store, "#a", "bob", "the quick brown fox");
    msg(store, "#b", "carol", "a quick reply");
    msg(store, "#a", "dave", "nothing here");
    msg(store, "#a", "erin", "QUICK thinking");
    const all = store.search("quick", { nick: "zed" });
    assertEqual(all.map((m) => m.from), ["erin", "carol", "bob"]);
    assertEqual(store.search("quick", { nick: "zed", room: "#A" }).map((m) => m.from), [
      "erin",
      "bob",
    ]);
    assertEqual(store.search("quick fox", { nick: "zed" }).map((m) => m.from), ["bob"]);
    // Prefix on the last word.
    assertEqual(store.search("thin", { nick: "zed" }).map((m) => m.from), ["erin"]);
  } finally {
    store.close();
  }
});

Deno.test("HistoryStore search treats FTS5 syntax in user input as plain words", () => {
  const store = new HistoryStore(":memory:");
  try {
    msg(store, "#a", "bob", "AND OR NOT near");
    for (const query of ['"', "AND", "NEAR(", "*", "a:b", "foo OR", '"unterminated', "^x"]) {
      store.search(query, { nick: "zed" }); // must not throw
    }
    assertEqual(store.search("AND OR", { nick: "z" }).length, 1);
    assertEqual(ftsQuery("!!! ???"), "");
    assertEqual(ftsQuery('say "hi"'), '"say" "hi"*');
  } finally {
    store.close();
  }
});

Deno.test("HistoryStore private messages are found only by their two parties", () => {
  const store = new HistoryStore(":memory:");
  try {
    store.append({
      id: store.nextId(),
      ts: 1,
      kind: "privmsg",
      from: "Alice",
      to: "Bob",
      text: "secret plan",
    });
    assertEqual(store.search("secret", { nick: "alice" }).length, 1);
    assertEqual(store.search("secret", { nick: "BOB" }).length, 1);
    assertEqual(store.search("secret", { nick: "carol" }).length, 0);
    assertEqual(store.recent("#lobby", 50).length, 0, "not part of any room's history");
  } finally {
    store.close();
  }
});

Deno.test("HistoryStore retention deletes by age and by count per room, and from the index", () => {
  const store = new HistoryStore(":memory:");
  try {
    const day = 86_400_000;
    const now = 100 * day;
    msg(store, "#a", "bob", "ancient words", now - 10 * day);
    for (let i = 0; i < 5; i++) msg(store, "#a", "bob", `recent ${i}`, now - 1000);
    for (let i = 0; i < 3; i++) msg(store, "#b", "bob", `other ${i}`, now - 1000);
    assertEqual(store.enforceRetention({ now, maxAgeMs: 7 * day }), 1);
    assertEqual(store.search("ancient", { nick: "bob" }).length, 0);
    assertEqual(store.enforceRetention({ now, maxPerRoom: 2 }), 3 + 1);
    assertEqual(store.recent("#a", 10).map((m) => m.text), ["recent 3", "recent 4"]);
    assertEqual(store.recent("#b", 10).map((m) => m.text), ["other 1", "other 2"]);
    assertEqual(store.count(), 4);
  } finally {
    store.close();
  }
});

Deno.test("HistoryStore keeps topics and bans, and forgets expired bans", () => {
  const store = new HistoryStore(":memory:");
  try {
    store.setTopic({ room: "#Dev", topic: "ship it", by: "bob", ts: 5 });
    assertEqual(store.topic("#dev"), { room: "#Dev", topic: "ship it", by: "bob", ts: 5 });
    store.addBan({ kind: "nick", value: "troll", until: 2000, reason: "spam", by: "op", ts: 1 });
    store.addBan({ kind: "address", value: "10.0.0.9", until: null, reason: "", by: "op", ts: 1 });
    assertEqual(store.findBan("troll", "127.0.0.1", 1500)?.reason, "spam");
    assertEqual(store.findBan("troll", "127.0.0.1", 2000), undefined, "expired");
    assertEqual(store.findBan("anyone", "10.0.0.9", 9999)?.kind, "address");
    assert(store.removeBan("address", "10.0.0.9"));
    assertEqual(store.bans(0), []);
  } finally {
    store.close();
  }
});

Deno.test("HistoryStore refuses a file that is not a database with HistoryStoreError", async () => {
  const dir = await Deno.makeTempDir({ prefix: "parley-store-" });
  try {
    await Deno.writeTextFile(`${dir}/junk.db`, "this is not sqlite ".repeat(200));
    assertThrows(() => new HistoryStore(`${dir}/junk.db`), HistoryStoreError, /junk\.db/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("HistoryStore in memory keeps messages only in its rings: no batch, no commit, bounded per room", () => {
  const store = new HistoryStore(":memory:", { ringSize: 3 });
  try {
    for (let i = 1; i <= 5; i++) msg(store, "#a", "bob", `m${i}`);
    assertEqual(store.pendingCount, 0, "nothing is queued for SQLite");
    let durable = false;
    store.whenDurable(() => durable = true);
    assert(durable, "whenDurable runs at once");
    assertEqual(store.commits, 0);
    assertEqual(store.recent("#a", 10).map((m) => m.text), ["m3", "m4", "m5"]);
    assertEqual(store.count(), 3);
    assertEqual(store.search("m1", { nick: "bob" }).length, 0, "evicted messages are gone");
  } finally {
    store.close();
  }
});

Deno.test("HistoryStore in memory searches like FTS5: case, diacritics, prefix of the last word", () => {
  const store = new HistoryStore(":memory:");
  try {
    msg(store, "#a", "bob", "Un café crème, s'il vous plaît");
    msg(store, "#a", "bob", "the cafeteria is closed");
    assertEqual(store.search("CAFE", { nick: "z" }).length, 2, "prefix match on the last word");
    assertEqual(store.search("cafe closed", { nick: "z" }).length, 0, "earlier words match whole");
    assertEqual(store.search("creme cafe", { nick: "z" }).map((m) => m.text.slice(0, 2)), ["Un"]);
  } finally {
    store.close();
  }
});

Deno.test("HistoryStore with a file serves recent from its ring and reads older pages from SQLite", async () => {
  const dir = await Deno.makeTempDir({ prefix: "parley-store-" });
  const path = `${dir}/h.db`;
  try {
    const first = new HistoryStore(path, { ringSize: 4 });
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
    // A new process loads the ring from the file.
    const second = new HistoryStore(path, { ringSize: 4 });
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
    second.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
