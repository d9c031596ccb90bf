/**
 * A fake transport for hub and room unit tests: records decoded frames.
 *
 * @module
 */

import { FRAME_HEADER_BYTES } from "../../protocol/frame.ts";
import { parseServerMessage, type ServerMessage } from "../../protocol/messages.ts";
import type { Peer } from "../../server/session.ts";

/** Records what the hub sends; `accept` false simulates a full queue. */
export class FakePeer implements Peer {
  readonly remoteAddr: string;
  readonly frames: Uint8Array[] = [];
  closedWith: string | undefined;
  accept = true;
  onClose: ((reason: string) => void) | undefined;

  /** @param remoteAddr Address to report. */
  constructor(remoteAddr = "127.0.0.1:40000") {
    this.remoteAddr = remoteAddr;
  }

  send(frame: Uint8Array): boolean {
    if (this.closedWith !== undefined || !this.accept) return false;
    this.frames.push(frame);
    return true;
  }

  close(reason: string): void {
    if (this.closedWith !== undefined) return;
    this.closedWith = reason;
    this.onClose?.(reason);
  }

  /** Every message received, decoded. */
  get messages(): ServerMessage[] {
    return this.frames.map((f) => parseServerMessage(f.subarray(FRAME_HEADER_BYTES))!);
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
