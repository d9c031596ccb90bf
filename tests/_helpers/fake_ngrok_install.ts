/**
 * Puts a stand-in `ngrok` (see `fake_ngrok.ts`) into a fresh directory, for
 * tests to put first on `PATH`.
 *
 * @module
 */

/** A directory holding an executable `ngrok` stand-in. */
export interface FakeNgrok extends AsyncDisposable {
  /** The directory to prepend to `PATH`. */
  dir: string;
  /** `PATH` with `dir` first. */
  path: string;
  /** The agent API base URL it will serve, e.g. `http://127.0.0.1:40123`. */
  apiUrl: string;
  /** Environment for the process that will run it. */
  env(mode: "ok" | "noauth" | "empty"): Record<string, string>;
  /** What the stand-in recorded: `args ...` lines and `stopped`. */
  record(): Promise<string>;
}

/**
 * Writes the stand-in and picks a free loopback port for its agent API.
 *
 * @returns The installed stand-in; dispose it to remove the directory.
 */
export async function installFakeNgrok(): Promise<FakeNgrok> {
  const dir = await Deno.makeTempDir({ prefix: "parley-fake-ngrok-" });
  const script = new URL("./fake_ngrok.ts", import.meta.url).pathname;
  const recordFile = `${dir}/record.txt`;
  await Deno.writeTextFile(recordFile, "");
  await Deno.writeTextFile(
    `${dir}/ngrok`,
    `#!/bin/sh\nexec "${Deno.execPath()}" run --quiet --allow-net=127.0.0.1 --allow-env --allow-write="${dir}" "${script}" "$@"\n`,
  );
  await Deno.chmod(`${dir}/ngrok`, 0o755);
  const probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const apiPort = (probe.addr as Deno.NetAddr).port;
  probe.close();
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const path = `${dir}:${Deno.env.get("PATH") ?? ""}`;
  return {
    dir,
    path,
    apiUrl,
    env: (mode) => ({
      PATH: path,
      PARLEY_NGROK_API: apiUrl,
      FAKE_NGROK_MODE: mode,
      FAKE_NGROK_RECORD: recordFile,
    }),
    record: () => Deno.readTextFile(recordFile),
    async [Symbol.asyncDispose]() {
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    },
  };
}
