/**
 * Reads the `ref` of a client message that may be otherwise invalid, so an
 * `error` answering it (`bad_message` for a wrong field, `rate_limited` for a
 * frame dropped unparsed) can carry the `ref` the client waits on.
 *
 * @module
 */

const decoder = new TextDecoder("utf-8", { fatal: true });

/**
 * The `ref` of a payload when it is readable: the payload is UTF-8 JSON, an
 * object, and its `ref` is a non-negative integer below 2^53, whatever else is
 * wrong with it (an unknown `type`, another field of the wrong type).
 *
 * @param payload A frame's payload, as received.
 * @returns The `ref`, or `undefined` when there is none to read.
 *
 * @example
 * ```ts
 * import { readRef } from "./read_ref.ts";
 * readRef(new TextEncoder().encode('{"type":"msg","ref":7,"text":42}')); // 7
 * readRef(new TextEncoder().encode("not json")); // undefined
 * ```
 */
export function readRef(payload: Uint8Array): number | undefined {
  let value: unknown;
  try {
    value = JSON.parse(decoder.decode(payload));
  } catch (error) {
    // Not UTF-8 (TypeError) or not JSON (SyntaxError): no ref to read.
    if (error instanceof TypeError || error instanceof SyntaxError) return undefined;
    throw error;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  const ref = (value as { ref?: unknown }).ref;
  return typeof ref === "number" && Number.isSafeInteger(ref) && ref >= 0 ? ref : undefined;
}
