/**
 * `parley serve --cluster` as real processes: the start-up lines, the exit
 * code when NATS is unreachable, and a node killed with SIGKILL under load.
 */

import { PROTOCOL_VERSION, type ServerMessage } from "../../../protocol/messages.ts";
import { EXIT_CLUSTER } from "../../../cli/exit_codes.ts";
import { assert, assertEqual, assertMatch } from "../../_helpers/assert.ts";
import { freePort, natsServerAvailable, startNatsServer } from "../../_helpers/nats_server.ts";
import { RawClient } from "../../_helpers/raw_client.ts";
import { MAIN, SERVE_PERMISSIONS, startServe } from "../../_helpers/serve_process.ts";

const ignore = !natsServerAvailable;
if (ignore) {
  console.log("serve_cluster_test: nats-server is not installed; skipping the NATS tests");
}

Deno.test("serve --cluster exits with the cluster code when NATS is unreachable", async () => {
  const dir = await Deno.makeTempDir({ prefix: "parley-test-" });
  try {
    const port = freePort();
    const output = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        ...SERVE_PERMISSIONS,
        MAIN,
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        "0",
        "--log-file",
        `${dir}/chat.log`,
        "--cluster",
        `nats://127.0.0.1:${port}`,
      ],
      cwd: dir,
      env: { NO_COLOR: "1" },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    assertEqual(output.code, EXIT_CLUSTER);
    const stderr = new TextDecoder().decode(output.stderr);
    assertMatch(
      stderr,
      new RegExp(`^parley serve: cannot reach the cluster \\(nats://127\\.0\\.0\\.1:${port}\\)`),
    );
    assertEqual(stderr.trim().split("\n").length, 1, "one sentence");
    assertEqual(new TextDecoder().decode(output.stdout), "", "nothing on stdout");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("serve --cluster refuses a bad server list or cluster name as usage errors", async () => {
  for (
    const args of [
      ["--cluster", "http://x:1"],
      ["--cluster", "nats://127.0.0.1:1", "--cluster-name", "a.b"],
      ["--cluster", "nats://127.0.0.1:1", "--cluster-node", "no spaces"],
    ]
  ) {
    const output = await new Deno.Command(Deno.execPath(), {
      args: ["run", ...SERVE_PERMISSIONS, MAIN, "serve", "--port", "0", ...args],
      env: { NO_COLOR: "1" },
      stdin: "null",
      stdout: "null",
      stderr: "piped",
    }).output();
    assertEqual(output.code, 2, args.join(" "));
  }
});

Deno.test({
  name:
    "serve --cluster: nodes say which cluster and node they are; a SIGKILLed node's users leave, nothing acked is lost",
  ignore,
  async fn() {
    await using nats = await startNatsServer();
    const common = [
      "--cluster",
      nats.url,
      "--cluster-name",
      "kill",
      "--cluster-heartbeat",
      "300ms",
    ];
    await using a = await startServe([...common, "--cluster-node", "node-a"]);
    await using b = await startServe([...common, "--cluster-node", "node-b"]);
    // The line after "parley listening on" names the cluster and node.
    for (const node of [a, b]) {
      const deadline = Date.now() + 5_000;
      while (!node.stdout.some((l) => l.startsWith("parley cluster")) && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 20));
      }
    }
    assert(a.stdout.includes("parley cluster kill node node-a"), JSON.stringify(a.stdout));
    assert(b.stdout.includes("parley cluster kill node node-b"), JSON.stringify(b.stdout));
    const ann = await RawClient.join(a.port, "ann");
    const bob = await RawClient.join(b.port, "bob");
    await ann.next((m) => m.type === "join" && m.nick === "bob");
    // bob sends continuously; the node is killed mid-stream.
    const acked = new Set<number>();
    let sending = true;
    const sender = (async () => {
      for (let i = 0; sending && !bob.closed; i++) {
        try {
          await bob.say(`load ${i}`);
        } catch {
          return; // the socket died with the node
        }
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    const start = Date.now();
    while (Date.now() - start < 600) {
      for (const m of bob.received) if (m.type === "ack" && m.id > 0) acked.add(m.id);
      await new Promise((r) => setTimeout(r, 20));
    }
    await b.stop("SIGKILL");
    const killedAt = Date.now();
    sending = false;
    await sender;
    for (const m of bob.received) if (m.type === "ack" && m.id > 0) acked.add(m.id);
    assert(acked.size > 10, `load was sent (${acked.size} acked)`);
    const left = await ann.next((m) => m.type === "leave" && m.nick === "bob", 15_000);
    const leftAfterMs = Date.now() - killedAt;
    assert(left.type === "leave");
    // The bound: 4 heartbeats (300 ms) + 3 s.
    assert(leftAfterMs < 4_200 + 1_000, `left after ${leftAfterMs} ms`);
    // Every acknowledged line reached ann on the surviving node.
    const seen = new Set(ann.received.flatMap((m) => m.type === "msg" ? [m.id] : []));
    for (const id of acked) assert(seen.has(id), `acked line ${id} was delivered`);
    // bob resumes on the surviving node with his token: "try again" (unavailable) while
    // the dead node still holds the nick, never nick_taken, then welcomed as bob.
    const first = bob.received[0];
    assert(first.type === "welcome" && first.resume !== undefined);
    let resumed: ServerMessage | undefined;
    const answers: string[] = [];
    for (let attempt = 0; attempt < 50 && resumed === undefined; attempt++) {
      const again = await RawClient.open(a.port);
      await again.send({
        type: "hello",
        version: PROTOCOL_VERSION,
        nick: "bob",
        resume: first.resume,
      });
      const answer = await again.next(() => true);
      if (answer.type === "welcome") resumed = answer;
      else {
        assert(answer.type === "error" && answer.code === "unavailable", JSON.stringify(answer));
        answers.push(answer.code);
        again.close();
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    assert(
      resumed?.type === "welcome" && resumed.nick === "bob",
      `resumed after ${answers.length} tries`,
    );
    assertEqual(resumed.node, "node-a");
    ann.close();
    bob.close();
    const status = await a.stop("SIGTERM");
    assertEqual(status.code, 0);
  },
});
