/**
 * Server identity the SSH way, end to end: `serve --tls-self-signed` keeps one
 * certificate with its data and prints its fingerprint; `parley join` and
 * `parley ping` trust it on first use, stay silent while it is the same,
 * refuse loudly when it changes, and accept the new one only when told to.
 */

import { assert, assertEqual, assertMatch } from "../_helpers/assert.ts";
import { MAIN, runJoin, startServe } from "../_helpers/serve_process.ts";

async function runPing(args: string[], env: Record<string, string>) {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, "ping", ...args],
    env: { NO_COLOR: "1", ...env },
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(30_000),
  }).output();
  const decoder = new TextDecoder();
  return { code, stdout: decoder.decode(stdout), stderr: decoder.decode(stderr) };
}

Deno.test("TOFU: first connect records, same is silent, changed is refused until accepted", async () => {
  const config = await Deno.makeTempDir({ prefix: "parley-tofu-" });
  const env = { XDG_CONFIG_HOME: config };
  try {
    await using server = await startServe(["--tls-self-signed"]);
    const fingerprint = /\(TLS certificate SHA-256 ([0-9A-F:]{95})\)$/.exec(
      server.listeningLine,
    )?.[1];
    assert(fingerprint, `the listening line shows the fingerprint: ${server.listeningLine}`);
    await Deno.stat(`${server.dir}/tls-self-signed.crt`);
    const address = `tls://127.0.0.1:${server.port}`;
    const hostPort = `127.0.0.1:${server.port}`;
    const knownServers = `${config}/parley/known_servers`;

    const first = await runJoin([address, "--nick", "amy"], "hello\n", env);
    assertEqual(first.code, 0, first.stderr);
    assertMatch(first.stdout, new RegExp(`first connection to ${address}: trusting its TLS`));
    assert(first.stdout.includes(fingerprint!), first.stdout);
    assertMatch(first.stdout, /<amy> hello/);
    assertEqual(
      (await Deno.readTextFile(knownServers)).trim(),
      `${hostPort} ${fingerprint}`,
      "recorded per address",
    );

    const same = await runJoin([address, "--nick", "amy"], "again\n", env);
    assertEqual(same.code, 0, same.stderr);
    assert(!same.stdout.includes("TLS"), `same fingerprint: nothing said\n${same.stdout}`);
    assertMatch(same.stdout, /<amy> again/);

    const pinged = await runPing([address], env);
    assertEqual(pinged.code, 0, pinged.stderr);
    assert(pinged.stdout.includes(`TLS certificate SHA-256 ${fingerprint}`), pinged.stdout);

    // Another certificate was seen before for this address.
    const old = "00:11:22:33";
    await Deno.writeTextFile(knownServers, `# my servers\n${hostPort} ${old}\n`);
    const changed = await runJoin([address, "--nick", "amy"], "must not be sent\n", env);
    assertEqual(changed.code, 3, "the exit code for TLS problems");
    assertMatch(changed.stderr, /CHANGED/);
    assert(changed.stderr.includes(`recorded: SHA-256 ${old}`), changed.stderr);
    assert(changed.stderr.includes(`now:      SHA-256 ${fingerprint}`), changed.stderr);
    assert(
      changed.stderr.includes(`parley join --accept-new-fingerprint ${hostPort}`),
      changed.stderr,
    );
    assert(!(await server.log()).includes("must not be sent"));
    const pingChanged = await runPing([address, "--json"], env);
    assertEqual(pingChanged.code, 3, pingChanged.stdout);
    assertEqual(JSON.parse(pingChanged.stdout).code, "trust");
    assert((await Deno.readTextFile(knownServers)).includes(old), "never overwritten silently");

    // The printed command, as printed (plus a nick), accepts the new one.
    const accepted = await runJoin(
      ["--accept-new-fingerprint", hostPort, "--nick", "amy"],
      "accepted\n",
      env,
    );
    assertEqual(accepted.code, 0, accepted.stderr);
    assertMatch(accepted.stdout, /accepted the new TLS certificate/);
    assertMatch(accepted.stdout, /<amy> accepted/);
    assertEqual(
      await Deno.readTextFile(knownServers),
      `# my servers\n${hostPort} ${fingerprint}\n`,
      "replaced in place, comments kept",
    );
    const after = await runJoin([address, "--nick", "amy"], "", env);
    assertEqual(after.code, 0, after.stderr);
    assert(!after.stdout.includes("TLS"), after.stdout);
  } finally {
    await Deno.remove(config, { recursive: true });
  }
});

Deno.test("serve --tls-self-signed reuses its certificate across restarts and reports it in --json", async () => {
  const dir = await Deno.makeTempDir({ prefix: "parley-selfsigned-" });
  try {
    const fingerprints: string[] = [];
    for (let run = 0; run < 2; run++) {
      await using server = await startServe(
        ["--tls-self-signed", "--data", `${dir}/chat.db`],
        { dir },
      );
      fingerprints.push(/SHA-256 ([0-9A-F:]+)\)$/.exec(server.listeningLine)![1]);
    }
    assertEqual(fingerprints[0], fingerprints[1], "the same certificate after a restart");
    const info = await Deno.stat(`${dir}/tls-self-signed.key`);
    assertEqual(info.mode! & 0o777, 0o600);
    const json = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        MAIN,
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        "0",
        "--json",
        "--tls-self-signed",
        "--data",
        `${dir}/chat.db`,
        "--log-file",
        `${dir}/chat.log`,
      ],
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const reader = json.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let text = "";
    while (!text.includes("\n")) {
      const { value, done } = await reader.read();
      if (done) break;
      text += value;
    }
    json.kill("SIGTERM");
    reader.releaseLock();
    await json.stdout.cancel().catch(() => {});
    await json.stderr.cancel();
    await json.status;
    const event = JSON.parse(text.split("\n")[0]);
    assertEqual(event.event, "listening");
    assertEqual(event.tls_fingerprint, fingerprints[0]);
    assert(
      // Run with `deno run` from a clone, the join command is `deno task join`.
      event.join.every((line: string) => line.startsWith("deno task join tls://")),
      JSON.stringify(event.join),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("serve refuses --tls-self-signed together with --tls-cert", async () => {
  const result = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, "serve", "--port", "0", "--tls-self-signed", "--tls-cert", "x"],
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(20_000),
  }).output();
  assertEqual(result.code, 2);
  assertMatch(new TextDecoder().decode(result.stderr), /exclude each other/);
});
