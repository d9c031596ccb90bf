import { assertEqual } from "../../_helpers/assert.ts";
import { Database } from "../../../server/storage/database.ts";
import { TopicStore } from "../../../server/storage/topic_store.ts";

Deno.test("TopicStore keeps one topic per room, case-insensitively, and replaces it", () => {
  const db = new Database(":memory:");
  try {
    const topics = new TopicStore(db);
    assertEqual(topics.get("#dev"), undefined);
    topics.set({ room: "#Dev", topic: "ship it", by: "bob", ts: 5 });
    assertEqual(topics.get("#dev"), { room: "#Dev", topic: "ship it", by: "bob", ts: 5 });
    topics.set({ room: "#DEV", topic: "", by: "amy", ts: 6 });
    assertEqual(topics.get("#Dev"), { room: "#DEV", topic: "", by: "amy", ts: 6 });
  } finally {
    db.close();
  }
});
