/**
 * Registered nicks: `/register` gives the nick you hold to your identity key,
 * first come, and from then on only that key may use it (or a look-alike of
 * it: registrations are keyed by the confusable skeleton). Guests cannot
 * register. Unregistered nicks are free for anyone, as before.
 *
 * @module
 */

import { getLogger } from "../log.ts";
import { sanitizeText } from "../../protocol/sanitize.ts";
import { nickSkeleton } from "../guards/confusable_skeleton.ts";
import type { NickRegistration, NickRegistry } from "../storage/nick_registry.ts";
import { ChatError } from "./chat_error.ts";
import type { Session } from "./session.ts";

const log = getLogger(["parley", "server"]);

/** Most nicks one identity may register. */
export const MAX_NICKS_PER_IDENTITY = 5;

/** A registration made or lifted here: the nick's skeleton keys both. */
export type NickOwnershipChange =
  | { registered: NickRegistration & { skeleton: string } }
  | { unregistered: string };

/**
 * Nick registrations for one hub. Synchronous; owned by the hub.
 *
 * @example
 * ```ts
 * // ownership.check("alice", session.identity); // throws ChatError("nick_registered")
 * ```
 */
export class NickOwnership {
  readonly #registry: NickRegistry;
  readonly #now: () => number;
  readonly #onChange: ((change: NickOwnershipChange) => void) | undefined;

  /**
   * @param registry Where registrations are kept.
   * @param now Clock, ms since the epoch.
   * @param onChange Told of each registration made or lifted here (a cluster
   *   shares them); not called for those applied from elsewhere.
   */
  constructor(
    registry: NickRegistry,
    now: () => number,
    onChange?: (change: NickOwnershipChange) => void,
  ) {
    this.#registry = registry;
    this.#now = now;
    this.#onChange = onChange;
  }

  /**
   * The registration that covers a nick (or a look-alike of it), if any.
   *
   * @param nick A nick.
   */
  find(nick: string): NickRegistration | undefined {
    return this.#registry.find(nickSkeleton(nick));
  }

  /**
   * Refuses a nick registered to another identity.
   *
   * @param nick The nick wanted.
   * @param identity The fingerprint of whoever wants it; `undefined` for a guest.
   * @throws {ChatError} `nick_registered`.
   */
  check(nick: string, identity: string | undefined): void {
    const registration = this.find(nick);
    if (!registration || registration.identity === identity) return;
    throw new ChatError(
      "nick_registered",
      registration.nick.toLowerCase() === nick.toLowerCase()
        ? `Nick ${sanitizeText(nick)} is registered to another key`
        : `Nick ${
          sanitizeText(nick)
        } looks like ${registration.nick}, which is registered to another key`,
    );
  }

  /**
   * Registers the nick `session` holds to its identity.
   *
   * @param session The user.
   * @returns A sentence for the user.
   * @throws {ChatError} `forbidden` for a guest or past
   *   {@linkcode MAX_NICKS_PER_IDENTITY}; `nick_registered` if another key has it.
   */
  register(session: Session): string {
    const identity = session.identity;
    if (identity === undefined) {
      throw new ChatError(
        "forbidden",
        "Only a client with an identity key can register a nick; you are a guest",
      );
    }
    this.check(session.nick, identity);
    if (this.find(session.nick)) return `${session.nick} is already registered to your key`;
    if (this.#registry.countOf(identity) >= MAX_NICKS_PER_IDENTITY) {
      throw new ChatError(
        "forbidden",
        `A key may register at most ${MAX_NICKS_PER_IDENTITY} nicks; /unregister one first`,
      );
    }
    const registration = this.#registry.register(
      session.skeleton,
      session.nick,
      identity,
      this.#now(),
    );
    if (registration.identity !== identity) this.check(session.nick, identity);
    this.#onChange?.({ registered: { ...registration, skeleton: session.skeleton } });
    log.info("nick {nick} registered to {identity}", { nick: session.nick, identity });
    return `${session.nick} is now registered to your key ${identity}`;
  }

  /**
   * Gives up a registration of `session`'s identity.
   *
   * @param session The user.
   * @param nick Which nick; the one held when absent.
   * @returns A sentence for the user.
   * @throws {ChatError} `forbidden` for a guest; `nick_registered` for another key's nick.
   */
  unregister(session: Session, nick = session.nick): string {
    const identity = session.identity;
    if (identity === undefined) {
      throw new ChatError("forbidden", "Guests have no registered nicks");
    }
    const registration = this.find(nick);
    if (!registration) return `${sanitizeText(nick)} is not registered`;
    this.check(nick, identity);
    this.#registry.unregister(nickSkeleton(nick), identity);
    this.#onChange?.({ unregistered: nickSkeleton(nick) });
    log.info("nick {nick} unregistered by {identity}", { nick: registration.nick, identity });
    return `${registration.nick} is no longer registered`;
  }
}
