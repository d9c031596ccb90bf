/**
 * A small TCP server that speaks only the handshake, for client tests: it
 * answers `hello` the way a server with identities does (`challenge`, then
 * checks `prove` and answers `welcome.identity` or `auth_failed`), the way an
 * older server does (a `welcome` that ignores `key`), or the way a version-1
 * server does (`bad_version` for any other version). It records every
 * client message, and keeps each connection open until the client closes it
 * or sends `/quit`.
 *
 * @module
 */

import { FrameDecoderStream } from "../../protocol/frame_decoder_stream.ts";
import {
  type ClientMessage,
  encodeMessage,
  parseClientMessage,
  type ServerMessage,
  type WelcomeMessage,
} from "../../protocol/messages.ts";
import { fingerprint, fromBase64, toBase64, verifyProof } from "../../protocol/identity.ts";

/** How the fake answers a `hello`. */
export type FakeServerMode = "identity" | "no-identity" | "version-1-only";

/** A running fake server. */
export interface FakeIdentityServer extends AsyncDisposable {
  /** Its port on 127.0.0.1. */
  port: number;
  /** Every client message received, over all connections, in order. */
  received: ClientMessage[];
  /** The names a proof is accepted for. */
  names: string[];
}

/**
 * Starts the fake on 127.0.0.1, port 0.
 *
 * @param mode How to answer (see {@linkcode FakeServerMode}).
 * @param names The names a proof may sign.
 */
export function startFakeIdentityServer(
  mode: FakeServerMode,
  names: string[] = ["127.0.0.1"],
): FakeIdentityServer {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const received: ClientMessage[] = [];
  const conns = new Set<Deno.Conn>();
  const handlers: Promise<void>[] = [];
  const serving = (async () => {
    for await (const conn of listener) {
      conns.add(conn);
      handlers.push(handle(conn).finally(() => conns.delete(conn)));
    }
  })();

  async function handle(conn: Deno.Conn): Promise<void> {
    const writer = conn.writable.getWriter();
    const send = (message: ServerMessage) => writer.write(encodeMessage(message));
    let nonce: Uint8Array | undefined;
    let key: Uint8Array | undefined;
    let nick = "";
    try {
      for await (
        const payload of conn.readable.pipeThrough(new FrameDecoderStream({ maxFrameBytes: 65536 }))
      ) {
        const message = parseClientMessage(payload);
        received.push(message);
        if (message.type === "hello") {
          nick = message.nick;
          if (mode === "version-1-only" && message.version !== 1) {
            await send({ type: "error", code: "bad_version", message: "This server speaks 1" });
            return;
          }
          if (mode === "identity" && message.key !== undefined) {
            key = fromBase64(message.key);
            nonce = crypto.getRandomValues(new Uint8Array(32));
            await send({ type: "challenge", nonce: toBase64(nonce) });
            continue;
          }
          await send(welcome(nick, mode === "identity" ? { guest: true } : {}));
        } else if (message.type === "command" && message.name === "quit") {
          return;
        } else if (message.type === "prove" && nonce && key) {
          const signature = fromBase64(message.signature);
          let valid = false;
          for (const name of names) valid ||= await verifyProof(key, nonce, name, signature);
          if (!valid) {
            await send({ type: "error", code: "auth_failed", message: "Bad proof" });
            return;
          }
          await send(welcome(nick, { identity: await fingerprint(key) }));
        }
      }
    } catch (error) {
      if (!(error instanceof Deno.errors.ConnectionReset || error instanceof TypeError)) {
        throw error;
      }
    } finally {
      closeQuietly(conn);
    }
  }

  return {
    port: listener.addr.port,
    received,
    names,
    async [Symbol.asyncDispose]() {
      listener.close();
      await serving.catch(() => {});
      for (const conn of conns) closeQuietly(conn);
      await Promise.allSettled(handlers);
    },
  };
}

function welcome(nick: string, extra: Partial<WelcomeMessage>): WelcomeMessage {
  return {
    type: "welcome",
    version: 1,
    server: "fake",
    software: "fake/0",
    nick,
    room: "#lobby",
    users: [{ nick }],
    online: 1,
    limits: { maxFrameBytes: 65536, maxTextBytes: 4096, heartbeatMs: 30_000 },
    ...extra,
  };
}

/** Closes a connection that may be closed already. */
function closeQuietly(conn: Deno.Conn): void {
  try {
    conn.close();
  } catch (error) {
    if (!(error instanceof Deno.errors.BadResource)) throw error;
  }
}
