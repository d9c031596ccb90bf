import type { LeaveCode, WelcomeMessage } from "../../protocol/messages.ts";
import { nickSkeleton } from "../guards/confusable_skeleton.ts";
import { type Member, Room } from "./room.ts";

/** What registering a new session needs besides its nick and transport. */
export interface RegisterOptions {
  /** Builds the session's `welcome` once it is registered and in the default room. */
  welcome: (session: Session, room: Room<Session>) => WelcomeMessage;
  /** The client's self-description, for the log. */
  client?: string;
  /** The proven key's fingerprint; absent for a guest. */
  identity?: string;
}

/** A fresh guest id: `guest:` and 128 random bits as hex, never reused. */
function guestId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `guest:${Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}

/**
 * What a transport offers the hub for one connection: a {@linkcode Member}
 * plus where it comes from.
 */
export interface Peer extends Member {
  /** Remote address as `host:port` (IPv6 in brackets), for logs and bans. */
  readonly remoteAddr: string;
  /**
   * Queues one frame given as parts laid end to end, without joining
   * them (the shared parts, such as a room's member list, are not copied).
   * Transports that frame messages themselves (WebSocket) leave it out.
   *
   * @param parts Together one complete frame; none may be modified later.
   * @returns As {@linkcode Member.send}.
   */
  sendParts?(parts: Uint8Array[]): boolean;
}

/**
 * A user who completed the handshake. Owned and mutated only by the `Hub`.
 * It is the room's `Member`: sending forwards to the transport's queue.
 */
export class Session implements Member {
  /** Connection-unique number, for logs. */
  readonly id: number;
  /** Current nick. */
  nick: string;
  /** `nameKey(nick)`: the key under which the nick is unique. */
  key: string;
  /** `nickSkeleton(nick)`: no two sessions hold look-alike nicks. */
  skeleton: string;
  /** Fingerprint (`SHA256:...`) of the key this user proved; `undefined` for a guest. */
  readonly identity: string | undefined;
  /**
   * Who this user is, whatever the nick: the identity, or for a guest a
   * random id (`guest:` and 32 hex digits) that dies with the session.
   * Private messages, invitations and mutes are keyed by it.
   */
  readonly party: string;
  /** Timers answering refused secrets late (see {@linkcode Session.addTimer}); made when first needed. */
  #timers: Set<ReturnType<typeof setTimeout>> | undefined;
  /** The transport behind this user. */
  readonly peer: Peer;
  /** Rooms this user is in. */
  readonly rooms = new Set<Room<Session>>();
  /** Away message, or `undefined` when present. */
  away: string | undefined = undefined;
  /**
   * When each sender (by session id) was last told this user is away, ms
   * since the epoch; cleared whenever the away state changes. Made when
   * first needed: most sessions are never away.
   */
  #awayReplies: Map<number, number> | undefined;
  /** Time the handshake completed, ms since the epoch. */
  readonly since: number;
  /** True once `Hub.disconnect` ran for this session. */
  gone = false;

  /**
   * @param id Connection-unique number.
   * @param nick Registered nick.
   * @param key `nameKey(nick)`.
   * @param peer The transport.
   * @param since Handshake time, ms since the epoch.
   * @param identity The proven key's fingerprint; `undefined` for a guest.
   */
  constructor(
    id: number,
    nick: string,
    key: string,
    peer: Peer,
    since: number,
    identity?: string,
  ) {
    this.id = id;
    this.nick = nick;
    this.key = key;
    this.skeleton = nickSkeleton(nick);
    this.peer = peer;
    this.since = since;
    this.identity = identity;
    this.party = identity ?? guestId();
  }

  /** Whether this user proved no key. */
  get guest(): boolean {
    return this.identity === undefined;
  }

  /** Remote address of the transport. */
  get remoteAddr(): string {
    return this.peer.remoteAddr;
  }

  /**
   * Queues a frame on the transport, after any room's pending run of lines
   * that this session is to receive (see `Room.beforeSendTo`); see
   * {@linkcode Member.send}.
   */
  send(frame: Uint8Array): boolean {
    Room.beforeSendTo(this);
    return this.peer.send(frame);
  }

  /** Keeps a timer to clear when the session ends (see {@linkcode Session.clearTimers}). */
  addTimer(timer: ReturnType<typeof setTimeout>): void {
    (this.#timers ??= new Set()).add(timer);
  }

  /** Forgets a timer that fired. */
  deleteTimer(timer: ReturnType<typeof setTimeout>): void {
    this.#timers?.delete(timer);
  }

  /** Clears every timer kept with {@linkcode Session.addTimer}. */
  clearTimers(): void {
    if (!this.#timers) return;
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers = undefined;
  }

  /**
   * When `senderId` was last told this user is away.
   *
   * @param senderId The sender's session id.
   * @returns ms since the epoch, or `undefined` if never since the away state last changed.
   */
  lastAwayReply(senderId: number): number | undefined {
    return this.#awayReplies?.get(senderId);
  }

  /**
   * Records that `senderId` was told this user is away.
   *
   * @param senderId The sender's session id.
   * @param ts When, ms since the epoch.
   */
  setAwayReply(senderId: number, ts: number): void {
    (this.#awayReplies ??= new Map()).set(senderId, ts);
  }

  /** Forgets who was told this user is away (the away state changed). */
  clearAwayReplies(): void {
    this.#awayReplies = undefined;
  }

  /** Queues a presence frame on the transport; see {@linkcode Member.sendLater}. */
  sendLater(frame: Uint8Array): boolean {
    Room.beforeSendTo(this);
    return this.peer.sendLater?.(frame) ?? this.peer.send(frame);
  }

  /** Closes the transport; see {@linkcode Member.close}. */
  close(reason: string, code?: LeaveCode): void {
    this.peer.close(reason, code);
  }
}
