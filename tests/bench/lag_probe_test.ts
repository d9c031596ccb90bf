import { connectLagProbe } from "../../bench/lag_probe.ts";
import { assert, assertEqual } from "../_helpers/assert.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A fake IRC server: welcomes the probe, then answers each PING after `delayMs`. */
async function fakeIrc(listener: Deno.Listener, delayMs: number): Promise<string[]> {
  const conn = await listener.accept();
  const seen: string[] = [];
  let pending = "";
  const buf = new Uint8Array(4096);
  try {
    while (true) {
      const n = await conn.read(buf);
      if (n === null) break;
      pending += decoder.decode(buf.subarray(0, n));
      let nl: number;
      while ((nl = pending.indexOf("\n")) >= 0) {
        const line = pending.slice(0, nl).replace(/\r$/, "");
        pending = pending.slice(nl + 1);
        seen.push(line);
        if (line.startsWith("USER ")) await conn.write(encoder.encode(":irc 001 p :hi\r\n"));
        if (line.startsWith("PING :")) {
          const token = line.slice(6);
          setTimeout(() => {
            conn.write(encoder.encode(`:irc PONG irc :${token}\r\n`)).catch(() => {});
          }, delayMs);
        }
      }
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.ConnectionReset)) throw error;
  } finally {
    conn.close();
  }
  return seen;
}

Deno.test("lag probe pings every 10 ms and records the round trips", async () => {
  using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const server = fakeIrc(listener, 30);
  const probe = await connectLagProbe({
    protocol: "irc",
    host: "127.0.0.1",
    port: (listener.addr as Deno.NetAddr).port,
  });
  probe.start();
  await new Promise((r) => setTimeout(r, 200));
  const rtt = (await probe.stop()).summary();
  const seen = await server;
  const pings = seen.filter((l) => l.startsWith("PING :")).length;
  // About 20 pings in 200 ms; a loaded machine may fire fewer timers.
  assert(pings >= 5 && pings <= 25, `${pings} pings`);
  assertEqual(rtt.count, pings);
  // Every answer came 30 ms after its ping (minus a timer's early slack).
  assert(rtt.p50 >= 29 && rtt.max < 2100, JSON.stringify(rtt));
  assert(!seen.some((l) => l.startsWith("JOIN")), "the probe must stay out of the bench room");
});
