import { assert } from "../_helpers/assert.ts";
import { SeenMessages } from "../../client/seen_messages.ts";

Deno.test("SeenMessages hides a replayed chat line but not a new one with a reused id", () => {
  const seen = new SeenMessages(3);
  const m = { type: "msg", id: 7, ts: 100, room: "#lobby", from: "bob", text: "hi" } as const;
  assert(seen.firstTime(m));
  assert(!seen.firstTime({ ...m }), "the same message again (history replay) is hidden");
  assert(seen.firstTime({ ...m, ts: 200 }), "a restarted server reusing id 7 is not hidden");
  assert(seen.firstTime({ type: "join", ts: 1, room: "#lobby", nick: "bob" }));
  assert(
    seen.firstTime({ type: "join", ts: 1, room: "#lobby", nick: "bob" }),
    "notices always show",
  );
  for (let id = 100; id < 103; id++) seen.firstTime({ ...m, id });
  assert(seen.firstTime(m), "the oldest are forgotten beyond the limit");
});
