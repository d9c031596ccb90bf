import { assert, assertEqual, assertThrows } from "../../_helpers/assert.ts";
import {
  DEFAULT_FLOOD_LIMITS,
  type FloodLimits,
  floodLimitsOf,
  SendPacer,
} from "../../../client/core/send_pacer.ts";
import { FloodControl } from "../../../server/guards/flood_control.ts";

const LIMITS = DEFAULT_FLOOD_LIMITS;

interface Scenario {
  /** Frames to send. */
  count: number;
  /** Frame size, header included, in bytes. */
  bytes: number;
  /** Flood limits the server enforces and announces. */
  limits?: FloodLimits;
  /** A lower `--rate`. */
  rate?: number;
  /** One-way network delay, in ms. */
  network?: number;
  /** Delay between processing a frame and sending its ack (the group commit), in ms. */
  commit?: number;
  /** Whether the server is stalled (processes nothing) at time `t`. */
  stalled?: (t: number) => boolean;
}

/**
 * Runs a paced sender against the server's own flood control, one ms at a
 * time: the client sends whenever the pacer allows, the server processes
 * frames in order once they arrived and it is not stalled, and acks each one
 * `commit` ms later; the client learns of an ack `network` ms after that.
 */
function simulate(scenario: Scenario) {
  const limits = scenario.limits ?? DEFAULT_FLOOD_LIMITS;
  const { count, bytes, network = 1, commit = 3, stalled = () => false } = scenario;
  const server = new FloodControl(limits, 1_048_576, 0);
  const pacer = new SendPacer(limits, 0, { rate: scenario.rate });
  const arrivals: number[] = [];
  const answers: { at: number; refused: boolean }[] = [];
  let processed = 0;
  let answered = 0;
  let refused = 0;
  let t = 0;
  for (; answered < count; t++) {
    if (t > 10_000_000) throw new Error("simulation did not finish");
    while (answered < answers.length && answers[answered].at <= t) {
      pacer.answered(bytes, t, answers[answered].refused);
      answered++;
    }
    while (arrivals.length < count && pacer.delay(bytes, t) === 0) {
      pacer.sent(bytes, t);
      arrivals.push(t + network);
    }
    if (stalled(t)) continue;
    while (processed < arrivals.length && arrivals[processed] <= t) {
      const verdict = server.check(bytes, t);
      if (verdict !== "accept") refused++;
      answers.push({ at: t + commit + network, refused: verdict !== "accept" });
      processed++;
    }
  }
  return { refused, elapsed: t };
}

Deno.test("SendPacer keeps 10,000 frames under the default flood limits, at their pace", () => {
  const { refused, elapsed } = simulate({ count: 10_000, bytes: 40 });
  assertEqual(refused, 0);
  // (10,000 - burst) frames at 95 % of 10/s: a little over 1,000 s, not much more.
  assert(elapsed > (10_000 - 60) / 10 * 1000, `faster than the server allows: ${elapsed} ms`);
  assert(elapsed < (10_000 - 54) / 9.5 * 1000 + 1000, `too slow: ${elapsed} ms`);
});

Deno.test("SendPacer survives a server that stalls while frames wait (the bucket loses refill)", () => {
  // A fast, shallow server (1000/s, bursts of 60) that freezes 200 ms of every second:
  // frames queue up behind the stall while its bucket sits full, losing refill.
  const limits = { ...DEFAULT_FLOOD_LIMITS, floodRate: 1000 };
  const { refused } = simulate({
    count: 10_000,
    bytes: 40,
    limits,
    commit: 10,
    stalled: (t) => t % 1000 < 200,
  });
  assertEqual(refused, 0);
});

Deno.test("SendPacer survives a slow network and slow commits at the default limits", () => {
  const { refused } = simulate({
    count: 2_000,
    bytes: 40,
    network: 150,
    commit: 400,
    stalled: (t) => t % 7000 < 1500,
  });
  assertEqual(refused, 0);
});

Deno.test("SendPacer stays under the byte rate with large frames", () => {
  const { refused, elapsed } = simulate({ count: 300, bytes: 8_000 });
  assertEqual(refused, 0);
  // 300 × 8 KB = 2.4 MB: well past the 1 MiB burst, so the byte rate sets the pace.
  assert(elapsed > (300 * 8_000 - 1_048_576) / 65_536 * 1000, `took ${elapsed} ms`);
});

Deno.test("SendPacer only lowers the pace: a higher rate is capped at the announced one", () => {
  assertEqual(new SendPacer(LIMITS, 0, { rate: 2 }).rate, 2);
  assertEqual(new SendPacer(LIMITS, 0, { rate: 1000 }).rate, 9.5);
  const { refused, elapsed } = simulate({ count: 21, bytes: 40, rate: 2 });
  assertEqual(refused, 0);
  // Two at once, then two per second.
  assert(elapsed >= 9_500, `21 frames at 2/s took ${elapsed} ms`);
});

Deno.test("SendPacer waits after a rate_limited refusal", () => {
  const pacer = new SendPacer(LIMITS, 0);
  assertEqual(pacer.delay(40, 0), 0);
  pacer.sent(40, 0);
  pacer.answered(40, 10, true);
  assert(pacer.delay(40, 10) >= 100, "a refused frame waits for fresh tokens");
});

Deno.test("SendPacer refuses limits that are not positive numbers", () => {
  assertThrows(() => new SendPacer({ ...LIMITS, floodRate: 0 }, 0), RangeError, /floodRate/);
  assertThrows(() => new SendPacer(LIMITS, 0, { rate: -1 }), RangeError, /rate/);
});

Deno.test("floodLimitsOf fills what an older server does not announce with the defaults", () => {
  const old = floodLimitsOf({ maxFrameBytes: 2_798_252, maxTextBytes: 8192, heartbeatMs: 30_000 });
  assertEqual(old, {
    floodRate: 10,
    floodBurst: 60,
    floodBytesRate: 65_536,
    // The server raises the byte burst to one maximal frame.
    floodBytesBurst: 2_798_256,
  });
  const announced = floodLimitsOf({
    maxFrameBytes: 1024,
    maxTextBytes: 512,
    heartbeatMs: 30_000,
    floodRate: 100,
    floodBurst: 5,
    floodBytesRate: 1000,
    floodBytesBurst: 2000,
  });
  assertEqual(announced, {
    floodRate: 100,
    floodBurst: 5,
    floodBytesRate: 1000,
    floodBytesBurst: 2000,
  });
});
