import { assert, assertEqual, assertMatch } from "../_helpers/assert.ts";
import { spawnLines } from "../_helpers/line_process.ts";
import { TEST_CONFIG_HOME } from "../_helpers/serve_process.ts";
import {
  compileArgs,
  denortStatus,
  executableName,
  PERMISSIONS,
  TARGETS,
} from "../../tools/compile.ts";

const ROOT = new URL("../../", import.meta.url).pathname.replace(/\/$/, "");

Deno.test("compileArgs names every permission, never -A, and embeds web/ when present", () => {
  const args = compileArgs("x86_64-pc-windows-msvc", { root: "/src", includeWeb: true });
  assertEqual(args[0], "compile");
  for (const flag of PERMISSIONS) assert(args.includes(flag), `missing ${flag}`);
  assert(
    !args.some((a) => a === "-A" || a === "--allow-all" || a === "--allow-run"),
    args.join(" "),
  );
  assert(args.includes("--allow-sys=networkInterfaces,hostname"));
  assertEqual(args.slice(args.indexOf("--include"), args.indexOf("--include") + 2), [
    "--include",
    "/src/web",
  ]);
  assertEqual(args.slice(-4), [
    "x86_64-pc-windows-msvc",
    "--output",
    "/src/dist/parley-x86_64-pc-windows-msvc.exe",
    "/src/main.ts",
  ]);
  assert(!compileArgs(TARGETS[0], { root: "/src", includeWeb: false }).includes("--include"));
});

Deno.test("release targets cover Linux, macOS and Windows on x86_64 and aarch64 as the workflow builds them", async () => {
  assertEqual(TARGETS.map(executableName), [
    "parley-x86_64-unknown-linux-gnu",
    "parley-aarch64-unknown-linux-gnu",
    "parley-x86_64-apple-darwin",
    "parley-aarch64-apple-darwin",
    "parley-x86_64-pc-windows-msvc.exe",
  ]);
  const release = await Deno.readTextFile(`${ROOT}/.github/workflows/release.yml`);
  for (const target of TARGETS) assertMatch(release, new RegExp(`target: ${target}\\b`));
  assertMatch(release, /sha256sum|shasum -a 256/);
});

Deno.test("compile --dry-run prints one deno compile line per target", async () => {
  const { code, stdout } = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-run",
      "--allow-read",
      "--allow-write",
      "--allow-env",
      `${ROOT}/tools/compile.ts`,
      "--dry-run",
    ],
    stdin: "null",
  }).output();
  assertEqual(code, 0);
  const lines = new TextDecoder().decode(stdout).trim().split("\n");
  assertEqual(lines.length, TARGETS.length);
  for (const [i, target] of TARGETS.entries()) {
    assertMatch(
      lines[i],
      new RegExp(
        `^deno compile .*--target ${target} --output \\S+/dist/${
          executableName(target).replace(".", "\\.")
        } \\S+/main\\.ts$`,
      ),
    );
  }
});

const runtime = await denortStatus();
if (!runtime.available) {
  console.log(
    `skipped "compiled executable runs serve and two joins": ${runtime.reason}. ` +
      "Set DENORT_BIN to a denort binary (or run deno compile once where it can be downloaded) to run it.",
  );
}

Deno.test({
  name: "compiled executable runs serve and two joins",
  ignore: !runtime.available,
  async fn() {
    const out = await Deno.makeTempDir({ prefix: "parley-dist-" });
    const build = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--allow-run",
        "--allow-read",
        "--allow-write",
        "--allow-env",
        `${ROOT}/tools/compile.ts`,
        "--host",
        "--out",
        out,
      ],
      stdin: "null",
    }).output();
    assertEqual(build.code, 0, new TextDecoder().decode(build.stderr));
    const exe = `${out}/${executableName(Deno.build.target)}`;
    const version = await new Deno.Command(exe, { args: ["--version"], stdin: "null" }).output();
    assertMatch(new TextDecoder().decode(version.stdout), /^parley \d+\.\d+\.\d+\n/);
    await using serve = spawnLines(exe, [
      "serve",
      "--host",
      "127.0.0.1",
      "--port",
      "0",
      "--log-file",
      `${out}/chat.log`,
    ]);
    const port = Number(/:(\d+)$/.exec(await serve.waitFor(/^parley listening on /))![1]);
    await using bob = spawnLines(exe, ["join", `127.0.0.1:${port}`, "--nick", "bob"], {
      stdin: "piped",
      env: { XDG_CONFIG_HOME: TEST_CONFIG_HOME },
    });
    await bob.waitFor("connected to");
    const alice = await new Deno.Command(exe, {
      args: ["join", `127.0.0.1:${port}`, "--nick", "alice"],
      stdin: "null",
      env: { XDG_CONFIG_HOME: TEST_CONFIG_HOME },
    }).output();
    assertEqual(alice.code, 0, new TextDecoder().decode(alice.stderr));
    await bob.waitFor("alice joined #lobby");
    assertEqual((await bob.end()).code, 0);
    assertEqual((await serve.stop("SIGTERM")).code, 0);
    await Deno.remove(out, { recursive: true });
  },
});
