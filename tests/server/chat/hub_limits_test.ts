import { Hub } from "../../../server/chat/hub.ts";
import { FloodControl } from "../../../server/guards/flood_control.ts";
import { admitFake } from "../../_helpers/fake_peer.ts";
import { assertEqual } from "../../_helpers/assert.ts";

Deno.test("Hub's welcome announces the flood limits a default server enforces", () => {
  const hub = new Hub();
  const { peer } = admitFake(hub, "alice");
  assertEqual(peer.of("welcome")[0].limits, {
    maxFrameBytes: 2_798_252,
    maxTextBytes: 8192,
    heartbeatMs: 30_000,
    maxMediaBytes: 2_097_152,
    floodRate: 10,
    floodBurst: 60,
    floodBytesRate: 65_536,
    // Raised to one maximal frame, header included, as FloodControl does.
    floodBytesBurst: 2_798_256,
  });
});

Deno.test("Hub announces the flood options it is given, and FloodControl enforces exactly those", () => {
  const options = { floodRate: 3, floodBurst: 4, floodBytesRate: 5000, floodBytesBurst: 9_000_000 };
  const hub = new Hub(options);
  const { floodRate, floodBurst, floodBytesRate, floodBytesBurst } = hub.limits;
  assertEqual({ floodRate, floodBurst, floodBytesRate, floodBytesBurst }, options);
  // The announced burst is what the server's own flood control lets through at once.
  const flood = new FloodControl(options, hub.limits.maxFrameBytes, 0);
  const verdicts = Array.from({ length: 5 }, () => flood.check(10, 0));
  assertEqual(verdicts, ["accept", "accept", "accept", "accept", "refuse"]);
});
