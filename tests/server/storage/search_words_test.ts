import { DatabaseSync } from "node:sqlite";
import { assertEqual } from "../../_helpers/assert.ts";
import { searchWords } from "../../../server/storage/search_words.ts";

const SAMPLES = [
  "Un café crème, s'il vous plaît",
  "cafe\u0301 decomposed",
  "Tiếng Việt ǖber",
  "foo_bar v1.2 AC/DC",
  "Straße İstanbul ÅNGSTRÖM",
  "हिन्दी वर्ल्ड",
  "你好世界 emoji 😀 end",
  "a\uE000b private use",
  'quotes "and" NEAR(x) a:b ^c *',
];

Deno.test("searchWords splits and folds text as FTS5's unicode61 tokenizer indexes it", () => {
  const db = new DatabaseSync(":memory:");
  try {
    db.exec("CREATE VIRTUAL TABLE t USING fts5 (text)");
    db.exec("CREATE VIRTUAL TABLE v USING fts5vocab (t, 'instance')");
    const insert = db.prepare("INSERT INTO t (rowid, text) VALUES (?, ?)");
    SAMPLES.forEach((text, i) => insert.run(i + 1, text));
    const terms = db.prepare("SELECT term FROM v WHERE doc = ? ORDER BY offset");
    SAMPLES.forEach((text, i) => {
      const indexed = (terms.all(i + 1) as { term: string }[]).map((r) => r.term);
      assertEqual(searchWords(text), indexed, text);
    });
  } finally {
    db.close();
  }
});

Deno.test("searchWords returns no words for punctuation only", () => {
  assertEqual(searchWords("!!! ??? --- ..."), []);
  assertEqual(searchWords(""), []);
});
