import fc from "npm:fast-check@4.10.2";
import { encodeAck, encodeMessage } from "../../protocol/messages.ts";
import { assertEqual } from "../_helpers/assert.ts";

Deno.test("encodeAck produces the same bytes as encodeMessage for an ack", () => {
  const cases = [
    [0, 1, 0],
    [7, 42, 1_700_000_000_000],
    [2 ** 53 - 1, 99, 1],
    [9, 10, 100],
    [1_000_000, 999_999, 2 ** 53 - 1],
    // Not plain digits: the same bytes as JSON.stringify gives, by the slow path.
    [1.5, -3, 1e21],
  ];
  for (const [ref, id, ts] of cases) {
    assertEqual(
      [...encodeAck(ref, id, ts)],
      [...encodeMessage({ type: "ack", ref, id, ts })],
    );
  }
});

Deno.test("encodeAck: every ack keeps its bytes while many more are encoded, across chunks", () => {
  const acks: [Uint8Array, number][] = [];
  for (let i = 0; i < 2_000; i++) acks.push([encodeAck(i, i * 7919, 1_700_000_000_000 + i), i]);
  for (const [frame, i] of acks) {
    assertEqual(
      [...frame],
      [...encodeMessage({ type: "ack", ref: i, id: i * 7919, ts: 1_700_000_000_000 + i })],
    );
  }
});

Deno.test("encodeAck: acks encoded one after another lie end to end in memory", () => {
  const first = encodeAck(1, 2, 3);
  const second = encodeAck(4, 5, 6);
  // Unless the first one ended a chunk; then the next two are adjacent.
  const [a, b] = second.buffer === first.buffer ? [first, second] : [second, encodeAck(7, 8, 9)];
  assertEqual(a.buffer, b.buffer);
  assertEqual(a.byteOffset + a.length, b.byteOffset);
});

Deno.test("encodeAck matches encodeMessage for any numbers (property)", () => {
  const safe = fc.maxSafeNat();
  const any = fc.oneof(safe, fc.double(), fc.integer());
  fc.assert(
    fc.property(fc.oneof(safe, any), fc.oneof(safe, any), fc.oneof(safe, any), (ref, id, ts) => {
      assertEqual(
        [...encodeAck(ref, id, ts)],
        [...encodeMessage({ type: "ack", ref, id, ts })],
      );
    }),
    { numRuns: 2_000 },
  );
});
