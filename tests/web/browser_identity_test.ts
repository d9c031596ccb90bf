/**
 * Runs the identity scenario of `browser_identity_scenarios.ts` in a child
 * `deno test --allow-all` (playwright-core needs more than the permissions of
 * `deno task test`), and fails with the child's output when it fails.
 */

import { assertEqual } from "../_helpers/assert.ts";
import { browserUnavailable } from "../_helpers/browser_available.ts";
import { PROTOCOL_VERSION } from "../../protocol/messages.ts";

const SCENARIOS = new URL("./browser_identity_scenarios.ts", import.meta.url).pathname;

// The identity exchange is protocol version 2: a server before it has nothing to prove against.
const unavailable = PROTOCOL_VERSION < 2
  ? "this server speaks no identity exchange"
  : browserUnavailable();
if (unavailable) console.log(`skipping the browser identity test: ${unavailable}`);

Deno.test({
  name: "web client identity: a non-extractable key in IndexedDB, the same after a reload",
  ignore: unavailable !== undefined,
}, async () => {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["test", "--allow-all", SCENARIOS],
    env: { NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(180_000),
  }).output();
  const decoder = new TextDecoder();
  const out = decoder.decode(stdout);
  assertEqual(code, 0, `scenario failed:\n${out}\n${decoder.decode(stderr)}`);
  assertEqual(/ok \| 1 passed/.test(out), true, `expected one passing scenario:\n${out}`);
});
