import { assertEqual, assertMatch } from "../_helpers/assert.ts";
import {
  normalizeTable,
  readmeOptionsTable,
  serveOptionsMarkdown,
} from "../../tools/readme_options.ts";
import { SERVE_ENVIRONMENT, SERVE_OPTIONS } from "../../cli/serve/serve_options.ts";

Deno.test("README's serve options table matches SERVE_OPTIONS", async () => {
  const readme = await Deno.readTextFile(new URL("../../README.md", import.meta.url));
  assertEqual(
    normalizeTable(readmeOptionsTable(readme)),
    normalizeTable(serveOptionsMarkdown()),
    "README is out of date: run `deno run --allow-read --allow-write tools/readme_options.ts --write && deno fmt README.md`",
  );
});

Deno.test("serveOptionsMarkdown has one row per option with flag, env, default and help", () => {
  const rows = normalizeTable(serveOptionsMarkdown());
  assertEqual(rows.length, SERVE_OPTIONS.length + SERVE_ENVIRONMENT.length + 2);
  assertEqual(rows[0], "flag|environment|default|meaning");
  assertMatch(serveOptionsMarkdown(), /^\| `--port PORT` \| `PARLEY_PORT` \| `5003` \| /m);
  assertMatch(serveOptionsMarkdown(), /^\| `--password-prompt` \| {2}\| off \| /m);
  assertMatch(serveOptionsMarkdown(), /^\| `--config FILE` \| `PARLEY_CONFIG` \| none \| /m);
  assertMatch(serveOptionsMarkdown(), /^\| — \| `PARLEY_ADMIN_PASSWORD` \| none \| /m);
});
