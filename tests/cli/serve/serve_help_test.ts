import { assertEqual, assertMatch } from "../../_helpers/assert.ts";
import { serveUsage } from "../../../cli/serve/serve_command.ts";
import { SERVE_OPTIONS } from "../../../cli/serve/serve_options.ts";
import { MAIN } from "../../_helpers/serve_process.ts";

/** Words of the help, whatever the wrapping. */
const words = (text: string) => text.split(/\s+/).filter(Boolean);

Deno.test("serve --help wraps to the width it is given, never mid-word", () => {
  const wide = serveUsage(400);
  for (const columns of [60, 80, 120]) {
    const help = serveUsage(columns);
    for (const line of help.split("\n")) {
      // Only a single word too long for the help column may overflow.
      if ([...line].length > columns && /\S \S/.test(line.trim())) {
        throw new Error(`over ${columns} columns: ${line}`);
      }
    }
    // Wrapping only moves line breaks: the same words in the same order.
    assertEqual(words(help), words(wide));
  }
  for (const spec of SERVE_OPTIONS) assertMatch(wide, new RegExp(`--${spec.name}\\b`));
});

Deno.test("serve --help names PARLEY_ADMIN_PASSWORD and wraps to 80 columns off a terminal", async () => {
  const { code, stdout } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-env", "--allow-read", MAIN, "serve", "--help"],
    stdin: "null",
  }).output();
  const text = new TextDecoder().decode(stdout);
  assertEqual(code, 0);
  assertMatch(text, /PARLEY_ADMIN_PASSWORD +lets users become operators/);
  const longest = Math.max(...text.split("\n").map((line) => [...line].length));
  if (longest > 80) throw new Error(`a line is ${longest} columns wide`);
});
