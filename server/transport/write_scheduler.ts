/**
 * Issues the writes of every connection's {@linkcode WriteQueue} in rounds:
 * a queue with bytes to write asks for a turn, and one round, after the
 * current turn of the event loop, gives each waiting queue one write. A queue
 * whose write completes with more queued asks again and is written in the
 * next round, with everything queued for it by then in that one write.
 *
 * - **Fairness.** Each round starts at a different place in its list, so no
 *   member of a room is always written last (fanout order is join order, and
 *   so is the order in which writes complete).
 * - **One write per recipient per round.** Every frame queued for a member
 *   during a turn (all broadcasts of all reads that completed together) goes
 *   out in one write.
 * - **Coalescing driven by load.** When the server is idle a round runs at
 *   the end of the turn that queued something, as before. A round that took
 *   longer than {@linkcode IDLE_ROUND_MS} (a fanout to many members: one
 *   socket write each) makes the next round wait as long as it took, at most
 *   {@linkcode MAX_COALESCE_MS}; reads run meanwhile, and their frames ride
 *   the next round's writes. The loop then spends at most about half its time
 *   issuing writes, and each write carries more frames exactly when writes
 *   are what the loop is short of.
 *
 * @module
 */

import { WRITE_TRACE } from "./write_trace.ts";

/** What a queue gives the scheduler: its next write, run in a round. */
export interface WriteTask {
  /** Starts the queue's next write (or finds nothing to do). Must not throw. */
  run(): void;
}

/**
 * Step of the round's starting place, taken modulo the round's size: large
 * and odd, so that consecutive rounds start far apart.
 */
const ROTATION_STRIDE = 40_503;

/** A round shorter than this, in ms, lets the next one run as soon as something is queued. */
export const IDLE_ROUND_MS = 1;
/** Longest a round waits after a long one, in ms. */
export const MAX_COALESCE_MS = 4;

/**
 * Runs queued write tasks in rounds, each round starting at a rotating place.
 *
 * @example
 * ```ts
 * import { WriteScheduler } from "./write_scheduler.ts";
 * const scheduler = new WriteScheduler();
 * const order: number[] = [];
 * for (const id of [1, 2, 3]) scheduler.schedule({ run: () => order.push(id) });
 * await Promise.resolve(); // order holds 1, 2, 3 in some rotation
 * ```
 */
export class WriteScheduler {
  #due: WriteTask[] = [];
  #spare: WriteTask[] = [];
  #pending = false;
  #rotation = 0;
  /** `performance.now()` before which the next round does not start. */
  #earliest = 0;
  /** Bound once, so that scheduling a round allocates nothing. */
  readonly #runRound = () => this.#round();

  /** Tasks waiting for the next round. */
  get waiting(): number {
    return this.#due.length;
  }

  /**
   * Gives `task` one run in the next round. The caller makes sure a task is
   * not scheduled twice before it runs.
   *
   * @param task What to run.
   */
  schedule(task: WriteTask): void {
    this.#due.push(task);
    if (!this.#pending) {
      this.#pending = true;
      const wait = this.#earliest === 0 ? 0 : this.#earliest - performance.now();
      if (wait <= 0) queueMicrotask(this.#runRound);
      else setTimeout(this.#runRound, wait);
    }
  }

  #round(): void {
    this.#pending = false;
    const tasks = this.#due;
    this.#due = this.#spare;
    const started = performance.now();
    const delayed = this.#earliest !== 0;
    const n = tasks.length;
    const start = n > 1 ? this.#rotation % n : 0;
    this.#rotation = (this.#rotation + ROTATION_STRIDE) % 0x4000_0000;
    for (let i = start; i < n; i++) tasks[i].run();
    for (let i = 0; i < start; i++) tasks[i].run();
    tasks.length = 0;
    this.#spare = tasks;
    const ended = performance.now();
    const took = ended - started;
    this.#earliest = took > IDLE_ROUND_MS ? ended + Math.min(took, MAX_COALESCE_MS) : 0;
    WRITE_TRACE?.round(took, delayed);
  }
}

/** The process's scheduler, shared by every connection. */
export const WRITE_SCHEDULER: WriteScheduler = new WriteScheduler();
