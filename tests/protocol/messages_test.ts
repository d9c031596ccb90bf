import fc from "npm:fast-check@4.10.2";
import {
  encodeMessage,
  parseClientMessage,
  parseServerMessage,
  type ServerMessage,
  utf8Length,
  utf8LongerThan,
} from "../../protocol/messages.ts";
import { FRAME_HEADER_BYTES, readFrameHeader } from "../../protocol/frame.ts";
import { assert, assertEqual, assertThrows } from "../_helpers/assert.ts";

const payload = (s: string) => new TextEncoder().encode(s);

Deno.test("parseClientMessage rejects a payload that is not JSON with SyntaxError", () => {
  assertThrows(() => parseClientMessage(payload("{nope")), SyntaxError, /not JSON/);
  assertThrows(() => parseClientMessage(new Uint8Array(0)), SyntaxError, /not JSON/);
});

Deno.test("parseClientMessage rejects invalid UTF-8 with SyntaxError", () => {
  assertThrows(() => parseClientMessage(new Uint8Array([0x7b, 0xff, 0x7d])), SyntaxError, /UTF-8/);
});

Deno.test("parseClientMessage rejects non-objects and a missing type with TypeError", () => {
  assertThrows(() => parseClientMessage(payload("[1,2]")), TypeError, /not a JSON object/);
  assertThrows(() => parseClientMessage(payload("null")), TypeError, /not a JSON object/);
  assertThrows(() => parseClientMessage(payload('"hello"')), TypeError, /not a JSON object/);
  assertThrows(
    () => parseClientMessage(payload('{"nick":"a"}')),
    TypeError,
    /"type" must be a string/,
  );
});

Deno.test("parseClientMessage rejects an unknown type, naming it", () => {
  assertThrows(
    () => parseClientMessage(payload('{"type":"launch"}')),
    TypeError,
    /unknown type "launch"/,
  );
  assertThrows(
    () => parseClientMessage(payload('{"type":"__proto__"}')),
    TypeError,
    /unknown type/,
  );
  assertThrows(() => parseClientMessage(payload('{"type":"toString"}')), TypeError, /unknown type/);
});

Deno.test("parseClientMessage rejects wrong field types, naming the field", () => {
  assertThrows(
    () => parseClientMessage(payload('{"type":"msg","ref":-1,"text":"x"}')),
    TypeError,
    /"ref" must be a non-negative integer/,
  );
  assertThrows(
    () => parseClientMessage(payload('{"type":"msg","ref":1,"text":5}')),
    TypeError,
    /"text" must be a string/,
  );
  assertThrows(
    () => parseClientMessage(payload('{"type":"hello","version":"1","nick":"a"}')),
    TypeError,
    /"version"/,
  );
  assertThrows(
    () => parseClientMessage(payload('{"type":"hello","version":1,"nick":"a","probe":"yes"}')),
    TypeError,
    /"probe" must be a boolean/,
  );
});

Deno.test("parseClientMessage keeps only documented fields", () => {
  const parsed = parseClientMessage(payload('{"type":"msg","ref":3,"text":"hi","evil":{"x":1}}'));
  assertEqual(parsed, { type: "msg", ref: 3, text: "hi" });
});

Deno.test("parseServerMessage returns null for unknown types so old clients skip new kinds", () => {
  assertEqual(parseServerMessage(payload('{"type":"future_thing","x":1}')), null);
});

Deno.test("parseServerMessage validates nested arrays", () => {
  assertThrows(
    () => parseServerMessage(payload('{"type":"who","room":"#a","users":[{"nick":5}]}')),
    TypeError,
    /"nick" must be a string/,
  );
  assertEqual(
    parseServerMessage(payload('{"type":"who","room":"#a","users":[{"nick":"x","away":"lunch"}]}')),
    {
      type: "who",
      room: "#a",
      users: [{ nick: "x", away: "lunch" }],
    },
  );
});

Deno.test("encodeMessage writes a correct length header for multi-byte text", () => {
  const frame = encodeMessage({
    type: "msg",
    id: 1,
    ts: 2,
    room: "#r",
    from: "é",
    text: "日本語👋",
  });
  assertEqual(readFrameHeader(frame, 0), frame.length - FRAME_HEADER_BYTES);
});

Deno.test("encodeMessage handles text larger than its scratch buffer", () => {
  const text = "ü".repeat(100_000);
  const frame = encodeMessage({ type: "notice", ts: 1, text });
  const parsed = parseServerMessage(frame.subarray(FRAME_HEADER_BYTES));
  assertEqual(parsed, { type: "notice", ts: 1, text });
});

