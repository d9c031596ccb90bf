/**
 * chat.log against a client that tries to fill the disk through it: huge
 * reasons and malformed messages, from one address, reconnecting all the
 * time. Every event writes a few hundred bytes at most, the flood budget
 * follows the address across reconnects, so the log grows by a bounded amount.
 */

import { assert, assertEqual } from "../_helpers/assert.ts";
import { RawClient } from "../_helpers/raw_client.ts";
import { LOG_EVENTS_PER_ADDRESS_BURST, setupLogging } from "../../cli/logging.ts";
import { startServer } from "../../server/server.ts";

const encoder = new TextEncoder();

function frame(json: string): Uint8Array {
  const payload = encoder.encode(json);
  const out = new Uint8Array(4 + payload.length);
  new DataView(out.buffer).setUint32(0, payload.length);
  out.set(payload, 4);
  return out;
}

Deno.test("chat.log: one address reconnecting with huge reasons and junk writes a bounded amount", async () => {
  const dir = await Deno.makeTempDir({ prefix: "parley-logflood-" });
  const logFile = `${dir}/chat.log`;
  const closeLog = await setupLogging({ logFile });
  const started = Date.now();
  // Five connections at once per address, so ten new flood budgets, then ten a second.
  const server = await startServer({ hostname: "127.0.0.1", port: 0, maxPerAddress: 5 });
  try {
    const big = "\x1b]0;x\x07".repeat(1000) + "r".repeat(200_000);
    const junkType = frame(JSON.stringify({ type: "t".repeat(300_000) }));
    let sent = 0;
    for (let n = 0; Date.now() - started < 3000; n++) {
      const client = await RawClient.open(server.addr.port);
      try {
        await client.send({ type: "hello", version: 1, nick: `filler${n}` });
        const answer = await client.next((m) => m.type === "welcome" || m.type === "error");
        if (answer.type === "welcome") {
          await client.command("join", "#fill");
          await client.command("part", `#fill ${big}`);
          await client.sendBytes(junkType);
          await client.command("quit", big);
          sent += big.length * 2 + junkType.length;
        }
      } catch {
        // The server may drop a flooder mid-send; the next connection goes on.
      } finally {
        client.close();
      }
    }
    assert(sent > 20_000_000, `the attack sent ${sent} bytes`);
  } finally {
    await server.close();
    await closeLog();
  }
  const log = await Deno.readTextFile(logFile);
  await Deno.remove(dir, { recursive: true });
  // The budget: events about one address are written in a burst of 200, then
  // 2 a second, each line cut short. Before, this wrote hundreds of megabytes.
  // (Lines not about the address: server start and stop.)
  const lines = log.split("\n").filter(Boolean);
  const seconds = (Date.now() - started) / 1000;
  assert(
    // Each later event may come with a line counting what was left out: 2 × 2 a second.
    lines.length <= LOG_EVENTS_PER_ADDRESS_BURST + 4 * seconds + 5,
    `${lines.length} lines in ${seconds} s`,
  );
  const longest = Math.max(...lines.map((line) => line.length));
  assert(longest < 600, `longest line: ${longest} characters`);
  assert(log.length < lines.length * 600, `chat.log grew by ${log.length} bytes`);
  // deno-lint-ignore no-control-regex -- looking for control characters is the point
  assertEqual(/\x1b|\x07/.test(log), false);
});
