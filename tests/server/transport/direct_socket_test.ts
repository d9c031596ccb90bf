/**
 * Direct `send(2)` writes (`server/transport/direct_socket.ts`): each wrapped
 * connection writes to its own peer and no other, a full socket buffer hands
 * the rest to Deno's write in order, and a closed connection's descriptor is
 * never written again. Needs Linux and `--allow-ffi` (the test task grants it).
 */

import { assert, assertEqual } from "../../_helpers/assert.ts";
import { DirectSocket, DirectSockets } from "../../../server/transport/direct_socket.ts";
import { WriteQueue } from "../../../server/transport/write_queue.ts";

const direct = DirectSockets.open();
const why = Deno.build.os !== "linux"
  ? "direct sends are Linux-only"
  : "this process lacks --allow-ffi (the test task grants it)";
if (!direct) console.log(`direct_socket_test: skipped: ${why}`);

async function readExactly(conn: Deno.Conn, n: number, timeoutMs = 5_000): Promise<Uint8Array> {
  const out = new Uint8Array(n);
  let got = 0;
  const deadline = Date.now() + timeoutMs;
  while (got < n) {
    if (Date.now() > deadline) throw new Error(`read ${got} of ${n} bytes before the timeout`);
    const read = await conn.read(out.subarray(got));
    if (read === null) throw new Error(`connection closed after ${got} of ${n} bytes`);
    got += read;
  }
  return out;
}

/** A listener with `count` accepted connections and their clients, in connect order. */
async function pairs(count: number, hostname = "127.0.0.1") {
  const listener = Deno.listen({ hostname, port: 0 });
  const clients: Deno.Conn[] = [];
  const servers: Deno.Conn[] = [];
  for (let i = 0; i < count; i++) {
    const client = await Deno.connect({ hostname, port: listener.addr.port });
    clients.push(client);
    servers.push(await listener.accept());
  }
  return { listener, clients, servers };
}

Deno.test({
  name: "DirectSockets: each wrapped connection's direct send reaches its own peer only",
  ignore: !direct,
  async fn() {
    for (const hostname of ["127.0.0.1", "::1"]) {
      const { listener, clients, servers } = await pairs(5, hostname);
      // The clients live in this process too: their sockets must not be taken for the servers'.
      const wrapped = servers.map((conn) => direct!.wrap(conn));
      try {
        for (const [i, socket] of wrapped.entries()) {
          assert(
            socket instanceof DirectSocket,
            `${hostname} connection ${i} found its descriptor`,
          );
          const message = new TextEncoder().encode(`to client ${i}`);
          assertEqual((socket as DirectSocket).trySend(message), message.length);
        }
        for (const [i, client] of clients.entries()) {
          const expected = `to client ${i}`;
          const got = new TextDecoder().decode(await readExactly(client, expected.length));
          assertEqual(got, expected, `${hostname} client ${i} got its own bytes`);
        }
      } finally {
        for (const socket of wrapped) socket.close();
        for (const client of clients) client.close();
        listener.close();
      }
    }
  },
});

Deno.test({
  name: "DirectSockets: a closed connection's descriptor is not written again, even when reused",
  ignore: !direct,
  async fn() {
    const first = await pairs(1);
    const socket = direct!.wrap(first.servers[0]) as DirectSocket;
    assert(socket instanceof DirectSocket);
    socket.close();
    // The next connection likely gets the same descriptor number.
    const second = await pairs(1);
    const other = direct!.wrap(second.servers[0]);
    try {
      assertEqual(socket.trySend(new Uint8Array([1, 2, 3])), 0, "closed: nothing sent");
      assert(other instanceof DirectSocket, "the new connection found its descriptor");
      const bytes = new TextEncoder().encode("mine");
      assertEqual((other as DirectSocket).trySend(bytes), 4);
      assertEqual(new TextDecoder().decode(await readExactly(second.clients[0], 4)), "mine");
    } finally {
      other.close();
      first.clients[0].close();
      second.clients[0].close();
      first.listener.close();
      second.listener.close();
    }
  },
});

Deno.test({
  name:
    "DirectSockets: past a full socket buffer the queue hands the rest to Deno's write, in order",
  ignore: !direct,
  async fn() {
    const { listener, clients, servers } = await pairs(1);
    const socket = direct!.wrap(servers[0]);
    assert(socket instanceof DirectSocket);
    const queue = new WriteQueue(socket, { maxBytes: 64 * 1024 * 1024 });
    try {
      // 16 MiB in 64 KiB frames, while the peer reads nothing: far more than
      // the socket buffers hold, so direct sends come up short and Deno's
      // write waits for room.
      const frames = 256;
      const size = 64 * 1024;
      for (let i = 0; i < frames; i++) {
        const frame = new Uint8Array(size);
        new DataView(frame.buffer).setUint32(0, i);
        frame.fill(i & 0xff, 4);
        assert(queue.push(frame));
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert(queue.queuedBytes > 0, "some bytes wait for the reader");
      const reading = readExactly(clients[0], frames * size, 20_000);
      await queue.drain(20_000);
      const all = await reading;
      for (let i = 0; i < frames; i++) {
        const at = i * size;
        assertEqual(new DataView(all.buffer).getUint32(at), i, `frame ${i} in place`);
        assertEqual(all[at + size - 1], i & 0xff, `frame ${i} whole`);
      }
      assertEqual(queue.queuedBytes, 0);
    } finally {
      queue.stop();
      socket.close();
      clients[0].close();
      listener.close();
    }
  },
});

Deno.test({
  name:
    "DirectSockets: a direct send to a peer that reset gives 0, and Deno's write reports the error",
  ignore: !direct,
  async fn() {
    const { listener, clients, servers } = await pairs(1);
    const socket = direct!.wrap(servers[0]) as DirectSocket;
    try {
      clients[0].close();
      await new Promise((resolve) => setTimeout(resolve, 20));
      const bytes = new Uint8Array(1024);
      // The first send may still be taken (the RST arrives in answer to it).
      socket.trySend(bytes);
      await new Promise((resolve) => setTimeout(resolve, 20));
      assertEqual(socket.trySend(bytes), 0, "refused after the reset, without a signal");
      let failed = false;
      try {
        await socket.write(bytes);
      } catch (error) {
        failed = error instanceof Deno.errors.BrokenPipe ||
          error instanceof Deno.errors.ConnectionReset;
      }
      assert(failed, "Deno's write names the broken connection");
    } finally {
      socket.close();
      listener.close();
    }
  },
});
