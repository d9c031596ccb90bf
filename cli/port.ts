/**
 * TCP port numbers as people type them, shared by `parley serve` (where 0
 * means "let the OS pick") and the client's address parser.
 *
 * Import rule of the tree: `server/` imports only `server/`, `protocol/` and
 * the web client's built assets;
 * `client/` imports `client/`, `protocol/` and the small helpers of `cli/`
 * that know nothing of the server (this file, `prompt.ts`, `exit_codes.ts`);
 * only `cli/` and `main.ts` bring server and client together.
 * `tests/server/import_graph_test.ts` checks it.
 *
 * @module
 */

/**
 * Parses a TCP port number.
 *
 * @param text Decimal digits.
 * @param allowZero Accept 0 ("let the OS pick"), for servers.
 * @returns The port.
 * @throws {TypeError} Unless `text` is an integer from 1 (or 0) to 65535.
 *
 * @example
 * ```ts
 * import { parsePort } from "./port.ts";
 * parsePort("5003"); // 5003
 * parsePort("0", true); // 0
 * ```
 */
export function parsePort(text: string, allowZero = false): number {
  if (!/^\d{1,5}$/.test(text)) {
    throw new TypeError(`Port "${text}" is not a number from ${allowZero ? 0 : 1} to 65535`);
  }
  const port = Number(text);
  if (port > 65535 || (port === 0 && !allowZero)) {
    throw new TypeError(`Port ${port} is out of range; use ${allowZero ? 0 : 1} to 65535`);
  }
  return port;
}
