/**
 * Fuzzing a live server with fast-check: random bytes, mutated frames and
 * random messages (before and after the handshake). After every case two
 * healthy clients must still chat and must have seen nothing corrupted.
 */

import fc from "npm:fast-check@4.10.2";
import { assertClean, assertServes } from "../_helpers/attack.ts";
import { RawClient } from "../_helpers/raw_client.ts";
import { startServe } from "../_helpers/serve_process.ts";
import { encodeMessage } from "../../protocol/messages.ts";

const RUNS = 300;
const encoder = new TextEncoder();

function frame(payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + payload.length);
  new DataView(out.buffer).setUint32(0, payload.length);
  out.set(payload, 4);
  return out;
}

/** Strings rich in what breaks parsers and terminals. */
const nastyString = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.constantFrom("\x1b[2J", "\x1b]0;x\x07", "\u202e", "\0", "#lobby", "#", "/", "", " ", "\ud800"),
);
const jsonValue = fc.oneof(
  nastyString,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 3 }),
);
/** A message object: a known or odd `type` and a mix of right and wrong fields. */
const message = fc.record({
  type: fc.oneof(
    fc.constantFrom("hello", "msg", "command", "ping", "pong", "welcome", "__proto__", "toString"),
    nastyString,
  ),
  version: fc.oneof(fc.constant(1), jsonValue),
  nick: fc.oneof(fc.string({ minLength: 1, maxLength: 10 }), jsonValue),
  ref: fc.oneof(fc.nat(), jsonValue),
  text: fc.oneof(nastyString, fc.string({ maxLength: 2000 }), jsonValue),
  room: fc.oneof(fc.constant("#lobby"), nastyString),
  name: fc.oneof(
    fc.constantFrom(
      "help",
      "who",
      "msg",
      "me",
      "nick",
      "join",
      "part",
      "rooms",
      "topic",
      "quit",
      "away",
    ),
    nastyString,
  ),
  args: fc.oneof(nastyString, fc.constant("watcher hi"), fc.constant("#fuzzroom")),
  token: jsonValue,
}, { requiredKeys: ["type"] });

/** One case: what a hostile connection sends, in the chunks it sends it. */
const attack = fc.record({
  handshake: fc.boolean(),
  body: fc.oneof(
    fc.uint8Array({ maxLength: 300 }).map((bytes) => [bytes]),
    fc.array(message, { minLength: 1, maxLength: 14 }).map((ms) =>
      ms.map((m) => frame(encoder.encode(JSON.stringify(m))))
    ),
    fc.tuple(message, fc.nat(), fc.nat(255)).map(([m, at, byte]) => {
      const bytes = frame(encoder.encode(JSON.stringify(m)));
      bytes[at % bytes.length] = byte; // one corrupted byte, header included
      return [bytes];
    }),
    fc.tuple(fc.uint8Array({ maxLength: 50 }), fc.nat(0xffffffff)).map(([bytes, length]) => {
      const out = frame(bytes);
      new DataView(out.buffer).setUint32(0, length); // a lying length prefix
      return [out];
    }),
  ),
  splitAt: fc.nat(50),
  hangUp: fc.constantFrom("close", "linger"),
});

Deno.test("fuzz: random and mutated frames never hurt healthy clients", async () => {
  await using server = await startServe([
    "--max-per-address",
    "1000",
    "--handshake-timeout",
    "2s",
    "--max-frame-bytes",
    "65536",
    // The healthy pair sends a health check per case; flood control has its own tests.
    "--flood-rate",
    "100000",
    "--flood-burst",
    "100000",
  ]);
  await using watcher = await RawClient.join(server.port, "watcher");
  await using speaker = await RawClient.join(server.port, "speaker");
  let cases = 0;
  await fc.assert(
    fc.asyncProperty(attack, async ({ handshake, body, splitAt, hangUp }) => {
      cases++;
      const hostile = await Deno.connect({ hostname: "127.0.0.1", port: server.port });
      try {
        if (handshake) {
          await hostile.write(encodeMessage({ type: "hello", version: 1, nick: `fuzz${cases}` }));
        }
        for (const bytes of body) {
          const cut = Math.min(splitAt, bytes.length);
          await hostile.write(bytes.subarray(0, cut));
          await hostile.write(bytes.subarray(cut));
        }
        if (hangUp === "linger") await new Promise((r) => setTimeout(r, 5));
      } catch (error) {
        // The server may close on us first; that is a valid answer to garbage.
        if (
          !(error instanceof Deno.errors.BrokenPipe || error instanceof Deno.errors.ConnectionReset)
        ) {
          throw error;
        }
      } finally {
        hostile.close();
      }
      await assertServes(speaker, watcher, 5000);
      assertClean(watcher);
      assertClean(speaker);
      if (watcher.closed || speaker.closed) throw new Error("a healthy client was disconnected");
    }),
    { numRuns: RUNS, endOnFailure: true },
  );
  console.log(`fuzz: ${cases} cases against a live server`);
});
