/**
 * A cluster node's view of the members other nodes have in each room, fed by
 * presence events (join, leave, away, nick) and pruned when a member's nick
 * is no longer held by its node (the node died and the registry swept it, or
 * a leave was lost). Each change is announced to the room's local members and
 * bumps the room's `version`, so the roster cache rebuilds its member list.
 *
 * @module
 */

import {
  encodeMessage,
  type LeaveCode,
  type RoomInfo,
  type ServerMessage,
  type UserInfo,
} from "../../protocol/messages.ts";
import { nameKey } from "../../protocol/names.ts";
import type { PresenceEvent } from "../cluster/presence_bus.ts";
import type { Room } from "./room.ts";
import type { Session } from "./session.ts";

/** A member connected to another node. */
interface RemoteMember {
  nick: string;
  node: string;
  away?: string;
  /** The room's name as its members spell it. */
  room: string;
  /** When this node learnt of it, ms since the epoch. */
  since: number;
}

/** One member in one room, as a node's snapshot lists it. */
export interface RosterEntry {
  /** Room name including `#`. */
  room: string;
  /** The member's nick. */
  nick: string;
  /** Away message, if any. */
  away?: string;
}

/** What {@linkcode RemoteRoster} uses of the hub and the nick registry. */
export interface RemoteRosterContext {
  /** Finds a local room. */
  room(name: string): Room<Session> | undefined;
  /** Clock, ms since the epoch. */
  now(): number;
  /** The node holding a nick, as the registry's mirror sees it. */
  ownerOf(nick: string): string | undefined;
  /** This node's id. */
  nodeId: string;
  /** A room's shared topic. */
  topicOf(room: string): string;
}

/** A remote member younger than this is not pruned (the registry mirror may lag), in ms. */
const PRUNE_GRACE_MS = 2_000;

/**
 * Remote members by room.
 *
 * @example
 * ```ts ignore
 * const roster = new RemoteRoster(context);
 * roster.apply({ type: "join", room: "#lobby", nick: "bob", node: "b", ts: 1 });
 * roster.users(lobby); // [{ nick: "bob" }]
 * ```
 */
export class RemoteRoster {
  readonly #context: RemoteRosterContext;
  /** Members by room key, then nick key. */
  readonly #rooms = new Map<string, Map<string, RemoteMember>>();
  /** In how many rooms each remote nick (by key) is listed. */
  readonly #users = new Map<string, number>();

  /** @param context See {@linkcode RemoteRosterContext}. */
  constructor(context: RemoteRosterContext) {
    this.#context = context;
  }

  /**
   * Applies one presence event of another node and tells the room's local members.
   *
   * @param event The event.
   */
  apply(event: PresenceEvent): void {
    const key = nameKey(event.room);
    let members = this.#rooms.get(key);
    const room = this.#context.room(event.room);
    const nickKey = nameKey(event.nick);
    const announce = (message: ServerMessage) => {
      if (!room) return;
      room.version++;
      room.announce(encodeMessage(message));
    };
    switch (event.type) {
      case "join": {
        const known = members?.get(nickKey);
        if (known?.node === event.node) return;
        if (!members) this.#rooms.set(key, members = new Map());
        if (!known) this.#listed(nickKey);
        members.set(nickKey, {
          nick: event.nick,
          node: event.node,
          since: this.#context.now(),
          room: event.room,
        });
        announce({ type: "join", ts: event.ts, room: room?.name ?? event.room, nick: event.nick });
        return;
      }
      case "leave": {
        if (!members?.delete(nickKey)) return;
        this.#unlisted(nickKey);
        if (members.size === 0) this.#rooms.delete(key);
        announce({
          type: "leave",
          ts: event.ts,
          room: room?.name ?? event.room,
          nick: event.nick,
          reason: event.reason ?? "",
          code: (event.code as LeaveCode | undefined) ?? "disconnected",
        });
        return;
      }
      case "away": {
        const member = members?.get(nickKey);
        if (!member) return;
        member.away = event.away;
        announce(
          event.away === undefined
            ? { type: "away", ts: event.ts, nick: event.nick }
            : { type: "away", ts: event.ts, nick: event.nick, away: event.away },
        );
        return;
      }
      case "nick": {
        const old = event.old ?? "";
        const member = members?.get(nameKey(old));
        if (!member || !members) return;
        members.delete(nameKey(old));
        this.#unlisted(nameKey(old));
        member.nick = event.nick;
        if (!members.has(nickKey)) this.#listed(nickKey);
        members.set(nickKey, member);
        announce({ type: "nick", ts: event.ts, old, nick: event.nick });
        return;
      }
    }
  }

