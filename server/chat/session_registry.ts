/**
 * The sessions online, by nick: one map by `nameKey` (case-insensitive
 * uniqueness, look-ups by nick) and one by confusable skeleton, so that no two
 * sessions hold look-alike nicks (`alice` and `аlice` with a Cyrillic `а`).
 * Renames are checked here against look-alikes in use, registrations of other
 * keys and nick bans. Synchronous; owned by the hub.
 *
 * @module
 */

import { nameKey, validateNick } from "../../protocol/names.ts";
import { sanitizeText } from "../../protocol/sanitize.ts";
import { nickSkeleton } from "../guards/confusable_skeleton.ts";
import { ChatError } from "./chat_error.ts";
import type { Moderation } from "./moderation.ts";
import type { NickOwnership } from "./nick_ownership.ts";
import type { Session } from "./session.ts";

/**
 * Who is online under which nick.
 *
 * @example
 * ```ts ignore
 * registry.add(session); // throws ChatError("nick_taken") for a look-alike in use
 * registry.findLike("\u0430lice"); // alice's session
 * ```
 */
export class SessionRegistry {
  readonly #byKey = new Map<string, Session>();
  readonly #bySkeleton = new Map<string, Session>();

  /** Number of sessions. */
  get size(): number {
    return this.#byKey.size;
  }

  /** The sessions, in join order. */
  values(): IterableIterator<Session> {
    return this.#byKey.values();
  }

  /**
   * The session holding a nick, case-insensitively.
   *
   * @param nick A nick.
   */
  find(nick: string): Session | undefined {
    return this.#byKey.get(nameKey(nick));
  }

  /**
   * The session holding a nick or a look-alike of it.
   *
   * @param nick A nick.
   */
  findLike(nick: string): Session | undefined {
    return this.#byKey.get(nameKey(nick)) ?? this.#bySkeleton.get(nickSkeleton(nick));
  }

  /**
   * Adds a session under its nick.
   *
   * @param session A new session.
   * @throws {ChatError} `nick_taken` if the nick or a look-alike is held.
   */
  add(session: Session): void {
    this.#checkFree(session.nick, session);
    this.#byKey.set(session.key, session);
    this.#bySkeleton.set(session.skeleton, session);
  }

  /**
   * Removes a session (it left). Idempotent.
   *
   * @param session The session.
   */
  remove(session: Session): void {
    if (this.#byKey.get(session.key) === session) this.#byKey.delete(session.key);
    if (this.#bySkeleton.get(session.skeleton) === session) {
      this.#bySkeleton.delete(session.skeleton);
    }
  }

  /**
   * Moves a session to a new nick after checking it: valid, not banned, not
   * registered to another key, and neither it nor a look-alike held by
   * someone else.
   *
   * @param session The user.
   * @param nick The new nick.
   * @param checks Bans and registrations.
   * @returns The old nick.
   * @throws {ChatError} `nick_invalid`, `banned`, `nick_registered` or `nick_taken`.
   */
  rename(
    session: Session,
    nick: string,
    checks: { moderation: Moderation; nicks: NickOwnership },
  ): string {
    this.check(session, nick, checks);
    const old = session.nick;
    this.remove(session);
    session.nick = nick;
    session.key = nameKey(nick);
    session.skeleton = nickSkeleton(nick);
    this.#byKey.set(session.key, session);
    this.#bySkeleton.set(session.skeleton, session);
    return old;
  }

  /**
   * Checks that a session could take a nick now, as {@linkcode rename} does,
   * without changing anything.
   *
   * @param session The user.
   * @param nick The new nick.
   * @param checks Bans and registrations.
   * @throws {ChatError} `nick_invalid`, `banned`, `nick_registered` or `nick_taken`.
   */
  check(
    session: Session,
    nick: string,
    checks: { moderation: Moderation; nicks: NickOwnership },
  ): void {
    const invalid = validateNick(nick);
    if (invalid) throw new ChatError("nick_invalid", invalid);
    this.#checkFree(nick, session);
    checks.nicks.check(nick, session.identity);
    checks.moderation.checkNick(nick);
  }

  #checkFree(nick: string, self: Session): void {
    const holder = this.findLike(nick);
    if (!holder || holder === self) return;
    throw new ChatError(
      "nick_taken",
      holder.key === nameKey(nick)
        ? `Nick ${sanitizeText(nick)} is already in use`
        : `Nick ${sanitizeText(nick)} looks like ${holder.nick}, who is online`,
    );
  }
}
