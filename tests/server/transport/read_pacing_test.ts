/**
 * Read pacing (`server/transport/read_pacing.ts`): a connection pauses before
 * its next read only in a busy turn and only after a read of several frames;
 * the count restarts every turn; paused connections share one timer.
 */

import { setImmediate } from "node:timers";
import { assert, assertEqual } from "../../_helpers/assert.ts";
import {
  BUSY_TURN_FRAMES,
  countFrame,
  framesThisTurn,
  readPause,
  shouldPause,
} from "../../../server/transport/read_pacing.ts";

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

Deno.test("read pacing: a quiet turn never pauses; a busy one pauses readers of several frames", async () => {
  await nextTurn();
  assertEqual(framesThisTurn(), 0);
  for (let i = 0; i < BUSY_TURN_FRAMES; i++) countFrame();
  assert(!shouldPause(5), "at the threshold the turn is not busy yet");
  countFrame();
  assert(shouldPause(2), "busy turn, a read of two frames: pause");
  assert(!shouldPause(1), "busy turn, a read of one frame: read again at once");
  await nextTurn();
  assertEqual(framesThisTurn(), 0, "the count restarts after the turn");
  assert(!shouldPause(50), "a new, quiet turn");
});

Deno.test("read pacing: paused connections share one timer, which fires after the current turn", async () => {
  const first = readPause();
  const second = readPause();
  assert(first === second, "one shared pause");
  let resumed = false;
  void first.then(() => (resumed = true));
  for (let i = 0; i < 10; i++) await Promise.resolve();
  assert(!resumed, "not within the current turn's promise jobs");
  await first;
  assert(readPause() !== first, "a later pause is a new timer");
  await readPause();
});
