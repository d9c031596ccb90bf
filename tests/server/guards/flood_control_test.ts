import { assertEqual } from "../../_helpers/assert.ts";
import { FloodControl } from "../../../server/guards/flood_control.ts";

Deno.test("FloodControl lets a pasted burst through at once", () => {
  const flood = new FloodControl({}, 1_048_576, 0);
  for (let i = 0; i < 60; i++) assertEqual(flood.check(200, 0), "accept", `line ${i}`);
  assertEqual(flood.check(200, 0), "refuse");
});

Deno.test("FloodControl sustains its rate forever without refusing", () => {
  const flood = new FloodControl({ floodRate: 10, floodBurst: 1 }, 1024, 0);
  for (let i = 0; i < 1000; i++) assertEqual(flood.check(100, i * 100), "accept");
});

Deno.test("FloodControl limits bytes per second separately from messages", () => {
  const flood = new FloodControl(
    { floodRate: 1000, floodBurst: 1000, floodBytesRate: 1000, floodBytesBurst: 2000 },
    1000,
    0,
  );
  assertEqual(flood.check(1500, 0), "accept");
  assertEqual(flood.check(1000, 0), "refuse");
  assertEqual(flood.check(1000, 500), "accept");
});

Deno.test("FloodControl disconnects after its strikes run out and forgives one per second", () => {
  const flood = new FloodControl({ floodRate: 1, floodBurst: 1, floodStrikes: 3 }, 1024, 0);
  assertEqual(flood.check(10, 0), "accept");
  assertEqual([1, 2, 3].map(() => flood.check(10, 0)), ["refuse", "refuse", "refuse"]);
  assertEqual(flood.check(10, 0), "disconnect");
  const patient = new FloodControl({ floodRate: 1, floodBurst: 1, floodStrikes: 3 }, 1024, 0);
  patient.check(10, 0);
  // Two refusals a second against one forgiven: still a few seconds of grace.
  assertEqual(patient.check(10, 100), "refuse");
  assertEqual(patient.check(10, 200), "refuse");
  assertEqual(patient.check(10, 1000), "accept");
  assertEqual(patient.refused, 2);
});

Deno.test("FloodControl always admits one maximal frame", () => {
  const flood = new FloodControl({ floodBytesBurst: 10 }, 1_048_576, 0);
  assertEqual(flood.check(1_048_580, 0), "accept");
});
