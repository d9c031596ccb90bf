import { assert, assertEqual, assertThrows } from "../../_helpers/assert.ts";
import { maskedFrame } from "../../_helpers/raw_ws.ts";
import {
  cutUtf8,
  encodeWsFrame,
  WS_OPCODE,
  type WsFrame,
  WsFrameDecoder,
  WsProtocolError,
} from "../../../server/transport/ws_frame_decoder.ts";

const text = (s: string) => new TextEncoder().encode(s);

Deno.test("WsFrameDecoder decodes masked frames split at every point, and several in one chunk", () => {
  const payloads = [text("hi"), new Uint8Array(300).fill(7), new Uint8Array(70_000).fill(9)];
  const wire = new Uint8Array(payloads.reduce((n, p) => n + maskedFrame(1, p).length, 0));
  let at = 0;
  for (const p of payloads) {
    const frame = maskedFrame(1, p);
    wire.set(frame, at);
    at += frame.length;
  }
  for (const split of [1, 2, 3, 5, 9, 13, 300, 310, wire.length - 1]) {
    const decoder = new WsFrameDecoder({ maxPayloadBytes: 100_000 });
    const frames: WsFrame[] = [];
    decoder.push(wire.subarray(0, split), (f) => frames.push(f));
    decoder.push(wire.subarray(split), (f) => frames.push(f));
    assertEqual(frames.map((f) => f.payload.length), [2, 300, 70_000], `split at ${split}`);
    assertEqual(new TextDecoder().decode(frames[0].payload), "hi");
    assert(frames[2].payload.every((b) => b === 9));
    assertEqual(decoder.pendingBytes, 0);
  }
  // One byte at a time.
  const decoder = new WsFrameDecoder({ maxPayloadBytes: 100_000 });
  const frames: WsFrame[] = [];
  for (let i = 0; i < 400; i++) decoder.push(wire.subarray(i, i + 1), (f) => frames.push(f));
  assertEqual(frames.length, 2);
});

Deno.test("WsFrameDecoder refuses an oversized length from the header, before the payload", () => {
  const decoder = new WsFrameDecoder({ maxPayloadBytes: 1000 });
  const header = maskedFrame(1, new Uint8Array(5000)).subarray(0, 8);
  const error = caught(() => decoder.push(header, () => {}));
  assertEqual([error.code, error.length], [1009, 5000]);
});

Deno.test("WsFrameDecoder refuses unmasked frames, RSV bits, unknown opcodes and long control frames", () => {
  const cases: [Uint8Array, RegExp][] = [
    [encodeWsFrame(1, text("x")), /must be masked/],
    [Uint8Array.from([0xc1, 0x80, 0, 0, 0, 0]), /RSV/],
    [Uint8Array.from([0x83, 0x80, 0, 0, 0, 0]), /unknown opcode 3/],
    [maskedFrame(9, new Uint8Array(126)), /control frame/],
    [Uint8Array.from([0x09, 0x80, 0, 0, 0, 0]), /control frame/],
  ];
  for (const [bytes, message] of cases) {
    const decoder = new WsFrameDecoder({ maxPayloadBytes: 1000 });
    assertThrows(() => decoder.push(bytes, () => {}), WsProtocolError, message);
    assertEqual(
      caught(() => new WsFrameDecoder({ maxPayloadBytes: 1000 }).push(bytes, () => {})).code,
      1002,
    );
  }
});

Deno.test("encodeWsFrame uses the 7-bit, 16-bit and 64-bit length forms", () => {
  assertEqual([...encodeWsFrame(WS_OPCODE.text, text("hi"))], [0x81, 2, 104, 105]);
  const medium = encodeWsFrame(WS_OPCODE.text, new Uint8Array(300));
  assertEqual([...medium.subarray(0, 4)], [0x81, 126, 1, 44]);
  const large = encodeWsFrame(WS_OPCODE.binary, new Uint8Array(70_000));
  assertEqual([...large.subarray(0, 10)], [0x82, 127, 0, 0, 0, 0, 0, 1, 0x11, 0x70]);
});

Deno.test("cutUtf8 cuts on character boundaries within the byte limit and never throws", () => {
  const encoder = new TextEncoder();
  for (const reason of ["漢".repeat(60), "a😀".repeat(50), "é".repeat(100), "short", "s\ud800x"]) {
    const cut = cutUtf8(reason, 123);
    assert(encoder.encode(cut).length <= 123, reason);
    assert(reason.startsWith(cut));
    // Nothing more would fit.
    const next = reason.slice(cut.length, cut.length + 2);
    if (next) assert(encoder.encode(cut + [...next][0]).length > 123, `cut ${reason} too early`);
  }
  assertEqual(cutUtf8("日本語", 7), "日本");
  assertEqual(cutUtf8("a😀", 4), "a");
});

function caught(fn: () => void): WsProtocolError {
  try {
    fn();
  } catch (error) {
    if (error instanceof WsProtocolError) return error;
    throw error;
  }
  throw new Error("nothing was thrown");
}
