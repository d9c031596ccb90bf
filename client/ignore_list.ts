/**
 * The client-side ignore list (`/ignore NICK`, `/unignore NICK`): messages
 * from ignored nicks are not shown. Pure.
 *
 * @module
 */

import type { ServerMessage } from "../protocol/messages.ts";
import { nameKey } from "../protocol/names.ts";

/**
 * Nicks whose messages are hidden, compared case-insensitively (the same
 * `nameKey` rule the server uses for nick uniqueness).
 *
 * @example
 * ```ts
 * import { IgnoreList } from "./ignore_list.ts";
 * const ignores = new IgnoreList();
 * ignores.add("Spammer"); // true
 * ignores.has("spammer"); // true
 * ```
 */
export class IgnoreList {
  readonly #nicks = new Map<string, string>();

  /**
   * Ignores a nick.
   *
   * @param nick The nick, any case.
   * @returns `false` if it was already ignored.
   */
  add(nick: string): boolean {
    const key = nameKey(nick);
    if (this.#nicks.has(key)) return false;
    this.#nicks.set(key, nick);
    return true;
  }

  /**
   * Stops ignoring a nick.
   *
   * @param nick The nick, any case.
   * @returns `false` if it was not ignored.
   */
  remove(nick: string): boolean {
    return this.#nicks.delete(nameKey(nick));
  }

  /**
   * Whether `nick` is ignored.
   *
   * @param nick The nick, any case.
   */
  has(nick: string): boolean {
    return this.#nicks.size > 0 && this.#nicks.has(nameKey(nick));
  }

  /** The ignored nicks, as typed, in the order they were added. */
  list(): string[] {
    return [...this.#nicks.values()];
  }

  /**
   * Whether a server message should be hidden: chat lines, actions and
   * private messages from an ignored nick. Notices about them (joins, leaves,
   * nick changes) still show, so the room's membership stays clear.
   *
   * @param message A server message.
   */
  hides(message: ServerMessage): boolean {
    switch (message.type) {
      case "msg":
      case "action":
      case "privmsg":
        return this.has(message.from);
      default:
        return false;
    }
  }
}
