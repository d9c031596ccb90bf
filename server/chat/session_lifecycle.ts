/**
 * How a session takes, changes and gives up its nick: registering it
 * (welcome, lobby join, history replay), renaming it (claimed cluster-wide
 * first when clustered) and removing it (leave notices, nick freed), one
 * session or, at shutdown, all of them. Every local check-and-take is
 * synchronous, so there is never an `await` between checking that a nick is
 * free and taking it. `Hub` owns one and delegates
 * `register`, `rename`, `disconnect` and `shutdown` to it.
 *
 * @module
 */

import { getLogger } from "../log.ts";
import { logText } from "../log_text.ts";
import { encodeMessage, type LeaveCode } from "../../protocol/messages.ts";
import { nameKey } from "../../protocol/names.ts";
import { sanitizeText } from "../../protocol/sanitize.ts";
import type { Admission } from "./admission.ts";
import { ChatError } from "./chat_error.ts";
import type { ChatHistory } from "./chat_history.ts";
import type { ClusterChat } from "./cluster_chat.ts";
import type { HubOptions } from "./hub_options.ts";
import type { Moderation } from "./moderation.ts";
import type { NickOwnership } from "./nick_ownership.ts";
import { neighboursOf } from "./presence.ts";
import type { RoomAccess } from "./room_access.ts";
import type { RoomDirectory } from "./room_directory.ts";
import type { RosterCache } from "./roster_cache.ts";
import { type Peer, type RegisterOptions, Session } from "./session.ts";
import type { SessionRegistry } from "./session_registry.ts";

const log = getLogger(["parley", "server"]);

/** What {@linkcode SessionLifecycle} works on: the hub's parts. */
export interface SessionLifecycleOptions {
  /** The hub's clock, ms since the epoch. */
  now: () => number;
  /** Sessions by nick. */
  sessions: SessionRegistry;
  /** Rooms and membership. */
  rooms: RoomDirectory;
  /** History replay. */
  history: ChatHistory;
  /** Encoded member lists. */
  roster: RosterCache;
  /** Admission, told when a session leaves. */
  admission: Admission;
  /** Invitations, told when a session leaves. */
  access: RoomAccess;
  /** This node's part in a cluster; `undefined` on a single server. */
  cluster: ClusterChat | undefined;
  /** Told of every join and leave. */
  onPresence: HubOptions["onPresence"];
  /** Who may take a nick: bans and registrations. */
  checks: { moderation: Moderation; nicks: NickOwnership };
}

/**
 * Registers sessions and removes them, for `Hub`.
 *
 * @example
 * ```ts ignore
 * const lifecycle = new SessionLifecycle({ now: Date.now, sessions, rooms, ... });
 * const session = lifecycle.register("alice", peer, { welcome });
 * lifecycle.disconnect(session, "bye");
 * ```
 */
export class SessionLifecycle {
  readonly #now: () => number;
  readonly #sessions: SessionRegistry;
  readonly #rooms: RoomDirectory;
  readonly #chatHistory: ChatHistory;
  readonly #roster: RosterCache;
  readonly #admission: Admission;
  readonly #access: RoomAccess;
  readonly #cluster: ClusterChat | undefined;
  readonly #onPresence: HubOptions["onPresence"];
  readonly #checks: { moderation: Moderation; nicks: NickOwnership };
  #nextSessionId = 1;

  /** @param options See {@linkcode SessionLifecycleOptions}. */
  constructor(options: SessionLifecycleOptions) {
    this.#now = options.now;
    this.#sessions = options.sessions;
    this.#rooms = options.rooms;
    this.#chatHistory = options.history;
    this.#roster = options.roster;
    this.#admission = options.admission;
    this.#access = options.access;
    this.#cluster = options.cluster;
    this.#onPresence = options.onPresence;
    this.#checks = options.checks;
  }

