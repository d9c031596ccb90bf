import { assertEqual, assertThrows } from "../../_helpers/assert.ts";
import { HistoryStore, HistoryStoreError } from "../../../server/storage/history_store.ts";
import { openStreamIndex } from "../../../server/storage/stream_index.ts";

async function withFile(body: (path: string) => void | Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "parley-index-" });
  try {
    await body(`${dir}/node.db`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function line(id: number) {
  return { id, ts: id, kind: "msg" as const, room: "#lobby", from: "ann", text: `m${id}` };
}

Deno.test("openStreamIndex starts an in-memory index at the stream's start", () => {
  const store = new HistoryStore(":memory:");
  assertEqual(openStreamIndex(store, "parley", 42), 0);
  store.close();
});

Deno.test("openStreamIndex reads on after the highest indexed sequence of its cluster", async () => {
  await withFile((path) => {
    const store = new HistoryStore(path);
    assertEqual(openStreamIndex(store, "team", 0), 0);
    for (const id of [3, 7, 9]) store.append(line(id));
    store.flush();
    store.close();
    const again = new HistoryStore(path);
    assertEqual(openStreamIndex(again, "team", 12), 9);
    assertThrows(() => openStreamIndex(again, "other", 12), HistoryStoreError);
    // The stream was recreated (its sequences are below the index's): start over.
    assertEqual(openStreamIndex(again, "team", 4), 0);
    assertEqual(again.recent("#lobby", 10).length, 0);
    again.close();
  });
});

Deno.test("openStreamIndex refuses a single server's history file", async () => {
  await withFile((path) => {
    const store = new HistoryStore(path);
    store.append({ ...line(store.nextId()) });
    store.flush();
    assertThrows(() => openStreamIndex(store, "parley", 100), HistoryStoreError);
    store.close();
  });
});
