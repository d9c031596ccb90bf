import { assert, assertEqual, assertThrows } from "../_helpers/assert.ts";
import { parseArgs } from "node:util";
import { isUsageError, readOptionFile, readSecretFile, writeAllSync } from "../../cli/prompt.ts";

Deno.test("readSecretFile drops one trailing newline and keeps the rest", async () => {
  const dir = await Deno.makeTempDir({ prefix: "parley-test-" });
  try {
    await Deno.writeTextFile(`${dir}/a`, "s3cret \n");
    await Deno.writeTextFile(`${dir}/b`, "two\r\n\n");
    assertEqual(readSecretFile(`${dir}/a`), "s3cret ");
    assertEqual(readSecretFile(`${dir}/b`), "two\r\n");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("readOptionFile names what is missing, or a directory", async () => {
  const dir = await Deno.makeTempDir({ prefix: "parley-test-" });
  try {
    assertThrows(
      () => readOptionFile(`${dir}/none.pem`, "CA certificate"),
      TypeError,
      /^CA certificate file .*none\.pem does not exist$/,
    );
    assertThrows(
      () => readOptionFile(dir, "TLS key"),
      TypeError,
      /^TLS key file .* is a directory$/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("isUsageError accepts our TypeErrors and parseArgs errors, not other errors", () => {
  assert(isUsageError(new TypeError("Expected one address, got 2")));
  let parseError: unknown;
  try {
    parseArgs({ args: ["--nope"], options: {}, strict: true });
  } catch (error) {
    parseError = error;
  }
  assert(isUsageError(parseError));
  assert(!isUsageError(new RangeError("x")));
  assert(!isUsageError("text"));
});

Deno.test("writeAllSync keeps writing until every byte is written", () => {
  const chunks: string[] = [];
  const decoder = new TextDecoder();
  // A writer that takes at most 3 bytes per call, like a pipe that is nearly full.
  const writer = {
    writeSync(bytes: Uint8Array): number {
      const n = Math.min(3, bytes.length);
      chunks.push(decoder.decode(bytes.subarray(0, n)));
      return n;
    },
  };
  writeAllSync(writer, "hello, world");
  assertEqual(chunks.join(""), "hello, world");
  assertEqual(chunks.length, 4);
});
