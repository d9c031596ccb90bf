import fc from "npm:fast-check@4.10.2";
import { encodeFrame } from "../../protocol/frame.ts";
import { FrameDecoder, FrameTooLargeError } from "../../protocol/frame_decoder.ts";
import { FrameDecoderStream } from "../../protocol/frame_decoder_stream.ts";
import { assert, assertEqual, assertThrows } from "../_helpers/assert.ts";

const bytes = (...values: number[]) => new Uint8Array(values);
const text = (s: string) => new TextEncoder().encode(s);

async function decode(chunks: Uint8Array[], maxFrameBytes?: number): Promise<Uint8Array[]> {
  const frames = ReadableStream.from(chunks).pipeThrough(new FrameDecoderStream({ maxFrameBytes }));
  // Copy each payload: views are only promised valid for the consumer that receives them.
  return (await Array.fromAsync(frames)).map((f) => f.slice());
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

Deno.test("FrameDecoderStream decodes one frame in one chunk", async () => {
  assertEqual(await decode([encodeFrame(text("hello"))]), [text("hello")]);
});

Deno.test("FrameDecoderStream decodes a frame fed one byte at a time", async () => {
  const frame = encodeFrame(text('{"type":"ping"}'));
  const chunks = [...frame].map((b) => bytes(b));
  assertEqual(await decode(chunks), [text('{"type":"ping"}')]);
});

Deno.test("FrameDecoderStream decodes a header split across chunks", async () => {
  const frame = encodeFrame(text("abc"));
  assertEqual(await decode([frame.subarray(0, 2), frame.subarray(2, 3), frame.subarray(3)]), [
    text("abc"),
  ]);
});

Deno.test("FrameDecoderStream decodes many frames in one chunk", async () => {
  const payloads = ["a", "", "bc", "def", "x".repeat(1000)].map(text);
  assertEqual(await decode([concat(payloads.map(encodeFrame))]), payloads);
});

Deno.test("FrameDecoderStream decodes one frame across many chunks", async () => {
  const payload = text("y".repeat(10_000));
  const frame = encodeFrame(payload);
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < frame.length; i += 777) chunks.push(frame.subarray(i, i + 777));
  assertEqual(await decode(chunks), [payload]);
});

Deno.test("FrameDecoderStream handles a split at every byte boundary of two frames", async () => {
  const stream = concat([
    encodeFrame(text("first")),
    encodeFrame(text("")),
    encodeFrame(text("second!")),
  ]);
  for (let cut = 0; cut <= stream.length; cut++) {
    const result = await decode([stream.subarray(0, cut), stream.subarray(cut)]);
    assertEqual(result, [text("first"), text(""), text("second!")], `cut at ${cut}`);
  }
});

Deno.test("FrameDecoderStream yields an empty payload for a zero-length frame", async () => {
  assertEqual(await decode([bytes(0, 0, 0, 0)]), [new Uint8Array(0)]);
});

Deno.test("FrameDecoderStream rejects a length above the limit before buffering", async () => {
  // Declares 5,000,000 bytes but sends only the header: the error must come at once.
  const stream = ReadableStream.from([bytes(0x00, 0x4c, 0x4b, 0x40)])
    .pipeThrough(new FrameDecoderStream({ maxFrameBytes: 1_048_576 }));
  let caught: unknown;
  try {
    await Array.fromAsync(stream);
  } catch (error) {
    caught = error;
  }
  assert(caught instanceof FrameTooLargeError, String(caught));
  assertEqual(
    (caught as Error).message,
    "Cannot decode frame: length 5000000 exceeds 1048576 bytes",
  );
  assert(caught instanceof RangeError);
});

Deno.test("FrameDecoderStream accepts a frame exactly at the limit", async () => {
  assertEqual((await decode([encodeFrame(new Uint8Array(64))], 64))[0].length, 64);
});

Deno.test("FrameDecoderStream errors on a stream truncated inside a payload", async () => {
  const frame = encodeFrame(text("truncated"));
  let caught: unknown;
  try {
    await decode([frame.subarray(0, 7)]);
  } catch (error) {
    caught = error;
  }
  assert(caught instanceof SyntaxError, String(caught));
  assertEqual(
    (caught as Error).message,
    "Cannot decode frame: stream ended after 3 of 9 payload bytes",
  );
});

Deno.test("FrameDecoderStream errors on a stream truncated inside a header", async () => {
  let caught: unknown;
  try {
    await decode([bytes(0, 0)]);
  } catch (error) {
    caught = error;
  }
  assert(caught instanceof SyntaxError, String(caught));
});

Deno.test("FrameDecoder refuses input after it failed", () => {
  const decoder = new FrameDecoder({ maxFrameBytes: 10 });
  assertThrows(() => decoder.push(bytes(0, 0, 1, 0), () => {}), FrameTooLargeError);
  assertThrows(() => decoder.push(bytes(0), () => {}), TypeError, /already failed/);
});

Deno.test("FrameDecoder buffers only what a slow sender has sent, not what it declared", () => {
  const decoder = new FrameDecoder({ maxFrameBytes: 1_048_576 });
  decoder.push(bytes(0, 0x0f, 0x42, 0x40, 1, 2, 3), () => {}); // declares 1,000,000 bytes
  assertEqual(decoder.pendingBytes, 3);
});

Deno.test("FrameDecoder limit can be raised after the handshake", () => {
  const decoder = new FrameDecoder({ maxFrameBytes: 4 });
  const seen: number[] = [];
  decoder.push(encodeFrame(new Uint8Array(4)), (p) => seen.push(p.length));
  decoder.maxFrameBytes = 100;
  decoder.push(encodeFrame(new Uint8Array(50)), (p) => seen.push(p.length));
  assertEqual(seen, [4, 50]);
});

Deno.test("FrameDecoderStream property: any payloads under any chunking decode to themselves", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 12 }),
      fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 20 }),
      async (payloads, sizes) => {
        const stream = concat(payloads.map(encodeFrame));
        const chunks: Uint8Array[] = [];
        for (let at = 0, i = 0; at < stream.length; i++) {
          const size = sizes[i % sizes.length];
          chunks.push(stream.slice(at, at + size));
          at += size;
        }
        assertEqual(await decode(chunks), payloads);
      },
    ),
    { numRuns: 200 },
  );
});

Deno.test("FrameDecoder property: random bytes either decode or fail with a typed error", () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), (input) => {
      const decoder = new FrameDecoder({ maxFrameBytes: 64 });
      try {
        decoder.push(input, (payload) => assert(payload.length <= 64));
      } catch (error) {
        assert(error instanceof FrameTooLargeError, String(error));
      }
    }),
    { numRuns: 500 },
  );
});
