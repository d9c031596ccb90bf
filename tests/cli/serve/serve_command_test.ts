import { assert, assertEqual, assertMatch, assertThrows } from "../../_helpers/assert.ts";
import {
  describeStartError,
  joinHints,
  serveUsage,
  webLanUrls,
  webUrl,
} from "../../../cli/serve/serve_command.ts";
import { toClusterOptions, toServerOptions } from "../../../cli/serve/to_server_options.ts";
import { joinCommandFor } from "../../../cli/launch_command.ts";
import { MAIN, SERVE_PERMISSIONS } from "../../_helpers/serve_process.ts";
import { resolveServeConfig } from "../../../cli/serve/serve_options.ts";
import { HistoryStore } from "../../../server/storage/history_store.ts";

const addr = (hostname: string, port: number): Deno.NetAddr => ({
  transport: "tcp",
  hostname,
  port,
});

Deno.test("toServerOptions carries each resolved option to the server's field", () => {
  const config = resolveServeConfig(
    ["--port", "0", "--http", "8080", "--web-origin", "https://a.test, *", "--heartbeat", "5s"],
    (name) => ({ PARLEY_RETAIN_DAYS: "30", PARLEY_LOG_FILE: "/var/log/parley/chat.log" })[name],
  );
  const options = toServerOptions(config, "pw");
  assertEqual(options.port, 0);
  assertEqual(options.password, "pw");
  assertEqual(options.heartbeatMs, 5000);
  const { serverNames, ...web } = options.web ?? { port: 0 };
  assertEqual(web, { port: 8080, allowedOrigins: ["https://a.test", "*"], publicUrl: undefined });
  assert(Array.isArray(serverNames), "the LAN addresses and host name are passed in");
  assertEqual(options.retainDays, 30);
  assertEqual(options.maxClients, 1000);
  assertEqual(options.authLockoutMs, 300_000);
  // Without --data, the database sits beside the log file.
  assertEqual(options.dataFile, "/var/log/parley/parley.db");
  assertEqual(options.tlsCert, undefined);
});

Deno.test("toServerOptions leaves the web server off without --http and honours --data", () => {
  const options = toServerOptions(
    resolveServeConfig(["--data", ":memory:"], () => undefined),
    undefined,
  );
  assertEqual(options.web, undefined);
  assertEqual(options.dataFile, ":memory:");
  assertEqual(options.password, undefined);
});

Deno.test("toServerOptions takes --op-key repeated or as a list, checks each, and adds --public-name", () => {
  const a = "SHA256:If4x36FUomFia/hUBG/SJxt77UtqvkWqWId+9H+XIbk";
  const b = "SHA256:Zmh6rfhivXdsj8GLjp+OIAiXFIVu4jOzkCpZHQ1fKSU";
  const options = toServerOptions(
    resolveServeConfig(
      ["--op-key", a, "--op-key", b, "--public-name", "Chat.Example.org"],
      () => undefined,
    ),
    undefined,
  );
  assertEqual(options.operatorKeys, [a, b]);
  assertEqual(options.identityNames, ["localhost", "127.0.0.1", "::1", "chat.example.org"]);
  const listed = toServerOptions(
    resolveServeConfig([], (name) => ({ PARLEY_OP_KEYS: `${a}, ${b}` })[name]),
    undefined,
  );
  assertEqual(listed.operatorKeys, [a, b]);
  assertThrows(
    () => toServerOptions(resolveServeConfig(["--op-key", "alice"], () => undefined), undefined),
    TypeError,
    /^--op-key alice is not a key fingerprint/,
  );
});

Deno.test("toServerOptions wants --tls-cert and --tls-key together", () => {
  assertThrows(
    () => toServerOptions(resolveServeConfig(["--tls-cert", "c.pem"], () => undefined), undefined),
    TypeError,
    /^--tls-cert and --tls-key go together; give both or neither$/,
  );
});

Deno.test("webUrl shows a loopback address for a wildcard bind and brackets IPv6", () => {
  assertEqual(webUrl("http", addr("0.0.0.0", 8080)), "http://127.0.0.1:8080/");
  assertEqual(webUrl("https", addr("::", 8443)), "https://[::1]:8443/");
  assertEqual(webUrl("http", addr("fe80::1", 80)), "http://[fe80::1]:80/");
  assertEqual(webUrl("http", addr("10.0.0.5", 80)), "http://10.0.0.5:80/");
});

Deno.test("joinHints gives one line for a specific address, loopback first for a wildcard", () => {
  assertEqual(joinHints(addr("10.0.0.5", 5003)), ["  join with:     parley join 10.0.0.5:5003"]);
  assertEqual(joinHints(addr("::1", 5003)), ["  join with:     parley join [::1]:5003"]);
  assertEqual(joinHints(addr("0.0.0.0", 5003))[0], "  this machine:  parley join 127.0.0.1:5003");
});

