/**
 * Control facts as protocol codes, against a real server on loopback: the
 * server's `bye` and `leave.code` as the client library sees them, and the
 * interactive session deciding to reconnect from the code, not from notice text.
 */

import { assert, assertEqual } from "../_helpers/assert.ts";
import { connect, type ParleyClient } from "../../client/client_connection.ts";
import { runInteractive, type SessionInput } from "../../client/interactive_session.ts";
import { EXIT_CLOSED, EXIT_OK } from "../../cli/exit_codes.ts";
import type { ServerMessage } from "../../protocol/messages.ts";
import { type ParleyServer, startServer } from "../../server/server.ts";

async function withServer(fn: (server: ParleyServer) => Promise<void>): Promise<void> {
  const server = await startServer({ hostname: "127.0.0.1", port: 0 });
  try {
    await fn(server);
  } finally {
    await server.close("test over");
    await server.finished;
  }
}

function join(server: ParleyServer, nick: string, resume?: string): Promise<ParleyClient> {
  return connect({
    address: { hostname: "127.0.0.1", port: server.addr.port, tls: false },
    nick,
    resume,
  });
}

/** Reads until `match`, bounded by a timeout; returns every message read. */
async function readUntil(
  client: ParleyClient,
  match: (m: ServerMessage) => boolean,
): Promise<ServerMessage[]> {
  const seen: ServerMessage[] = [];
  const deadline = AbortSignal.timeout(5000);
  while (!deadline.aborted) {
    const message = await client.read();
    if (message === null) break;
    seen.push(message);
    if (match(message)) return seen;
  }
  throw new Error(`Never saw the message; got ${JSON.stringify(seen.map((m) => m.type))}`);
}

Deno.test("a kicked client gets bye kicked as its last frame; the room gets leave code kicked", async () => {
  await withServer(async (server) => {
    const alice = await join(server, "alice");
    const bob = await join(server, "bob");
    try {
      server.hub.kick("alice", "spam", "op");
      const got = await readUntil(alice, (m) => m.type === "bye");
      assertEqual(got.at(-1), { type: "bye", code: "kicked", reason: "Kicked by op: spam" });
      assertEqual(await alice.read(), null, "bye is the last frame");
      const left = await readUntil(bob, (m) => m.type === "leave" && m.nick === "alice");
      const leave = left.at(-1)!;
      assert(leave.type === "leave" && leave.code === "kicked", JSON.stringify(leave));
    } finally {
      alice.close();
      bob.close();
    }
  });
});

Deno.test("a resumed session sends the ghost bye replaced; shutdown sends bye shutdown", async () => {
  await withServer(async (server) => {
    const ghost = await join(server, "alice");
    const resumed = await join(server, "alice", ghost.welcome.resume);
    try {
      const got = await readUntil(ghost, (m) => m.type === "bye");
      const bye = got.at(-1)!;
      assertEqual(bye.type === "bye" ? bye.code : bye.type, "replaced");
      server.hub.shutdown("maintenance");
      const end = await readUntil(resumed, (m) => m.type === "bye");
      assertEqual(end.at(-1), { type: "bye", code: "shutdown", reason: "maintenance" });
    } finally {
      ghost.close();
      resumed.close();
    }
  });
});

/** Keyboard that only ever types what the test gives it. */
class Keys implements SessionInput {
  #queue: string[] = [];
  #wake: (() => void) | undefined;
  type(text: string): void {
    this.#queue.push(text);
    this.#wake?.();
  }
  async read(buffer: Uint8Array): Promise<number | null> {
    while (this.#queue.length === 0) await new Promise<void>((r) => this.#wake = r);
    const bytes = new TextEncoder().encode(this.#queue.shift()!);
    buffer.set(bytes);
    return bytes.length;
  }
}

const sink = {
  text: "",
  writeSync(p: Uint8Array) {
    this.text += new TextDecoder().decode(p);
    return p.length;
  },
};

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`Timed out waiting for ${what}`);
}

Deno.test("an operator saying 'You were kicked by x' does not stop the client reconnecting", async () => {
  await withServer(async (server) => {
    const first = await join(server, "alice");
    const keys = new Keys();
    sink.text = "";
    let connects = 0;
    const done = runInteractive(first, {
      address: { hostname: "127.0.0.1", port: server.addr.port, tls: false },
      bell: false,
      exitCodeFor: () => 99,
      input: keys,
      output: sink,
      errorOutput: sink,
      columns: () => 80,
      color: false,
      backoff: { baseMs: 10, maxMs: 20 },
      connect: (options) => {
        connects++;
        return connect(options);
      },
    });
    await until(() => sink.text.includes("connected to"), "the session to start");
    server.hub.announce("You were kicked by x: not really");
    server.hub.announce("Your session was resumed from 10.0.0.1");
    await until(() => sink.text.includes("not really"), "the notice");
    // Drop the link without a bye, as a network failure would.
    for (const conn of server.connections) conn.abort("test drop");
    await until(() => sink.text.includes("reconnected to"), "the reconnect");
    assertEqual(connects, 1);
    assert(server.hub.find("alice") !== undefined, "alice is back under her nick");
    // A real kick, by code, ends the session without another attempt.
    server.hub.kick("alice", "for real", "op");
    assertEqual(await done, EXIT_CLOSED);
    assertEqual(connects, 1);
    assert(sink.text.includes("closed (kicked: Kicked by op: for real)"), sink.text);
  });
});

Deno.test("the interactive session quits cleanly on Ctrl-D against a real server", async () => {
  await withServer(async (server) => {
    const first = await join(server, "carol");
    const keys = new Keys();
    const done = runInteractive(first, {
      address: { hostname: "127.0.0.1", port: server.addr.port, tls: false },
      bell: false,
      exitCodeFor: () => 99,
      input: keys,
      output: sink,
      errorOutput: sink,
      columns: () => 80,
      color: false,
    });
    keys.type("\x04");
    assertEqual(await done, EXIT_OK);
  });
});
