import { assert, assertEqual } from "../../_helpers/assert.ts";
import { FrameDecoder } from "../../../protocol/frame_decoder.ts";
import {
  encodeMessage,
  parseServerMessage,
  PROTOCOL_VERSION,
  type ServerMessage,
} from "../../../protocol/messages.ts";
import { startServer } from "../../../server/server.ts";
import { type ByteStream, Connection } from "../../../server/transport/connection.ts";
import type { Admitted, Transport, TransportContext } from "../../../server/transport/transport.ts";

/** The server side of an in-memory socket: reads what the test pushes, records what it writes. */
class MemoryStream implements ByteStream {
  readonly received: ServerMessage[] = [];
  readonly #decoder = new FrameDecoder({ maxFrameBytes: 1 << 20 });
  #inbox: Uint8Array[] = [];
  #wake: (() => void) | undefined;
  #closed = false;
  push(bytes: Uint8Array): void {
    this.#inbox.push(bytes);
    this.#wake?.();
  }
  async read(buffer: Uint8Array): Promise<number | null> {
    while (this.#inbox.length === 0 && !this.#closed) {
      await new Promise<void>((resolve) => this.#wake = resolve);
    }
    const next = this.#inbox.shift();
    if (next === undefined) return null;
    buffer.set(next);
    return next.length;
  }
  write(data: Uint8Array): Promise<number> {
    this.#decoder.push(data, (payload) => this.received.push(parseServerMessage(payload)!));
    return Promise.resolve(data.length);
  }
  close(): void {
    this.#closed = true;
    this.#wake?.();
  }
  get isClosed(): boolean {
    return this.#closed;
  }
}

/** A transport with no sockets: the test hands it streams. */
class MemoryTransport implements Transport {
  readonly name = "memory";
  readonly addr: Deno.NetAddr = { transport: "tcp", hostname: "127.0.0.1", port: 1 };
  readonly #incoming: MemoryStream[] = [];
  #wake: (() => void) | undefined;
  #closed = false;
  refusals: string[] = [];
  connect(stream: MemoryStream): void {
    this.#incoming.push(stream);
    this.#wake?.();
  }
  async *accept(context: TransportContext): AsyncGenerator<Admitted> {
    let port = 1000;
    while (!this.#closed) {
      const stream = this.#incoming.shift();
      if (stream === undefined) {
        await new Promise<void>((resolve) => this.#wake = resolve);
        continue;
      }
      const remoteAddr = `10.0.0.1:${port++}`;
      const admission = context.acceptor.admit(remoteAddr);
      if (typeof admission === "string") {
        this.refusals.push(admission);
        stream.close();
        continue;
      }
      yield {
        peer: new Connection(stream, remoteAddr, context.hub, context.options),
        ticket: admission,
      };
    }
  }
  close(): Promise<void> {
    this.#closed = true;
    this.#wake?.();
    return Promise.resolve();
  }
}

async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !done(); i++) await new Promise((r) => setTimeout(r, 10));
}

Deno.test("startServer runs an injected transport like the built-in ones: admission, chat, close", async () => {
  const memory = new MemoryTransport();
  const server = await startServer({ transports: [memory], maxPerAddress: 1 });
  const alice = new MemoryStream();
  try {
    assertEqual(server.addr, memory.addr);
    memory.connect(alice);
    alice.push(encodeMessage({ type: "hello", version: PROTOCOL_VERSION, nick: "alice" }));
    await until(() => alice.received.some((m) => m.type === "welcome"));
    assert(alice.received.some((m) => m.type === "welcome"), JSON.stringify(alice.received));
    assertEqual(server.connections.size, 1);
    // The same address again is over the per-address cap of 1.
    const second = new MemoryStream();
    memory.connect(second);
    await until(() => second.isClosed);
    assertEqual(memory.refusals, ["address"]);
  } finally {
    await server.close("test over");
  }
  await server.finished;
  assert(alice.received.some((m) => m.type === "shutdown"), "the shutdown notice went out");
  assert(alice.isClosed, "the connection's stream is closed");
  assertEqual(server.connections.size, 0);
});
