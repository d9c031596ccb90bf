/**
 * Presence between the nodes of a cluster: this node's joins, leaves, away
 * changes and renames published on the presence bus (at most once), the
 * other nodes' events applied to the `RemoteRoster`, and whole-node member
 * snapshots, sent when another node asks (it started, or reconnected) and
 * applied when another node sends one. `ClusterChat` owns one.
 *
 * @module
 */

import { getLogger } from "../log.ts";
import type { LeaveCode } from "../../protocol/messages.ts";
import type { ClusterNode } from "../cluster/cluster_node.ts";
import type { PresenceEvent } from "../cluster/presence_bus.ts";
import type { RemoteRoster, RosterEntry } from "./remote_roster.ts";
import type { Room } from "./room.ts";
import type { Session } from "./session.ts";

const log = getLogger(["parley", "server"]);
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Publishes this node's presence and follows the other nodes'.
 *
 * @example
 * ```ts ignore
 * const presence = new ClusterPresence(node, hub, roster);
 * const stops = presence.listen();
 * presence.requestSnapshots();
 * presence.joined(session, room);
 * ```
 */
export class ClusterPresence {
  readonly #node: ClusterNode;
  readonly #hub: { sessions(): IterableIterator<Session>; now(): number };
  readonly #roster: RemoteRoster;

  /**
   * @param node An opened cluster node.
   * @param hub The local sessions and the clock (ms since the epoch).
   * @param roster Where the other nodes' members are kept.
   */
  constructor(
    node: ClusterNode,
    hub: { sessions(): IterableIterator<Session>; now(): number },
    roster: RemoteRoster,
  ) {
    this.#node = node;
    this.#hub = hub;
    this.#roster = roster;
  }

  /**
   * Follows the other nodes: presence events into the roster, requests for
   * this node's snapshot, and their snapshots.
   *
   * @returns One function per subscription, each ending it.
   */
  listen(): (() => void)[] {
    const { presence, link } = this.#node;
    const stops = [presence.subscribe((event) => this.#roster.apply(event))];
    const sync = link.connection.subscribe(`${link.name}.rostersync`, {
      callback: (error, message) => {
        if (error !== null) return;
        if (decoder.decode(message.data) === link.nodeId) return;
        this.publishSnapshot();
      },
    });
    stops.push(() => sync.unsubscribe());
    const snapshots = link.connection.subscribe(`${link.name}.roster`, {
      callback: (error, message) => {
        if (error !== null) return;
        let snapshot: { node: string; ts: number; entries: RosterEntry[] };
        try {
          snapshot = JSON.parse(decoder.decode(message.data));
        } catch (cause) {
          log.warn("dropped a malformed roster snapshot: {cause}", { cause });
          return;
        }
        if (snapshot.node === link.nodeId || !Array.isArray(snapshot.entries)) return;
        this.#roster.replaceNode(snapshot.node, snapshot.entries, snapshot.ts);
      },
    });
    stops.push(() => snapshots.unsubscribe());
    return stops;
  }

  /** Asks every other node for its snapshot. */
  requestSnapshots(): void {
    const { link } = this.#node;
    link.connection.publish(`${link.name}.rostersync`, encoder.encode(link.nodeId));
  }

  /**
   * Sends every local membership as one snapshot (another node started, or
   * this one reconnected): the others replace what they knew of this node.
   */
  publishSnapshot(): void {
    const entries: RosterEntry[] = [];
    for (const session of this.#hub.sessions()) {
      for (const room of session.rooms) {
        entries.push(
          session.away === undefined
            ? { room: room.name, nick: session.nick }
            : { room: room.name, nick: session.nick, away: session.away },
        );
      }
    }
    const { link } = this.#node;
    try {
      link.connection.publish(
        `${link.name}.roster`,
        encoder.encode(JSON.stringify({ node: link.nodeId, ts: this.#hub.now(), entries })),
      );
    } catch (error) {
      log.warn("roster snapshot not published: {error}", { error });
    }
  }

  /**
   * Tells the other nodes that a local session joined a room (and is away).
   *
   * @param session The member.
   * @param room The room.
   */
  joined(session: Session, room: Room<Session>): void {
    this.#publish({ type: "join", room: room.name, nick: session.nick });
    if (session.away !== undefined) {
      this.#publish({ type: "away", room: room.name, nick: session.nick, away: session.away });
    }
  }

  /**
   * Tells the other nodes that a local session left a room.
   *
   * @param session The member.
   * @param room The room.
   * @param reason As in the `leave` message.
   * @param code As in the `leave` message.
   */
  left(session: Session, room: Room<Session>, reason: string, code: LeaveCode): void {
    this.#publish({ type: "leave", room: room.name, nick: session.nick, reason, code });
  }

  /**
   * Tells the other nodes that a local session is away or back (once per room).
   *
   * @param session The member.
   */
  awayChanged(session: Session): void {
    for (const room of session.rooms) {
      this.#publish(
        session.away === undefined
          ? { type: "away", room: room.name, nick: session.nick }
          : { type: "away", room: room.name, nick: session.nick, away: session.away },
      );
    }
  }

  /**
   * Tells the other nodes that a local session changed its nick, once per room.
   *
   * @param session The member, already renamed.
   * @param old The old nick.
   */
  renamed(session: Session, old: string): void {
    for (const room of session.rooms) {
      this.#publish({ type: "nick", room: room.name, nick: session.nick, old });
    }
  }

  #publish(event: Omit<PresenceEvent, "node" | "ts">): void {
    try {
      this.#node.presence.publish(event);
    } catch (error) {
      // Presence is at-most-once; the other nodes resynchronise after a reconnect.
      log.warn("presence not published: {error}", { error });
    }
  }
}
