import { ClusterUnavailableError } from "../../../server/cluster/cluster_unavailable_error.ts";
import { type LinkState, NatsLink } from "../../../server/cluster/nats_link.ts";
import { RoomStream } from "../../../server/cluster/room_stream.ts";
import { assert, assertEqual } from "../../_helpers/assert.ts";
import { freePort, natsServerAvailable, startNatsServer } from "../../_helpers/nats_server.ts";

const ignore = !natsServerAvailable;
if (ignore) console.log("nats_link_test: nats-server is not installed; skipping the NATS tests");

Deno.test("NatsLink.connect throws ClusterUnavailableError within its bound when NATS is down", async () => {
  const port = freePort(); // nothing listens here
  const started = Date.now();
  let caught: unknown;
  try {
    await NatsLink.connect({ servers: [`nats://127.0.0.1:${port}`], connectTimeoutMs: 800 });
  } catch (error) {
    caught = error;
  }
  const took = Date.now() - started;
  assert(
    caught instanceof ClusterUnavailableError,
    `expected ClusterUnavailableError, got ${caught}`,
  );
  assertEqual(caught.name, "ClusterUnavailableError");
  assert(caught.message.includes(`127.0.0.1:${port}`) && caught.message.includes("800 ms"));
  assert(took >= 700 && took < 3_000, `gave up after ${took} ms`);
});

Deno.test("NatsLink.connect rejects a bad cluster name before connecting", async () => {
  let caught: unknown;
  try {
    await NatsLink.connect({ servers: ["nats://127.0.0.1:1"], name: "a.b" });
  } catch (error) {
    caught = error;
  }
  assert(caught instanceof TypeError);
});

Deno.test({
  name: "NatsLink reports disconnected then connected across a NATS restart and publishing resumes",
  ignore,
  async fn() {
    await using server = await startNatsServer();
    const link = await NatsLink.connect({ servers: [server.url], nodeId: "a" });
    try {
      const states: LinkState[] = [];
      link.onState((state) => states.push(state));
      const stream = await RoomStream.open(link, { publishTimeoutMs: 2_000 });
      const seen: number[] = [];
      const follower = stream.follow((record) => seen.push(record.seq));
      await follower.ready;
      const before = await stream.publish("#lobby", new TextEncoder().encode("before"));

      await server.stop();
      await link.waitFor("disconnected", 5_000).catch(() => link.waitFor("reconnecting", 5_000));
      assertEqual(link.state === "disconnected" || link.state === "reconnecting", true);
      await server.restart();
      await link.waitFor("connected", 10_000);
      assertEqual(states[0], "disconnected");
      assertEqual(states.at(-1), "connected");

      // JetStream may need a moment after the restart to load the stream.
      let after = 0;
      const deadline = Date.now() + 8_000;
      while (after === 0) {
        try {
          after = await stream.publish("#lobby", new TextEncoder().encode("after"));
        } catch (error) {
          if (Date.now() > deadline) throw error;
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
      }
      assert(after > before, `sequence ${after} continues after ${before}`);
      const wait = Date.now() + 8_000;
      while (!seen.includes(after) && Date.now() < wait) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      assert(seen.includes(after), `the follower resumed (saw ${seen})`);
      assertEqual(seen[0], before, "the follower saw the message from before the restart");
      await follower.stop();
    } finally {
      await link.close();
    }
    assertEqual(link.state, "closed");
    await link.close(); // safe twice
  },
});
