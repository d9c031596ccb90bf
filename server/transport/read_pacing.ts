/**
 * Read pacing under load, like a network card's interrupt coalescing.
 *
 * A busy room in a closed loop settles where every turn of the event loop
 * reads about one message per sender and writes once per member per turn:
 * a read and a write for every message. When a turn has handled more than
 * {@linkcode BUSY_TURN_FRAMES} frames, a connection whose read just carried
 * several frames waits for the next timer tick (about 1 ms) before it reads
 * again; its sender's next frames arrive meanwhile and are read, handled
 * and fanned out together, so one read and one write per member carry many
 * messages (InspIRCd reads about 36 messages per `recv` in the same load).
 * A quiet server (a turn of a few frames), and a connection that sent one
 * frame, read again at once, so latency at ordinary rates is not touched.
 * Measured in bench/README.md ("Read pacing").
 *
 * @module
 */

import { setImmediate } from "node:timers";

/** Frames handled in one turn above which the turn counts as busy. */
export const BUSY_TURN_FRAMES = 32;

let turnFrames = 0;
let counting = false;
let pause: Promise<void> | undefined;

/** Counts one frame handled in this turn; the count restarts after the turn (`setImmediate`). */
export function countFrame(): void {
  if (!counting) {
    counting = true;
    setImmediate(() => {
      turnFrames = 0;
      counting = false;
    });
  }
  turnFrames++;
}

/** Frames counted in this turn so far. */
export function framesThisTurn(): number {
  return turnFrames;
}

/**
 * Whether a connection should pause before its next read.
 *
 * @param framesInRead Frames its last read carried.
 * @returns True in a busy turn for a read of more than one frame.
 */
export function shouldPause(framesInRead: number): boolean {
  return turnFrames > BUSY_TURN_FRAMES && framesInRead > 1;
}

/**
 * The pause: until the next timer tick, one timer shared by every paused connection.
 *
 * @returns A promise that resolves when the timer fires.
 */
export function readPause(): Promise<void> {
  return pause ??= new Promise((resolve) =>
    setTimeout(() => {
      pause = undefined;
      resolve();
    }, 0)
  );
}
