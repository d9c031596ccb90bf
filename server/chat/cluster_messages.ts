/**
 * The message path of a cluster node: room lines, actions, private messages
 * and recordings' notices are published once to the cluster's JetStream
 * stream (recordings' bytes to its object store) — a plain NATS publish
 * whose return through this node's follower proves it was stored, or, when
 * it does not come back, a JetStream publish with the same message id,
 * retried through a failover — and acknowledged to the sender only once
 * stored and delivered by this node's follower (so that the stream's
 * per-room retention cannot remove what this node has not read yet), and
 * published only while every node is within the window of
 * `server/cluster/delivery_progress.ts` (nor what the slowest node has not).
 * Nothing is broadcast at publish time: {@linkcode ClusterMessages.deliver}
 * gets every stored message in stream order from the node's one follower
 * (this node's own included), appends it to the node's index of the stream
 * (the history store: replay, `/history`, `/search`), and hands it to the
 * room's encode-once fanout or to the private message's recipient.
 *
 * @module
 */

import { getLogger } from "../log.ts";
import { type ActionMessage, type ChatMessage, encodeMessage } from "../../protocol/messages.ts";
import { nameKey } from "../../protocol/names.ts";
import { sanitizeText } from "../../protocol/sanitize.ts";
import type { MediaBucket } from "../cluster/media_bucket.ts";
import type { DeliveryProgress } from "../cluster/delivery_progress.ts";
import type { RoomStream, StreamRecord } from "../cluster/room_stream.ts";
import type { MediaStore } from "../media/media_store.ts";
import { WriteQueue } from "../transport/write_queue.ts";
import type { HistoryStore } from "../storage/history_store.ts";
import type { MediaInfo } from "../storage/media_archive.ts";
import { ChatError } from "./chat_error.ts";
import type { Room } from "./room.ts";
import type { Session } from "./session.ts";

const log = getLogger(["parley", "server"]);
const encoder = new TextEncoder();
const decoder = new TextDecoder();
/**
 * Longest time an ack waits for this node's follower to deliver the message,
 * in ms (see `ClusterMessages#deliveredHere`).
 */
const DELIVERY_WAIT_MS = 10_000;

/** A room line, private message or recording's notice as stored in the stream. */
interface LinePayload {
  /** `msg`, `action`, `pm` or `media`. */
  k: "msg" | "action" | "pm" | "media";
  /** Room name (room lines). */
  room?: string;
  /** Recipient nick (private messages). */
  to?: string;
  from: string;
  text: string;
  /** Sender's clock, ms since the epoch: the message's `ts`. */
  ts: number;
  /** Sending session's id on the publishing node (it gets an ack, not the line). */
  sid: number;
  /** Whether the sender sees its own line too. */
  echo?: boolean;
  /** The sender's party (private messages), for `/search`. */
  fp?: string;
  /** A recording's notice (`media`): its fields but `id`, `ts`, `room`, `from`. */
  media?: Omit<MediaInfo, "id" | "ts" | "room" | "from">;
}

/** One message to store: where, its bytes and id, and what must be stored first. */
interface Publication {
  scope: "room" | "pm";
  /** `nameKey` of the room, or of the recipient's nick. */
  key: string;
  bytes: Uint8Array;
  /** Unique per message; JetStream stores a message id at most once. */
  msgId: string;
  /** Run (again) before each attempt until it succeeds: a recording's bytes. */
  before?: () => Promise<void>;
}

/**
 * Longest time a plain publish waits to come back from the stream before
 * the message is published again with JetStream's acknowledgement, in ms.
 */
const SEND_WAIT_MS = 3_000;

/** What {@linkcode ClusterMessages} uses of the node and the hub. */
export interface ClusterMessagesContext {
  /** The cluster's message stream. */
  stream: RoomStream;
  /** This node's id (the stream marks each message with its publisher's). */
  nodeId: string;
  /** Throws `unavailable` while the NATS link is down. */
  checkLink(): void;
  /** Flow control across nodes (see `server/cluster/delivery_progress.ts`). */
  progress?: Pick<DeliveryProgress, "admit" | "published" | "delivered">;
  /** Whether the link is closed for good (no more retries). */
  closed(): boolean;
  /** Finds a local room. */
  room(name: string): Room<Session> | undefined;
  /** Finds a local session by nick. */
  find(nick: string): Session | undefined;
  /** The nick as claimed in the cluster registry, when someone on any node holds it. */
  claimedNick(nick: string): string | undefined;
  /** The node's index of the stream. */
  readonly history: HistoryStore;
  /** Recordings' notices (their bytes are in the bucket). */
  readonly media: MediaStore;
  /** Clock, ms since the epoch. */
  now(): number;
  /**
   * Longest time a publish is retried, in ms.
   * @default {10000}
   */
  retryBudgetMs?: number;
}

