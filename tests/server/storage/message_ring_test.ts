import { assertEqual, assertThrows } from "../../_helpers/assert.ts";
import { MessageRing } from "../../../server/storage/message_ring.ts";
import type { StoredMessage } from "../../../server/storage/stored_message.ts";

function m(id: number, ts = id): StoredMessage {
  return { id, ts, kind: "msg", room: "#a", from: "bob", text: `t${id}` };
}

Deno.test("MessageRing keeps the newest capacity messages in id order and marks eviction", () => {
  const ring = new MessageRing(3);
  for (let id = 1; id <= 3; id++) ring.push(m(id));
  assertEqual(ring.evicted, false);
  assertEqual(ring.newest(10).map((x) => x.id), [1, 2, 3]);
  for (let id = 4; id <= 7; id++) ring.push(m(id));
  assertEqual(ring.evicted, true);
  assertEqual(ring.size, 3);
  assertEqual(ring.oldestId, 5);
  assertEqual(ring.newest(10).map((x) => x.id), [5, 6, 7]);
  assertEqual(ring.newest(2).map((x) => x.id), [6, 7]);
  assertEqual([...ring.newestFirst()].map((x) => x.id), [7, 6, 5]);
});

Deno.test("MessageRing newest pages with beforeId", () => {
  const ring = new MessageRing(4);
  for (let id = 1; id <= 6; id++) ring.push(m(id));
  assertEqual(ring.newest(2, 6).map((x) => x.id), [4, 5]);
  assertEqual(ring.newest(10, 4).map((x) => x.id), [3]);
  assertEqual(ring.newest(10, 3).map((x) => x.id), []);
});

Deno.test("MessageRing retain drops by predicate and keeps at most the newest max", () => {
  const ring = new MessageRing(5);
  for (let id = 1; id <= 7; id++) ring.push(m(id));
  assertEqual(ring.retain((x) => x.id !== 5, 2), 3);
  assertEqual(ring.newest(10).map((x) => x.id), [6, 7]);
  ring.push(m(8));
  assertEqual(ring.newest(10).map((x) => x.id), [6, 7, 8]);
});

Deno.test("MessageRing refuses a capacity below 1 with RangeError", () => {
  assertThrows(() => new MessageRing(0), RangeError, /capacity must be positive/);
});
