import { assertEqual } from "../_helpers/assert.ts";
import { readRef } from "../../protocol/read_ref.ts";

const bytes = (text: string) => new TextEncoder().encode(text);

Deno.test("readRef reads the ref of a message with another field wrong", () => {
  assertEqual(readRef(bytes('{"type":"msg","ref":7,"text":42}')), 7);
  assertEqual(readRef(bytes('{"type":"who_knows","ref":0}')), 0);
  assertEqual(readRef(bytes('{"ref":9007199254740991}')), 9007199254740991);
});

Deno.test("readRef gives nothing when no valid ref can be read", () => {
  for (
    const text of [
      "",
      "not json",
      '{"type":"msg","ref":7',
      "[1,2]",
      "null",
      '{"type":"msg"}',
      '{"ref":-1}',
      '{"ref":1.5}',
      '{"ref":"7"}',
      '{"ref":9007199254740992}',
    ]
  ) assertEqual(readRef(bytes(text)), undefined, text);
  assertEqual(readRef(new Uint8Array([0x7b, 0xff, 0x7d])), undefined, "not UTF-8");
});
