import { assert, assertEqual, assertThrows } from "../../_helpers/assert.ts";
import { MediaStore, mediaToken, type StoredMedia } from "../../../server/media/media_store.ts";
import { Database } from "../../../server/storage/database.ts";
import { MediaArchive } from "../../../server/storage/media_archive.ts";

/** A token derived from the id, for readable tests (real tokens are random). */
function tok(id: number): string {
  return id.toString(16).padStart(32, "0");
}

function recording(id: number, bytes: number, room = "#lobby"): StoredMedia {
  const data = new Uint8Array(bytes).fill(id);
  return {
    id,
    token: tok(id),
    ts: id,
    room,
    from: "amy",
    kind: "voice",
    mime: "audio/webm",
    durationMs: 900,
    data,
  };
}

Deno.test("MediaStore in memory keeps recordings by token and drops the oldest past maxStoreBytes", () => {
  const store = new MediaStore({ maxStoreBytes: 25 });
  store.put(recording(1, 10));
  store.put(recording(2, 10, "#Other"));
  assertEqual(store.get(tok(1))?.data, recording(1, 10).data);
  assertEqual([store.size, store.bytes], [2, 20]);
  store.put(recording(3, 10));
  assertEqual(store.get(tok(1)), undefined, "the oldest was dropped");
  assertEqual([store.size, store.bytes], [2, 20]);
  assertEqual(store.between("#lobby", 0).map((m) => [m.id, m.bytes]), [[3, 10]]);
  assertEqual(store.between("#other", 0, 3).map((m) => m.id), [2]);
  assert(!("data" in store.between("#lobby", 0)[0]), "no bytes in the listing");
});

Deno.test("MediaStore keeps a recording larger than maxStoreBytes until the next one", () => {
  const store = new MediaStore({ maxStoreBytes: 5 });
  store.put(recording(1, 8));
  assertEqual(store.get(tok(1))?.data.length, 8);
  store.put(recording(2, 8));
  assertEqual([store.get(tok(1)), store.size], [undefined, 1]);
});

Deno.test("MediaStore with an archive fetches recordings the cache dropped, and the archive survives reopening the file", async () => {
  const dir = await Deno.makeTempDir({ prefix: "parley-media-" });
  const path = `${dir}/h.db`;
  try {
    const db = new Database(path);
    try {
      const store = new MediaStore({ maxStoreBytes: 10, archive: new MediaArchive(db) });
      store.put(recording(1, 8));
      store.put(recording(2, 8));
      assertEqual(store.size, 1, "only the newest stays cached");
      assertEqual(store.get(tok(1))?.data, recording(1, 8).data, "read back from the archive");
    } finally {
      db.close();
    }
    const reopened = new Database(path);
    try {
      const store = new MediaStore({ archive: new MediaArchive(reopened) });
      assertEqual(store.size, 0);
      assertEqual(store.get(tok(2))?.data, recording(2, 8).data);
      assertEqual(store.between("#LOBBY", 0).map((m) => [m.id, m.bytes, m.from]), [
        [1, 8, "amy"],
        [2, 8, "amy"],
      ]);
    } finally {
      reopened.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("MediaStore keeps nothing when the archive cannot store the recording", () => {
  const db = new Database(":memory:");
  try {
    const archive = new MediaArchive(db);
    const store = new MediaStore({ archive });
    archive.close();
    assertThrows(() => store.put(recording(1, 8)), Error, /archive is closed/);
    assertEqual([store.size, store.bytes], [0, 0]);
    assertEqual(store.get(tok(1)), undefined);
  } finally {
    db.close();
  }
});

Deno.test("MediaStore names recordings by 128-bit random tokens, not by message id", () => {
  const tokens = new Set(Array.from({ length: 100 }, () => mediaToken()));
  assertEqual(tokens.size, 100);
  for (const token of tokens) assert(/^[0-9a-f]{32}$/.test(token), token);
  const store = new MediaStore();
  store.put(recording(7, 4));
  assertEqual(store.get("7"), undefined, "the id is no name");
  assertEqual(store.get(tok(7).replace(/7$/, "8")), undefined, "only the exact token");
});

Deno.test("MediaStore remembers recordings kept elsewhere and replays them with its own, by id", () => {
  const store = new MediaStore();
  store.put(recording(2, 4));
  const { data: _data, ...fields } = recording(5, 0);
  store.remember({ ...fields, bytes: 1234 });
  assertEqual(store.info(tok(5))?.bytes, 1234);
  assertEqual(store.get(tok(5)), undefined, "no bytes here");
  assertEqual(store.info(tok(2))?.bytes, 4, "a held recording has its info too");
  assertEqual(store.between("#LOBBY", 0).map((m) => m.id), [2, 5]);
  assertEqual(store.between("#lobby", 3).map((m) => m.id), [5]);
  assertEqual(store.between("#other", 0), []);
});
