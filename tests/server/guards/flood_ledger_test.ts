import { assertEqual } from "../../_helpers/assert.ts";
import { FloodLedger } from "../../../server/guards/flood_ledger.ts";

const limits = { floodRate: 1, floodBurst: 2, floodStrikes: 2 };

Deno.test("FloodLedger hands a reconnecting address its spent budget, not a fresh one", () => {
  const ledger = new FloodLedger(limits, 1024);
  const first = ledger.take("10.0.0.1:4000", 0);
  assertEqual([first.check(10, 0), first.check(10, 0)], ["accept", "accept"]);
  ledger.keep("10.0.0.1:4000", first, 0);
  const again = ledger.take("10.0.0.1:4001", 0);
  assertEqual(again.check(10, 0), "refuse", "reconnecting did not reset the limit");
  // Another address has its own budget.
  assertEqual(ledger.take("10.0.0.2:4000", 0).check(10, 0), "accept");
});

Deno.test("FloodLedger forgets a state once it is rested, so memory follows busy addresses", () => {
  const ledger = new FloodLedger(limits, 1024, { freshBurst: 10_000 });
  for (let i = 0; i < 1000; i++) {
    const state = ledger.take(`10.0.${i >> 8}.${i & 255}:1`, 0);
    state.check(10, 0);
    ledger.keep(`10.0.${i >> 8}.${i & 255}:1`, state, 0);
  }
  assertEqual(ledger.size, 1000);
  // Much later every state is full again: each keep sweeps a few rested ones.
  for (let i = 0; i < 1000; i++) {
    const state = ledger.take("192.0.2.1:1", 600_000);
    ledger.keep("192.0.2.1:1", state, 600_000);
  }
  assertEqual(ledger.size, 0);
  const rested = ledger.take("192.0.2.1:1", 600_000);
  ledger.keep("192.0.2.1:1", rested, 600_000);
  assertEqual(ledger.size, 0, "a rested state is not kept");
});

Deno.test("FloodLedger keeps at most its cap of states", () => {
  const ledger = new FloodLedger(limits, 1024, { maxKept: 10, freshBurst: 1000 });
  for (let i = 0; i < 100; i++) {
    const state = ledger.take(`10.0.0.${i}:1`, 0);
    state.check(10, 0);
    state.check(10, 0);
    ledger.keep(`10.0.0.${i}:1`, state, 0);
  }
  assertEqual(ledger.size, 10);
  assertEqual(ledger.take("10.0.0.99:1", 0).check(10, 0), "refuse", "the newest are kept");
  assertEqual(ledger.take("10.0.0.0:1", 0).check(10, 0), "accept", "the oldest were dropped");
});

Deno.test("FloodLedger gives connections opened side by side new budgets only within an allowance", () => {
  const ledger = new FloodLedger({ floodRate: 1, floodBurst: 5 }, 1024, { freshBurst: 3 });
  const verdicts = Array.from(
    { length: 5 },
    (_, i) => ledger.take(`10.0.0.1:${i}`, 0).check(10, 0),
  );
  assertEqual(verdicts, ["accept", "accept", "accept", "refuse", "refuse"]);
  assertEqual(ledger.take("10.0.0.2:1", 0).check(10, 0), "accept", "per address");
  assertEqual(ledger.take("10.0.0.1:9", 1000).check(10, 1000), "accept", "one more each second");
});
