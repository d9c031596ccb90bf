/**
 * A fake transport for hub unit tests: records every frame sent to it, decoded.
 *
 * @module
 */

import { parseServerMessage, type ServerMessage } from "../../protocol/messages.ts";
import type { Peer } from "../../server/session.ts";
import type { Hub } from "../../server/hub.ts";
import type { Session } from "../../server/session.ts";
import { PROTOCOL_VERSION } from "../../protocol/messages.ts";

/** A {@linkcode Peer} that keeps what it is sent. */
export class FakePeer implements Peer {
  /** Remote address reported to the hub. */
  readonly remoteAddr: string;
  /** Every message sent, decoded, in order. */
  readonly received: ServerMessage[] = [];
  /** The reason of the first `close`, if closed. */
  closedWith: string | undefined;
  /** Called on close (the hub's disconnect, as a real connection would). */
  onClose: ((reason: string) => void) | undefined;

  /** @param remoteAddr Address to report, `host:port`. */
  constructor(remoteAddr = "127.0.0.1:40000") {
    this.remoteAddr = remoteAddr;
  }

  send(frame: Uint8Array): boolean {
    if (this.closedWith !== undefined) return false;
    const message = parseServerMessage(frame.subarray(4));
    if (message) this.received.push(message);
    return true;
  }

  close(reason: string): void {
    if (this.closedWith !== undefined) return;
    this.closedWith = reason;
    this.onClose?.(reason);
  }

  /** Messages of one type. */
  of<T extends ServerMessage["type"]>(type: T): Extract<ServerMessage, { type: T }>[] {
    return this.received.filter((m) => m.type === type) as Extract<ServerMessage, { type: T }>[];
  }

  /** Forgets what was received. */
  clear(): void {
    this.received.length = 0;
  }
}

/**
 * Admits a fake user into a hub, wiring close to `hub.disconnect` like a real connection.
 *
 * @param hub The hub.
 * @param nick Nick to register.
 * @param remoteAddr Address to report.
 * @returns The session and its peer.
 */
export function admitFake(
  hub: Hub,
  nick: string,
  remoteAddr = "127.0.0.1:40000",
): { session: Session; peer: FakePeer } {
  const peer = new FakePeer(remoteAddr);
  const session = hub.admit({ type: "hello", version: PROTOCOL_VERSION, nick }, peer);
  peer.onClose = (reason) => hub.disconnect(session, reason);
  return { session, peer };
}
