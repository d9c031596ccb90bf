import { encodeMessage, parseClientMessage, parseServerMessage } from "../../protocol/messages.ts";
import { FRAME_HEADER_BYTES, readFrameHeader } from "../../protocol/frame.ts";
import { assert, assertEqual } from "../_helpers/assert.ts";

const README = await Deno.readTextFile(new URL("../../protocol/README.md", import.meta.url));

interface Vector {
  direction: string;
  name: string;
  json: string;
  hex: string;
}

function vectors(): Vector[] {
  const blocks = [...README.matchAll(/```vector\n([\s\S]*?)```/g)].map((m) => m[1]);
  return blocks.map((block) => {
    const field = (name: string) => new RegExp(`^${name}: (.*)$`, "m").exec(block)?.[1] ?? "";
    const hex = block.slice(block.indexOf("hex:\n") + 5).replace(/\s+/g, "");
    return { direction: field("direction"), name: field("name"), json: field("json"), hex };
  });
}

function toHex(bytes: Uint8Array): string {
  return [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
}

Deno.test("protocol README has test vectors for both directions", () => {
  const all = vectors();
  assert(all.length >= 8, `only ${all.length} vectors`);
  assert(all.some((v) => v.direction === "client") && all.some((v) => v.direction === "server"));
});

for (const vector of vectors()) {
  Deno.test(`protocol README vector "${vector.direction} ${vector.name}" encodes byte for byte`, () => {
    const message = JSON.parse(vector.json);
    assertEqual(toHex(encodeMessage(message)), vector.hex);
  });

  Deno.test(`protocol README vector "${vector.direction} ${vector.name}" decodes to its JSON`, () => {
    const bytes = Uint8Array.from(vector.hex.match(/../g)!.map((h) => parseInt(h, 16)));
    assertEqual(readFrameHeader(bytes, 0), bytes.length - FRAME_HEADER_BYTES);
    const payload = bytes.subarray(FRAME_HEADER_BYTES);
    const parsed = vector.direction === "client"
      ? parseClientMessage(payload)
      : parseServerMessage(payload);
    assertEqual(parsed, JSON.parse(vector.json));
  });
}
