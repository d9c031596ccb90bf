import { WEB_ASSETS } from "../../web/assets.ts";
import { emojify } from "../../client/core/emoji.ts";
import { assert, assertEqual } from "../_helpers/assert.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

/**
 * The bundle without the bundler's `// <source path>` marker lines: an npm
 * module's marker is relative to the checkout (`../../root/.cache/deno/…`), so
 * it differs between clones at different depths while the code is the same.
 */
function withoutPathComments(bundle: string): string {
  return bundle.replace(/^\/\/ \S+$/gm, "//");
}

Deno.test("web/app.gen.js is what deno task web:build makes from web/src", async () => {
  const out = await Deno.makeTempFile({ suffix: ".js" });
  try {
    const { code, stderr } = await new Deno.Command(Deno.execPath(), {
      args: ["bundle", "--platform", "browser", "--output", out, "web/src/app.ts"],
      cwd: ROOT,
      stdout: "null",
      stderr: "piped",
    }).output();
    assertEqual(code, 0, new TextDecoder().decode(stderr));
    assertEqual(
      withoutPathComments(await Deno.readTextFile(out)),
      withoutPathComments(WEB_ASSETS["/app.js"].body),
      "web/app.gen.js is stale: run deno task web:build and commit it",
    );
  } finally {
    await Deno.remove(out);
  }
});

Deno.test("embedded assets are the files in web/", async () => {
  assertEqual(WEB_ASSETS["/"].body, await Deno.readTextFile(`${ROOT}web/index.html`));
  assertEqual(WEB_ASSETS["/style.css"].body, await Deno.readTextFile(`${ROOT}web/style.css`));
  assert(WEB_ASSETS["/"].body.includes('<script type="module" src="/app.js">'));
});

Deno.test("emojify replaces known shortcodes and leaves others as typed", () => {
  assertEqual(emojify("ship it :rocket: :+1: :nope: a:b"), "ship it 🚀 👍 :nope: a:b");
  assertEqual(emojify(":constructor: :__proto__:"), ":constructor: :__proto__:");
});
