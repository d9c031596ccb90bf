/**
 * A chat room: a named set of members and a topic. It knows nothing about
 * sockets; members are anything with `send(frame)` and `close(reason)`.
 *
 * @module
 */

import type { ServerMetrics } from "../metrics.ts";
import { encodeMessage, type LeaveCode } from "../../protocol/messages.ts";
import type { ServerMessage } from "../../protocol/message_types.ts";
import { FrameArena } from "./frame_arena.ts";
import { WriteQueue } from "../transport/write_queue.ts";
import { WRITE_TRACE } from "../transport/write_trace.ts";

/**
 * Step of the member a fanout starts at, as a fraction of the room: the
 * golden ratio's, so that the starts of any few consecutive broadcasts are far
 * apart whatever the room's size (Weyl's sequence; the three-distance
 * theorem). A whole-number stride taken modulo the size repeats for some
 * sizes: 40,503 in a room of 1,000 moved the start by 503, then back by 6,
 * so the members written last were written last again every other message.
 */
const ROTATION_STEP = 0.6180339887498949;

/**
 * What the room sees of a connection. Implemented by the server's sessions,
 * which forward to a transport (TCP, TLS, WebSocket) or a test fake.
 */
export interface Member {
  /**
   * Queues one encoded frame for delivery without waiting for the network.
   *
   * @param frame A complete frame (4-byte length + payload). The same buffer is
   *   shared by every recipient and must not be modified.
   * @returns `false` if the member is closed or its queue overflowed (it then
   *   closes itself); the caller carries on with the other members.
   */
  send(frame: Uint8Array): boolean;
  /**
   * Ends the member's connection. Safe to call more than once.
   *
   * @param reason Why, as a short phrase for logs and leave notices.
   * @param code Why, as the `leave` code the rooms are told.
   * @default code `"disconnected"`
   */
  close(reason: string, code?: LeaveCode): void;
  /**
   * Queues a frame that may wait a few ms to be written with others
   * (presence notices); members without it get {@linkcode Member.send}.
   *
   * @param frame As for `send`.
   * @returns As for `send`.
   */
  sendLater?(frame: Uint8Array): boolean;
}

/**
 * A room: members plus a topic. Fanout encodes nothing and awaits nothing: it
 * hands the same bytes to every member's queue and returns.
 *
 * Each fanout starts at a different member (and goes round the room in join
 * order from there), so that no member is always handed a frame last: the
 * order of the hand-over is the order in which the members' writes are
 * issued, and a socket write issued late in a turn waits for the next turns of
 * the event loop (Deno completes at most 128 socket operations per turn, see
 * bench/README.md).
 *
 * @example
 * ```ts
 * import { Room } from "./room.ts";
 * const room = new Room("#lobby");
 * const frames: Uint8Array[] = [];
 * room.add({ send: (f) => frames.push(f) > 0, close() {} });
 * room.broadcast(new Uint8Array([0, 0, 0, 0])); // 1
 * ```
 */
export class Room<M extends Member = Member> {
  /** Room name including `#`, in the case it was created with. */
  readonly name: string;
  /** Current topic; empty when none is set. */
  topic = "";
  /** Who set the topic, empty when none is set. */
  topicBy = "";
  /** Incremented by every add and remove; the roster cache compares it to spot a stale list. */
  version = 0;
  readonly #members = new Set<M>();
  /** Broadcast frames laid end to end, so members' queues can hold spans (see frame_arena.ts). */
  readonly #arena = new FrameArena();
  /** Where the next fanout starts, as a fraction of the member list, in [0, 1). */
  #rotation = 0;
  #list: M[] = [];
  #listVersion = -1;
  readonly #metrics: ServerMetrics | undefined;
  /**
   * This room's run of chat lines not yet handed to its members (see
   * {@linkcode Room.broadcastMessage}): `#runBytes` bytes of the arena from
   * `#run`'s start, `#runLines` lines, all skipping `#runExcept`.
   */
  #run: Uint8Array | undefined;
  #runBytes = 0;
  #runLines = 0;
  #runExcept: M | undefined;
  /** The room holding a run, if any: one at a time, process-wide. */
  static #pending: Room<Member> | undefined;

  /**
   * @param name Room name including `#`.
   * @param metrics Counts deliveries, once per fanout.
   */
  constructor(name: string, metrics?: ServerMetrics) {
    this.name = name;
    this.#metrics = metrics;
  }

  /** Number of members. */
  get size(): number {
    return this.#members.size;
  }

  /** The members, in join order. */
  members(): IterableIterator<M> {
    return this.#members.values();
  }

