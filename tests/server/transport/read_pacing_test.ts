/**
 * Read pacing (`server/transport/read_pacing.ts`): a connection pauses before
 * its next read only while the server is busy (more than BUSY_INTERVAL_FRAMES
 * frames since the last pacing tick, or in the interval before it), and only
 * after a read of several frames (any frame for a direct reader); paused
 * connections share one tick; the tick is a loopback doorbell while a server
 * holds it, else a timer.
 */

import { assert, assertEqual } from "../../_helpers/assert.ts";
import {
  acquirePacingDoorbell,
  BUSY_INTERVAL_FRAMES,
  countFrame,
  framesSinceTick,
  isBusy,
  pacingTickSource,
  readPause,
  releasePacingDoorbell,
  shouldPause,
} from "../../../server/transport/read_pacing.ts";

/** Waits for ticks until an interval was quiet (at most 10). */
async function settle(): Promise<void> {
  for (let i = 0; i < 10 && (isBusy() || framesSinceTick() > 0); i++) await readPause();
  assert(!isBusy(), "quiet after a few ticks");
}

Deno.test("read pacing: a quiet interval never pauses; a busy one pauses readers of several frames, and direct readers of any", async () => {
  await settle();
  assertEqual(framesSinceTick(), 0);
  for (let i = 0; i < BUSY_INTERVAL_FRAMES; i++) countFrame();
  assert(!shouldPause(5) && !shouldPause(5, true), "at the threshold it is not busy yet");
  countFrame();
  assert(shouldPause(2), "busy, a read of two frames: pause");
  assert(!shouldPause(1), "busy, a read of one frame: read again at once");
  assert(shouldPause(1, true), "busy, a direct reader pauses after one frame too");
  await readPause();
  assertEqual(framesSinceTick(), 0, "the count restarts at the tick");
  assert(isBusy(), "the interval that just ended was busy: still busy");
  assert(shouldPause(1, true), "so readers that resume pause again after reading");
  await readPause();
  assert(!isBusy(), "a quiet interval ends it");
  assert(!shouldPause(50), "quiet again");
});

Deno.test("read pacing: paused connections share one tick, which comes after the current turn", async () => {
  await settle();
  const first = readPause();
  const second = readPause();
  assert(first === second, "one shared pause");
  let resumed = false;
  void first.then(() => (resumed = true));
  for (let i = 0; i < 10; i++) await Promise.resolve();
  assert(!resumed, "not within the current turn's promise jobs");
  await first;
  assert(readPause() !== first, "a later pause is a new tick");
  await readPause();
});

Deno.test("read pacing: a server's doorbell carries the ticks while held, the timer after", async () => {
  await settle();
  assertEqual(pacingTickSource(), "timer");
  await acquirePacingDoorbell();
  await acquirePacingDoorbell();
  try {
    assertEqual(pacingTickSource(), "doorbell", "the test task grants net on 127.0.0.1");
    for (let i = 0; i <= BUSY_INTERVAL_FRAMES; i++) countFrame();
    let ticks = 0;
    for (let i = 0; i < 5; i++) await readPause().then(() => ticks++);
    assertEqual(ticks, 5, "every pause resumed");
    await releasePacingDoorbell();
    assertEqual(pacingTickSource(), "doorbell", "still held once");
  } finally {
    await releasePacingDoorbell();
  }
  assertEqual(pacingTickSource(), "timer", "the last holder closed it");
  await readPause();
  await settle();
});