/**
 * Publishes to and delivers from the cluster's stream.
 *
 * @example
 * ```ts ignore
 * const messages = new ClusterMessages(context);
 * stream.follow((record) => messages.deliver(record), { afterSeq: 0 });
 * const [id, ts] = await messages.publishLine(session, room, "msg", "hi", false);
 * ```
 */
export class ClusterMessages {
  readonly #context: ClusterMessagesContext;
  /** The recordings' bucket, once opened (see `ClusterChat.start`). */
  media: MediaBucket | undefined;
  #delivered = 0;
  /** Acknowledged publishes of this node waiting for the follower, by increasing `seq`. */
  readonly #waiting: { seq: number; done: () => void }[] = [];
  /** Plain publishes of this node waiting to come back from the stream, by message id. */
  readonly #sent = new Map<string, (seq: number) => void>();
  /** Each sender's latest publish, so that the next one starts after it. */
  readonly #lastPublish = new WeakMap<Session, Promise<[number, number]>>();

  /** @param context See {@linkcode ClusterMessagesContext}. */
  constructor(context: ClusterMessagesContext) {
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
   * Publishes a room line or action. Resolves with `[id, ts]` once the
   * stream stored it and this node's follower delivered it (or after 10 s
   * without delivery); the line reaches the room's members from the follower.
   *
   * @throws {ChatError} `unavailable` while the link is down (at once) or
   *   when the stream did not acknowledge (the promise rejects).
   */
  publishLine(
    session: Session,
    room: Room<Session>,
    kind: "msg" | "action",
    text: string,
    echo: boolean,
  ): Promise<[number, number]> {
    this.#context.checkLink();
    const ts = this.#context.now();
    const payload: LinePayload = {
      k: kind,
      room: room.name,
      from: session.nick,
      text,
      ts,
      sid: session.id,
    };
    if (echo) payload.echo = true;
    return this.#publish(session, {
      scope: "room",
      key: nameKey(room.name),
      bytes: encoder.encode(JSON.stringify(payload)),
      msgId: crypto.randomUUID(),
    }, ts);
  }

  /**
   * Stores a recording in the cluster's media bucket, then publishes its
   * notice to the room's stream. Resolves with `[id, ts]` once both are
   * stored; every node announces it from the stream.
   *
   * @param session The sender.
   * @param room The room.
   * @param recording The checked recording and its token.
   * @throws {ChatError} `unavailable` as for {@linkcode ClusterMessages.publishLine}.
   */
  publishMedia(
    session: Session,
    room: Room<Session>,
    recording: Omit<MediaInfo, "id" | "ts" | "room" | "from" | "bytes"> & { data: Uint8Array },
  ): Promise<[number, number]> {
    this.#context.checkLink();
    const ts = this.#context.now();
    const { data, ...fields } = recording;
    const payload: LinePayload = {
      k: "media",
      room: room.name,
      from: session.nick,
      text: "",
      ts,
      sid: session.id,
      media: { ...fields, bytes: data.length },
    };
    const media = this.media!;
    let stored = false;
    return this.#publish(session, {
      scope: "room",
      key: nameKey(room.name),
      bytes: encoder.encode(JSON.stringify(payload)),
      msgId: crypto.randomUUID(),
      before: async () => {
        if (!stored) await media.put(recording.token, data);
        stored = true;
      },
    }, ts);
  }

  /**
   * Sends a member a recording from the cluster's bucket (`fetch_media`);
   * the caller checked the member may have it.
   *
   * @param session Who asked.
   * @param info The recording's notice fields.
   * @param ref The request's `ref`.
   */
  fetchMedia(session: Session, info: MediaInfo, ref: number): void {
    this.media!.get(info.token).then((data) => {
      if (session.gone) return;
      session.send(encodeMessage(
        data === undefined
          ? {
            type: "error",
            code: "no_such_media",
            message: "That voice or video message is no longer kept",
            ref,
          }
          : {
            type: "media_data",
            ref,
            id: info.id,
            token: info.token,
            kind: info.kind,
            mime: info.mime,
            durationMs: info.durationMs,
            data: data.toBase64(),
          },
      ));
    }, (error) => {
      if (session.gone) return;
      session.send(encodeMessage({
        type: "error",
        code: "unavailable",
        message: `Cannot read the recording from the cluster: ${
          error instanceof Error ? error.message : error
        }`,
        ref,
      }));
    });
  }

  /**
   * Publishes a private message to a user on any node.
   *
   * @returns `[id, ts]` once stored.
   * @throws {ChatError} `no_such_nick` when nobody holds `to`; `unavailable`
   *   as for {@linkcode publishLine}.
   */
  publishPrivate(session: Session, to: string, text: string): Promise<[number, number]> {
    const nick = this.#context.find(to)?.nick ?? this.#context.claimedNick(to);
    if (nick === undefined) {
      throw new ChatError("no_such_nick", `No user is called ${sanitizeText(to)}`);
    }
    this.#context.checkLink();
    const ts = this.#context.now();
    const payload: LinePayload = {
      k: "pm",
      to: nick,
      from: session.nick,
      text,
      ts,
      sid: session.id,
      fp: session.party,
    };
    return this.#publish(session, {
      scope: "pm",
      key: nameKey(nick),
      bytes: encoder.encode(JSON.stringify(payload)),
      msgId: crypto.randomUUID(),
    }, ts);
  }

  /**
   * Publishes for one sender, in the order the sender sent: a publish starts
   * only once the sender's previous one was acknowledged (or given up), so a
   * publish that is retried during a failover can never be overtaken by the
   * same sender's next message, and every member sees each sender's messages
   * in the order they were sent, with no gap. Other senders publish at the
   * same time.
   */
  #publish(session: Session, publication: Publication, ts: number): Promise<[number, number]> {
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
   * {@linkcode ClusterMessages.publishLine}): the follower has stopped.
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

  /**
   * One stored message, in stream order: indexes it and delivers it to local
   * members (the sender gets its ack instead, unless the line is echoed).
   *
   * @param record The message as the follower read it.
   */
  deliver(record: StreamRecord): void {
    if (record.seq <= this.#delivered) return;
    // The follower hands over a batch one iterator step at a time: write once after it.
    WriteQueue.holdTurn();
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
    let payload: LinePayload;
    try {
      payload = JSON.parse(decoder.decode(record.payload));
    } catch (error) {
      log.warn("skipped unreadable stream message {seq}: {error}", { seq: record.seq, error });
      return;
    }
    const id = record.seq;
    const { from, text, ts } = payload;
    const own = record.node === this.#context.nodeId;
    if (payload.k === "pm") {
      const to = payload.to ?? "";
      const target = this.#context.find(to);
      const sender = own ? this.#context.find(from) : undefined;
      this.#context.history.append({
        id,
        ts,
        kind: "privmsg",
        from,
        fromParty: sender?.id === payload.sid ? sender.party : (payload.fp ?? ""),
        to,
        toParty: target?.party ?? "",
        text,
      });
      target?.send(encodeMessage({ type: "privmsg", id, ts, from, to: target.nick, text }));
      return;
    }
    const roomName = payload.room ?? "";
    if (payload.k === "media") {
      if (payload.media === undefined) return;
      const info: MediaInfo = { ...payload.media, id, ts, room: roomName, from };
      this.#context.media.remember(info);
      const room = this.#context.room(roomName);
      if (!room) return;
      const sender = own ? this.#context.find(from) : undefined;
      room.broadcast(
        encodeMessage({ type: "media", ...info, room: room.name }),
        sender?.id === payload.sid ? sender : undefined,
      );
      return;
    }
    this.#context.history.append({ id, ts, kind: payload.k, room: roomName, from, text });
    const room = this.#context.room(roomName);
    if (!room) return;
    const sender = own && !payload.echo ? this.#context.find(from) : undefined;
    room.broadcast(
      encodeMessage(
        { type: payload.k, id, ts, room: room.name, from, text } as ChatMessage | ActionMessage,
      ),
      sender?.id === payload.sid ? sender : undefined,
    );
  }
}