  /**
   * Adds a member. Adding one twice has no effect.
   *
   * @param member The member to add.
   * @returns `true` if it was not already a member.
   */
  add(member: M): boolean {
    if (this.#members.has(member)) return false;
    Room.handOutRun();
    this.#members.add(member);
    this.version++;
    return true;
  }

  /**
   * Removes a member.
   *
   * @param member The member to remove.
   * @returns `true` if it was a member.
   */
  remove(member: M): boolean {
    if (!this.#members.has(member)) return false;
    Room.handOutRun();
    this.#members.delete(member);
    this.version++;
    return true;
  }

  /**
   * Whether `member` is in the room.
   *
   * @param member The member to look for.
   */
  has(member: M): boolean {
    return this.#members.has(member);
  }

  /**
   * Like {@linkcode broadcast}, for presence notices (join, leave): members
   * may hold the frame a few ms to write it together with others.
   *
   * @param frame A complete frame, encoded once by the caller.
   * @param except A member to skip.
   * @returns How many members accepted the frame.
   */
  announce(frame: Uint8Array, except?: M): number {
    Room.handOutRun();
    return this.#fanout(this.#placed(frame), except, true, 1);
  }

  /**
   * Hands one encoded frame to every member except `except`.
   *
   * @param frame A complete frame, encoded once by the caller.
   * @param except A member to skip (usually the sender).
   * @returns How many members accepted the frame.
   */
  broadcast(frame: Uint8Array, except?: M): number {
    Room.handOutRun();
    return this.#fanout(this.#placed(frame), except, false, 1);
  }

  /**
   * Like {@linkcode broadcast}, for a message not yet encoded (a chat line):
   * it is encoded once, straight into the room's arena (see frame_arena.ts),
   * and joins the room's run: lines that follow one another in the arena
   * and skip the same member are handed to the members together, one queue
   * entry per member for the whole run instead of one per line. The run is
   * handed out before anything else is queued for any member but the one it
   * skips (see {@linkcode Room.beforeSendTo}), before any other fanout, join
   * or leave, and before the queues are written, so every member receives
   * exactly what it would have, in the same order, in the same turn.
   *
   * @param message Any server message.
   * @param except A member to skip (usually the sender).
   */
  broadcastMessage(message: ServerMessage, except?: M): void {
    if (this.#members.size <= 2) {
      Room.handOutRun();
      this.#fanout(encodeMessage(message), except, false, 1);
      return;
    }
    const frame = this.#arena.encode(message);
    const run = this.#run;
    if (
      run !== undefined && except === this.#runExcept && frame.buffer === run.buffer &&
      frame.byteOffset === run.byteOffset + this.#runBytes
    ) {
      this.#runBytes += frame.length;
      this.#runLines++;
      return;
    }
    Room.handOutRun();
    this.#run = frame;
    this.#runBytes = frame.length;
    this.#runLines = 1;
    this.#runExcept = except;
    Room.#pending = this as unknown as Room<Member>;
    WriteQueue.beforeWrite(Room.handOutRun);
  }

  /**
   * Hands out the pending run of chat lines, if any (see
   * {@linkcode Room.broadcastMessage}).
   */
  static handOutRun(): void {
    const room = Room.#pending;
    if (room === undefined) return;
    Room.#pending = undefined;
    const run = room.#run!;
    const span = room.#runBytes === run.length
      ? run
      : new Uint8Array(run.buffer, run.byteOffset, room.#runBytes);
    const except = room.#runExcept;
    room.#run = room.#runExcept = undefined;
    const delivered = room.#fanout(span, except, false, room.#runLines);
    // The write trace counts frames: each queue took the run as one entry.
    WRITE_TRACE?.queued(delivered * (room.#runLines - 1));
  }

  /**
   * Called before a frame is queued for `recipient` by anything but a
   * room's fanout: hands out the pending run first unless `recipient` is the
   * member the run skips (a sender's own acks do not end its run), so that
   * the frame cannot overtake lines the server produced before it.
   *
   * @param recipient The member about to be sent a frame.
   */
  static beforeSendTo(recipient: Member): void {
    const room = Room.#pending;
    if (room !== undefined && room.#runExcept !== recipient) Room.handOutRun();
  }

  /**
   * `frame` laid in the room's arena when more than two members will get it
   * (see frame_arena.ts); for two or fewer, as it is.
   */
  #placed(frame: Uint8Array): Uint8Array {
    return this.#members.size > 2 ? this.#arena.place(frame) : frame;
  }

  /**
   * Every member but `except`, from a rotating start: the members from the
   * start on, then those before it. `lines` is how many messages `frame`
   * holds (a run's span holds several), for the delivery count.
   */
  #fanout(frame: Uint8Array, except: M | undefined, later: boolean, lines: number): number {
    const list = this.#memberList();
    const size = list.length;
    const start = Math.floor(this.#rotation * size);
    this.#rotation = (this.#rotation + ROTATION_STEP) % 1;
    let delivered = 0;
    for (let i = start; i < size; i++) {
      const member = list[i];
      if (member !== except && this.#hand(member, frame, later)) delivered++;
    }
    for (let i = 0; i < start; i++) {
      const member = list[i];
      if (member !== except && this.#hand(member, frame, later)) delivered++;
    }
    this.#metrics?.delivered(delivered * lines);
    return delivered;
  }

  /**
   * The members in join order as an array, rebuilt only after an add or a
   * remove, so that a fanout indexes from its start instead of walking past it.
   * A member that leaves during a fanout is still handed the frame, and its
   * closed `send` refuses it.
   */
  #memberList(): M[] {
    if (this.#listVersion !== this.version) {
      this.#list = [...this.#members];
      this.#listVersion = this.version;
    }
    return this.#list;
  }

  #hand(member: M, frame: Uint8Array, later: boolean): boolean {
    return later ? (member.sendLater?.(frame) ?? member.send(frame)) : member.send(frame);
  }
}
