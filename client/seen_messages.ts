/**
 * Remembers which chat messages were already shown, so that history the
 * server replays after a reconnect shows only what was missed. Pure.
 *
 * @module
 */

import type { ServerMessage } from "../protocol/messages.ts";

/**
 * A bounded set of message identities (`type`, `id`, `ts`, sender): the
 * oldest are forgotten first. Identity includes the timestamp because a
 * restarted server without persistent history may reuse ids.
 *
 * @example
 * ```ts
 * import { SeenMessages } from "./seen_messages.ts";
 * const seen = new SeenMessages();
 * const m = { type: "msg", id: 7, ts: 1, room: "#lobby", from: "bob", text: "hi" } as const;
 * seen.firstTime(m); // true
 * seen.firstTime(m); // false
 * ```
 */
export class SeenMessages {
  readonly #keys = new Set<string>();
  readonly #limit: number;

  /** @param limit Most identities kept. */
  constructor(limit = 5000) {
    this.#limit = limit;
  }

  /**
   * Records a message and says whether it is new. Messages without an id
   * (notices, joins, ...) are always new.
   *
   * @param message A server message.
   * @returns `false` if this chat line, action or private message was seen before.
   */
  firstTime(message: ServerMessage): boolean {
    if (message.type !== "msg" && message.type !== "action" && message.type !== "privmsg") {
      return true;
    }
    if (message.id === 0) return true;
    const key = `${message.type} ${message.id} ${message.ts} ${message.from}`;
    if (this.#keys.has(key)) return false;
    this.#keys.add(key);
    if (this.#keys.size > this.#limit) this.#keys.delete(this.#keys.values().next().value!);
    return true;
  }
}