Deno.test("joinHints prints the join command for how the server was started, LAN addresses too", () => {
  const lan = () => ["192.168.1.20"];
  assertEqual(joinHints(addr("::", 5003), { command: "deno task join", lan }), [
    "  this machine:  deno task join 127.0.0.1:5003",
    "  your network:  deno task join 192.168.1.20:5003",
  ]);
  assertEqual(joinHints(addr("::", 5003), { command: "parley join", tls: true, lan }), [
    "  this machine:  parley join tls://127.0.0.1:5003",
    "  your network:  parley join tls://192.168.1.20:5003",
  ]);
  assertEqual(webLanUrls("http", addr("::", 8080), lan), ["http://192.168.1.20:8080/"]);
  assertEqual(webLanUrls("http", addr("127.0.0.1", 8080), lan), []);
});

Deno.test("joinCommandFor knows a compiled binary, a clone and a script run from a URL", () => {
  assertEqual(
    joinCommandFor({ execPath: "/usr/local/bin/parley", mainModule: "file:///$deno$/main.ts" }),
    "parley join",
  );
  assertEqual(
    joinCommandFor({ execPath: "C:\\bin\\parley.exe", mainModule: "file:///b/main.ts" }),
    "parley join",
  );
  assertEqual(
    joinCommandFor({
      execPath: "/home/u/.deno/bin/deno",
      mainModule: "file:///src/parley/main.ts",
    }),
    "deno task join",
  );
  assertEqual(
    joinCommandFor({ execPath: "/usr/bin/deno", mainModule: "https://example.com/parley/main.ts" }),
    "deno run --allow-net --allow-read --allow-write --allow-env --allow-import=example.com " +
      "https://example.com/parley/main.ts join",
  );
  assertEqual(
    joinCommandFor({
      execPath: "/usr/bin/deno",
      mainModule: "https://raw.githubusercontent.com/o/parley/main/main.ts",
    }),
    "deno run --allow-net --allow-read --allow-write --allow-env " +
      "https://raw.githubusercontent.com/o/parley/main/main.ts join",
  );
});

Deno.test("describeStartError says what to fix in one sentence", () => {
  const options = { hostname: "nosuchhost", port: 5003 };
  assertEqual(
    describeStartError(new Deno.errors.AddrInUse("Address in use"), options),
    "port 5003 is already in use; stop the other server or pick another with --port",
  );
  assertMatch(
    describeStartError(
      new Error("failed to lookup address information: Name or service not known"),
      options,
    )!,
    /^cannot bind nosuchhost: the name could not be resolved; /,
  );
  assertEqual(describeStartError(new Error("something else"), options), undefined);
});

