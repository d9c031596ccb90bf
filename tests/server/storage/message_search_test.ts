import { assert, assertEqual } from "../../_helpers/assert.ts";
import { Database } from "../../../server/storage/database.ts";
import { MessageLog } from "../../../server/storage/message_log.ts";
import {
  ftsQuery,
  MAX_SCANNED_CHARS,
  MAX_SCANNED_MESSAGES,
  MessageSearch,
} from "../../../server/storage/message_search.ts";

interface Fixture {
  log: MessageLog;
  search: MessageSearch;
  [Symbol.dispose](): void;
}

/** A log and its search on `path`; `:memory:` scans the rings, a file uses FTS5. */
function open(path: string): Fixture {
  const db = new Database(path);
  const log = new MessageLog(db, { flushMs: 60_000 });
  return {
    log,
    search: new MessageSearch(db, log),
    [Symbol.dispose]() {
      log.close();
      db.close();
    },
  };
}

/** Every room the fixtures write to: the searcher may read them all. */
const ROOMS = ["#a", "#b"];

function msg(log: MessageLog, room: string, from: string, text: string) {
  log.append({ id: log.nextId(), ts: 1000, kind: "msg", room, from, text });
}

/** Runs `body` once on `:memory:` (ring scan) and once on a file (FTS5): both must agree. */
async function onBoth(body: (f: Fixture) => void): Promise<void> {
  {
    using f = open(":memory:");
    body(f);
  }
  const dir = await Deno.makeTempDir({ prefix: "parley-search-" });
  try {
    using f = open(`${dir}/s.db`);
    body(f);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("MessageSearch finds words newest first and filters by room, in memory and with FTS5", async () => {
  await onBoth(({ log, search }) => {
    msg(log, "#a", "bob", "the quick brown fox");
    msg(log, "#b", "carol", "a quick reply");
    msg(log, "#a", "dave", "nothing here");
    msg(log, "#a", "erin", "QUICK thinking");
    const all = search.search("quick", { rooms: ROOMS });
    assertEqual(all.map((m) => m.from), ["erin", "carol", "bob"]);
    assertEqual(search.search("quick", { rooms: ROOMS, room: "#A" }).map((m) => m.from), [
      "erin",
      "bob",
    ]);
    assertEqual(search.search("quick fox", { rooms: ROOMS }).map((m) => m.from), ["bob"]);
    // Prefix on the last word.
    assertEqual(search.search("thin", { rooms: ROOMS }).map((m) => m.from), ["erin"]);
    assertEqual(search.search("quick", { rooms: ROOMS, limit: 1 }).map((m) => m.from), ["erin"]);
  });
});

Deno.test("MessageSearch treats FTS5 syntax in user input as plain words", async () => {
  await onBoth(({ log, search }) => {
    msg(log, "#a", "bob", "AND OR NOT near");
    for (const query of ['"', "AND", "NEAR(", "*", "a:b", "foo OR", '"unterminated', "^x"]) {
      search.search(query, { rooms: ROOMS }); // must not throw
    }
    assertEqual(search.search("AND OR", { rooms: ROOMS }).length, 1);
  });
  assertEqual(ftsQuery("!!! ???"), "");
  assertEqual(ftsQuery('say "hi"'), '"say" "hi"*');
  assertEqual(ftsQuery("Café NEAR(x)"), '"cafe" "near" "x"*');
});

Deno.test("MessageSearch finds private messages only for their two parties, by party, never by nick", async () => {
  await onBoth(({ log, search }) => {
    log.append({
      id: log.nextId(),
      ts: 1,
      kind: "privmsg",
      from: "Alice",
      fromParty: "SHA256:alice",
      to: "Bob",
      toParty: "guest:b0b",
      text: "secret plan",
    });
    assertEqual(search.search("secret", { rooms: [], party: "SHA256:alice" }).length, 1);
    assertEqual(search.search("secret", { rooms: [], party: "guest:b0b" }).length, 1);
    // Whoever holds the nick later is another party.
    assertEqual(search.search("secret", { rooms: [], party: "guest:other" }).length, 0);
    assertEqual(search.search("secret", { rooms: ROOMS }).length, 0);
    assertEqual(search.search("secret", { rooms: ROOMS, party: "" }).length, 0);
    // A room filter leaves private messages out.
    assertEqual(
      search.search("secret", { rooms: ["#a"], room: "#a", party: "guest:b0b" }).length,
      0,
    );
    assertEqual(log.recent("#lobby", 50).length, 0, "not part of any room's history");
  });
});

Deno.test("MessageSearch finds room messages only in the rooms the searcher may read", async () => {
  await onBoth(({ log, search }) => {
    msg(log, "#a", "bob", "launch code");
    msg(log, "#secret", "alice", "launch code tango");
    assertEqual(search.search("launch", { rooms: ["#A"] }).map((m) => m.room), ["#a"]);
    assertEqual(search.search("launch", { rooms: ["#a"], room: "#secret" }), []);
    assertEqual(search.search("launch", { rooms: [] }), []);
    assertEqual(search.search("tango", { rooms: ["#a", "#SECRET"] }).length, 1);
  });
});

Deno.test("MessageSearch matches case, diacritics and the last word's prefix the same way with and without FTS5", async () => {
  await onBoth(({ log, search }) => {
    msg(log, "#a", "bob", "Un café crème, s'il vous plaît");
    msg(log, "#a", "bob", "the cafeteria is closed");
    msg(log, "#a", "bob", "Tiếng Việt foo_bar");
    assertEqual(search.search("CAFE", { rooms: ROOMS }).length, 2, "prefix match on the last word");
    assertEqual(
      search.search("cafe closed", { rooms: ROOMS }).length,
      0,
      "earlier words match whole",
    );
    assertEqual(search.search("creme cafe", { rooms: ROOMS }).map((m) => m.text.slice(0, 2)), [
      "Un",
    ]);
    assertEqual(search.search("việt", { rooms: ROOMS }).length, 1, "two diacritics stay");
    assertEqual(search.search("bar foo", { rooms: ROOMS }).length, 1, "_ separates words");
  });
});

Deno.test("MessageSearch does not find evicted messages in memory, and after retention with a file", async () => {
  {
    const db = new Database(":memory:");
    const log = new MessageLog(db, { ringSize: 3 });
    for (let i = 1; i <= 5; i++) msg(log, "#a", "bob", `m${i}`);
    assertEqual(new MessageSearch(db, log).search("m1", { rooms: ["#a"] }).length, 0);
    db.close();
  }
  const dir = await Deno.makeTempDir({ prefix: "parley-search-" });
  try {
    using f = open(`${dir}/s.db`);
    msg(f.log, "#a", "bob", "ancient words");
    msg(f.log, "#a", "bob", "newer words");
    assertEqual(
      f.search.search("words", { rooms: ["#a"] }).length,
      2,
      "pending ones are committed first",
    );
    f.log.enforceRetention({ now: 0, maxPerRoom: 1 });
    assertEqual(f.search.search("ancient", { rooms: ["#a"] }).length, 0, "gone from the index");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("MessageSearch in memory reads a bounded number of messages however full the store", () => {
  using f = open(":memory:");
  // 60 rooms × 1,000 messages: 60,000 messages, more than one search may read.
  let id = 0;
  for (let r = 0; r < 60; r++) {
    for (let i = 0; i < 1000; i++) {
      f.log.append({
        id: ++id,
        ts: id,
        kind: "msg",
        room: `#r${r}`,
        from: "bob",
        text: `line ${i}`,
      });
    }
  }
  f.search.search("nothing matches this", {
    rooms: Array.from({ length: 60 }, (_, r) => `#r${r}`),
  });
  assert(f.search.lastScanned <= MAX_SCANNED_MESSAGES, `read ${f.search.lastScanned}`);
  assert(f.search.lastScanned > MAX_SCANNED_MESSAGES / 2, "the budget is used");
  // Long texts stop the scan by size first.
  using g = open(":memory:");
  for (let i = 0; i < 2000; i++) {
    g.log.append({
      id: i + 1,
      ts: i,
      kind: "msg",
      room: "#big",
      from: "bob",
      text: "x".repeat(8000),
    });
  }
  g.search.search("needle", { rooms: ["#big"] });
  assert(g.search.lastScanned * 8000 <= MAX_SCANNED_CHARS + 8000, `read ${g.search.lastScanned}`);
  // The newest messages are found.
  g.log.append({ id: 5000, ts: 5000, kind: "msg", room: "#big", from: "bob", text: "needle" });
  assertEqual(g.search.search("needle", { rooms: ["#big"] }).map((m) => m.id), [5000]);
});
