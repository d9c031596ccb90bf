import { assert, assertEqual } from "../../_helpers/assert.ts";
import { FrameArena } from "../../../server/chat/frame_arena.ts";
import { encodeMessage } from "../../../protocol/messages.ts";
import type { ServerMessage } from "../../../protocol/message_types.ts";

function message(text: string, id = 1): ServerMessage {
  return { type: "msg", id, ts: 1_700_000_000_000, room: "#lobby", from: "ann", text };
}

Deno.test("FrameArena.encode writes the same bytes as encodeMessage, end to end with placed frames", () => {
  const arena = new FrameArena(4096);
  const placed = arena.place(encodeMessage(message("first")));
  const texts = ["hello", "héllo wörld", "emoji 🎉 and 漢字", "\u202e control \u0007"];
  let previous = placed;
  for (const [i, text] of texts.entries()) {
    const frame = arena.encode(message(text, i + 2));
    assertEqual([...frame], [...encodeMessage(message(text, i + 2))], `bytes of "${text}"`);
    assert(
      frame.buffer === previous.buffer &&
        frame.byteOffset === previous.byteOffset + previous.length,
      "right after the previous frame",
    );
    previous = frame;
  }
});

Deno.test("FrameArena.encode starts a new chunk when the worst case does not fit, and gives large messages their own buffer", () => {
  const arena = new FrameArena(1024);
  const frames = Array.from({ length: 40 }, (_, i) => arena.encode(message("x".repeat(40), i)));
  for (const [i, frame] of frames.entries()) {
    assertEqual([...frame], [...encodeMessage(message("x".repeat(40), i))]);
  }
  assert(new Set(frames.map((f) => f.buffer)).size > 1, "more than one chunk");
  // 3 bytes per character could exceed a quarter chunk: not in the arena.
  const large = arena.encode(message("é".repeat(100)));
  assertEqual([...large], [...encodeMessage(message("é".repeat(100)))]);
  assert(large.buffer !== frames.at(-1)!.buffer);
  // Earlier frames keep their bytes.
  assertEqual([...frames[0]], [...encodeMessage(message("x".repeat(40), 0))]);
});
