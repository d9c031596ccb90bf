/**
 * Runs the headless-Chromium scenarios of `browser_scenarios.ts`, each in a
 * child `deno test --allow-all` (playwright-core needs more than the
 * permissions of `deno task test`; see that file), and fails with the child's
 * output when one fails.
 */

import { assertEqual } from "../_helpers/assert.ts";
import { browserUnavailable } from "../_helpers/browser_available.ts";

const SCENARIOS = new URL("./browser_scenarios.ts", import.meta.url).pathname;
const NAMES = [
  "web client and terminal client chat both ways, share the sidebar, and markup stays text",
  "web client reconnects after a reload and shows what came before",
  "web client shows offline and reconnects by itself when the server comes back",
  "web client does not reconnect after a kick (bye code kicked)",
  "voice and video messages: recorded in one browser, played in another, saved by the terminal",
];

const unavailable = browserUnavailable();
if (unavailable) console.log(`skipping browser tests: ${unavailable}`);

for (const name of NAMES) {
  Deno.test({ name, ignore: unavailable !== undefined }, async () => {
    const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
      args: ["test", "--allow-all", "--filter", name, SCENARIOS],
      env: { NO_COLOR: "1" },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      signal: AbortSignal.timeout(180_000),
    }).output();
    const decoder = new TextDecoder();
    const out = decoder.decode(stdout);
    assertEqual(
      code,
      0,
      `scenario failed:\n${out}\n${decoder.decode(stderr)}`,
    );
    // The filter must have matched exactly one scenario, or this test proves nothing.
    assertEqual(/ok \| 1 passed/.test(out), true, `expected one passing scenario:\n${out}`);
  });
}
