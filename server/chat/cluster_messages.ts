/**
 * The message path of a cluster node: room lines, actions, private messages
 * and recordings' notices are published once to the cluster's JetStream
 * stream (recordings' bytes to its object store) through a
 * {@linkcode ClusterPublisher} (`cluster_publisher.ts`: how storage is
 * confirmed, and when the sender's ack may go). Nothing is broadcast at
 * publish time: {@linkcode ClusterMessages.deliver}
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
import type { RoomStream, StreamRecord } from "../cluster/room_stream.ts";
import type { MediaStore } from "../media/media_store.ts";
import { WriteQueue } from "../transport/write_queue.ts";
import type { HistoryStore } from "../storage/history_store.ts";
import type { MediaInfo } from "../storage/media_archive.ts";
import { ChatError } from "./chat_error.ts";
import { ClusterPublisher, type ClusterPublisherContext } from "./cluster_publisher.ts";
import type { Room } from "./room.ts";
import type { Session } from "./session.ts";

const log = getLogger(["parley", "server"]);
const encoder = new TextEncoder();
const decoder = new TextDecoder();
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

/** What {@linkcode ClusterMessages} uses of the node and the hub. */
export interface ClusterMessagesContext extends ClusterPublisherContext {
  /** The cluster's message stream. */
  stream: RoomStream;
  /** Throws `unavailable` while the NATS link is down. */
  checkLink(): void;
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
  readonly #publisher: ClusterPublisher;

  /** @param context See {@linkcode ClusterMessagesContext}. */
  constructor(context: ClusterMessagesContext) {
    this.#context = context;
    this.#publisher = new ClusterPublisher(context);
  }

  /** Stream sequence of the last message delivered here. */
  get delivered(): number {
    return this.#publisher.delivered;
  }

  /** Starts delivery after `seq` (what the node's index already holds). */
  set delivered(seq: number) {
    this.#publisher.delivered = seq;
  }

  /**
   * Releases every ack waiting for this node's delivery (see
   * {@linkcode ClusterPublisher.stopWaiting}): the follower has stopped.
   */
  stopWaiting(): void {
    this.#publisher.stopWaiting();
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
    return this.#publisher.publish(session, {
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
    return this.#publisher.publish(session, {
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
    return this.#publisher.publish(session, {
      scope: "pm",
      key: nameKey(nick),
      bytes: encoder.encode(JSON.stringify(payload)),
      msgId: crypto.randomUUID(),
    }, ts);
  }

  /**
   * One stored message, in stream order: indexes it and delivers it to local
   * members (the sender gets its ack instead, unless the line is echoed).
   *
   * @param record The message as the follower read it.
   */
  deliver(record: StreamRecord): void {
    if (!this.#publisher.arrived(record)) return;
    // The follower hands over a batch one iterator step at a time: write once after it.
    WriteQueue.holdTurn();
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
    room.broadcastMessage(
      { type: payload.k, id, ts, room: room.name, from, text } as ChatMessage | ActionMessage,
      sender?.id === payload.sid ? sender : undefined,
    );
  }
}
