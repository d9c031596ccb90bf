/**
 * Admission: the `hello` → `welcome` path in front of the hub's registry.
 * Checks the protocol version, the server password (compared in constant
 * time), that the server is not stopping or full, the nick (free, also of
 * look-alikes, and not registered to another key) and bans (nick, identity,
 * address); answers probes; and on `hello.resume` with the right token (and,
 * for a keyed user, the same identity) closes the ghost session still holding
 * the nick (see `resume_tokens.ts`) so the client takes it over. Synchronous
 * from the first check to registration, so two clients cannot take one nick.
 *
 * The identity proof itself (`challenge`/`prove`) runs in `inbound_handler.ts`
 * before {@linkcode Admission.admit} is called with the proven identity;
 * {@linkcode Admission.precheck} refuses early what the proof cannot change.
 *
 * @module
 */

import { createHash, timingSafeEqual } from "node:crypto";
import { getLogger } from "../log.ts";
import { logText } from "../log_text.ts";
import {
  type HelloMessage,
  type LeaveCode,
  MIN_PROTOCOL_VERSION,
  PROTOCOL_VERSION,
  type ServerLimits,
  type ServerMessage,
  type WelcomeMessage,
} from "../../protocol/messages.ts";
import { nameKey, validateNick } from "../../protocol/names.ts";
import { sanitizeText } from "../../protocol/sanitize.ts";
import { VERSION } from "../../protocol/version.ts";
import { ChatError } from "./chat_error.ts";
import type { Moderation } from "./moderation.ts";
import type { NickOwnership } from "./nick_ownership.ts";
import { ResumeTokens } from "./resume_tokens.ts";
import type { Peer, RegisterOptions, Session } from "./session.ts";

const log = getLogger(["parley", "server"]);

/** The registry operations admission uses; the `Hub` provides them. */
export interface AdmissionRegistry {
  /** Name announced in `welcome`. */
  readonly serverName: string;
  /** Limits announced in `welcome`. */
  readonly limits: ServerLimits;
  /** Most users online at once. */
  readonly maxClients: number;
  /** This node's id in a cluster, announced in `welcome`; `undefined` on a single server. */
  readonly nodeId?: string;
  /** The cluster's name, announced in `welcome`; `undefined` on a single server. */
  readonly clusterName?: string;
  /** Number of users online here. */
  readonly size: number;
  /** Number of users online in the whole chat (`welcome.online`). */
  readonly online: number;
  /** Bans. */
  readonly moderation: Moderation;
  /** Registered nicks. */
  readonly nicks: NickOwnership;
  /** Current time, ms since the epoch. */
  now(): number;
  /** Finds a session by nick, case-insensitively. */
  find(nick: string): Session | undefined;
  /** Finds the session holding a nick or a look-alike of it (same `nickSkeleton`). */
  findLike(nick: string): Session | undefined;
  /** Sends a message to one session. */
  sendTo(session: Session, message: ServerMessage): void;
  /** Removes a session, announcing its leave with `code`. Idempotent. */
  disconnect(session: Session, reason: string, code?: LeaveCode): void;
  /**
   * Registers a session under a free nick, puts it in `#lobby`, sends it the
   * `welcome` built by `welcome` (given the new session and the room it is
   * in), and announces the join.
   *
   * @throws {ChatError} `nick_taken`.
   */
  register(
    nick: string,
    peer: Peer,
    options: RegisterOptions,
  ): Session;
}

/** Options for {@linkcode Admission}. */
export interface AdmissionOptions {
  /** Password clients must send in `hello`; none when absent or empty. */
  password?: string;
}

/**
 * Decides who gets in. Owned by the hub, which hands itself in as the registry.
 *
 * @example
 * ```ts
 * // const session = admission.admit(hello, peer); // throws ChatError to refuse
 * ```
 */
export class Admission {
  readonly #registry: AdmissionRegistry;
  readonly #passwordDigest: Uint8Array | undefined;
  readonly #resumeTokens = new ResumeTokens<Session>();
  #stopping = false;

  /**
   * @param registry Where admitted sessions are registered.
   * @param options The server password.
   */
  constructor(registry: AdmissionRegistry, options: AdmissionOptions = {}) {
    this.#registry = registry;
    this.#passwordDigest = options.password ? digest(options.password) : undefined;
  }

