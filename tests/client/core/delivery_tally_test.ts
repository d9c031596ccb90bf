import { assertEqual } from "../../_helpers/assert.ts";
import { DeliveryTally } from "../../../client/core/delivery_tally.ts";

Deno.test("DeliveryTally summary counts sent, acknowledged and refused by code", () => {
  const tally = new DeliveryTally();
  for (let i = 0; i < 200; i++) tally.sent();
  for (let i = 0; i < 199; i++) tally.acknowledged();
  tally.refused("text_too_long");
  assertEqual(tally.summary(), "200 sent, 199 acknowledged, 1 refused (text_too_long: 1)");
  assertEqual(tally.outcome, "refused");
});

Deno.test("DeliveryTally lists codes most frequent first, then unanswered and resent lines", () => {
  const tally = new DeliveryTally();
  for (let i = 0; i < 6; i++) tally.sent();
  tally.acknowledged();
  tally.refused("muted");
  tally.refused("text_too_long");
  tally.refused("text_too_long");
  tally.resent();
  assertEqual(
    tally.summary(),
    "6 sent, 1 acknowledged, 3 refused (text_too_long: 2, muted: 1), 2 unanswered, 1 resent after rate_limited",
  );
  assertEqual(tally.outcome, "unanswered");
});

Deno.test("DeliveryTally outcome is delivered only when every line was acknowledged", () => {
  const tally = new DeliveryTally();
  assertEqual(tally.outcome, "delivered");
  tally.sent();
  assertEqual(tally.outcome, "unanswered");
  tally.acknowledged();
  assertEqual(tally.outcome, "delivered");
  assertEqual(tally.summary(), "1 sent, 1 acknowledged, 0 refused");
});
