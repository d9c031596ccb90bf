import type { Member, Room } from "./room.ts";

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
  /** The transport behind this user. */
  readonly peer: Peer;
  /** Rooms this user is in. */
  readonly rooms = new Set<Room<Session>>();
  /** Away message, or `undefined` when present. */
  away: string | undefined = undefined;
  /**
   * When each sender (by session id) was last told this user is away, ms
   * since the epoch; cleared whenever the away state changes.
   */
  readonly awayReplies = new Map<number, number>();
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
   */
  constructor(id: number, nick: string, key: string, peer: Peer, since: number) {
    this.id = id;
    this.nick = nick;
    this.key = key;
    this.peer = peer;
    this.since = since;
  }

  /** Remote address of the transport. */
  get remoteAddr(): string {
    return this.peer.remoteAddr;
  }

  /** Queues a frame on the transport; see {@linkcode Member.send}. */
  send(frame: Uint8Array): boolean {
    return this.peer.send(frame);
  }

  /** Queues a presence frame on the transport; see {@linkcode Member.sendLater}. */
  sendLater(frame: Uint8Array): boolean {
    return this.peer.sendLater?.(frame) ?? this.peer.send(frame);
  }

  /** Closes the transport; see {@linkcode Member.close}. */
  close(reason: string): void {
    this.peer.close(reason);
  }
}
