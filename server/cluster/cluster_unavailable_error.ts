/**
 * The error a node gets when it cannot reach NATS at start.
 *
 * @module
 */

/**
 * NATS could not be reached (or refused the credentials) within the start
 * bound; `parley serve` reports it and exits. Catch it by class or by `name`.
 *
 * @example
 * ```ts
 * import { ClusterUnavailableError } from "./cluster_unavailable_error.ts";
 * const error = new ClusterUnavailableError("Cannot reach NATS at nats://127.0.0.1:1 within 5000 ms");
 * error.name; // "ClusterUnavailableError"
 * ```
 */
export class ClusterUnavailableError extends Error {
  /**
   * @param message A sentence naming the servers and the bound.
   * @param options The last connection error as `cause`.
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ClusterUnavailableError";
  }
}
