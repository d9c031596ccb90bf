import { assert, assertEqual } from "../_helpers/assert.ts";
import { makeColors, renderMessage } from "../../client/render.ts";
import { mentions } from "../../client/core/mentions.ts";

Deno.test("mentions matches @nick and the nick as a word, case-insensitively", () => {
  assert(mentions("hey @alice", "alice"));
  assert(mentions("Alice: look", "alice"));
  assert(mentions("thanks alice!", "alice"));
  assert(!mentions("malice aforethought", "alice"));
  assert(!mentions("alice_b is here", "alice"));
  assert(mentions("ping [b0t]", "[b0t]"), "regex characters in nicks are literal");
});

Deno.test("renderMessage highlights mentions in messages and actions, not own lines", () => {
  const ctx = { colors: makeColors(true), me: "alice", activeRoom: "#lobby", clock: () => "12:00" };
  const bold = "\x1b[1m";
  const msg = { type: "msg", id: 1, ts: 0, room: "#lobby", from: "bob", text: "hi alice" } as const;
  assert(renderMessage(msg, ctx)!.includes(bold));
  assert(renderMessage({ ...msg, type: "action", text: "pokes alice" }, ctx)!.includes(bold));
  assert(!renderMessage({ ...msg, text: "hi all" }, ctx)!.includes(bold));
  assert(!renderMessage({ ...msg, from: "alice" }, ctx)!.includes(bold));
  assertEqual(
    renderMessage(msg, { ...ctx, colors: makeColors(false) }),
    "[12:00] <bob> hi alice",
  );
});
