/**
 * A terminal client given several addresses (the nodes of one chat) moves to
 * the next one when its server goes away, over real TCP to in-process servers.
 */

import { assert, assertEqual } from "../_helpers/assert.ts";
import { startServer } from "../../server/server.ts";
import { connect } from "../../client/client_connection.ts";
import { runInteractive, type SessionInput } from "../../client/interactive_session.ts";
import type { ServerAddress } from "../../client/address.ts";
import { EXIT_OK } from "../../cli/exit_codes.ts";

/** Keyboard input that stays silent until `end()` (Ctrl-D). */
class IdleInput implements SessionInput {
  #end = Promise.withResolvers<null>();
  read(): Promise<number | null> {
    return this.#end.promise;
  }
  end(): void {
    this.#end.resolve(null);
  }
}

class Sink {
  text = "";
  writeSync(p: Uint8Array): number {
    this.text += new TextDecoder().decode(p);
    return p.length;
  }
}

async function until(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

Deno.test("interactive client reconnects to the next address when its server goes away, skipping a dead one", async () => {
  const a = await startServer({ hostname: "127.0.0.1", port: 0, serverName: "a" });
  const b = await startServer({ hostname: "127.0.0.1", port: 0, serverName: "b" });
  const closed = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const dead = (closed.addr as Deno.NetAddr).port;
  closed.close();
  const at = (port: number): ServerAddress => ({ hostname: "127.0.0.1", port, tls: false });
  const addresses = [at(a.addr.port), at(dead), at(b.addr.port)];
  const input = new IdleInput();
  const output = new Sink();
  try {
    const first = await connect({ address: addresses[0], nick: "alice" });
    const done = runInteractive(first, {
      address: addresses[0],
      addresses,
      addressIndex: 0,
      bell: false,
      exitCodeFor: () => 99,
      input,
      output,
      errorOutput: new Sink(),
      columns: () => 80,
      color: false,
      backoff: { baseMs: 20, maxMs: 50 },
    });
    await until(() => a.hub.find("alice") !== undefined, "alice on a");
    await a.close("node going down");
    // The next address is dead; the one after it is b.
    await until(() => b.hub.find("alice") !== undefined, "alice on b");
    // The hub admits alice just before the client prints that it is back.
    await until(
      () => output.text.includes(`reconnected to tcp://127.0.0.1:${b.addr.port}`),
      "the reconnected line naming b",
    );
    // The status line names the server each attempt goes to.
    assert(output.text.includes(`to tcp://127.0.0.1:${dead}`), output.text);
    input.end();
    assertEqual(await done, EXIT_OK);
  } finally {
    await a.close();
    await b.close();
  }
});
