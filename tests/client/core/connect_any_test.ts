import { assert, assertEqual } from "../../_helpers/assert.ts";
import { connectAny } from "../../../client/core/connect_any.ts";

Deno.test("connectAny skips addresses that fail and reports which one answered", async () => {
  const tried: string[] = [];
  const result = await connectAny(["a", "b", "c"], (address) => {
    tried.push(address);
    return address === "c" ? Promise.resolve(`conn ${address}`) : Promise.reject(new Error("down"));
  });
  assertEqual(result, { connection: "conn c", index: 2 });
  assertEqual(tried, ["a", "b", "c"]);
});

Deno.test("connectAny starts at `start` and wraps", async () => {
  const tried: number[] = [];
  const result = await connectAny([0, 1, 2], (address) => {
    tried.push(address);
    return address === 0 ? Promise.resolve("ok") : Promise.reject(new Error("down"));
  }, { start: 1 });
  assertEqual(tried, [1, 2, 0]);
  assertEqual(result.index, 0);
});

Deno.test("connectAny stops at a failure tryNext refuses and throws the last failure", async () => {
  const tried: string[] = [];
  let thrown: unknown;
  try {
    await connectAny(["a", "b", "c"], (address) => {
      tried.push(address);
      return Promise.reject(new Error(address === "b" ? "refused" : "down"));
    }, { tryNext: (error) => (error as Error).message !== "refused" });
  } catch (error) {
    thrown = error;
  }
  assertEqual(tried, ["a", "b"]);
  assert(thrown instanceof Error && thrown.message === "refused");
  let empty: unknown;
  try {
    await connectAny([], () => Promise.resolve(1));
  } catch (error) {
    empty = error;
  }
  assert(empty instanceof RangeError);
});