  /** Whether a password is required. */
  get requiresPassword(): boolean {
    return this.#passwordDigest !== undefined;
  }

  /** Refuses every later `hello` with `server_full` (the server is stopping). */
  stop(): void {
    this.#stopping = true;
  }

  /**
   * Forgets a session's resume token (it left).
   *
   * @param session The session.
   */
  forget(session: Session): void {
    this.#resumeTokens.revoke(session);
  }

  /**
   * Checks a `hello` without admitting anyone: stopping, version, password.
   * Used alone for probes (`hello.probe`), which get a welcome but join nothing.
   *
   * @param hello The client's first message.
   * @param remoteAddr Where it came from, for logs.
   * @throws {ChatError} `bad_version`, `auth_failed` or `server_full`.
   */
  checkHello(hello: HelloMessage, remoteAddr: string): void {
    if (this.#stopping) throw new ChatError("server_full", "Server is shutting down");
    if (hello.version < MIN_PROTOCOL_VERSION || hello.version > PROTOCOL_VERSION) {
      throw new ChatError(
        "bad_version",
        `Protocol version ${hello.version} is not supported; this server speaks ${MIN_PROTOCOL_VERSION} to ${PROTOCOL_VERSION}`,
      );
    }
    if (this.#passwordDigest && !this.#passwordMatches(hello.password)) {
      log.warn("auth failed from {address} (nick {nick})", {
        address: remoteAddr,
        nick: logText(sanitizeText(hello.nick)),
      });
      throw new ChatError(
        "auth_failed",
        hello.password === undefined ? "This server requires a password" : "Wrong password",
      );
    }
  }

  /**
   * The `welcome` answered to a probe (`hello.probe`): server facts, no room,
   * `nick` and `room` empty, `users` empty, `online` the number of users.
   */
  probeWelcome(hello?: HelloMessage): WelcomeMessage {
    return this.#welcome("", "", undefined, hello?.version ?? PROTOCOL_VERSION, undefined);
  }

  /**
   * Refuses, before the identity proof, a client that would be refused after
   * it anyway: stopping, version, password, capacity, nick (invalid, taken by
   * someone who is not its ghost, registered to another key) and bans of its
   * nick, address or claimed identity. Registers nothing; {@linkcode admit}
   * checks everything again once the proof is in.
   *
   * @param hello The client's first message.
   * @param peer The transport.
   * @param identity The fingerprint of the offered key (not yet proven).
   * @throws {ChatError} As {@linkcode admit}.
   */
  precheck(hello: HelloMessage, peer: Peer, identity: string | undefined): void {
    this.checkHello(hello, peer.remoteAddr);
    const holder = this.#registry.findLike(hello.nick);
    const ghost = holder !== undefined && holder.identity === identity &&
      this.#resumeTokens.matches(holder, hello.resume);
    this.#checkNick(hello.nick, peer, identity, ghost ? holder : undefined);
  }

  /**
   * Admits a client after its `hello` (and, with a key, its proof): checks
   * version, password, ghost takeover, capacity, nick and bans, in that
   * order, then registers it.
   *
   * @param hello The client's first message.
   * @param peer The transport to send through.
   * @param identity The proven key's fingerprint; `undefined` for a guest.
   * @returns The new session.
   * @throws {ChatError} `bad_version`, `auth_failed`, `server_full`,
   *   `nick_invalid`, `nick_taken`, `nick_registered` or `banned`; the caller
   *   sends it and closes.
   */
  admit(hello: HelloMessage, peer: Peer, identity?: string): Session {
    const registry = this.#registry;
    this.checkHello(hello, peer.remoteAddr);
    this.takeOverGhost(hello, peer.remoteAddr, identity);
    this.#checkNick(hello.nick, peer, identity, undefined);
    const nick = hello.nick;
    return registry.register(nick, peer, {
      welcome: (session, room) =>
        this.#welcome(
          nick,
          room.name,
          this.#resumeTokens.issue(session),
          hello.version,
          session,
        ),
      client: hello.client,
      identity,
    });
  }

