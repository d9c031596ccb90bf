/**
 * Presence between nodes: joins, leaves and away changes travel on core NATS
 * subjects `<name>.presence.<token>` (`<token>` = {@linkcode subjectToken}`(nameKey(room))`).
 * They are fire-and-forget: not stored, not replayed, and lost while a node
 * is disconnected (a node rebuilds its view from the nick registry and
 * `who` answers after a reconnect, not from this bus).
 *
 * @module
 */

import type { Subscription } from "npm:@nats-io/transport-node@3.4.0";
import { nameKey } from "../../protocol/names.ts";
import { getLogger } from "../log.ts";
import type { NatsLink } from "./nats_link.ts";
import { subjectToken } from "./subject_token.ts";

/** One presence change as it travels between nodes. */
export interface PresenceEvent {
  /** `join` / `leave` of a room; `away` set or cleared (sent once per room the user is in). */
  type: "join" | "leave" | "away" | "nick";
  /** Room name including `#`, as the user sees it. */
  room: string;
  /** Who. */
  nick: string;
  /** Node the user is connected to. */
  node: string;
  /** When, ms since the epoch (the sending node's clock). */
  ts: number;
  /** `leave` only: the reason, as in the protocol's `leave` message. */
  reason?: string;
  /** `away` only: the away message; absent when the user is back. */
  away?: string;
  /** `leave` only: the protocol's `leave` code. */
  code?: string;
  /** `nick` only: the nick before the change (`nick` is the new one). */
  old?: string;
}

/** Called for each presence event received. */
export type PresenceListener = (event: PresenceEvent) => void;

const logger = getLogger(["parley", "cluster"]);
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Publishes and receives presence events.
 *
 * @example
 * ```ts ignore
 * import { PresenceBus } from "./presence_bus.ts";
 * const bus = new PresenceBus(link);
 * bus.subscribe((event) => console.log(event.nick, event.type, event.room));
 * bus.publish({ type: "join", room: "#lobby", nick: "alice" });
 * ```
 */
export class PresenceBus {
  readonly #link: NatsLink;
  readonly #subscriptions = new Set<Subscription>();

  /** @param link A connected link. */
  constructor(link: NatsLink) {
    this.#link = link;
  }

  /**
   * Sends one event to every node. Never waits: while the link is down the
   * client buffers a little and drops the rest.
   *
   * @param event The event; `node` and `ts` are filled in when absent.
   */
  publish(event: Omit<PresenceEvent, "node" | "ts"> & { ts?: number }): void {
    const full: PresenceEvent = { ...event, node: this.#link.nodeId, ts: event.ts ?? Date.now() };
    this.#link.connection.publish(
      `${this.#link.name}.presence.${subjectToken(nameKey(event.room))}`,
      encoder.encode(JSON.stringify(full)),
    );
  }

  /**
   * Receives events of every room (or of one room).
   *
   * @param listener Called per event, in the order each sender published;
   *   exceptions are logged and dropped. A malformed event is logged and skipped.
   * @param options `room`: only this room; `includeOwn`: also this node's own
   *   events (default `false`, the hub has already handled them).
   * @returns A function that unsubscribes.
   */
  subscribe(
    listener: PresenceListener,
    options: { room?: string; includeOwn?: boolean } = {},
  ): () => void {
    const token = options.room === undefined ? "*" : subjectToken(nameKey(options.room));
    const subscription = this.#link.connection.subscribe(
      `${this.#link.name}.presence.${token}`,
      {
        callback: (error, message) => {
          if (error !== null) return;
          let event: PresenceEvent;
          try {
            event = JSON.parse(decoder.decode(message.data));
          } catch (cause) {
            logger.warn("Dropped malformed presence event on {subject}: {cause}", {
              subject: message.subject,
              cause,
            });
            return;
          }
          if (event.node === this.#link.nodeId && !options.includeOwn) return;
          try {
            listener(event);
          } catch (cause) {
            logger.error("Presence listener failed: {cause}", { cause });
          }
        },
      },
    );
    this.#subscriptions.add(subscription);
    return () => {
      this.#subscriptions.delete(subscription);
      subscription.unsubscribe();
    };
  }

  /**
   * Waits until the server has seen every subscription and publish so far
   * (a round trip), e.g. before announcing a join that must be seen.
   *
   * @throws {Error} When the link is down.
   */
  async flush(): Promise<void> {
    await this.#link.connection.flush();
  }

  /** Ends every subscription of this bus. */
  close(): void {
    for (const subscription of this.#subscriptions) subscription.unsubscribe();
    this.#subscriptions.clear();
  }
}
