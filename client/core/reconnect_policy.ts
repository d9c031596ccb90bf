/**
 * When and how a client reconnects, shared by the terminal and the browser:
 * whether a close calls for reconnecting at all (from the `bye` code, never
 * from notice text), the delay before each attempt (`backoff.ts`), the nick
 * and resume token each attempt presents, and what a refusal means. Pure and
 * browser-safe; the caller owns sockets and timers.
 *
 * @module
 */

import type { ByeMessage, ErrorCode, WelcomeMessage } from "../../protocol/messages.ts";
import { MAX_NICK_LENGTH } from "../../protocol/names.ts";
import { type BackoffOptions, reconnectDelay } from "./backoff.ts";

/**
 * `bye` codes after which a client must not reconnect by itself: an operator
 * removed the user (`kicked`), or the same user resumed the session elsewhere
 * (`replaced`; reconnecting would take it back and start a tug of war).
 */
export const FINAL_BYE_CODES: ReadonlySet<string> = new Set(["kicked", "replaced"]);

/** Refusals that another attempt cannot fix. */
export const PERMANENT_REFUSALS: ReadonlySet<ErrorCode | undefined> = new Set<
  ErrorCode | undefined
>(["auth_failed", "locked_out", "banned", "bad_version", "nick_invalid"]);

/**
 * Whether a connection that ended after `bye` (or without one) should be
 * reconnected. Unknown codes count as a plain drop.
 *
 * @param bye The last `bye` the server sent on the connection, if any.
 * @returns False after `kicked` or `replaced`; true otherwise.
 *
 * @example
 * ```ts
 * import { reconnectsAfter } from "./reconnect_policy.ts";
 * reconnectsAfter({ type: "bye", code: "shutdown", reason: "restart" }); // true
 * reconnectsAfter({ type: "bye", code: "kicked", reason: "Kicked by op: spam" }); // false
 * reconnectsAfter(undefined); // true
 * ```
 */
export function reconnectsAfter(bye: ByeMessage | undefined): boolean {
  return bye === undefined || !FINAL_BYE_CODES.has(bye.code);
}

/**
 * Another nick to try when ours was taken by someone else while we were away:
 * one `_` appended, within the nick length limit.
 *
 * @param nick The taken nick.
 * @returns The alternative.
 *
 * @example
 * ```ts
 * import { alternateNick } from "./reconnect_policy.ts";
 * alternateNick("alice"); // "alice_"
 * ```
 */
export function alternateNick(nick: string): string {
  const chars = [...nick];
  return (chars.length >= MAX_NICK_LENGTH ? chars.slice(0, MAX_NICK_LENGTH - 1).join("") : nick) +
    "_";
}

/** One reconnect attempt as planned by {@linkcode ReconnectPolicy.next}. */
export interface ReconnectAttempt {
  /** 1 for the first attempt after a drop, then 2, 3, ... */
  attempt: number;
  /** How long to wait before it, in ms. */
  delayMs: number;
  /** The nick to ask for. */
  nick: string;
  /** The resume token to present, if there is one. */
  resume?: string;
  /**
   * Index of the address to dial, among the policy's `addresses`: the first
   * attempt after a drop moves to the next address (another node of a
   * clustered chat), each later attempt one further, wrapping.
   */
  address: number;
}

/** What to do after an attempt was refused; see {@linkcode ReconnectPolicy.refused}. */
export type RefusalAction =
  | { action: "retry"; nick?: string }
  | { action: "stop" };

/**
 * The reconnect state of one client: the nick and resume token of its latest
 * welcome, and how many attempts the current outage has taken.
 *
 * @example
 * ```ts
 * import { ReconnectPolicy } from "./reconnect_policy.ts";
 * const policy = new ReconnectPolicy({ random: () => 0 });
 * policy.dropped("alice");
 * policy.next(); // { attempt: 1, delayMs: 250, nick: "alice", address: 0 }
 * policy.refused("nick_taken"); // { action: "retry", nick: "alice_" }
 * ```
 */
export class ReconnectPolicy {
  readonly #backoff: BackoffOptions;
  readonly #addresses: number;
  #connected = 0;
  #attempt = 0;
  #nick = "";
  #resume: string | undefined;

  /**
   * @param backoff Delays; see `reconnectDelay`.
   * @param addresses How many addresses the client may dial (the nodes of a
   *   cluster), at least 1.
   */
  constructor(backoff: BackoffOptions = {}, addresses = 1) {
    this.#backoff = backoff;
    this.#addresses = Math.max(1, Math.floor(addresses));
  }

  /**
   * Records which address the current connection went to, so that the next
   * outage starts with the address after it.
   *
   * @param index Index among the policy's addresses.
   */
  connectedTo(index: number): void {
    this.#connected = index % this.#addresses;
  }

  /** The nick the next attempt asks for. */
  get nick(): string {
    return this.#nick;
  }

  /** The resume token the next attempt presents, if any. */
  get resume(): string | undefined {
    return this.#resume;
  }

  /**
   * Records a welcome: its nick and resume token are what the next outage
   * reconnects with, and the attempt count starts over.
   *
   * @param welcome The server's welcome.
   */
  welcomed(welcome: WelcomeMessage): void {
    this.remember(welcome.nick, welcome.resume);
  }

  /**
   * Sets the nick and resume token directly, e.g. from a browser tab's saved
   * session after a reload; the attempt count starts over.
   *
   * @param nick The nick to reconnect with.
   * @param resume The resume token of the latest welcome, if any.
   */
  remember(nick: string, resume: string | undefined): void {
    this.#nick = nick;
    this.#resume = resume;
    this.#attempt = 0;
  }

  /**
   * Starts an outage: the connection is gone and the user's nick is now
   * `nick` (it may have changed since the welcome).
   *
   * @param nick The nick in use when the connection dropped.
   */
  dropped(nick: string): void {
    this.#nick = nick;
    this.#attempt = 0;
  }

  /**
   * Plans the next attempt.
   *
   * @returns Its number, delay, nick and resume token.
   */
  next(): ReconnectAttempt {
    const attempt = ++this.#attempt;
    const planned: ReconnectAttempt = {
      attempt,
      delayMs: reconnectDelay(attempt, this.#backoff),
      nick: this.#nick,
      address: (this.#connected + attempt) % this.#addresses,
    };
    if (this.#resume !== undefined) planned.resume = this.#resume;
    return planned;
  }

  /**
   * Decides what follows a refused attempt. `nick_taken` means someone else
   * holds the nick now (our resume token would have taken it back from our
   * own ghost), `nick_registered` that another key owns it: retry as
   * {@linkcode alternateNick}, without the token.
   * Refusals in {@linkcode PERMANENT_REFUSALS} stop; anything else retries.
   *
   * @param code The server's error code, if it sent one.
   * @returns `retry` (with the new nick when it changed) or `stop`.
   */
  refused(code: ErrorCode | undefined): RefusalAction {
    if (code === "nick_taken" || code === "nick_registered") {
      this.#nick = alternateNick(this.#nick);
      this.#resume = undefined;
      return { action: "retry", nick: this.#nick };
    }
    return PERMANENT_REFUSALS.has(code) ? { action: "stop" } : { action: "retry" };
  }
}
