import { BufferPool } from "../../../server/transport/buffer_pool.ts";
import { assert, assertEqual } from "../../_helpers/assert.ts";

Deno.test("BufferPool reuses returned buffers up to its retain limit", () => {
  const pool = new BufferPool(64, 1);
  const a = pool.take();
  const b = pool.take();
  assertEqual(a.length, 64);
  assert(a !== b, "two takes without a give are distinct buffers");
  pool.give(a);
  pool.give(b);
  assertEqual(pool.idle, 1);
  assert(pool.take() === a, "a returned buffer is handed out again");
});

Deno.test("BufferPool ignores buffers of another size", () => {
  const pool = new BufferPool(64, 4);
  pool.give(new Uint8Array(32));
  assertEqual(pool.idle, 0);
});
