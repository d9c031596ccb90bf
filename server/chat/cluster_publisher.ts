/**
 * How a cluster node gets a message stored and knows it was: a plain NATS
 * publish whose return through this node's follower proves JetStream stored
 * it, or, when it does not come back, a JetStream publish with the same
 * message id, retried through a failover. A publish resolves only once this
 * node's follower delivered the message (so that the stream's per-room
 * retention cannot remove what this node has not read yet), starts only
 * while every node is within the window of `server/cluster/delivery_progress.ts`,
 * and starts only after the same sender's previous publish.
 * {@linkcode ClusterPublisher.arrived} is told of every record the follower
 * delivers.
 *
 * @module
 */

import { getLogger } from "../log.ts";
import type { DeliveryProgress } from "../cluster/delivery_progress.ts";
import type { RoomStream, StreamRecord } from "../cluster/room_stream.ts";
import { ChatError } from "./chat_error.ts";
import type { Session } from "./session.ts";

const log = getLogger(["parley", "server"]);
/**
 * Longest time an ack waits for this node's follower to deliver the message,
 * in ms (see `ClusterPublisher#deliveredHere`).
 */
const DELIVERY_WAIT_MS = 10_000;
/**
 * Longest time a plain publish waits to come back from the stream before
 * the message is published again with JetStream's acknowledgement, in ms.
 */
const SEND_WAIT_MS = 3_000;

/** One message to store: where, its bytes and id, and what must be stored first. */
export interface Publication {
  scope: "room" | "pm";
  /** `nameKey` of the room, or of the recipient's nick. */
  key: string;
  bytes: Uint8Array;
  /** Unique per message; JetStream stores a message id at most once. */
  msgId: string;
  /** Run (again) before each attempt until it succeeds: a recording's bytes. */
  before?: () => Promise<void>;
}

/** What {@linkcode ClusterPublisher} uses of the node. */
export interface ClusterPublisherContext {
  /** The cluster's message stream. */
  stream: Pick<RoomStream, "send" | "publish" | "publishPrivate">;
  /** This node's id (the stream marks each message with its publisher's). */
  nodeId: string;
  /** Flow control across nodes (see `server/cluster/delivery_progress.ts`). */
  progress?: Pick<DeliveryProgress, "admit" | "published" | "delivered">;
  /** Whether the link is closed for good (no more retries). */
  closed(): boolean;
  /**
   * Longest time a publish is retried, in ms.
   * @default {10000}
   */
  retryBudgetMs?: number;
}

/**
 * Stores messages in the cluster's stream and follows this node's delivery.
 *
 * @example
 * ```ts ignore
 * const publisher = new ClusterPublisher(context);
 * stream.follow((record) => publisher.arrived(record) && handle(record), { afterSeq: 0 });
 * const [id, ts] = await publisher.publish(session, publication, Date.now());
 * ```
 */
export class ClusterPublisher {
  readonly #context: ClusterPublisherContext;
  #delivered = 0;
  /** Publishes of this node waiting for the follower, by increasing `seq`. */
  readonly #waiting: { seq: number; done: () => void }[] = [];
  /** Plain publishes of this node waiting to come back from the stream, by message id. */
  readonly #sent = new Map<string, (seq: number) => void>();
  /** Each sender's latest publish, so that the next one starts after it. */
  readonly #lastPublish = new WeakMap<Session, Promise<[number, number]>>();

  /** @param context See {@linkcode ClusterPublisherContext}. */
  constructor(context: ClusterPublisherContext) {
    this.#context = context;
  }

  /** Stream sequence of the last message delivered here. */
  get delivered(): number {
    return this.#delivered;
  }

  /** Starts delivery after `seq` (what the node's index already holds). */
  set delivered(seq: number) {
    this.#delivered = seq;
    this.#release();
  }