  /** Capacity, nick validity, nick in use (or a look-alike), registration, bans. */
  #checkNick(
    nick: string,
    peer: Peer,
    identity: string | undefined,
    ghost: Session | undefined,
  ): void {
    const registry = this.#registry;
    if (registry.size - (ghost ? 1 : 0) >= registry.maxClients) {
      log.warn("refused {address}: server full ({max} users)", {
        address: peer.remoteAddr,
        max: registry.maxClients,
      });
      throw new ChatError("server_full", `Server is full (${registry.maxClients} users)`);
    }
    const invalid = validateNick(nick);
    if (invalid) {
      log.info("nick rejected from {address}: {reason}", {
        address: peer.remoteAddr,
        reason: invalid,
      });
      throw new ChatError("nick_invalid", invalid);
    }
    const holder = registry.findLike(nick);
    if (holder && holder !== ghost) {
      log.info("nick rejected from {address}: {nick} is taken", {
        address: peer.remoteAddr,
        nick: logText(nick),
      });
      throw new ChatError(
        "nick_taken",
        holder.key === nameKey(nick)
          ? `Nick ${nick} is already in use`
          : `Nick ${nick} looks like ${holder.nick}, who is online`,
      );
    }
    registry.nicks.check(nick, identity);
    registry.moderation.checkAdmission(nick, peer.remoteAddr, identity);
  }

  #welcome(
    nick: string,
    room: string,
    resume: string | undefined,
    version: number,
    session: Session | undefined,
  ): WelcomeMessage {
    const registry = this.#registry;
    const welcome: WelcomeMessage = {
      type: "welcome",
      version: Math.min(version, PROTOCOL_VERSION),
      server: registry.serverName,
      software: `parley/${VERSION}`,
      nick,
      room,
      users: [],
      online: registry.online,
      limits: registry.limits,
    };
    if (resume !== undefined) welcome.resume = resume;
    // Version 1 clients know neither field; they are guests.
    if (session && version >= 2) {
      if (session.identity !== undefined) welcome.identity = session.identity;
      else welcome.guest = true;
    }
    if (registry.nodeId !== undefined) welcome.node = registry.nodeId;
    if (registry.clusterName !== undefined) welcome.cluster = registry.clusterName;
    return welcome;
  }

  /**
   * When `hello.resume` matches the token of the session holding the nick,
   * that session is a ghost of this client: close it now so the nick is free
   * for the new connection (here, or on another node of a cluster).
   *
   * @param hello The nick and the resume token offered.
   * @param remoteAddr Where the new connection comes from.
   * @param identity The new connection's proven identity; `undefined` for a guest.
   * @returns Whether a ghost was closed.
   * @throws {ChatError} `banned` when the new connection is banned.
   */
  takeOverGhost(
    hello: Pick<HelloMessage, "nick" | "resume">,
    remoteAddr: string,
    identity: string | undefined,
  ): boolean {
    const ghost = this.#registry.find(hello.nick);
    if (!ghost || !this.#resumeTokens.matches(ghost, hello.resume)) return false;
    // A resume token is bound to the identity it was issued to: a stolen token
    // does not let another key (or a guest) take a keyed user's session.
    if (ghost.identity !== identity) return false;
    // A banned client must not get to close anyone's connection.
    this.#registry.moderation.checkAdmission(hello.nick, remoteAddr, identity);
    log.info("resume {nick}: {address} replaces {ghost}", {
      nick: ghost.nick,
      address: remoteAddr,
      ghost: ghost.remoteAddr,
    });
    const reason = "reconnected";
    this.#registry.sendTo(ghost, {
      type: "notice",
      ts: this.#registry.now(),
      text: `Your session was resumed from ${remoteAddr}`,
    });
    this.#registry.sendTo(ghost, {
      type: "bye",
      code: "replaced",
      reason: `Your session was resumed from ${remoteAddr}`,
    });
    this.#registry.disconnect(ghost, reason, "replaced");
    ghost.close(reason, "replaced");
    return true;
  }

  #passwordMatches(password: string | undefined): boolean {
    // Compare fixed-length digests so that neither length nor content leaks through timing.
    const given = digest(password ?? "");
    return timingSafeEqual(given, this.#passwordDigest!) && password !== undefined;
  }
}

function digest(text: string): Uint8Array {
  return createHash("sha256").update(text, "utf8").digest();
}
