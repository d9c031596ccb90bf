import { assert, assertEqual, assertMatch } from "../../_helpers/assert.ts";
import { installFakeNgrok } from "../../_helpers/fake_ngrok_install.ts";
import { spawnLines } from "../../_helpers/line_process.ts";
import { MAIN, SERVE_PERMISSIONS } from "../../_helpers/serve_process.ts";
import { explainNgrokExit, findTcpTunnel } from "../../../cli/serve/ngrok_tunnel.ts";

Deno.test("findTcpTunnel picks the tcp tunnel forwarding to the port", () => {
  const body = {
    tunnels: [
      {
        public_url: "https://abc.ngrok.app",
        proto: "https",
        config: { addr: "http://localhost:5003" },
      },
      { public_url: "tcp://0.tcp.ngrok.io:1111", proto: "tcp", config: { addr: "localhost:6000" } },
      { public_url: "tcp://0.tcp.ngrok.io:2222", proto: "tcp", config: { addr: "localhost:5003" } },
    ],
    uri: "/api/tunnels",
  };
  assertEqual(findTcpTunnel(body, 5003), "tcp://0.tcp.ngrok.io:2222");
  assertEqual(findTcpTunnel(body, 7000), undefined);
  assertEqual(findTcpTunnel({ tunnels: [] }, 5003), undefined);
  assertEqual(findTcpTunnel("garbage", 5003), undefined);
});

Deno.test("explainNgrokExit recognises a missing authtoken", () => {
  assertMatch(
    explainNgrokExit(1, "ERROR:  authentication failed: ... authtoken.\nERROR:  ERR_NGROK_4018"),
    /^ngrok is not logged in: .*ngrok config add-authtoken/,
  );
  assertEqual(
    explainNgrokExit(3, "some line\nlast words\n"),
    "ngrok exited with code 3 before opening a tunnel: last words",
  );
});

// The stand-in ngrok is a /bin/sh script.
const ignore = Deno.build.os === "windows";
if (ignore) console.log("skipped ngrok stand-in tests: the stand-in is a POSIX shell script");

function serveWithTunnel(env: Record<string, string>, dir: string) {
  return spawnLines(Deno.execPath(), [
    "run",
    ...SERVE_PERMISSIONS,
    "--allow-run=ngrok",
    MAIN,
    "serve",
    "--host",
    "127.0.0.1",
    "--port",
    "0",
    "--log-file",
    `${dir}/chat.log`,
    "--tunnel",
    "ngrok",
  ], { env: { PARLEY_NGROK_TIMEOUT: "15s", ...env }, cwd: dir });
}

Deno.test({
  name: "serve --tunnel ngrok prints the public join line and stops ngrok on shutdown",
  ignore,
}, async () => {
  await using ngrok = await installFakeNgrok();
  await using serve = serveWithTunnel(ngrok.env("ok"), ngrok.dir);
  const listening = await serve.waitFor(/^parley listening on /);
  const port = Number(/:(\d+)$/.exec(listening)![1]);
  // Started with `deno run` from a clone: the line to share is a `deno task join`.
  const shared = await serve.waitFor("join tcp://7.tcp.eu.ngrok.io:17345");
  assertEqual(shared, "  deno task join tcp://7.tcp.eu.ngrok.io:17345");
  assertMatch(await ngrok.record(), new RegExp(`^args tcp ${port} --log stdout$`, "m"));
  const status = await serve.stop("SIGTERM");
  assertEqual(status.code, 0, await serve.stderr);
  assertMatch(await ngrok.record(), /^stopped$/m);
});

Deno.test(
  { name: "serve --tunnel ngrok --json reports the tunnel as a JSON event", ignore },
  async () => {
    await using ngrok = await installFakeNgrok();
    await using serve = spawnLines(Deno.execPath(), [
      "run",
      ...SERVE_PERMISSIONS,
      "--allow-run=ngrok",
      MAIN,
      "serve",
      "--host=127.0.0.1",
      "--port=0",
      `--log-file=${ngrok.dir}/chat.log`,
      "--json",
    ], { env: { ...ngrok.env("ok"), PARLEY_TUNNEL: "ngrok" }, cwd: ngrok.dir });
    const line = await serve.waitFor(/"event":"tunnel"/);
    const event = JSON.parse(line);
    assertEqual(event.url, "tcp://7.tcp.eu.ngrok.io:17345");
    assertEqual(event.join, "deno task join tcp://7.tcp.eu.ngrok.io:17345");
    assertEqual((await serve.stop("SIGTERM")).code, 0);
  },
);

Deno.test(
  { name: "serve --tunnel ngrok explains a missing ngrok and exits 1", ignore },
  async () => {
    const dir = await Deno.makeTempDir({ prefix: "parley-test-" });
    await using serve = serveWithTunnel({ PATH: dir }, dir);
    const status = await serve.end();
    assertEqual(status.code, 1);
    assertMatch(await serve.stderr, /ngrok is not installed or not on PATH: install it from/);
    await Deno.remove(dir, { recursive: true });
  },
);

Deno.test(
  { name: "serve --tunnel ngrok explains that ngrok is not logged in", ignore },
  async () => {
    await using ngrok = await installFakeNgrok();
    await using serve = serveWithTunnel(ngrok.env("noauth"), ngrok.dir);
    const status = await serve.end();
    assertEqual(status.code, 1);
    assertMatch(await serve.stderr, /ngrok is not logged in: .*ngrok config add-authtoken <TOKEN>/);
    assert(!serve.lines.some((l) => l.includes("join tcp://7.")), "no tunnel line expected");
  },
);

Deno.test(
  { name: "serve --tunnel ngrok gives up when the agent API never lists a tunnel", ignore },
  async () => {
    await using ngrok = await installFakeNgrok();
    await using serve = serveWithTunnel(
      { ...ngrok.env("empty"), PARLEY_NGROK_TIMEOUT: "3s" },
      ngrok.dir,
    );
    const status = await serve.end();
    assertEqual(status.code, 1);
    assertMatch(
      await serve.stderr,
      /showed no TCP tunnel to port \d+ within 3 s; is ngrok logged in\?/,
    );
    assertMatch(await ngrok.record(), /^stopped$/m);
  },
);

Deno.test({ name: "serve --tunnel rejects providers other than ngrok", ignore }, async () => {
  const dir = await Deno.makeTempDir({ prefix: "parley-test-" });
  await using serve = spawnLines(Deno.execPath(), [
    "run",
    ...SERVE_PERMISSIONS,
    MAIN,
    "serve",
    "--tunnel",
    "cloudflare",
  ], { cwd: dir });
  assertEqual((await serve.end()).code, 2);
  assertMatch(await serve.stderr, /--tunnel supports only "ngrok", got "cloudflare"/);
  await Deno.remove(dir, { recursive: true });
});
