import { WEB_ASSETS } from "../../web/assets.ts";
import { emojify } from "../../client/core/emoji.ts";
import { assert, assertEqual } from "../_helpers/assert.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

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
      await Deno.readTextFile(out),
      WEB_ASSETS["/app.js"].body,
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
