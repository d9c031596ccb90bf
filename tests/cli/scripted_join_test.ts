/**
 * `runScripted` against a scripted fake server on a real loopback socket:
 * resending after `rate_limited`, waiting for commands, and the exit code
 * when the connection ends with lines unanswered.
 */

import { assert, assertEqual, assertMatch } from "../_helpers/assert.ts";
import { FrameDecoder } from "../../protocol/frame_decoder.ts";
import {
  type ClientMessage,
  encodeMessage,
  parseClientMessage,
  type ServerMessage,
} from "../../protocol/messages.ts";
import { connect } from "../../client/client_connection.ts";
import { runScripted } from "../../cli/scripted_join.ts";
import { EXIT_CLOSED, EXIT_LINES_REFUSED, EXIT_OK } from "../../cli/exit_codes.ts";

/** What the fake server does with each message after the handshake. */
type Script = (
  message: ClientMessage,
  reply: (message: ServerMessage) => void,
  hangUp: () => void,
) => void | Promise<void>;

/** A one-connection fake server on 127.0.0.1, port 0, announcing `floodRate` 20/s. */
function fakeServer(script: Script) {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const served = (async () => {
    const conn = await listener.accept();
    listener.close();
    const decoder = new FrameDecoder({ maxFrameBytes: 1 << 20 });
    const buffer = new Uint8Array(65_536);
    let writing = Promise.resolve();
    const reply = (message: ServerMessage) => {
      const frame = encodeMessage(message);
      writing = writing.then(async () => {
        await conn.write(frame);
      }).catch(() => {});
    };
    let open = true;
    const hangUp = () => {
      open = false;
      void writing.then(() => conn.close());
    };
    let queue = Promise.resolve();
    try {
      while (open) {
        const n = await conn.read(buffer);
        if (n === null) break;
        decoder.push(buffer.subarray(0, n), (payload) => {
          const message = parseClientMessage(payload);
          if (message.type === "hello") {
            reply({
              type: "welcome",
              version: 1,
              server: "fake",
              software: "fake/1",
              nick: message.nick,
              room: "#lobby",
              users: [{ nick: message.nick }],
              online: 1,
              limits: {
                maxFrameBytes: 65_536,
                maxTextBytes: 8192,
                heartbeatMs: 30_000,
                floodRate: 20,
                floodBurst: 60,
                floodBytesRate: 1 << 20,
                floodBytesBurst: 1 << 20,
              },
            });
            return;
          }
          queue = queue.then(() => script(message, reply, hangUp));
        });
      }
    } catch (error) {
      if (!(error instanceof Deno.errors.BadResource || error instanceof Deno.errors.Interrupted)) {
        throw error;
      }
    }
    await queue;
    await writing;
    try {
      conn.close();
    } catch { /* already closed */ }
  })();
  return { port: (listener.addr as Deno.NetAddr).port, served };
}

async function run(port: number, input: string, json = false) {
  const client = await connect({
    address: { hostname: "127.0.0.1", port, tls: false },
    nick: "bot",
  });
  const out: string[] = [];
  const err: string[] = [];
  const code = await runScripted(client, {
    json,
    input: ReadableStream.from([new TextEncoder().encode(input)]),
    print: (line) => out.push(line),
    warn: (line) => err.push(line),
  });
  return { code, out, err };
}

/** Acks messages and commands, and `/quit` by closing. */
function ack(message: ClientMessage, reply: (m: ServerMessage) => void, hangUp: () => void) {
  if (message.type !== "msg" && message.type !== "command") return;
  reply({ type: "ack", ref: message.ref, id: message.type === "msg" ? message.ref : 0, ts: 1 });
  if (message.type === "command" && message.name === "quit") hangUp();
}

Deno.test("runScripted resends lines refused as rate_limited, in order, and exits 0", async () => {
  const accepted: string[] = [];
  let refusingUntil = 0;
  let refusedOnce = false;
  const server = fakeServer((message, reply, hangUp) => {
    if (message.type === "msg") {
      // Like a token bucket that ran dry: refuse line 2 and whatever follows within 30 ms.
      if (!refusedOnce && message.text === "2") {
        refusedOnce = true;
        refusingUntil = Date.now() + 30;
      }
      if (Date.now() < refusingUntil) {
        reply({ type: "error", code: "rate_limited", message: "slow down", ref: message.ref });
        return;
      }
      accepted.push(message.text);
    }
    ack(message, reply, hangUp);
  });
  const result = await run(server.port, "1\n2\n3\n4\n5\n");
  await server.served;
  assertEqual(result.code, EXIT_OK, result.err.join("\n"));
  assertEqual(accepted, ["1", "2", "3", "4", "5"]);
  assertMatch(
    result.err.join("\n"),
    /^parley: 5 sent, 5 acknowledged, 0 refused, \d resent after rate_limited$/,
  );
  assert(
    !result.out.some((l) => l.includes("rate_limited")),
    "a resent line is not shown as refused",
  );
});

Deno.test("runScripted sends nothing after a command until the command is answered", async () => {
  const arrivals: { what: string; at: number }[] = [];
  let commandAnsweredAt = 0;
  const server = fakeServer(async (message, reply, hangUp) => {
    arrivals.push({
      what: message.type === "msg"
        ? message.text
        : `/${"name" in message ? message.name : message.type}`,
      at: Date.now(),
    });
    if (message.type === "command" && message.name === "join") {
      await new Promise((r) => setTimeout(r, 300));
      reply({ type: "join", ts: 1, room: "#builds", nick: "bot" });
      commandAnsweredAt = Date.now();
    }
    ack(message, reply, hangUp);
  });
  const result = await run(server.port, "before\n/join #builds\nbuild 42 passed\n");
  await server.served;
  assertEqual(result.code, EXIT_OK, result.err.join("\n"));
  const line = arrivals.find((a) => a.what === "build 42 passed")!;
  assert(line.at >= commandAnsweredAt, "the line after /join was sent before its answer");
  assertEqual(arrivals.map((a) => a.what), ["before", "/join", "build 42 passed", "/quit"]);
});

Deno.test("runScripted exits 8 when a line is refused, 6 when the server hangs up with lines unanswered", async () => {
  const refusing = fakeServer((message, reply, hangUp) => {
    if (message.type === "msg" && message.text === "bad") {
      reply({ type: "error", code: "muted", message: "You are muted", ref: message.ref });
      return;
    }
    ack(message, reply, hangUp);
  });
  const refused = await run(refusing.port, "ok\nbad\n", true);
  await refusing.served;
  assertEqual(refused.code, EXIT_LINES_REFUSED);
  const error = refused.out.map((l) => JSON.parse(l)).find((e) => e.type === "error");
  assertEqual([error.code, error.line, typeof error.ref], ["muted", 2, "number"]);
  assertEqual(refused.err, ["parley: 2 sent, 1 acknowledged, 1 refused (muted: 1)"]);

  const vanishing = fakeServer((message, reply, hangUp) => {
    if (message.type === "msg" && message.text === "2") hangUp();
    else ack(message, reply, hangUp);
  });
  const gone = await run(vanishing.port, "1\n2\n");
  await vanishing.served;
  assertEqual(gone.code, EXIT_CLOSED);
  assertEqual(gone.err, ["parley: 2 sent, 1 acknowledged, 0 refused, 1 unanswered"]);
});
