import { assert, assertEqual } from "../_helpers/assert.ts";
import { RawClient } from "../_helpers/raw_client.ts";
import { startServe } from "../_helpers/serve_process.ts";

/** A tiny recording with WebM's magic bytes, which the server checks. */
const RECORDING = Uint8Array.from([
  0x1a,
  0x45,
  0xdf,
  0xa3,
  ...Array.from({ length: 600 }, (_, i) => i % 251),
]);

Deno.test("voice messages are stored with history: replayed and fetchable after a restart", async () => {
  const dir = await Deno.makeTempDir({ prefix: "parley-media-history-" });
  const data = `${dir}/parley.db`;
  let mediaId = 0;
  {
    await using server = await startServe(["--data", data], { dir });
    await using amy = await RawClient.join(server.port, "amy");
    await amy.say("before the recording");
    const ref = amy.ref();
    await amy.send({
      type: "media",
      ref,
      room: "#lobby",
      kind: "voice",
      mime: "audio/webm;codecs=opus",
      durationMs: 1500,
      data: RECORDING.toBase64(),
    });
    const ack = await amy.next((m) => m.type === "ack" && m.ref === ref);
    assert(ack.type === "ack" && ack.id > 0, JSON.stringify(ack));
    mediaId = ack.id;
    const lastRef = await amy.say("after the recording");
    await amy.next((m) => m.type === "ack" && m.ref === lastRef);
    // SIGKILL: the recording was acknowledged, so it must already be on disk.
    await server.stop("SIGKILL");
  }
  await using server = await startServe(["--data", data], { dir });
  await using bob = await RawClient.join(server.port, "bob");
  const replayed = await bob.next((m) => m.type === "media" && m.id === mediaId);
  assert(replayed.type === "media");
  assertEqual(
    [replayed.from, replayed.kind, replayed.durationMs, replayed.bytes, replayed.history],
    ["amy", "voice", 1500, RECORDING.length, true],
  );
  // Replay keeps the order the room saw: the text lines around the recording.
  await bob.next((m) => m.type === "msg" && m.text === "after the recording");
  const order = bob.received
    .filter((m) => m.type === "msg" || m.type === "media")
    .map((m) => m.type === "msg" ? m.text : "[voice]");
  assertEqual(order, ["before the recording", "[voice]", "after the recording"]);
  const ref = bob.ref();
  assert(replayed.type === "media" && /^[0-9a-f]{32}$/.test(replayed.token));
  await bob.send({ type: "fetch_media", ref, token: replayed.token });
  const fetched = await bob.next((m) => m.type === "media_data" && m.ref === ref);
  assert(fetched.type === "media_data");
  assertEqual(Uint8Array.fromBase64(fetched.data), RECORDING);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("with --data :memory: recordings are replayed within the run", async () => {
  await using server = await startServe(["--data", ":memory:"]);
  await using amy = await RawClient.join(server.port, "amy");
  const ref = amy.ref();
  await amy.send({
    type: "media",
    ref,
    room: "#lobby",
    kind: "voice",
    mime: "audio/webm",
    durationMs: 900,
    data: RECORDING.toBase64(),
  });
  const ack = await amy.next((m) => m.type === "ack" && m.ref === ref);
  await using bob = await RawClient.join(server.port, "bob");
  const replayed = await bob.next((m) => m.type === "media");
  assertEqual(replayed.type === "media" && [replayed.id, replayed.history], [
    ack.type === "ack" && ack.id,
    true,
  ]);
});
