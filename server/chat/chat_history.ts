/**
 * The chat's use of stored history, in one place: ids for new messages,
 * appends, room topics, replay on join and `/history`, `/search`, and durable
 * acknowledgements (an `ack` is sent only after the storage commit that holds
 * the message). Everything else in `server/chat/` reaches the history store
 * through this class, except bans (see `moderation.ts`).
 *
 * @module
 */

import type { ServerMetrics } from "../metrics.ts";
import { getLogger } from "../log.ts";
import {
  type ActionMessage,
  type ChatMessage,
  encodeAck,
  encodeMessage,
  type MediaNotice,
  type PrivateMessage,
  type SearchHit,
} from "../../protocol/messages.ts";
import {
  ftsQuery,
  type HistoryStore,
  type StoredMessage,
  type TopicRecord,
} from "../storage/history_store.ts";
import type { MediaStore } from "../media/media_store.ts";
import { ChatError } from "./chat_error.ts";
import type { CommandHistory } from "./command_dispatch.ts";
import type { Room } from "./room.ts";
import type { Session } from "./session.ts";

const log = getLogger(["parley", "server"]);

/** Options for {@linkcode ChatHistory}. */
export interface ChatHistoryOptions {
  /** History, topics and bans. Not closed here; its owner closes it. */
  store: HistoryStore;
  /** Recordings, merged into replays by id. */
  media: MediaStore;
  /** Messages replayed when a user joins a room. */
  replayCount: number;
  /** Times acks (from the message's timestamp, on the wall clock). */
  metrics?: ServerMetrics;
  /**
   * Whether the store is a node's index of a cluster stream: acks then wait
   * for the stream's acknowledgement (see {@linkcode ChatHistory.defer}),
   * not for the local commit.
   * @default {false}
   */
  clustered?: boolean;
}

/**
 * Stored history as the chat uses it.
 *
 * @example
 * ```ts
 * // const history = new ChatHistory({ store, media, replayCount: 50 });
 * // history.replay(session, room, history.replayCount);
 * ```
 */
export class ChatHistory implements CommandHistory {
  /** Messages replayed on join. */
  readonly replayCount: number;
  readonly #store: HistoryStore;
  readonly #media: MediaStore;
  readonly #metrics: ServerMetrics | undefined;
  readonly #clustered: boolean;
  /** A cluster publish whose outcome the next ack of its session reports. */
  #deferred: { session: Session; stored: Promise<[number, number]> } | undefined;
  /** Each session's last pending cluster ack: acks are sent in the order of the messages. */
  readonly #ackChains = new WeakMap<Session, Promise<void>>();

  /** @param options See {@linkcode ChatHistoryOptions}. */
  constructor(options: ChatHistoryOptions) {
    this.#store = options.store;
    this.#media = options.media;
    this.#metrics = options.metrics;
    this.replayCount = options.replayCount;
    this.#clustered = options.clustered ?? false;
  }

  /**
   * Cluster mode: makes the next {@linkcode ChatHistory.ack} of `session`
   * wait for `stored` (a publish to the stream) and carry its `[id, ts]`; a
   * rejection becomes an `error` with the ack's `ref` instead.
   *
   * @param session The sender.
   * @param stored Resolves with `[id, ts]` once the stream stored the message.
   */
  defer(session: Session, stored: Promise<[number, number]>): void {
    // The ack awaits it; until then a rejection must not count as unhandled.
    stored.catch(() => {});
    this.#deferred = { session, stored };
  }

  /** Forgets a deferred publish whose request failed before its ack (see `defer`). */
  dropDeferred(): void {
    this.#deferred = undefined;
  }

  /** The next message id; ids increase across restarts. */
  nextId(): number {
    return this.#store.nextId();
  }

  /**
   * Stores a chat line, action or private message (committed in a batch; see
   * {@linkcode ChatHistory.ack}).
   *
   * @param message The message as broadcast.
   */
  append(message: StoredMessage): void {
    this.#store.append(message);
  }

  /**
   * The stored topic of a room.
   *
   * @param room Room name including `#`.
   * @returns The record, or `undefined` when none was ever set.
   */
  topic(room: string): TopicRecord | undefined {
    return this.#store.topic(room);
  }

  /**
   * Frees what is held in memory for a room nobody is in (see
   * `HistoryStore.releaseRoom`); its history stays.
   *
   * @param room Room name including `#`.
   */
  releaseRoom(room: string): void {
    this.#store.releaseRoom(room);
  }

  /**
   * Stores a room's topic.
   *
   * @param record Room, topic (empty clears it), who and when.
   */
  setTopic(record: TopicRecord): void {
    this.#store.setTopic(record);
  }

