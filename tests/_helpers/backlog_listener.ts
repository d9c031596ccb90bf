/**
 * Test helper process: listens on 127.0.0.1 with an OS-chosen port, raises
 * the backlog with `raiseListenBacklog` (needs `--allow-ffi`), prints
 * `{"port":N,"result":{...}}`, and never accepts. For every line on stdin it
 * prints the listener's current accept-queue length from `/proc/net/tcp` (the
 * `rx_queue` of a LISTEN socket; reading /proc needs `--allow-all` in Deno 2).
 * It exits when stdin closes.
 *
 * @module
 */
import { raiseListenBacklog } from "../../server/transport/raise_listen_backlog.ts";

/** Current accept-queue length of the 127.0.0.1 listener on `port`, or -1. */
function acceptQueue(port: number): number {
  const local = `0100007F:${port.toString(16).toUpperCase().padStart(4, "0")}`;
  for (const line of Deno.readTextFileSync("/proc/net/tcp").split("\n")) {
    const f = line.trim().split(/\s+/);
    // sl local_address rem_address st tx_queue:rx_queue ...
    if (f[1] === local && f[3] === "0A") return parseInt(f[4].split(":")[1], 16);
  }
  return -1;
}

if (import.meta.main) {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const result = raiseListenBacklog(listener.addr, Number(Deno.args[0] ?? 4096));
  console.log(JSON.stringify({ port: listener.addr.port, result }));
  for await (const chunk of Deno.stdin.readable) {
    for (const byte of chunk) {
      if (byte === 10) console.log(`queue ${acceptQueue(listener.addr.port)}`);
    }
  }
  listener.close();
}