Deno.test("serve with an unknown host or a port in use exits 2 with one sentence, no stack trace", async () => {
  const dir = await Deno.makeTempDir({ prefix: "parley-start-" });
  const run = async (args: string[]) => {
    const { code, stderr } = await new Deno.Command(Deno.execPath(), {
      args: ["run", ...SERVE_PERMISSIONS, MAIN, "serve", "--log-file", `${dir}/chat.log`, ...args],
      stdin: "null",
      stdout: "null",
      signal: AbortSignal.timeout(20_000),
    }).output();
    return { code, stderr: new TextDecoder().decode(stderr) };
  };
  try {
    const host = await run(["--host", "nosuchhost.invalid", "--port", "0"]);
    assertEqual(host.code, 2, host.stderr);
    assertMatch(
      host.stderr,
      /^parley serve: cannot bind nosuchhost\.invalid: the name could not be resolved; [^\n]*\n$/,
    );
    using taken = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const port = (taken.addr as Deno.NetAddr).port;
    const busy = await run(["--host", "127.0.0.1", "--port", String(port)]);
    assertEqual(busy.code, 2, busy.stderr);
    assertEqual(
      busy.stderr,
      `parley serve: port ${port} is already in use; stop the other server or pick another with --port\n`,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("serveUsage lists every option and the precedence", () => {
  const usage = serveUsage();
  assertMatch(usage, /^Usage: parley serve \[options\]/);
  assertMatch(usage, /--max-clients N/);
  assertMatch(usage, /Flags win over\s+environment variables, which win over the --config file/);
});

Deno.test("toClusterOptions reads --cluster and its companions, the password from the environment or a file", async () => {
  const env: Record<string, string> = {
    PARLEY_CLUSTER: "nats://10.0.0.1, nats://10.0.0.2:4223",
    PARLEY_CLUSTER_PASSWORD: "s3cret",
  };
  const config = resolveServeConfig(
    [
      "--cluster-name",
      "team",
      "--cluster-node",
      "n-1",
      "--cluster-user",
      "parley",
      "--retain-days",
      "2",
    ],
    (name) => env[name],
  );
  const options = toClusterOptions(config, (name) => env[name])!;
  assertEqual(options.servers, ["nats://10.0.0.1:4222", "nats://10.0.0.2:4223"]);
  assertEqual([options.name, options.nodeId, options.user, options.password], [
    "team",
    "n-1",
    "parley",
    "s3cret",
  ]);
  assertEqual([options.replicas, options.heartbeatMs, options.maxAgeMs], [1, 2000, 2 * 86_400_000]);
  assertEqual(options.maxPerSubject, 10_000);
  // Without --cluster, nothing; a cluster node indexes the stream in memory unless --data says.
  const single = resolveServeConfig([], () => undefined);
  assertEqual(toClusterOptions(single, () => undefined), undefined);
  assertEqual(toServerOptions(config, undefined).dataFile, ":memory:");
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/pw`, "from-file\n");
    const fromFile = resolveServeConfig(
      ["--cluster", "nats://a", "--cluster-password-file", `${dir}/pw`],
      () => undefined,
    );
    assertEqual(toClusterOptions(fromFile, (name) => env[name])!.password, "from-file");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  const badName = resolveServeConfig(
    ["--cluster", "nats://a", "--cluster-name", "a.b"],
    () => undefined,
  );
  assertThrows(() => toClusterOptions(badName, () => undefined), TypeError);
});

Deno.test("toServerOptions passes --public-url to the web server and refuses a non-URL", () => {
  const options = toServerOptions(
    resolveServeConfig(
      ["--http", "0", "--public-url", "https://chat.example.org"],
      () => undefined,
    ),
    undefined,
  );
  assertEqual(options.web?.publicUrl, "https://chat.example.org/");
  assertThrows(
    () =>
      toServerOptions(
        resolveServeConfig(["--http", "0", "--public-url", "chat.example.org"], () => undefined),
        undefined,
      ),
    TypeError,
    /^--public-url must be an http or https URL, got "chat\.example\.org"$/,
  );
});

/** Runs `parley serve` to its end; it must not start. */
async function serveFails(args: string[]): Promise<{ code: number; stderr: string }> {
  const main = new URL("../../../main.ts", import.meta.url).pathname;
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", main, "serve", "--host", "127.0.0.1", "--port", "0", ...args],
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).output();
  return { code: output.code, stderr: new TextDecoder().decode(output.stderr) };
}

Deno.test("serve names a database it cannot open in one sentence and exits 2", async () => {
  const dir = await Deno.makeTempDir({ prefix: "parley-serve-" });
  try {
    // A directory is never a database, whoever runs the test.
    await Deno.mkdir(`${dir}/not-a-file.db`);
    const result = await serveFails([
      "--log-file",
      `${dir}/chat.log`,
      "--data",
      `${dir}/not-a-file.db`,
    ]);
    assertEqual(result.code, 2, result.stderr);
    assertMatch(
      result.stderr,
      /^parley serve: Cannot open history database .*not-a-file\.db: .+\n$/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("serve names a read-only database in one sentence and exits 2, with no stack trace", async () => {
  const dir = await Deno.makeTempDir({ prefix: "parley-serve-" });
  const db = `${dir}/parley.db`;
  let immutable = false;
  try {
    // A database left with its -wal and -shm beside it (as after a crash): it
    // opens, so the failure came only at the first write, as a stack trace.
    const live = new HistoryStore(`${dir}/live.db`);
    live.addBan({ kind: "nick", value: "x", until: null, reason: "", by: "op", ts: 1 });
    for (const suffix of ["", "-wal", "-shm"]) {
      Deno.copyFileSync(`${dir}/live.db${suffix}`, `${db}${suffix}`);
    }
    live.close();
    Deno.chmodSync(db, 0o444);
    if (Deno.uid() === 0) {
      // Root writes through file modes; make the file immutable instead.
      const chattr = await new Deno.Command("chattr", { args: ["+i", db], stderr: "null" })
        .output().catch(() => undefined);
      immutable = chattr?.success === true;
      if (!immutable) {
        console.log("skipped: running as root without chattr, a read-only file cannot be made");
        return;
      }
    }
    const result = await serveFails(["--log-file", `${dir}/chat.log`, "--data", db]);
    assertEqual(result.code, 2, result.stderr);
    assertMatch(result.stderr, /^parley serve: Cannot open history database .*: .*readonly.*\n$/);
  } finally {
    if (immutable) await new Deno.Command("chattr", { args: ["-i", db] }).output();
    await Deno.remove(dir, { recursive: true });
  }
});