  /**
   * Sends up to `limit` stored messages of a room to one session, oldest
   * first, each marked `history: true`, recordings merged in by id.
   *
   * @param session Recipient.
   * @param room The room.
   * @param limit Most messages.
   * @param options `beforeId`: only messages older than this id; `ref`: the
   *   `ref` of the command that asked (`/history`, `/join`), carried by every
   *   replayed message.
   * @returns How many were sent.
   */
  replay(
    session: Session,
    room: Room<Session>,
    limit: number,
    options: { beforeId?: number; ref?: number } = {},
  ): number {
    const { beforeId, ref } = options;
    if (limit <= 0) return 0;
    const messages = this.#store.recent(room.name, limit, beforeId);
    // Recordings are stored apart from chat lines; merge them in by id.
    const sinceId = messages.length === limit ? messages[0].id : 0;
    const media = this.#media.between(room.name, sinceId, beforeId);
    const replay: ReplayedMessage[] = messages.map((m) => historyMessage(m, room.name));
    for (const m of media) replay.push({ type: "media", ...m, history: true });
    if (media.length > 0) {
      replay.sort((a, b) => a.id - b.id);
    }
    const last = replay.slice(-limit);
    for (const m of last) session.send(encodeMessage(ref === undefined ? m : { ...m, ref }));
    return last.length;
  }

  /**
   * Full-text search over stored messages, newest first: room messages of
   * `rooms` only, and private messages only when `party` is one of theirs.
   *
   * @param text What to find: every word must occur.
   * @param options Who searches, which room (all when absent), how many at most.
   * @returns The hits, as sent in a `search` message.
   * @throws {ChatError} `bad_arguments` when `text` has no word of letters or digits.
   */
  search(
    text: string,
    options: { party: string; rooms: readonly string[]; room?: string; limit: number },
  ): SearchHit[] {
    if (!ftsQuery(text)) {
      throw new ChatError("bad_arguments", "Search needs at least one word of letters or digits");
    }
    return this.#store.search(text, options).map((m) => ({
      id: m.id,
      ts: m.ts,
      kind: m.kind,
      ...(m.room === undefined ? {} : { room: m.room }),
      from: m.from,
      ...(m.to === undefined ? {} : { to: m.to }),
      text: m.text,
    }));
  }

  /**
   * Acknowledges a client message once what it created is durable: while a
   * group commit is pending, the ack waits for it (acks stay in order); a
   * failed commit turns the ack into an `internal` error. With an in-memory
   * store the ack goes at once.
   *
   * @param session The sender; nothing is sent once it is gone.
   * @param ref The `ref` being acknowledged.
   * @param id Message id, 0 when none was created.
   * @param ts Server time, ms since the epoch.
   */
  ack(session: Session, ref: number, id: number, ts: number): void {
    if (this.#clustered) {
      this.#clusterAck(session, ref, id, ts);
      return;
    }
    if (!this.#store.persistent) {
      session.send(encodeAck(ref, id, ts));
      if (id > 0) this.#metrics?.acked(Date.now() - ts);
      return;
    }
    this.#store.whenDurable((error) => {
      if (session.gone) return;
      if (error) {
        log.error("history commit failed: {error}", { error: error.message });
        session.send(encodeMessage({
          type: "error",
          code: "internal",
          message: `Message ${id} was delivered but could not be saved: ${error.message}`,
          ref,
        }));
        return;
      }
      session.send(encodeAck(ref, id, ts));
      if (id > 0) this.#metrics?.acked(Date.now() - ts);
    });
  }

  /** Acks in message order, each once the stream stored what it acknowledges. */
  #clusterAck(session: Session, ref: number, id: number, ts: number): void {
    const deferred = this.#deferred?.session === session ? this.#deferred.stored : undefined;
    this.#deferred = undefined;
    const previous = this.#ackChains.get(session) ?? Promise.resolve();
    const next = previous.then(async () => {
      let stamp: [number, number] = [id, ts];
      try {
        if (deferred) stamp = await deferred;
      } catch (error) {
        if (session.gone) return;
        const code = error instanceof ChatError ? error.code : "internal";
        session.send(encodeMessage({
          type: "error",
          code,
          message: String(
            error instanceof Error ? error.message : error,
          ),
          ref,
        }));
        return;
      }
      if (session.gone) return;
      session.send(encodeAck(ref, stamp[0], stamp[1]));
      if (stamp[0] > 0) this.#metrics?.acked(Date.now() - stamp[1]);
    });
    this.#ackChains.set(session, next);
  }
}

/** What a replay sends: stored lines, actions, private messages and recordings. */
type ReplayedMessage = ChatMessage | ActionMessage | PrivateMessage | MediaNotice;

function historyMessage(m: StoredMessage, room: string): ReplayedMessage {
  if (m.kind === "privmsg") {
    return {
      type: "privmsg",
      id: m.id,
      ts: m.ts,
      from: m.from,
      to: m.to ?? "",
      text: m.text,
      history: true,
    };
  }
  return { type: m.kind, id: m.id, ts: m.ts, room, from: m.from, text: m.text, history: true };
}
