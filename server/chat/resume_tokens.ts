/**
 * Resume tokens: proof that a reconnecting client is the same session as the
 * ghost still holding its nick. Each `welcome` carries a fresh token; a later
 * `hello` with `resume: token` lets the hub close the ghost and hand the nick
 * to the new connection at once, instead of refusing it with `nick_taken`
 * until the ghost times out.
 *
 * Tokens are 32 random bytes from the Web Crypto CSPRNG, base64url-encoded
 * (43 characters). Only their SHA-256 digests are kept, compared in constant
 * time. Pure bookkeeping: no sockets, no timers.
 *
 * @module
 */

import { createHash, timingSafeEqual } from "node:crypto";

/** Bytes of randomness in a token. */
export const RESUME_TOKEN_BYTES = 32;

/** Longest `hello.resume` worth comparing; longer strings are never tokens. */
const MAX_TOKEN_CHARS = 128;

/**
 * Issues and checks resume tokens for sessions. Keys are the session objects
 * themselves, held weakly, so a session that is gone takes its token with it.
 *
 * @typeParam S The session type.
 *
 * @example
 * ```ts
 * import { ResumeTokens } from "./resume_tokens.ts";
 * const tokens = new ResumeTokens<object>();
 * const session = {};
 * const token = tokens.issue(session);
 * tokens.matches(session, token); // true
 * tokens.matches(session, "guess"); // false
 * ```
 */
export class ResumeTokens<S extends object> {
  /** SHA-256 of each session's token, in base64 (a string is smaller than a buffer per session). */
  readonly #digests = new WeakMap<S, string>();

  /**
   * Creates a new token for `session`, replacing any earlier one.
   *
   * @param session The session the token proves.
   * @returns The token, 43 base64url characters, to send in `welcome.resume`.
   */
  issue(session: S): string {
    const bytes = crypto.getRandomValues(new Uint8Array(RESUME_TOKEN_BYTES));
    const token = toBase64Url(bytes);
    this.#digests.set(session, digest(token));
    return token;
  }

  /**
   * Whether `token` is the current token of `session`. Constant-time in the
   * token's content.
   *
   * @param session The session holding the nick.
   * @param token What the reconnecting client sent, if anything.
   */
  matches(session: S, token: string | undefined): boolean {
    if (token === undefined || token.length === 0 || token.length > MAX_TOKEN_CHARS) return false;
    const expected = this.#digests.get(session);
    if (expected === undefined) return false;
    return timingSafeEqual(utf8.encode(digest(token)), utf8.encode(expected));
  }

  /**
   * Forgets the token of `session` (after it disconnects or was replaced).
   *
   * @param session The session.
   */
  revoke(session: S): void {
    this.#digests.delete(session);
  }
}

const utf8 = new TextEncoder();

function digest(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("base64");
}

function toBase64Url(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}
