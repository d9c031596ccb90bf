import { assert, assertEqual } from "../../_helpers/assert.ts";
import { nickSkeleton } from "../../../server/guards/confusable_skeleton.ts";
import { nameKey } from "../../../protocol/names.ts";

Deno.test("nickSkeleton folds a Cyrillic а into the Latin a", () => {
  assertEqual(nickSkeleton("\u0430lice"), nickSkeleton("alice"));
  assertEqual(nickSkeleton("\u0430l\u0456\u0441\u0435"), nickSkeleton("alice"), "а і с е");
  assert(nameKey("\u0430lice") !== nameKey("alice"), "nameKey alone keeps them apart");
});

Deno.test("nickSkeleton folds rn and m, as confusables.txt maps m to r+n", () => {
  assertEqual(nickSkeleton("m"), nickSkeleton("rn"));
  assertEqual(nickSkeleton("sam"), nickSkeleton("sarn"));
  assertEqual(nickSkeleton("\u217f"), nickSkeleton("m"), "SMALL ROMAN NUMERAL ONE THOUSAND");
});

Deno.test("nickSkeleton folds digits that look like letters, whatever the case", () => {
  assertEqual(nickSkeleton("b0b"), nickSkeleton("bob"));
  assertEqual(nickSkeleton("B0B"), nickSkeleton("bob"));
  assertEqual(nickSkeleton("bi11"), nickSkeleton("bill"));
});

Deno.test("nickSkeleton is never finer than nameKey", () => {
  for (
    const [a, b] of [["Alice", "alice"], ["ALICE", "alice"], ["ａｌｉｃｅ", "alice"], [
      "é",
      "e\u0301",
    ]]
  ) {
    assertEqual(nameKey(a), nameKey(b));
    assertEqual(nickSkeleton(a), nickSkeleton(b), `${a} / ${b}`);
  }
});

Deno.test("nickSkeleton keeps distinct ordinary nicks distinct", () => {
  const nicks = [
    "alice",
    "bob",
    "carol",
    "dave",
    "eve",
    "mallory",
    "trent",
    "alicia",
    "alice2",
    "alice_",
    "bobby",
    "zoë",
    "zoe",
    "søren",
    "soren",
    "jürgen",
    "juergen",
    "ñandú",
    "李雷",
    "韩梅梅",
    "пётр",
    "ivan",
    "adam",
    "aclam",
  ];
  const skeletons = new Map<string, string>();
  for (const nick of nicks) {
    const key = nickSkeleton(nick);
    assert(!skeletons.has(key), `${nick} collides with ${skeletons.get(key)} as ${key}`);
    skeletons.set(key, nick);
  }
});
