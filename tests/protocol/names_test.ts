import fc from "npm:fast-check@4.10.2";
import { nameKey, validateNick, validateRoomName } from "../../protocol/names.ts";
import { sanitizeText } from "../../protocol/sanitize.ts";
import { assert, assertEqual } from "../_helpers/assert.ts";

Deno.test("validateNick accepts ordinary and non-Latin nicks up to 32 code points", () => {
  for (const nick of ["alice", "Bob_2", "zoë", "日本", "a", "x".repeat(32), "😀".repeat(32)]) {
    assertEqual(validateNick(nick), undefined, nick);
  }
});

Deno.test("validateNick refuses empty, long, whitespace, control and bidi nicks", () => {
  assertEqual(validateNick(""), "Nick cannot be empty");
  assertEqual(validateNick("x".repeat(33)), "Nick is 33 characters long; the limit is 32");
  for (
    const nick of ["a b", "a\tb", "a\nb", "a\x1bb", "a\u202eb", "a\u200bb", "a\u2066b", "\u00a0x"]
  ) {
    assert(validateNick(nick) !== undefined, JSON.stringify(nick));
  }
  assertEqual(validateNick("#chan"), "Nick cannot start with #, @ or /");
});

Deno.test("validateRoomName requires # and a short clean name", () => {
  assertEqual(validateRoomName("#dev"), undefined);
  assert(validateRoomName("dev") !== undefined);
  assert(validateRoomName("#") !== undefined);
  assert(validateRoomName("#a,b") !== undefined);
  assert(validateRoomName("#" + "x".repeat(33)) !== undefined);
});

Deno.test("nameKey makes case and width variants collide", () => {
  assertEqual(nameKey("Alice"), nameKey("ALICE"));
  assertEqual(nameKey("ａｌｉｃｅ"), nameKey("alice"));
});

Deno.test("sanitizeText strips CSI, OSC, C1 and bidi sequences", () => {
  assertEqual(sanitizeText("hi\x1b[2J\x1b[H there"), "hi there");
  assertEqual(sanitizeText("a\x1b]0;pwned\x07b"), "ab");
  assertEqual(sanitizeText("a\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\b"), "alinkb");
  assertEqual(sanitizeText("a\x9b31mb"), "ab");
  assertEqual(sanitizeText("\u202eevil"), "evil");
  assertEqual(sanitizeText("line1\r\nline2", true), "line1\nline2");
  assertEqual(sanitizeText("line1\nline2"), "line1line2");
  assertEqual(sanitizeText("tab\there"), "tab here");
  assertEqual(sanitizeText("plain ascii stays"), "plain ascii stays");
});

Deno.test("sanitizeText output never contains ESC or other C0/C1 controls", () => {
  const nasty = "\x1b[31mred\x1b[0m \x1bP1;2q\x1b\\ \x1b7\x1b8 \x07\x08\x7f\x85\x9d x";
  const clean = sanitizeText(nasty, true);
  // deno-lint-ignore no-control-regex
  assert(!/[\x00-\x09\x0b-\x1f\x7f-\x9f]/.test(clean), JSON.stringify(clean));
});

Deno.test("nameKey is NFKC then lower case for any text, asked once or again (property)", () => {
  const text = fc.oneof(
    fc.string({ unit: "grapheme", maxLength: 12 }),
    fc.string({ unit: "binary", maxLength: 12 }),
    fc.constantFrom("#Lobby", "ＡＬＩＣＥ", "Alice", "ﬁsh", "#café", "İstanbul"),
  );
  fc.assert(
    fc.property(fc.array(text, { minLength: 1, maxLength: 6 }), (names) => {
      for (const name of [...names, ...names.toReversed(), ...names]) {
        assertEqual(nameKey(name), name.normalize("NFKC").toLowerCase());
      }
    }),
    { numRuns: 500 },
  );
});