  /**
   * Notes a record the follower delivered: releases the publishes waiting
   * for it and reports the progress.
   *
   * @param record The record, in stream order.
   * @returns `false` when it was delivered before (skip it).
   */
  arrived(record: StreamRecord): boolean {
    if (record.seq <= this.#delivered) return false;
    if (this.#delivered > 0 && record.seq > this.#delivered + 1) {
      // Retention removed them before this node read them.
      log.warn("stream messages {first}..{last} were gone before delivery", {
        first: this.#delivered + 1,
        last: record.seq - 1,
      });
    }
    this.#delivered = record.seq;
    this.#release();
    this.#context.progress?.delivered(record.seq);
    if (record.msgId !== "" && record.node === this.#context.nodeId) {
      const sent = this.#sent.get(record.msgId);
      if (sent !== undefined) {
        this.#sent.delete(record.msgId);
        sent(record.seq);
      }
    }
    return true;
  }

  /**
   * Publishes for one sender, in the order the sender sent: a publish starts
   * only once the sender's previous one was acknowledged (or given up), so a
   * publish that is retried during a failover can never be overtaken by the
   * same sender's next message, and every member sees each sender's messages
   * in the order they were sent, with no gap. Other senders publish at the
   * same time.
   */
  /**
   * @param session The sender.
   * @param publication The message.
   * @param ts The message's time, ms since the epoch.
   * @returns `[id, ts]`: the stream sequence, once stored and delivered here.
   * @throws {ChatError} `unavailable` when the stream did not confirm storage
   *   within the retry budget (the promise rejects).
   */
  publish(session: Session, publication: Publication, ts: number): Promise<[number, number]> {
    const previous = this.#lastPublish.get(session);
    const run = () => this.#publishUntilStored(publication, ts);
    const result = previous === undefined ? run() : previous.then(run, run);
    this.#lastPublish.set(session, result);
    return result;
  }

  /**
   * Stores one message. First as a plain NATS publish, acknowledged by this
   * node's follower delivering it back (which proves JetStream stored it:
   * no request, reply or timer per message); when it has not come back
   * within {@linkcode SEND_WAIT_MS}, or the link is down, as a JetStream
   * publish with the same message id (stored at most once), retried for up
   * to `retryBudgetMs` while a failover or reconnect is under way. Either
   * way it resolves only after this node delivered the message.
   */
  async #publishUntilStored(publication: Publication, ts: number): Promise<[number, number]> {
    // Wait while the slowest node is a window behind the head (never longer than ~5 s).
    await this.#context.progress?.admit();
    const deadline = Date.now() + (this.#context.retryBudgetMs ?? 10_000);
    let sent = false;
    for (;;) {
      let seq: number | undefined;
      try {
        await publication.before?.();
        if (!sent) {
          sent = true;
          seq = await this.#sendAndWait(publication);
        }
        seq ??= await this.#storeAcked(publication);
      } catch (error) {
        if (Date.now() >= deadline || this.#context.closed()) {
          throw new ChatError(
            "unavailable",
            `The cluster did not confirm storage (${
              error instanceof Error ? error.message : error
            }); the message may not have been sent`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 250));
        continue;
      }
      this.#context.progress?.published(seq);
      await this.#deliveredHere(seq);
      return [seq, ts];
    }
  }

  /** A JetStream publish with the message's id: its stream sequence once stored. */
  #storeAcked(publication: Publication): Promise<number> {
    const { stream } = this.#context;
    const { key, bytes, msgId } = publication;
    return publication.scope === "room"
      ? stream.publish(key, bytes, { msgId })
      : stream.publishPrivate(key, bytes, { msgId });
  }

  /**
   * A plain publish: resolves with the sequence this node's follower
   * delivered it under, or `undefined` when it did not come back within
   * {@linkcode SEND_WAIT_MS} (or could not be sent).
   */
  #sendAndWait(publication: Publication): Promise<number | undefined> {
    if (this.#context.closed()) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const { msgId } = publication;
      const timer = setTimeout(() => {
        this.#sent.delete(msgId);
        resolve(undefined);
      }, SEND_WAIT_MS);
      this.#sent.set(msgId, (seq) => {
        clearTimeout(timer);
        resolve(seq);
      });
      try {
        this.#context.stream.send(publication.scope, publication.key, publication.bytes, msgId);
      } catch {
        this.#sent.delete(msgId);
        clearTimeout(timer);
        resolve(undefined);
      }
    });
  }

  /**
   * Resolves once this node's follower has delivered `seq` (or gone past
   * it), or after {@linkcode DELIVERY_WAIT_MS}. The ack waits for it: a
   * sender with several messages in flight is acknowledged only as fast as
   * its node delivers, so the stream can never run so far ahead of the
   * follower that per-room retention (`max_msgs_per_subject`) drops stored,
   * acknowledged messages before the follower has read them.
   */
  #deliveredHere(seq: number): Promise<void> {
    if (seq <= this.#delivered) return Promise.resolve();
    return new Promise((resolve) => {
      const waiting = this.#waiting;
      const entry = {
        seq,
        done: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      // A stalled follower (no consumer during a failover) must not hold acks for ever.
      const timer = setTimeout(() => {
        const at = waiting.indexOf(entry);
        if (at >= 0) waiting.splice(at, 1);
        resolve();
      }, DELIVERY_WAIT_MS);
      // Acks mostly arrive in sequence order: insert from the end.
      let at = waiting.length;
      while (at > 0 && waiting[at - 1].seq > seq) at--;
      waiting.splice(at, 0, entry);
    });
  }

  /**
   * Releases every ack waiting for this node's delivery (see
   * {@linkcode ClusterPublisher.publish}): the follower has stopped.
   */
  stopWaiting(): void {
    for (const entry of this.#waiting.splice(0)) entry.done();
  }

  /** Releases the acks waiting for sequences up to `#delivered`. */
  #release(): void {
    const waiting = this.#waiting;
    let n = 0;
    while (n < waiting.length && waiting[n].seq <= this.#delivered) n++;
    if (n === 0) return;
    for (const entry of waiting.splice(0, n)) entry.done();
  }
}
