import { assertEqual, assertThrows } from "../../_helpers/assert.ts";
import { HistoryStore, HistoryStoreError } from "../../../server/storage/history_store.ts";

Deno.test("HistoryStore keeps messages, topics, bans and recordings in one file across reopen", async () => {
  const dir = await Deno.makeTempDir({ prefix: "parley-store-" });
  const path = `${dir}/h.db`;
  try {
    const first = new HistoryStore(path);
    const id = first.nextId();
    first.append({ id, ts: 1, kind: "msg", room: "#a", from: "bob", text: "hello world" });
    await first.durable();
    first.setTopic({ room: "#a", topic: "t", by: "bob", ts: 1 });
    first.addBan({ kind: "nick", value: "x", until: null, reason: "r", by: "op", ts: 1 });
    const media = {
      id: first.nextId(),
      token: "00112233445566778899aabbccddeeff",
      ts: 2,
      room: "#a",
      from: "bob",
      kind: "voice" as const,
      mime: "audio/webm",
      durationMs: 1000,
      data: new Uint8Array([0x1a, 0x45, 0xdf, 0xa3]),
    };
    first.mediaArchive.put(media);
    first.close();
    first.close(); // idempotent

    const second = new HistoryStore(path);
    try {
      assertEqual(second.persistent, true);
      assertEqual(second.path, path);
      assertEqual(second.get(id)?.text, "hello world");
      assertEqual(second.search("hello", { rooms: ["#a"] }).map((m) => m.id), [id]);
      assertEqual(second.topic("#A")?.topic, "t");
      assertEqual(second.findBan("x", "::1", 5)?.reason, "r");
      assertEqual(second.bans(5).length, 1);
      assertEqual(second.mediaArchive.get(media.token)?.data, media.data);
      assertEqual(second.count(), 1);
    } finally {
      second.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("HistoryStore passes options to its message log and reports pending messages", () => {
  const store = new HistoryStore(":memory:", { ringSize: 2 });
  try {
    for (let i = 0; i < 3; i++) {
      store.append({ id: store.nextId(), ts: 1, kind: "msg", room: "#a", from: "b", text: `${i}` });
    }
    assertEqual(store.recent("#a", 10).map((m) => m.text), ["1", "2"]);
    assertEqual(store.pendingCount, 0);
    assertEqual(store.commits, 0);
    assertEqual(store.enforceRetention({ now: 0, maxPerRoom: 1 }), 1);
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
