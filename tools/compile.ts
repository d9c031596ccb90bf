/**
 * `deno task compile`: builds self-contained Parley executables,
 * `dist/parley-<target>[.exe]`, for every supported target (or the ones
 * named), with Parley's permissions baked in by name (never `-A`) and the
 * `web/` directory embedded when it exists.
 *
 * `deno compile` needs Deno's runtime base (`denort`) for each target: it
 * downloads it into `$DENO_DIR/dl/release/v<version>/denort-<target>.zip`
 * once, or uses the file named by `DENORT_BIN` (host target only).
 *
 * Usage: `deno task compile [--target TARGET ...|--host] [--out DIR] [--dry-run]`
 *
 * @module
 */

import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

/** The targets release builds cover (Deno's `--target` names). */
export const TARGETS = [
  "x86_64-unknown-linux-gnu",
  "aarch64-unknown-linux-gnu",
  "x86_64-apple-darwin",
  "aarch64-apple-darwin",
  "x86_64-pc-windows-msvc",
] as const;

/**
 * The permissions the executable runs with: network (serve, join, ping, the
 * ngrok agent API), files (log, config, password and CA files, `web/`),
 * environment (`PARLEY_*`), the two system facts the join hints need,
 * running `ngrok` for `--tunnel ngrok`, and libc through FFI on Linux (direct
 * socket writes for the fanout, the accept backlog).
 */
export const PERMISSIONS = [
  "--allow-net",
  "--allow-read",
  "--allow-write",
  "--allow-env",
  "--allow-sys=networkInterfaces,hostname",
  "--allow-run=ngrok",
  // libc's send(2), listen(2), getsockname(2) and getpeername(2), for the
  // fanout's direct socket writes and the accept backlog
  // (server/transport/direct_socket.ts, raise_listen_backlog.ts). The code
  // that can call them is fixed at compile time.
  "--allow-ffi",
] as const;

/** Options for {@linkcode compileArgs}. */
export interface CompileArgsOptions {
  /** The checkout's root directory (holds `main.ts`). */
  root: string;
  /**
   * Output directory.
   * @default {`${root}/dist`}
   */
  outDir?: string;
  /** Whether `web/` exists and must be embedded. */
  includeWeb: boolean;
}

/**
 * The executable's file name for a target: `parley-<target>`, plus `.exe` on Windows.
 *
 * @param target A Deno target triple.
 * @returns e.g. `parley-x86_64-pc-windows-msvc.exe`.
 */
export function executableName(target: string): string {
  return `parley-${target}${target.includes("windows") ? ".exe" : ""}`;
}

/**
 * The `deno compile` arguments (after the `deno` executable) for one target.
 *
 * @param target A Deno target triple from {@linkcode TARGETS}.
 * @param options See {@linkcode CompileArgsOptions}.
 * @returns The arguments.
 *
 * @example
 * ```ts
 * import { compileArgs } from "./compile.ts";
 * compileArgs("x86_64-unknown-linux-gnu", { root: "/src/parley", includeWeb: false });
 * // ["compile", "--allow-net", ..., "--target", "x86_64-unknown-linux-gnu",
 * //  "--output", "/src/parley/dist/parley-x86_64-unknown-linux-gnu", "/src/parley/main.ts"]
 * ```
 */
export function compileArgs(target: string, options: CompileArgsOptions): string[] {
  const outDir = options.outDir ?? `${options.root}/dist`;
  return [
    "compile",
    ...PERMISSIONS,
    // serve --reuse-port binds with Deno.listen({ reusePort }), an unstable API in Deno 2.9.
    "--unstable-net",
    ...(options.includeWeb ? ["--include", `${options.root}/web`] : []),
    "--target",
    target,
    "--output",
    `${outDir}/${executableName(target)}`,
    `${options.root}/main.ts`,
  ];
}

/**
 * Where Deno keeps (or would download) the runtime base for a target, and
 * whether it is there. `DENORT_BIN` counts only for the host target.
 *
 * @param target A Deno target triple.
 * @returns `available` and, when it is, `source`; else `reason`, a sentence.
 */
export async function denortStatus(
  target: string = Deno.build.target,
): Promise<{ available: true; source: string } | { available: false; reason: string }> {
  const fromEnv = Deno.env.get("DENORT_BIN");
  if (fromEnv && target === Deno.build.target) {
    try {
      if (Deno.statSync(fromEnv).isFile) {
        return { available: true, source: `DENORT_BIN=${fromEnv}` };
      }
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
    return { available: false, reason: `DENORT_BIN is set to ${fromEnv}, which does not exist` };
  }
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json"],
    stdout: "piped",
    stderr: "null",
    env: { NO_COLOR: "1" },
  }).output();
  const denoDir = (JSON.parse(new TextDecoder().decode(output.stdout)) as { denoDir: string })
    .denoDir;
  const cached = `${denoDir}/dl/release/v${Deno.version.deno}/denort-${target}.zip`;
  try {
    Deno.statSync(cached);
    return { available: true, source: cached };
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return {
    available: false,
    reason: `Deno's runtime base for ${target} is not in the cache (${cached}) and DENORT_BIN ` +
      "is not set; deno compile would have to download it",
  };
}

/**
 * Builds the executables.
 *
 * @param args Command-line arguments: `--target T` (repeatable), `--host`,
 *   `--out DIR`, `--dry-run` (print the commands only).
 * @returns Exit code: 0 if every build succeeded, 1 if one failed, 2 for bad arguments.
 */
export async function compileMain(args: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        target: { type: "string", multiple: true },
        host: { type: "boolean" },
        out: { type: "string" },
        "dry-run": { type: "boolean" },
      },
    }));
  } catch (error) {
    console.error(`compile: ${(error as Error).message}`);
    return 2;
  }
  const root = fileURLToPath(new URL("..", import.meta.url)).replace(/[\\/]$/, "");
  const targets = values.host ? [Deno.build.target] : values.target ?? [...TARGETS];
  for (const target of targets) {
    if (!(TARGETS as readonly string[]).includes(target)) {
      console.error(`compile: unknown target "${target}"; use one of ${TARGETS.join(", ")}`);
      return 2;
    }
  }
  let includeWeb = false;
  try {
    includeWeb = Deno.statSync(`${root}/web`).isDirectory;
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  let failed = 0;
  for (const target of targets) {
    const cmdArgs = compileArgs(target, { root, outDir: values.out, includeWeb });
    console.log(`deno ${cmdArgs.join(" ")}`);
    if (values["dry-run"]) continue;
    const { code } = await new Deno.Command(Deno.execPath(), {
      args: cmdArgs,
      stdout: "inherit",
      stderr: "inherit",
    }).output();
    if (code !== 0) {
      console.error(`compile: building ${executableName(target)} failed (exit ${code})`);
      failed++;
    }
  }
  return failed > 0 ? 1 : 0;
}

if (import.meta.main) Deno.exit(await compileMain(Deno.args));