Deno.test("encodeMessage returns independent buffers", () => {
  const a = encodeMessage({ type: "ping", token: 1 });
  const b = encodeMessage({ type: "ping", token: 2 });
  assert(a.buffer !== b.buffer);
  assertEqual(parseClientMessage(a.subarray(4)), { type: "ping", token: 1 });
});

Deno.test("utf8Length matches TextEncoder for any string", () => {
  fc.assert(
    fc.property(fc.string({ unit: "binary" }), (s) => {
      assertEqual(utf8Length(s), new TextEncoder().encode(s).length);
    }),
    { numRuns: 500 },
  );
});

Deno.test("utf8LongerThan agrees with counting the bytes, for any string and limit", () => {
  fc.assert(
    fc.property(fc.string({ unit: "binary", maxLength: 40 }), fc.nat(130), (s, max) => {
      assertEqual(utf8LongerThan(s, max), new TextEncoder().encode(s).length > max);
    }),
    { numRuns: 2_000 },
  );
});

Deno.test("messages property: server chat messages round-trip through encode and parse", () => {
  fc.assert(
    fc.property(
      fc.record({
        id: fc.nat(),
        ts: fc.nat(),
        room: fc.string(),
        from: fc.string(),
        text: fc.string({ unit: "grapheme" }),
      }),
      (fields) => {
        const message: ServerMessage = { type: "msg", ...fields };
        assertEqual(
          parseServerMessage(encodeMessage(message).subarray(FRAME_HEADER_BYTES)),
          message,
        );
      },
    ),
    { numRuns: 300 },
  );
});

Deno.test("parseClientMessage property: arbitrary JSON never escapes as anything but SyntaxError/TypeError", () => {
  fc.assert(
    fc.property(fc.oneof(fc.json(), fc.string()), (text) => {
      try {
        parseClientMessage(payload(text));
      } catch (error) {
        assert(error instanceof SyntaxError || error instanceof TypeError, String(error));
      }
    }),
    { numRuns: 500 },
  );
});

Deno.test("parseServerMessage decodes bye and keeps a code this version does not know", () => {
  assertEqual(
    parseServerMessage(payload('{"type":"bye","code":"kicked","reason":"Kicked by op: spam"}')),
    { type: "bye", code: "kicked", reason: "Kicked by op: spam" },
  );
  assertEqual(
    parseServerMessage(payload('{"type":"bye","code":"moved","reason":"x","extra":1}')),
    { type: "bye", code: "moved", reason: "x" },
  );
  assertThrows(
    () => parseServerMessage(payload('{"type":"bye","reason":"x"}')),
    TypeError,
    /"code"/,
  );
  assertThrows(
    () => parseServerMessage(payload('{"type":"bye","code":3,"reason":"x"}')),
    TypeError,
    /"code"/,
  );
});

Deno.test("parseServerMessage reads leave.code when present and accepts leave without it", () => {
  const base = '{"type":"leave","ts":1,"room":"#lobby","nick":"bob","reason":"quit"';
  assertEqual(parseServerMessage(payload(base + "}")), {
    type: "leave",
    ts: 1,
    room: "#lobby",
    nick: "bob",
    reason: "quit",
  });
  assertEqual(parseServerMessage(payload(base + ',"code":"quit"}')), {
    type: "leave",
    ts: 1,
    room: "#lobby",
    nick: "bob",
    reason: "quit",
    code: "quit",
  });
  assertThrows(() => parseServerMessage(payload(base + ',"code":false}')), TypeError, /"code"/);
});

Deno.test("parseClientMessage refuses a payload that starts with a byte-order mark", () => {
  const payload = new Uint8Array([
    0xef,
    0xbb,
    0xbf,
    ...new TextEncoder().encode('{"type":"ping"}'),
  ]);
  assertThrows(() => parseClientMessage(payload), SyntaxError, /byte-order mark/);
});

Deno.test("parseClientMessage refuses a lone surrogate made by a JSON escape, in any string field", () => {
  const encode = (json: string) => new TextEncoder().encode(json);
  for (
    const json of [
      '{"type":"msg","ref":1,"text":"a\\ud800b"}',
      '{"type":"command","ref":1,"name":"me","args":"\\udc00"}',
    ]
  ) {
    assertThrows(() => parseClientMessage(encode(json)), TypeError, /lone surrogate/);
  }
  // A pair written as escapes is one scalar value, and fine.
  const pair = parseClientMessage(encode('{"type":"msg","ref":1,"text":"\\ud83d\\udc4b"}'));
  assertEqual(pair, { type: "msg", ref: 1, text: "👋" });
});
