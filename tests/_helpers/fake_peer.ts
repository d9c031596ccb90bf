/**
 * A fake transport for hub and room unit tests: records decoded frames.
 *
 * @module
 */

import { FrameDecoder } from "../../protocol/frame_decoder.ts";
import { Room } from "../../server/chat/room.ts";
import { parseServerMessage, type ServerMessage } from "../../protocol/messages.ts";
import { PROTOCOL_VERSION } from "../../protocol/messages.ts";
import type { LeaveCode } from "../../protocol/messages.ts";
import type { Hub } from "../../server/chat/hub.ts";
import type { Peer, Session } from "../../server/chat/session.ts";

/**
 * The payloads of the frames in `spans`, in order: each span holds whole
 * frames (one, or a room's run of several).
 */
export function payloadsOf(spans: Uint8Array[]): Uint8Array[] {
  const decoder = new FrameDecoder();
  const payloads: Uint8Array[] = [];
  for (const span of spans) decoder.push(span, (payload) => payloads.push(payload));
  return payloads;
}

/** Records what the hub sends; `accept` false simulates a full queue. */
export class FakePeer implements Peer {
  readonly remoteAddr: string;
  readonly frames: Uint8Array[] = [];
  closedWith: string | undefined;
  /** The leave code the close carried. */
  closedCode: LeaveCode | undefined;
  accept = true;
  onClose: ((reason: string, code?: LeaveCode) => void) | undefined;

  /** @param remoteAddr Address to report. */
  constructor(remoteAddr = "127.0.0.1:40000") {
    this.remoteAddr = remoteAddr;
  }

  send(frame: Uint8Array): boolean {
    if (this.closedWith !== undefined || !this.accept) return false;
    this.frames.push(frame);
    return true;
  }

  close(reason: string, code?: LeaveCode): void {
    if (this.closedWith !== undefined) return;
    this.closedWith = reason;
    this.closedCode = code;
    this.onClose?.(reason, code);
  }

  /**
   * Every message received, decoded, as a client reads them at the end of
   * the turn: a room's pending run of lines is handed out first, and a
   * queued span of several frames (a run) counts frame by frame.
   */
  get messages(): ServerMessage[] {
    Room.handOutRun();
    return payloadsOf(this.frames).map((payload) => parseServerMessage(payload)!);
  }

  /** Messages of one type. */
  of<T extends ServerMessage["type"]>(type: T): Extract<ServerMessage, { type: T }>[] {
    return this.messages.filter((m) => m.type === type) as Extract<ServerMessage, { type: T }>[];
  }

  /** Forgets what was received. */
  clear(): void {
    this.frames.length = 0;
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
  peer.onClose = (reason, code) => hub.disconnect(session, reason, code);
  return { session, peer };
}
