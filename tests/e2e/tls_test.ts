import { assert, assertEqual, assertMatch } from "../_helpers/assert.ts";
import { encodeMessage } from "../../protocol/messages.ts";
import { runJoin, startServe } from "../_helpers/serve_process.ts";
import { makeTestCerts } from "../_helpers/tls_certs.ts";

Deno.test("TLS: join verifies the server with --ca, chats, and prints the fingerprint", async () => {
  await using certs = await makeTestCerts(["DNS:localhost", "IP:127.0.0.1"]);
  await using server = await startServe(["--tls-cert", certs.certFile, "--tls-key", certs.keyFile]);
  assert(
    server.stdout.some((l) => l.includes(`parley join tls://127.0.0.1:${server.port}`)) ||
      (await new Promise((r) => setTimeout(r, 200)),
        server.stdout.some((l) => l.includes(`tls://127.0.0.1:${server.port}`))),
    JSON.stringify(server.stdout),
  );
  for (const address of [`tls://127.0.0.1:${server.port}`, `tls://localhost:${server.port}`]) {
    const result = await runJoin([address, "--nick", "amy", "--ca", certs.caFile], "over tls\n");
    assertEqual(result.code, 0, result.stderr);
    assert(result.stdout.includes(`SHA-256 ${certs.fingerprint}`), result.stdout);
    assertMatch(result.stdout, /<amy> over tls/);
  }
  const viaFlag = await runJoin(
    [`127.0.0.1:${server.port}`, "--tls", "--nick", "bo", "--ca", certs.caFile],
    "hi\n",
  );
  assertEqual(viaFlag.code, 0, viaFlag.stderr);
});

Deno.test("TLS: join refuses a certificate for another name", async () => {
  await using certs = await makeTestCerts(["DNS:wrong.example"]);
  await using server = await startServe(["--tls-cert", certs.certFile, "--tls-key", certs.keyFile]);
  const result = await runJoin(
    [`tls://127.0.0.1:${server.port}`, "--nick", "amy", "--ca", certs.caFile],
    "must not be sent\n",
  );
  assertEqual(result.code, 3, result.stderr);
  assertMatch(
    result.stderr,
    /TLS handshake with tls:\/\/127\.0\.0\.1:\d+ failed: .*does not match certificate's altnames/,
  );
  assert(!result.stdout.includes("must not be sent"));
  assert(!(await server.log()).includes("join amy"), "no session may be created");
});

Deno.test("TLS: with --ca, join refuses a certificate from another CA (no trust on first use)", async () => {
  await using certs = await makeTestCerts(["IP:127.0.0.1"]);
  await using other = await makeTestCerts(["IP:127.0.0.1"]);
  await using server = await startServe(["--tls-cert", certs.certFile, "--tls-key", certs.keyFile]);
  const result = await runJoin(
    [`tls://127.0.0.1:${server.port}`, "--nick", "amy", "--ca", other.caFile],
    "must not be sent\n",
  );
  assertEqual(result.code, 3, result.stderr);
  assertMatch(result.stderr, /TLS handshake .* failed: .*(certificate|issuer)/i);
  assert(!(await server.log()).includes("join amy"), "no session may be created");
});

Deno.test("TLS: plain TCP and garbage to a TLS server leave it serving", async () => {
  await using certs = await makeTestCerts(["IP:127.0.0.1"]);
  await using server = await startServe([
    "--tls-cert",
    certs.certFile,
    "--tls-key",
    certs.keyFile,
    "--handshake-timeout",
    "2s",
  ]);
  // A plain-TCP hello gets a TLS alert or a close, never a crash.
  const plain = await Deno.connect({ hostname: "127.0.0.1", port: server.port });
  await plain.write(encodeMessage({ type: "hello", version: 1, nick: "plain" }));
  assert(await readsToEnd(plain, 8000), "a plain-TCP hello must be dropped");
  // A connection that never starts the TLS handshake is closed after the
  // handshake timeout (Deno.listenTls would keep its socket open: see node_tls_listener.ts).
  const silent = await Deno.connect({ hostname: "127.0.0.1", port: server.port });
  assert(await readsToEnd(silent, 8000), "a silent TLS connection must be dropped");
  const ok = await runJoin(
    [`tls://127.0.0.1:${server.port}`, "--nick", "amy", "--ca", certs.caFile],
    "still fine\n",
  );
  assertEqual(ok.code, 0, ok.stderr);
});

Deno.test("serve refuses --tls-cert without --tls-key, and an unreadable key", async () => {
  await using certs = await makeTestCerts(["IP:127.0.0.1"]);
  const half = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      new URL("../../main.ts", import.meta.url).pathname,
      "serve",
      "--port",
      "0",
      "--tls-cert",
      certs.certFile,
    ],
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(20_000),
  }).output();
  assertEqual(half.code, 2);
  assertMatch(new TextDecoder().decode(half.stderr), /--tls-cert and --tls-key go together/);
  const badKey = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      new URL("../../main.ts", import.meta.url).pathname,
      "serve",
      "--host",
      "127.0.0.1",
      "--port",
      "0",
      "--tls-cert",
      certs.certFile,
      "--tls-key",
      certs.caFile,
      "--log-file",
      `${certs.dir}/chat.log`,
    ],
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(20_000),
  }).output();
  assertEqual(badKey.code, 2, new TextDecoder().decode(badKey.stderr));
  assertMatch(new TextDecoder().decode(badKey.stderr), /cannot use the TLS certificate or key/);
});

/** Reads until the peer closes; `false` if it is still open after `timeoutMs`. */
async function readsToEnd(conn: Deno.Conn, timeoutMs: number): Promise<boolean> {
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    conn.close();
  }, timeoutMs);
  const buffer = new Uint8Array(4096);
  try {
    while (await conn.read(buffer) !== null) { /* discard */ }
  } catch (error) {
    if (
      !(error instanceof Deno.errors.ConnectionReset || error instanceof Deno.errors.BadResource ||
        error instanceof Deno.errors.Interrupted)
    ) throw error;
  } finally {
    clearTimeout(timer);
    if (!timedOut) conn.close();
  }
  return !timedOut;
}

Deno.test("TLS: join --ca accepts the usual openssl req -x509 self-signed certificate (CA:TRUE)", async () => {
  const dir = await Deno.makeTempDir({ prefix: "parley-openssl-x509-" });
  try {
    const made = await new Deno.Command("openssl", {
      args: [
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-subj",
        "/CN=localhost",
        "-addext",
        "subjectAltName=DNS:localhost,IP:127.0.0.1",
        "-days",
        "1",
        "-keyout",
        `${dir}/server.key`,
        "-out",
        `${dir}/server.pem`,
      ],
      stdout: "null",
      stderr: "piped",
    }).output();
    assertEqual(made.code, 0, new TextDecoder().decode(made.stderr));
    await using server = await startServe([
      "--tls-cert",
      `${dir}/server.pem`,
      "--tls-key",
      `${dir}/server.key`,
    ]);
    const result = await runJoin(
      [`tls://localhost:${server.port}`, "--nick", "amy", "--ca", `${dir}/server.pem`],
      "self-signed works\n",
    );
    assertEqual(result.code, 0, result.stderr);
    assertMatch(result.stdout, /<amy> self-signed works/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
