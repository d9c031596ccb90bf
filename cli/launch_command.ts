/**
 * How to run another `parley` subcommand the way this process was started,
 * for the hints `parley serve` prints: a compiled binary (`parley join ...`),
 * a clone (`deno task join ...`) or a script run from a URL
 * (`deno run --allow-... https://.../main.ts join ...`).
 *
 * @module
 */

/** What identifies how this process was started. */
export interface Launch {
  /** `Deno.execPath()`: the deno binary, or the compiled program. */
  execPath: string;
  /** `Deno.mainModule`: `file:` for a local script, `https:` for a URL. */
  mainModule: string;
}

/** Hosts Deno 2 imports from without `--allow-import`. */
const DEFAULT_IMPORT_HOSTS = [
  "deno.land",
  "jsr.io",
  "esm.sh",
  "cdn.jsdelivr.net",
  "raw.githubusercontent.com",
  "gist.githubusercontent.com",
];

/** Permissions `parley join` needs, as `deno task join` grants them. */
const JOIN_PERMISSIONS = "--allow-net --allow-read --allow-write --allow-env";

/**
 * The command that runs `parley join` for whoever reads the hint.
 *
 * @param launch How this process was started; defaults to this process.
 * @returns e.g. `parley join`, `deno task join`, or
 *   `deno run --allow-net --allow-read --allow-write --allow-env https://deno.land/x/p/main.ts join`
 *   (with `--allow-import=HOST` for a host Deno does not import from by default).
 *
 * @example
 * ```ts
 * import { joinCommandFor } from "./launch_command.ts";
 * joinCommandFor({ execPath: "/usr/local/bin/parley", mainModule: "file:///b/main.ts" }); // "parley join"
 * joinCommandFor({ execPath: "/usr/bin/deno", mainModule: "file:///src/parley/main.ts" }); // "deno task join"
 * ```
 */
export function joinCommandFor(launch: Launch = currentLaunch()): string {
  const program = launch.execPath.split(/[\\/]/).at(-1)!.replace(/\.exe$/i, "");
  if (program !== "deno") return `${program} join`;
  if (/^https?:/i.test(launch.mainModule)) {
    const host = new URL(launch.mainModule).host;
    // Deno imports from a few well-known hosts by default; others need --allow-import.
    const allowImport = DEFAULT_IMPORT_HOSTS.includes(host) ? "" : ` --allow-import=${host}`;
    return `deno run ${JOIN_PERMISSIONS}${allowImport} ${launch.mainModule} join`;
  }
  return "deno task join";
}

/** How this process was started. */
export function currentLaunch(): Launch {
  return { execPath: Deno.execPath(), mainModule: Deno.mainModule };
}
