import { assert, assertEqual, assertMatch } from "../_helpers/assert.ts";
import {
  CLIENT_FIELD_LIMITS,
  MAX_REASON_CHARS,
  readClientString,
  reasonText,
} from "../../protocol/field_limits.ts";
import { ClientMessageError } from "../../protocol/client_message_error.ts";
import { CLIENT_MESSAGE_TYPES, parseClientMessage } from "../../protocol/parse_client_message.ts";

const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

/** The ClientMessageError `fn` throws, its message matching `pattern`. */
function thrown(fn: () => unknown, pattern?: RegExp): ClientMessageError {
  try {
    fn();
  } catch (error) {
    assert(error instanceof ClientMessageError, String(error));
    if (pattern) assertMatch(error.message, pattern);
    return error;
  }
  throw new Error("Expected a ClientMessageError");
}

Deno.test("readClientString refuses a string field that has no row in the table", () => {
  // A field added to a parser without a row is refused, not read unchecked.
  const error = thrown(
    () => readClientString({ type: "msg", mood: "fine" }, "mood"),
    /"mood" has no limit in CLIENT_FIELD_LIMITS/,
  );
  assertEqual(error.code, "bad_message");
});

Deno.test("every string field of every client message has a row in the table", () => {
  for (const type of CLIENT_MESSAGE_TYPES) {
    const parsed = parseClientMessage(encode(validMessage(type))) as unknown as Record<
      string,
      unknown
    >;
    for (const [field, value] of Object.entries(parsed)) {
      // `type`, and `kind` (one of a fixed set), are checked by value, not by the table.
      if (typeof value !== "string" || field === "type" || `${type}.${field}` === "media.kind") {
        continue;
      }
      assert(Object.hasOwn(CLIENT_FIELD_LIMITS, `${type}.${field}`), `${type}.${field}`);
    }
  }
  // And every row is a field some client message has.
  for (const key of Object.keys(CLIENT_FIELD_LIMITS)) {
    const [type, field] = key.split(".");
    const parsed = parseClientMessage(encode(validMessage(type))) as unknown as Record<
      string,
      unknown
    >;
    assertEqual(typeof parsed[field], "string", `${key}: the parser never reads it`);
  }
});

Deno.test("the client parser has no way to read a string but through the table", async () => {
  // The unchecked readers of json_fields.ts are for server messages only.
  const source = await Deno.readTextFile(
    new URL("../../protocol/parse_client_message.ts", import.meta.url),
  );
  const imports = /import \{([^}]*)\} from "\.\/json_fields\.ts"/.exec(source)?.[1] ?? "";
  for (const reader of ["str", "optStr", "array"]) {
    assert(!new RegExp(`\\b${reader}\\b`).test(imports), `imports ${reader} from json_fields.ts`);
  }
});

/** A valid message of each type, with `extra` fields over it. */
function validMessage(type: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const base: Record<string, Record<string, unknown>> = {
    hello: {
      version: 1,
      nick: "amy",
      password: "pw",
      client: "c",
      probe: false,
      resume: "r",
      key: "k",
    },
    msg: { ref: 1, text: "hi", room: "#lobby" },
    command: { ref: 1, name: "who", args: "", room: "#lobby" },
    ping: { token: 1 },
    pong: { token: 1 },
    media: { ref: 1, kind: "voice", mime: "audio/ogg", durationMs: 5, data: "AAAA", room: "#a" },
    fetch_media: { ref: 1, token: "0123abcd" },
    prove: { signature: "c2ln" },
  };
  return { type, ...base[type], ...extra };
}

Deno.test("parseClientMessage refuses lone surrogates in a nick and in text, with the ref", () => {
  const nick = thrown(
    () => parseClientMessage(encode({ type: "hello", version: 1, nick: "s\ud800x" })),
    /not well-formed Unicode/,
  );
  assertEqual([nick.code, nick.messageType], ["bad_message", "hello"]);
  const text = thrown(
    () => parseClientMessage(encode({ type: "msg", ref: 42, text: "hi \udc00" })),
    /"text".*not well-formed/,
  );
  assertEqual([text.code, text.ref], ["bad_message", 42]);
  // A pair is fine.
  assertEqual(
    parseClientMessage(encode({ type: "msg", ref: 1, text: "😀" })),
    { type: "msg", ref: 1, text: "😀" },
  );
});

Deno.test("parseClientMessage caps each field by its row and answers with its code and ref", () => {
  const long = thrown(
    () => parseClientMessage(encode({ type: "msg", ref: 7, text: "é".repeat(4097) })),
    /longer than 8192 bytes/,
  );
  assertEqual([long.code, long.ref], ["text_too_long", 7]);
  // The limit follows the server's announced limits.
  assertEqual(
    parseClientMessage(encode({ type: "msg", ref: 1, text: "x".repeat(9000) }), {
      maxTextBytes: 10_000,
      maxMediaBytes: 1,
    }).type,
    "msg",
  );
  const reason = thrown(
    () =>
      parseClientMessage(
        encode({ type: "command", ref: 9, name: "part", args: `#a ${"r".repeat(2_700_000)}` }),
      ),
  );
  assertEqual([reason.code, reason.ref], ["text_too_long", 9]);
  const client = thrown(
    () =>
      parseClientMessage(encode({ type: "hello", version: 1, nick: "a", client: "c".repeat(201) })),
  );
  assertEqual(client.code, "bad_message");
  const media = thrown(
    () =>
      parseClientMessage(encode(validMessage("media", { ref: 3, data: "A".repeat(2_796_208) }))),
  );
  assertEqual([media.code, media.ref], ["media_too_large", 3]);
});

Deno.test("parseClientMessage sanitizes line and text fields and keeps names verbatim", () => {
  const hello = parseClientMessage(
    encode({ type: "hello", version: 1, nick: "a\x1bb", client: "cli\x1b]0;t\x07\t1\n2" }),
  );
  assertEqual(hello, { type: "hello", version: 1, nick: "a\x1bb", client: "cli 12" });
  const msg = parseClientMessage(encode({ type: "msg", ref: 1, text: "a\u202eb\nc\x07" }));
  assertEqual(msg, { type: "msg", ref: 1, text: "ab\nc" });
});

Deno.test("parseClientMessage quotes at most 40 characters of an unknown type", () => {
  const error = thrown(
    () => parseClientMessage(encode({ type: "t".repeat(2_800_000), ref: 5 })),
  );
  assert(error.message.length < 120, error.message.slice(0, 200));
  assertMatch(error.message, /unknown type "t{40}…"/);
  assertEqual(error.ref, 5);
});

Deno.test("reasonText cleans a reason to one short line", () => {
  assertEqual(reasonText(" bye\x1b]0;pwned\x07\u202e now\n\x1b[2J "), "bye now");
  assertEqual(reasonText("r".repeat(2_700_000)).length, MAX_REASON_CHARS);
  assertEqual(reasonText("a" + "😀".repeat(200)).isWellFormed(), true);
});
