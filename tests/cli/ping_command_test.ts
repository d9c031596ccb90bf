import { encodeMessage, PROTOCOL_VERSION } from "../../protocol/messages.ts";
import { assert, assertEqual, assertMatch } from "../_helpers/assert.ts";
import { RawClient } from "../_helpers/raw_client.ts";
import { startServe } from "../_helpers/serve_process.ts";
import { formatPing, ping } from "../../cli/ping_command.ts";

const MAIN = new URL("../../main.ts", import.meta.url).pathname;

async function runPing(args: string[], env: Record<string, string> = {}) {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-net", "--allow-read", "--allow-env", MAIN, "ping", ...args],
    env: { NO_COLOR: "1", ...env },
    stdin: "null",
  }).output();
  const decoder = new TextDecoder();
  return { code, stdout: decoder.decode(stdout), stderr: decoder.decode(stderr) };
}

Deno.test("formatPing says name, software, users and round trip", () => {
  assertEqual(
    formatPing({
      address: "tcp://127.0.0.1:5003",
      server: "team",
      software: "parley/0.1.0",
      protocol: 1,
      online: 1,
      rttMs: 0.5,
    }),
    "team (parley/0.1.0) at tcp://127.0.0.1:5003: 1 user online, round trip 0.50 ms",
  );
});

Deno.test("parley ping reports name, version, users online and rtt without notifying the room", async () => {
  await using server = await startServe(["--name", "team-room"]);
  await using alice = await RawClient.join(server.port, "alice");
  const before = alice.received.length;
  const result = await runPing([`tcp://127.0.0.1:${server.port}`]);
  assertEqual(result.code, 0, result.stderr);
  assertMatch(
    result.stdout,
    new RegExp(
      `^team-room \\(parley/\\d+\\.\\d+\\.\\d+\\) at tcp://127\\.0\\.0\\.1:${server.port}: 1 user online, round trip \\d+\\.\\d\\d ms\\n$`,
    ),
  );
  // A chat message after the ping arrives with nothing from the probe before it.
  await using _bob = await RawClient.join(server.port, "bob");
  await alice.next((m) => m.type === "join" && m.nick === "bob");
  const seen = alice.received.slice(before);
  assertEqual(seen.length, 1, `alice saw ${JSON.stringify(seen)}`);
  assert(!(await server.log()).includes("join ping"), "the probe must not join");
});

Deno.test("parley ping --json prints one object for scripts", async () => {
  await using server = await startServe();
  const result = await runPing([`127.0.0.1:${server.port}`, "--json"]);
  assertEqual(result.code, 0, result.stderr);
  const report = JSON.parse(result.stdout);
  assertEqual(report.ok, true);
  assertEqual(report.server, "parley");
  assertEqual(report.online, 0);
  assertEqual(report.protocol, PROTOCOL_VERSION);
  assertEqual(report.address, `tcp://127.0.0.1:${server.port}`);
  assert(typeof report.rttMs === "number" && report.rttMs >= 0);
});

Deno.test("parley ping exits 3 with a sentence when nothing listens", async () => {
  const probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (probe.addr as Deno.NetAddr).port;
  probe.close();
  const result = await runPing([`127.0.0.1:${port}`]);
  assertEqual(result.code, 3);
  assertMatch(result.stderr, /^parley ping: Connection refused by tcp:\/\/127\.0\.0\.1:\d+: /);
  const json = await runPing([`127.0.0.1:${port}`, "--json"]);
  assertEqual(json.code, 3);
  assertEqual(JSON.parse(json.stdout).ok, false);
});

Deno.test("parley ping exits 5 when the server wants a password, and 0 with it", async () => {
  await using server = await startServe([], { env: { PARLEY_PASSWORD: "s3cret" } });
  const without = await runPing([`127.0.0.1:${server.port}`]);
  assertEqual(without.code, 5, without.stderr);
  assertMatch(without.stderr, /This server requires a password/);
  const withIt = await runPing([`127.0.0.1:${server.port}`], { PARLEY_PASSWORD: "s3cret" });
  assertEqual(withIt.code, 0, withIt.stderr);
});

Deno.test("parley ping rejects a bad address with exit 2", async () => {
  const result = await runPing(["http://example.invalid"]);
  assertEqual(result.code, 2);
  assertMatch(result.stderr, /Unsupported scheme "http:\/\/"/);
});

Deno.test("parley ping rejects a bad --timeout with exit 2 and takes durations", async () => {
  for (const bad of ["5x", "0", "soon"]) {
    const result = await runPing(["--timeout", bad, "127.0.0.1:1"]);
    assertEqual(result.code, 2, bad);
    assertMatch(result.stderr, /--timeout must be a duration such as 500ms or 5s/);
  }
  // A valid timeout gets as far as connecting (nothing listens on port 1: exit 3).
  assertEqual((await runPing(["--timeout", "1.5s", "127.0.0.1:1"])).code, 3);
});

Deno.test("formatPing names the node and cluster when the welcome carries them", () => {
  assertEqual(
    formatPing({
      address: "tcp://10.0.0.2:5003",
      server: "team",
      software: "parley/0.1.0",
      protocol: 2,
      online: 7,
      rttMs: 1,
      node: "node-2",
      cluster: "parley",
    }),
    "team (parley/0.1.0) at tcp://10.0.0.2:5003 node node-2 of cluster parley: 7 users online, " +
      "round trip 1.00 ms",
  );
});

Deno.test("parley ping tries a comma-separated list in turn and reports the address that answered", async () => {
  await using server = await startServe(["--name", "second"]);
  // A port nobody listens on: bind, note it, close.
  const closed = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const deadPort = (closed.addr as Deno.NetAddr).port;
  closed.close();
  const result = await runPing([`127.0.0.1:${deadPort},127.0.0.1:${server.port}`, "--json"]);
  assertEqual(result.code, 0, result.stderr);
  const report = JSON.parse(result.stdout);
  assertEqual(report.server, "second");
  assertEqual(report.address, `tcp://127.0.0.1:${server.port}`);
  const none = await runPing([`127.0.0.1:${deadPort},127.0.0.1:${deadPort}`, "--timeout", "2s"]);
  assertEqual(none.code, 3, none.stderr);
});

Deno.test("ping reports node and cluster from a clustered server's welcome", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const serving = (async () => {
    const conn = await listener.accept();
    await conn.read(new Uint8Array(4096)); // the probe's hello
    await conn.write(encodeMessage({
      type: "welcome",
      version: PROTOCOL_VERSION,
      server: "team",
      software: "parley/0.1.0",
      nick: "",
      room: "",
      users: [],
      online: 3,
      limits: { maxFrameBytes: 1 << 20, maxTextBytes: 8192, heartbeatMs: 30_000 },
      node: "node-b",
      cluster: "prod",
    }));
    conn.close();
  })();
  try {
    const port = (listener.addr as Deno.NetAddr).port;
    const result = await ping({ hostname: "127.0.0.1", port, tls: false }, { timeoutMs: 5000 });
    assertEqual([result.node, result.cluster, result.online], ["node-b", "prod", 3]);
  } finally {
    await serving;
    listener.close();
  }
});