  /** Users on other nodes, each counted once whatever its rooms. */
  get userCount(): number {
    return this.#users.size;
  }

  #listed(nickKey: string): void {
    this.#users.set(nickKey, (this.#users.get(nickKey) ?? 0) + 1);
  }

  #unlisted(nickKey: string): void {
    const left = (this.#users.get(nickKey) ?? 1) - 1;
    if (left > 0) this.#users.set(nickKey, left);
    else this.#users.delete(nickKey);
  }

  /**
   * Members of a room connected to other nodes.
   *
   * @param room The room.
   */
  users(room: Room<Session>): UserInfo[] {
    const members = this.#rooms.get(nameKey(room.name));
    if (!members) return [];
    return [...members.values()].map((m) =>
      m.away === undefined ? { nick: m.nick } : { nick: m.nick, away: m.away }
    );
  }

  /** How many members other nodes have in a room. */
  count(room: string): number {
    return this.#rooms.get(nameKey(room))?.size ?? 0;
  }

  /**
   * Rooms that have members on other nodes only (for `/rooms`).
   *
   * @returns Each room's name, member count and topic.
   */
  remoteOnlyRooms(): RoomInfo[] {
    const rooms: RoomInfo[] = [];
    for (const members of this.#rooms.values()) {
      const first = members.values().next();
      if (first.done || this.#context.room(first.value.room)) continue;
      const name = first.value.room;
      rooms.push({ name, members: members.size, topic: this.#context.topicOf(name) });
    }
    return rooms;
  }

  /**
   * Replaces everything known about one node's members with its snapshot
   * (sent after a start or a reconnect, when presence events may have been
   * lost): members no longer listed leave, new ones join, the rest stay
   * silently (an away message is updated).
   *
   * @param node The node the snapshot is from.
   * @param entries Its members, one per room.
   * @param ts When the node took it, ms since the epoch.
   */
  replaceNode(node: string, entries: RosterEntry[], ts: number): void {
    const listed = new Set(entries.map((e) => `${nameKey(e.room)}\n${nameKey(e.nick)}`));
    for (const [key, members] of this.#rooms) {
      for (const [nickKey, member] of members) {
        if (member.node !== node || listed.has(`${key}\n${nickKey}`)) continue;
        this.apply({
          type: "leave",
          room: member.room,
          nick: member.nick,
          node,
          ts,
          code: "disconnected",
          reason: "gone while the cluster link was down",
        });
      }
    }
    for (const entry of entries) {
      const known = this.#rooms.get(nameKey(entry.room))?.get(nameKey(entry.nick));
      if (known?.node !== node) {
        this.apply({ type: "join", room: entry.room, nick: entry.nick, node, ts });
      }
      const member = this.#rooms.get(nameKey(entry.room))?.get(nameKey(entry.nick));
      if (member && member.away !== entry.away) {
        this.apply(
          entry.away === undefined
            ? { type: "away", room: entry.room, nick: entry.nick, node, ts }
            : { type: "away", room: entry.room, nick: entry.nick, node, ts, away: entry.away },
        );
      }
    }
  }

  /**
   * Forgets a remote entry for a nick that a local session now holds in that
   * room (a client resumed here), without announcing a leave.
   *
   * @param room Room name including `#`.
   * @param nick The nick.
   */
  forget(room: string, nick: string): void {
    const key = nameKey(room);
    const members = this.#rooms.get(key);
    if (!members?.delete(nameKey(nick))) return;
    this.#unlisted(nameKey(nick));
    if (members.size === 0) this.#rooms.delete(key);
    const local = this.#context.room(room);
    if (local) local.version++;
  }

  /** Drops remote members whose node no longer holds their nick (it died or they left unseen). */
  prune(): void {
    const now = this.#context.now();
    for (const [key, members] of this.#rooms) {
      for (const [nickKey, member] of members) {
        if (now - member.since < PRUNE_GRACE_MS) continue;
        const owner = this.#context.ownerOf(member.nick);
        if (owner === member.node) continue;
        members.delete(nickKey);
        this.#unlisted(nickKey);
        const room = this.#context.room(member.room);
        if (room && owner === this.#context.nodeId) {
          // The user came back here (a resume after its node died): no leave to show.
          room.version++;
        } else if (room) {
          room.version++;
          room.announce(encodeMessage({
            type: "leave",
            ts: now,
            room: room.name,
            nick: member.nick,
            reason: "lost with its server",
            code: "disconnected",
          }));
        }
      }
      if (members.size === 0) this.#rooms.delete(key);
    }
  }
}
