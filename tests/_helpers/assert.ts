/**
 * Assertions for tests, on top of `node:assert/strict`, with the argument
 * order and names tests here use.
 *
 * @module
 */

import nodeAssert from "node:assert/strict";

/**
 * Asserts that `value` is truthy.
 *
 * @param value Anything.
 * @param message Shown on failure.
 */
export function assert(value: unknown, message?: string): asserts value {
  nodeAssert.ok(value, message);
}

/**
 * Asserts deep strict equality.
 *
 * @param actual What the code produced.
 * @param expected What it should be.
 * @param message Shown on failure.
 */
export function assertEqual<T>(
  actual: unknown,
  expected: T,
  message?: string,
): asserts actual is T {
  nodeAssert.deepStrictEqual(actual, expected, message);
}

/**
 * Asserts that `text` matches `pattern`.
 *
 * @param text The string.
 * @param pattern The pattern.
 */
export function assertMatch(text: string, pattern: RegExp): void {
  nodeAssert.match(text, pattern);
}

/**
 * Asserts that `fn` throws an instance of `type` whose message matches.
 *
 * @param fn Code expected to throw.
 * @param type Expected error class.
 * @param pattern Expected message pattern.
 */
export function assertThrows(
  fn: () => unknown,
  type: new (...args: never[]) => Error,
  pattern?: RegExp,
): void {
  nodeAssert.throws(fn, (error: unknown) => {
    nodeAssert.ok(error instanceof type, `expected ${type.name}, got ${error}`);
    if (pattern) nodeAssert.match((error as Error).message, pattern);
    return true;
  });
}
