import { assert, assertEqual, assertThrows } from "../../_helpers/assert.ts";
import { Database } from "../../../server/storage/database.ts";
import { MediaArchive } from "../../../server/storage/media_archive.ts";
import type { StoredMedia } from "../../../server/media/media_store.ts";

function recording(id: number, bytes: number, room = "#lobby", ts = id): StoredMedia {
  const data = new Uint8Array(bytes);
  data.set([0x1a, 0x45, 0xdf, 0xa3]);
  const token = tok(id);
  return {
    id,
    token,
    ts,
    room,
    from: "amy",
    kind: "voice",
    mime: "audio/webm",
    durationMs: 1200,
    data,
  };
}

/** A token derived from the id, for readable tests (real tokens are random). */
function tok(id: number): string {
  return id.toString(16).padStart(32, "0");
}

Deno.test("MediaArchive stores a recording with its bytes and lists a room's without them", () => {
  const db = new Database(":memory:");
  try {
    const archive = new MediaArchive(db);
    archive.put(recording(3, 10, "#Lobby"));
    archive.put(recording(5, 20, "#other"));
    archive.put(recording(7, 30, "#lobby"));
    assertEqual(archive.get(tok(3))?.data, recording(3, 10).data);
    assertEqual(archive.get(tok(4)), undefined);
    assertEqual(archive.between("#LOBBY", 0).map((m) => [m.id, m.bytes, m.room]), [
      [3, 10, "#Lobby"],
      [7, 30, "#lobby"],
    ]);
    assertEqual(archive.between("#lobby", 4, 7), []);
    assert(!("data" in archive.between("#lobby", 0)[0]), "no bytes in the listing");
    assertEqual(archive.totalBytes(), 60);
  } finally {
    db.close();
  }
});

Deno.test("MediaArchive deletes the oldest past maxBytes and by age", () => {
  const db = new Database(":memory:");
  try {
    const archive = new MediaArchive(db, { maxBytes: 50 });
    archive.put(recording(1, 20));
    archive.put(recording(2, 20));
    archive.put(recording(3, 20));
    assertEqual(archive.get(tok(1)), undefined, "the oldest went");
    assertEqual(archive.totalBytes(), 40);
    assertEqual(archive.deleteOlderThan(4, 1), 1, "ts 2 is older than 4 - 1");
    assertEqual(archive.between("#lobby", 0).map((m) => m.id), [3]);
  } finally {
    db.close();
  }
});

Deno.test("MediaArchive refuses to store once closed, and a duplicate id stores nothing", () => {
  const db = new Database(":memory:");
  try {
    const archive = new MediaArchive(db);
    archive.put(recording(1, 8));
    assertThrows(() => archive.put(recording(1, 9)), Error, /UNIQUE|constraint/i);
    assertEqual(archive.totalBytes(), 8);
    archive.close();
    assertThrows(() => archive.put(recording(2, 8)), Error, /archive is closed/);
    assertEqual(archive.get(tok(1))?.data.length, 8, "what is stored stays readable");
  } finally {
    db.close();
  }
});
