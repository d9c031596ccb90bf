/**
 * The line every client shows for a server's `shutdown` notice. Pure and
 * browser-safe.
 *
 * @module
 */

/**
 * The sentence for a shutdown notice: `server shutting down (REASON)`, or the
 * reason alone when it already says the server is shutting down (older
 * servers sent `server shutting down (SIGINT)` as the reason).
 *
 * @param reason The notice's reason (already sanitized for display).
 * @returns e.g. `server shutting down (SIGINT)`.
 *
 * @example
 * ```ts
 * import { shutdownText } from "./shutdown_text.ts";
 * shutdownText("SIGINT"); // "server shutting down (SIGINT)"
 * shutdownText(""); // "server shutting down"
 * ```
 */
export function shutdownText(reason: string): string {
  const trimmed = reason.trim();
  if (trimmed === "") return "server shutting down";
  if (/^server shutting down\b/i.test(trimmed)) return trimmed;
  return `server shutting down (${trimmed})`;
}
