import { assertEqual } from "../../_helpers/assert.ts";
import { readRequestHead } from "../../../server/transport/http_request_head.ts";
import { encodeMessage } from "../../../protocol/messages.ts";

/** A stream that yields `chunks` and then waits (as a peer that sent all it will send). */
function stream(chunks: Uint8Array[]) {
  return {
    read(buffer: Uint8Array): Promise<number | null> {
      const next = chunks.shift();
      if (next === undefined) return new Promise<null>(() => {});
      buffer.set(next);
      return Promise.resolve(next.length);
    },
    write: (data: Uint8Array) => Promise.resolve(data.length),
    close() {},
  };
}

Deno.test("readRequestHead refuses bytes that cannot start a request at once, not at the timeout", async () => {
  const hello = encodeMessage({ type: "hello", version: 1, nick: "ann" });
  const started = Date.now();
  assertEqual(await readRequestHead(stream([hello]), { timeoutMs: 10_000 }), "malformed");
  assertEqual(
    await readRequestHead(stream([new Uint8Array([0x16, 0x03, 0x01])]), { timeoutMs: 10_000 }),
    "malformed",
  );
  if (Date.now() - started > 1000) throw new Error("waited for the timeout");
  // A request split anywhere is still read whole.
  const request = new TextEncoder().encode("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  const head = await readRequestHead(
    stream([request.subarray(0, 2), request.subarray(2, 5), request.subarray(5)]),
    { timeoutMs: 10_000 },
  );
  assertEqual(typeof head === "string" ? head : head.target, "/");
});