  /**
   * Registers a session under `nick` and puts it in `#lobby`: sends it the
   * `welcome` that `options.welcome` builds (with the member list filled in),
   * announces the join to the room and replays its history. Synchronous: the
   * nick is checked free and taken in the same call.
   *
   * @param nick A valid nick (admission checked it).
   * @param peer The transport.
   * @param options `welcome` builds the welcome for the new session and its
   *   room; `client` is the client's self-description, for the log;
   *   `identity` the proven key's fingerprint (absent for a guest).
   * @returns The new session.
   * @throws {ChatError} `nick_taken` (also for a look-alike in use).
   */
  register(
    nick: string,
    peer: Peer,
    options: RegisterOptions,
  ): Session {
    const key = nameKey(nick);
    const id = this.#nextSessionId++;
    const session = new Session(id, nick, key, peer, this.#now(), options.identity);
    this.#sessions.add(session);
    const lobby = this.#rooms.lobby();
    this.#cluster?.arriving(nick, lobby.name);
    lobby.add(session);
    this.#roster.added(lobby, session);
    session.rooms.add(lobby);
    this.#rooms.sendWithUsers(session, options.welcome(session, lobby), lobby);
    // A presence notice, which members may write along with others.
    lobby.announce(
      encodeMessage({ type: "join", ts: this.#now(), room: lobby.name, nick }),
      session,
    );
    this.#rooms.sendTopic(session, lobby);
    this.#chatHistory.replay(session, lobby, this.#chatHistory.replayCount);
    this.#cluster?.joined(session, lobby);
    log.info("join {nick} from {address} as {identity}", {
      nick,
      address: peer.remoteAddr,
      identity: options.identity ?? "guest",
      client: options.client === undefined ? undefined : logText(options.client),
    });
    this.#onPresence?.({
      kind: "join",
      nick,
      address: peer.remoteAddr,
      online: this.#sessions.size,
    });
    return session;
  }

  /**
   * Removes a session: leaves its rooms (announcing it) and frees its nick.
   * Idempotent; every way out of a connection ends here.
   *
   * @param session The session.
   * @param reason Why, for the leave notices and the log.
   * @param code Why, as the `leave` code: it travels with the close that
   *   caused it (the reason's wording is never parsed).
   */
  disconnect(session: Session, reason: string, code: LeaveCode = "disconnected"): void {
    if (session.gone) return;
    // Reasons can quote client input (a malformed message): clean before broadcasting.
    reason = sanitizeText(reason).slice(0, 300);
    session.gone = true;
    session.clearTimers();
    this.#admission.forget(session);
    this.#access.forget(session);
    this.#sessions.remove(session);
    const ts = this.#now();
    for (const room of session.rooms) {
      room.remove(session);
      this.#cluster?.left(session, room, reason, code);
      // In a shutdown everyone leaves at once and has been told why: no leave per user.
      if (code !== "shutdown") {
        room.announce(
          encodeMessage({ type: "leave", ts, room: room.name, nick: session.nick, reason, code }),
        );
      }
      this.#rooms.dropIfEmpty(room);
    }
    session.rooms.clear();
    this.#cluster?.release(session.nick);
    log.info("leave {nick} ({address}): {reason}", {
      nick: session.nick,
      address: session.remoteAddr,
      reason: logText(reason),
    });
    this.#onPresence?.({
      kind: "leave",
      nick: session.nick,
      address: session.remoteAddr,
      reason,
      online: this.#sessions.size,
    });
  }

  /**
   * Changes a session's nick and tells everyone who shares a room with it.
   *
   * @param session The user.
   * @param nick The new nick.
   * @throws {ChatError} `nick_invalid`, `nick_taken` (also for a look-alike
   *   in use), `nick_registered` or `banned`.
   */
  rename(session: Session, nick: string): void {
    const cluster = this.#cluster;
    if (cluster === undefined || nameKey(nick) === session.key) {
      this.#renameNow(session, nick);
      return;
    }
    // Claim the nick cluster-wide first; the local rename (checked again) follows.
    // The command's ack waits for the outcome.
    this.#sessions.check(session, nick, this.#checks);
    this.#chatHistory.defer(
      session,
      cluster.claim(nick).then((claimed): [number, number] => {
        if (!claimed) throw new ChatError("nick_taken", `Nick ${nick} is already in use`);
        if (session.gone) {
          cluster.release(nick);
          return [0, this.#now()];
        }
        let old: string;
        try {
          old = this.#renameNow(session, nick);
        } catch (error) {
          cluster.release(nick);
          throw error;
        }
        cluster.release(old);
        cluster.renamed(session, old);
        return [0, this.#now()];
      }),
    );
  }

  #renameNow(session: Session, nick: string): string {
    const old = this.#sessions.rename(session, nick, this.#checks);
    this.#roster.changed(session);
    const frame = encodeMessage({ type: "nick", ts: this.#now(), old, nick });
    session.send(frame);
    for (const peer of neighboursOf(session)) peer.send(frame);
    log.info("nick {old} -> {nick} ({address})", { old, nick, address: session.remoteAddr });
    return old;
  }

  /**
   * Tells everyone the server is stopping and closes every session.
   * Later `hello`s are refused.
   *
   * @param reason Shown to users in the shutdown notice.
   */
  shutdown(reason: string): void {
    this.#admission.stop();
    const frame = encodeMessage({ type: "shutdown", ts: this.#now(), reason });
    for (const session of [...this.#sessions.values()]) {
      session.send(frame);
      session.send(encodeMessage({ type: "bye", code: "shutdown", reason }));
      session.close(`server shutdown: ${reason}`, "shutdown");
    }
  }
}
