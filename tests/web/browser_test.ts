/**
 * Runs the headless-Chromium scenarios of `browser_scenarios.ts` and
 * `browser_polish_scenarios.ts`, each in a child `deno test --allow-all`
 * (playwright-core needs more than the permissions of `deno task test`; see
 * `browser_scenarios.ts`), and fails with the child's output when one fails.
 */

import { assertEqual } from "../_helpers/assert.ts";
import { browserUnavailable } from "../_helpers/browser_available.ts";

const SCENARIOS = new URL("./browser_scenarios.ts", import.meta.url).pathname;
const POLISH = new URL("./browser_polish_scenarios.ts", import.meta.url).pathname;
const NAMES: (string | [file: string, name: string])[] = [
  "web client and terminal client chat both ways, share the sidebar, and markup stays text",
  "web client reconnects after a reload and shows what came before",
  "web client shows offline and reconnects by itself when the server comes back",
  "web client does not reconnect after a kick (bye code kicked)",
  "voice and video messages: recorded in one browser, played in another, saved by the terminal",
  [POLISH, "web client layout: multi-line text is a preformatted block and Send stays on screen"],
  [
    POLISH,
    "web client has the terminal's commands and keys: /who, /emoji, /ignore, Tab, Up, links",
  ],
  [POLISH, "web client shows an explicit /history in full, including lines seen"],
  [
    POLISH,
    "web client queues lines typed offline, shows them pending, and sends them on reconnect",
  ],
  [
    POLISH,
    "web client: unread count in the title, new-messages marker, day separators, mention alerts",
  ],
  [POLISH, "voice and video players show the recording's length before they play"],
  [POLISH, "web client says which lines sent just before a drop were never confirmed"],
];

const unavailable = browserUnavailable();
if (unavailable) console.log(`skipping browser tests: ${unavailable}`);

for (const entry of NAMES) {
  const [file, name] = typeof entry === "string" ? [SCENARIOS, entry] : entry;
  Deno.test({ name, ignore: unavailable !== undefined }, async () => {
    const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
      args: ["test", "--allow-all", "--filter", name, file],
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
