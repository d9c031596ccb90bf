/**
 * Whether the browser tests can run, without loading playwright-core (which
 * needs more permissions than `deno task test` grants).
 *
 * @module
 */

/** Path of the Chromium binary; `PARLEY_CHROMIUM` overrides it. */
export const CHROMIUM_PATH = Deno.env.get("PARLEY_CHROMIUM") ?? "/usr/bin/chromium";

/**
 * Why the browser tests cannot run here, or `undefined` when they can. On CI
 * (`CI` set) a missing browser is a failure, not a skip.
 */
export function browserUnavailable(): string | undefined {
  try {
    Deno.statSync(CHROMIUM_PATH);
    return undefined;
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
    if (Deno.env.get("CI")) return undefined;
    return `${CHROMIUM_PATH} not found (apt-get install -y chromium, or set PARLEY_CHROMIUM)`;
  }
}
