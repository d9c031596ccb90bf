import { assert, assertEqual } from "../../_helpers/assert.ts";
import { WriteQueue, type WriteSink } from "../../../server/transport/write_queue.ts";
import { MAX_COALESCE_MS, WriteScheduler } from "../../../server/transport/write_scheduler.ts";

/** A sink that logs which queue wrote, in one order shared by all queues. */
function loggingSink(id: number, log: number[]): WriteSink {
  return {
    write(data) {
      log.push(id);
      return Promise.resolve(data.length);
    },
  };
}

Deno.test("WriteQueue writes of one broadcast start at a rotating place, so no member is always written last", async () => {
  const members = 50;
  const broadcasts = 40;
  const log: number[] = [];
  const queues = Array.from({ length: members }, (_, id) => new WriteQueue(loggingSink(id, log)));
  const last = new Array<number>(members).fill(0);
  const first = new Array<number>(members).fill(0);
  const frame = new Uint8Array(100);
  for (let b = 0; b < broadcasts; b++) {
    log.length = 0;
    // A room's fanout: every member, in join order, in one turn.
    for (const queue of queues) queue.push(frame);
    await Promise.all(queues.map((queue) => queue.drain(1000)));
    assertEqual(log.length, members, "one write per member per broadcast");
    assertEqual(new Set(log).size, members);
    first[log[0]]++;
    last[log.at(-1)!]++;
  }
  // In join order the last member would be last every time (40 of 40).
  assert(Math.max(...last) <= broadcasts / 4, `a member was last ${Math.max(...last)} times`);
  assert(Math.max(...first) <= broadcasts / 4, `a member was first ${Math.max(...first)} times`);
  for (const queue of queues) queue.stop();
});

Deno.test("WriteScheduler runs every scheduled task once per round, each round after the current turn", async () => {
  const scheduler = new WriteScheduler();
  const runs: number[] = [];
  for (let id = 0; id < 5; id++) scheduler.schedule({ run: () => runs.push(id) });
  assertEqual(runs.length, 0, "nothing runs inside the turn that scheduled it");
  assertEqual(scheduler.waiting, 5);
  await new Promise((resolve) => setTimeout(resolve, 0));
  assertEqual(runs.toSorted(), [0, 1, 2, 3, 4]);
  assertEqual(scheduler.waiting, 0);
  // The order is a rotation of the scheduling order.
  const start = runs.indexOf(0);
  assertEqual([...runs.slice(start), ...runs.slice(0, start)], [0, 1, 2, 3, 4]);
});

function spin(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) { /* a round that costs CPU, like 1,000 socket writes */ }
}

Deno.test("WriteScheduler runs the next round at once after a short round, and waits after a long one", async () => {
  const scheduler = new WriteScheduler();
  const ranAt = async (): Promise<number> => {
    const { promise, resolve } = Promise.withResolvers<number>();
    scheduler.schedule({ run: () => resolve(performance.now()) });
    return await promise;
  };
  // Idle: a round follows in the same turn, before any timer.
  let timerFired = false;
  const timer = setTimeout(() => timerFired = true, 0);
  await ranAt();
  assertEqual(timerFired, false, "a round after a short one does not wait for a timer");
  clearTimeout(timer);
  // A long round (fanout to many sockets) makes the next one wait, so frames coalesce.
  const { promise: longDone, resolve } = Promise.withResolvers<void>();
  scheduler.schedule({ run: () => (spin(MAX_COALESCE_MS + 2), resolve()) });
  await longDone;
  const asked = performance.now();
  const ran = await ranAt();
  assert(ran - asked >= MAX_COALESCE_MS - 1, `the next round ran after ${ran - asked} ms`);
  // Once a short round has run, the next is immediate again.
  const again = performance.now();
  assert((await ranAt()) - again < MAX_COALESCE_MS - 1, "idle again after a short round");
});
