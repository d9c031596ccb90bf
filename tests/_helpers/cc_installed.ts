/**
 * Whether a C compiler (`cc`) is on the PATH, for tests that build the C
 * load generator (`bench/c_worker/`).
 *
 * @module
 */

/** @returns True when `cc --version` runs. */
export async function ccInstalled(): Promise<boolean> {
  try {
    await new Deno.Command("cc", { args: ["--version"], stdout: "null", stderr: "null" }).output();
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}
