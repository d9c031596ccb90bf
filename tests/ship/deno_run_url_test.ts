import { assertEqual, assertMatch } from "../_helpers/assert.ts";
import { spawnLines } from "../_helpers/line_process.ts";
import {
  JOIN_PERMISSIONS,
  SERVE_PERMISSIONS,
  TEST_CONFIG_HOME,
} from "../_helpers/serve_process.ts";

const ROOT = new URL("../../", import.meta.url);

/** A tiny static file server for the checkout, on loopback. */
function serveCheckout(): Deno.HttpServer<Deno.NetAddr> {
  return Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (request) => {
    const path = decodeURIComponent(new URL(request.url).pathname);
    if (path.includes("..")) return new Response("bad path", { status: 400 });
    try {
      return new Response(await Deno.readFile(new URL(`.${path}`, ROOT)), {
        headers: { "content-type": "application/typescript; charset=utf-8" },
      });
    } catch (error) {
      if (error instanceof Deno.errors.NotFound || error instanceof Deno.errors.IsADirectory) {
        return new Response("not found", { status: 404 });
      }
      throw error;
    }
  });
}

Deno.test("deno run http://.../main.ts works with no local files: --version, serve and join", async () => {
  await using http = serveCheckout();
  const origin = `127.0.0.1:${http.addr.port}`;
  const url = `http://${origin}/main.ts`;
  // A directory with no deno.json, so nothing local is picked up.
  const dir = await Deno.makeTempDir({ prefix: "parley-url-" });
  const importFlag = `--allow-import=${origin}`;
  const version = await new Deno.Command(Deno.execPath(), {
    args: ["run", importFlag, "--allow-env", url, "--version"],
    cwd: dir,
    stdin: "null",
    env: { NO_COLOR: "1" },
  }).output();
  assertEqual(version.code, 0, new TextDecoder().decode(version.stderr));
  assertMatch(
    new TextDecoder().decode(version.stdout),
    /^parley \d+\.\d+\.\d+\ndeno \S+\nprotocol \d+\n$/,
  );

  await using serve = spawnLines(Deno.execPath(), [
    "run",
    importFlag,
    ...SERVE_PERMISSIONS,
    url,
    "serve",
    "--host",
    "127.0.0.1",
    "--port",
    "0",
  ], { cwd: dir });
  const listening = await serve.waitFor(/^parley listening on /, 60_000);
  const port = Number(/:(\d+)$/.exec(listening)![1]);
  await using bob = spawnLines(
    Deno.execPath(),
    ["run", importFlag, ...JOIN_PERMISSIONS, url, "join", `127.0.0.1:${port}`, "--nick", "bob"],
    { cwd: dir, stdin: "piped", env: { XDG_CONFIG_HOME: TEST_CONFIG_HOME } },
  );
  await bob.waitFor("connected to", 60_000);
  // The join hint the server printed is a command that works as printed.
  const hint = await serve.waitFor(/join with: +deno run /);
  const command = hint.slice(hint.indexOf("deno run ")).split(" ");
  assertEqual(command.slice(-3), [url, "join", `127.0.0.1:${port}`]);
  assertEqual(command.includes(importFlag), true, hint);
  const alice = await new Deno.Command(Deno.execPath(), {
    args: [...command.slice(1), "--nick", "alice"],
    cwd: dir,
    stdin: "null",
    env: { NO_COLOR: "1", XDG_CONFIG_HOME: TEST_CONFIG_HOME },
  }).output();
  assertEqual(alice.code, 0, new TextDecoder().decode(alice.stderr));
  await bob.waitFor("alice joined #lobby");
  await bob.send("hello from a URL");
  assertEqual((await bob.end()).code, 0);
  assertEqual((await serve.stop("SIGTERM")).code, 0, await serve.stderr);
  assertMatch(await Deno.readTextFile(`${dir}/chat.log`), /join bob from 127\.0\.0\.1/);
  await Deno.remove(dir, { recursive: true });
});
