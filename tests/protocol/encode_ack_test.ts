import { encodeAck, encodeMessage } from "../../protocol/messages.ts";
import { assertEqual } from "../_helpers/assert.ts";

Deno.test("encodeAck produces the same bytes as encodeMessage for an ack", () => {
  for (const [ref, id, ts] of [[0, 1, 0], [7, 42, 1_700_000_000_000], [2 ** 53 - 1, 99, 1]]) {
    assertEqual(
      [...encodeAck(ref, id, ts)],
      [...encodeMessage({ type: "ack", ref, id, ts })],
    );
  }
});
