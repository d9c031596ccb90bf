/**
 * The outcome of a scripted session's lines: how many were sent, how many the
 * server acknowledged, how many it refused and with which codes, and how many
 * got no answer before the connection ended. Gives the one-line summary a
 * script prints on stderr and the outcome its exit code comes from. Pure and
 * browser-safe.
 *
 * @module
 */

/** How a scripted session ended, for its exit code. */
export type DeliveryOutcome =
  /** Every line sent was acknowledged. */
  | "delivered"
  /** Every line was answered, and at least one was refused. */
  | "refused"
  /** The connection ended with lines unanswered. */
  | "unanswered";

/**
 * Counts lines by outcome.
 *
 * @example
 * ```ts
 * import { DeliveryTally } from "./delivery_tally.ts";
 * const tally = new DeliveryTally();
 * tally.sent(); tally.sent();
 * tally.acknowledged();
 * tally.refused("text_too_long");
 * tally.summary(); // "2 sent, 1 acknowledged, 1 refused (text_too_long: 1)"
 * ```
 */
export class DeliveryTally {
  #sent = 0;
  #acknowledged = 0;
  #resent = 0;
  readonly #refused = new Map<string, number>();

  /** Counts a line sent to the server (once per line, however often it is resent). */
  sent(): void {
    this.#sent++;
  }

  /** Counts a line sent again after the server refused it as `rate_limited`. */
  resent(): void {
    this.#resent++;
  }

  /** Counts a line the server acknowledged. */
  acknowledged(): void {
    this.#acknowledged++;
  }

  /**
   * Counts a line that was refused, by the server or (too large to send) by the client.
   *
   * @param code The error code.
   */
  refused(code: string): void {
    this.#refused.set(code, (this.#refused.get(code) ?? 0) + 1);
  }

  /** Lines refused, all codes together. */
  get refusedCount(): number {
    let total = 0;
    for (const n of this.#refused.values()) total += n;
    return total;
  }

  /** Lines sent that got neither an acknowledgement nor a refusal. */
  get unanswered(): number {
    return Math.max(0, this.#sent - this.#acknowledged - this.refusedCount);
  }

  /** How the session ended; see {@linkcode DeliveryOutcome}. */
  get outcome(): DeliveryOutcome {
    if (this.unanswered > 0) return "unanswered";
    return this.refusedCount > 0 ? "refused" : "delivered";
  }

  /**
   * One line: counts, refusals by code (most frequent first), unanswered and
   * resent lines when there were any.
   *
   * @returns E.g. `"200 sent, 199 acknowledged, 1 refused (text_too_long: 1)"`.
   */
  summary(): string {
    let text =
      `${this.#sent} sent, ${this.#acknowledged} acknowledged, ${this.refusedCount} refused`;
    if (this.#refused.size > 0) {
      const codes = [...this.#refused].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
      text += ` (${codes.map(([code, n]) => `${code}: ${n}`).join(", ")})`;
    }
    if (this.unanswered > 0) text += `, ${this.unanswered} unanswered`;
    if (this.#resent > 0) text += `, ${this.#resent} resent after rate_limited`;
    return text;
  }
}
