/**
 * The cluster's message log: one JetStream stream, `<name>_msgs`, that holds
 * every room line and private message of every node. Its sequence numbers
 * are the global message ids and its order is the one order every node
 * delivers in.
 *
 * Subjects: `<name>.room.<token>` for a room and `<name>.pm.<token>` for the
 * private messages of one identity, where `<token>` is
 * {@linkcode subjectToken}`(nameKey(…))`.
 *
 * Following the stream (consumer, silence detection, direct-get fallback)
 * is in `stream_follower.ts`.
 *
 * @module
 */

import { headers, type MsgHdrs, nanos } from "npm:@nats-io/transport-node@3.4.0";
import {
  DeliverPolicy,
  DiscardPolicy,
  jetstream,
  JetStreamApiError,
  type JetStreamClient,
  type JetStreamManager,
  jetstreamManager,
  type JsMsg,
  RetentionPolicy,
  StorageType,
  type StoredMsg,
  type StreamConfig,
} from "npm:@nats-io/jetstream@3.4.0";
import { getLogger } from "../log.ts";
import type { NatsLink } from "./nats_link.ts";
import { followStream, type StreamFollower } from "./stream_follower.ts";
import { subjectToken } from "./subject_token.ts";

export type { StreamFollower } from "./stream_follower.ts";

/** Limits of the stream; every node should pass the same. */
export interface RoomStreamOptions {
  /**
   * Drop messages older than this, in ms (stream `max_age`); `0` keeps any age.
   * @default {0}
   */
  maxAgeMs?: number;
  /**
   * Keep at most this many messages per room and per private-message identity
   * (stream `max_msgs_per_subject`); `0` keeps any number.
   * @default {0}
   */
  maxPerSubject?: number;
  /**
   * Longest wait for the stream's acknowledgement of one publish, in ms.
   * @default {5000}
   */
  publishTimeoutMs?: number;
  /**
   * Longest wait for one {@linkcode RoomStream.history} read, in ms.
   * @default {5000}
   */
  historyTimeoutMs?: number;
}

/** One message as stored in the stream. */
export interface StreamRecord {
  /** Stream sequence: the global message id, unique and increasing. */
  seq: number;
  /** When the stream stored it, ms since the epoch (the leader's clock). */
  ts: number;
  /** `room` for a room line, `pm` for a private message. */
  scope: "room" | "pm";
  /** The room or identity as a subject token ({@linkcode subjectToken}). */
  token: string;
  /** The node that published it; empty when the header is missing. */
  node: string;
  /** The payload exactly as published. */
  payload: Uint8Array;
  /** The publisher's message id (`Nats-Msg-Id`); empty when none was given. */
  msgId: string;
}

/** Header naming the publishing node. */
const NODE_HEADER = "Parley-Node";
/** JetStream's de-duplication header (what `publish`'s `msgID` option sets). */
const MSG_ID_HEADER = "Nats-Msg-Id";
/**
 * Stream duplicate window, in ms: a publish retried with the same `msgId`
 * within it is stored once (shortened to the maximum age when that is less).
 */
const DUPLICATE_WINDOW_MS = 120_000;

/** Most messages a follower reads by direct get between two consumer attempts. */
const DIRECT_BATCH = 1_000;

const logger = getLogger(["parley", "cluster"]);

/**
 * The message stream of one cluster.
 *
 * @example
 * ```ts ignore
 * import { NatsLink } from "./nats_link.ts";
 * import { RoomStream } from "./room_stream.ts";
 * const link = await NatsLink.connect({ servers: ["nats://127.0.0.1:4222"] });
 * const stream = await RoomStream.open(link);
 * const follower = stream.follow((record) => console.log(record.seq));
 * const id = await stream.publish("#lobby", new TextEncoder().encode("{}"));
 * await follower.stop();
 * ```
 */
export class RoomStream {
  /** Stream name, `<name>_msgs`. */
  readonly streamName: string;
  readonly #link: NatsLink;
  readonly #js: JetStreamClient;
  readonly #jsm: JetStreamManager;
  readonly #publishTimeoutMs: number;
  readonly #historyTimeoutMs: number;
  readonly #followers = new Set<StreamFollower>();

  private constructor(
    link: NatsLink,
    jsm: JetStreamManager,
    options: RoomStreamOptions,
  ) {
    this.#link = link;
    this.#jsm = jsm;
    // A 2 s request timeout keeps a follower's consumer retries short.
    this.#js = jetstream(link.connection, { timeout: 2_000 });
    this.streamName = `${link.name}_msgs`;
    this.#publishTimeoutMs = options.publishTimeoutMs ?? 5_000;
    this.#historyTimeoutMs = options.historyTimeoutMs ?? 5_000;
  }

  /**
   * Creates the stream, or updates its limits and replicas to `options` when
   * it exists (the last node to start wins on limits).
   *
   * @param link A connected link; its `replicas` sets the stream's replicas.
   * @param options Retention and timeouts.
   * @returns The stream.
   * @throws {JetStreamApiError} When JetStream refuses the stream (e.g. more
   *   replicas than servers).
   * @throws {Error} When JetStream does not answer (not enabled, no leader).
   */
  static async open(link: NatsLink, options: RoomStreamOptions = {}): Promise<RoomStream> {
    const jsm = await jetstreamManager(link.connection);
    const stream = new RoomStream(link, jsm, options);
    const maxAgeMs = options.maxAgeMs ?? 0;
    const config: Partial<StreamConfig> & { name: string } = {
      name: stream.streamName,
      subjects: [`${link.name}.room.*`, `${link.name}.pm.*`],
      retention: RetentionPolicy.Limits,
      storage: StorageType.File,
      discard: DiscardPolicy.Old,
      num_replicas: link.replicas,
      max_age: nanos(maxAgeMs),
      max_msgs_per_subject: options.maxPerSubject || -1,
      // JetStream refuses a duplicate window longer than the maximum age.
      duplicate_window: nanos(
        maxAgeMs > 0 ? Math.min(maxAgeMs, DUPLICATE_WINDOW_MS) : DUPLICATE_WINDOW_MS,
      ),
      allow_direct: true,
    };
    try {
      await jsm.streams.add(config);
    } catch (error) {
      // 10058: the stream exists with another configuration; bring it to ours.
      if (!(error instanceof JetStreamApiError) || error.code !== 10058) throw error;
      const info = await jsm.streams.info(stream.streamName);
      await jsm.streams.update(stream.streamName, { ...info.config, ...config });
    }
    return stream;
  }

  /**
   * Appends a room message. Resolves only after the stream stored it on a
   * quorum of its replicas (JetStream's acknowledgement); a rejection means
   * the message may or may not be stored — retry with the same `msgId` to
   * store it at most once.
   *
   * @param roomKey The room key, `nameKey(room)`, e.g. `"#lobby"`.
   * @param payload The encoded message (the cluster layer does not read it).
   * @param options `msgId`: an id unique per message, for safe retries.
   * @returns The stream sequence: the message's global id.
   * @throws {Error} When no acknowledgement arrived within `publishTimeoutMs`,
   *   or the stream refused the message.
   */
  publish(roomKey: string, payload: Uint8Array, options: { msgId?: string } = {}): Promise<number> {
    return this.#publish(`${this.#link.name}.room.${subjectToken(roomKey)}`, payload, options);
  }

  /**
   * Appends a private message to the log of one identity (the recipient's
   * nick key); acknowledged like {@linkcode RoomStream.publish}.
   *
   * @param identity The recipient's nick key, `nameKey(nick)`.
   * @param payload The encoded message.
   * @param options `msgId`, as for `publish`.
   * @returns The stream sequence: the message's global id.
   * @throws {Error} As for `publish`.
   */
  publishPrivate(
    identity: string,
    payload: Uint8Array,
    options: { msgId?: string } = {},
  ): Promise<number> {
    return this.#publish(`${this.#link.name}.pm.${subjectToken(identity)}`, payload, options);
  }

  /**
   * Hands a message to the stream without waiting for JetStream's
   * acknowledgement: a plain NATS publish on the stream's subject, which
   * JetStream stores (at most once per `msgId` within the duplicate window).
   * Nothing says whether it was stored; a caller that must know waits for
   * the message to come back through {@linkcode RoomStream.follow} (its
   * record carries `msgId`) and otherwise retries with
   * {@linkcode RoomStream.publish} and the same `msgId`.
   *
   * @param scope `room` (key: `nameKey(room)`) or `pm` (key: the recipient's nick key).
   * @param key The room or identity key.
   * @param payload The encoded message.
   * @param msgId An id unique per message.
   * @throws {Error} When the connection is closed.
   */
  send(scope: "room" | "pm", key: string, payload: Uint8Array, msgId: string): void {
    const header = headers();
    header.set(NODE_HEADER, this.#link.nodeId);
    header.set(MSG_ID_HEADER, msgId);
    this.#link.connection.publish(`${this.#link.name}.${scope}.${subjectToken(key)}`, payload, {
      headers: header,
    });
  }

  /**
   * Delivers stored messages to `callback` one at a time, in stream order,
   * through an ordered consumer of this node. The consumer recreates itself
   * after a reconnect or a gap. When it fails outright or falls silent for
   * 3 s (its server died; creating a new consumer needs the JetStream
   * metadata leader, which a server failure can take 10 s or more to
   * replace), the follower reads on with direct gets, which any replica
   * answers, and tries a new consumer every 250 ms plus the 2 s request
   * timeout. The callback sees every message once, with increasing
   * `seq` (messages dropped by retention meanwhile are skipped).
   *
   * @param callback Called synchronously per message; an exception is logged
   *   and delivery goes on.
   * @param options `afterSeq`: deliver messages after this sequence (`0`:
   *   from the start); when absent, only messages stored from now on.
   * @returns The follower, to stop it.
   */
  follow(
    callback: (record: StreamRecord) => void,
    options: { afterSeq?: number } = {},
  ): StreamFollower {
    const follower = followStream(
      {
        js: this.#js,
        streamName: this.streamName,
        lastSeq: () => this.lastSeq(),
        readDirect: (after, deliver, stopped) => this.#readDirect(after, deliver, stopped),
        record: (message) => this.#record(message),
        stopped: (follower) => this.#followers.delete(follower),
      },
      callback,
      options,
    );
    this.#followers.add(follower);
    return follower;
  }

  /**
   * Reads the newest `limit` messages of a room, oldest first. It finds the
   * room's last sequence, then reads the room's subject from a window before
   * it with an ordered consumer, widening the window four-fold until it holds
   * `limit` messages or reaches the start of the stream.
   *
   * @param roomKey The room key, `nameKey(room)`.
   * @param limit Most messages; `0` returns none.
   * @returns Up to `limit` records in stream order.
   * @throws {Error} When NATS does not answer. Without a JetStream metadata
   *   leader (no consumer can be created) it reads by direct gets instead.
   */
  history(roomKey: string, limit: number): Promise<StreamRecord[]> {
    return this.#tail(`${this.#link.name}.room.${subjectToken(roomKey)}`, limit);
  }

  /**
   * Reads the newest `limit` private messages addressed to an identity.
   *
   * @param identity The recipient's nick key.
   * @param limit Most messages.
   * @returns Up to `limit` records in stream order.
   * @throws {Error} As for `history`.
   */
  privateHistory(identity: string, limit: number): Promise<StreamRecord[]> {
    return this.#tail(`${this.#link.name}.pm.${subjectToken(identity)}`, limit);
  }

  /**
   * Reads one message by its sequence.
   *
   * @param seq A stream sequence.
   * @returns The record, or `undefined` when there is none (never stored, or
   *   dropped by retention).
   */
  async get(seq: number): Promise<StreamRecord | undefined> {
    try {
      const stored = await this.#jsm.streams.getMessage(this.streamName, { seq });
      if (stored === null) return undefined;
      return this.#storedRecord(stored);
    } catch (error) {
      if (error instanceof JetStreamApiError && error.code === 10037) return undefined;
      throw error;
    }
  }

  /**
   * The stream's newest sequence: the last global id handed out.
   *
   * @returns The sequence, `0` for an empty stream.
   */
  async lastSeq(): Promise<number> {
    const info = await this.#jsm.streams.info(this.streamName);
    return info.state.last_seq;
  }

  /** Stops every follower of this node (the link stays open). */
  async close(): Promise<void> {
    await Promise.all([...this.#followers].map((follower) => follower.stop()));
  }

  /**
   * Delivers what follows `after` through direct gets, which any replica
   * answers without a consumer (so without the metadata leader a consumer
   * needs). Stops at the first sequence the answering replica does not have.
   *
   * @returns The last sequence delivered.
   */
  async #readDirect(
    after: number,
    deliver: (record: StreamRecord) => void,
    stopped: () => boolean,
  ): Promise<number> {
    let last = after;
    for (let i = 0; i < DIRECT_BATCH && !stopped(); i++) {
      const stored = await this.#jsm.direct.getMessage(this.streamName, {
        seq: last + 1,
        next_by_subj: `${this.#link.name}.>`,
      });
      if (stored === null) break;
      last = stored.seq;
      deliver(
        this.#storedRecord(stored),
      );
    }
    return last;
  }

  async #publish(
    subject: string,
    payload: Uint8Array,
    options: { msgId?: string },
  ): Promise<number> {
    const header = headers();
    header.set(NODE_HEADER, this.#link.nodeId);
    const ack = await this.#js.publish(subject, payload, {
      headers: header,
      timeout: this.#publishTimeoutMs,
      expect: { streamName: this.streamName },
      ...(options.msgId === undefined ? {} : { msgID: options.msgId }),
    });
    return ack.seq;
  }

  async #tail(subject: string, limit: number): Promise<StreamRecord[]> {
    if (limit <= 0) return [];
    let last: number;
    try {
      const stored = await this.#jsm.streams.getMessage(this.streamName, { last_by_subj: subject });
      if (stored === null) return [];
      last = stored.seq;
    } catch (error) {
      if (error instanceof JetStreamApiError && error.code === 10037) return [];
      throw error;
    }
    const info = await this.#jsm.streams.info(this.streamName);
    const first = Math.max(1, info.state.first_seq);
    const deadline = Date.now() + this.#historyTimeoutMs;
    for (let window = Math.max(64, limit * 4);; window *= 4) {
      const start = Math.max(first, last - window + 1);
      let records: StreamRecord[];
      try {
        records = await this.#range(subject, start, last, deadline);
      } catch (error) {
        // No consumer can be created without a metadata leader; direct gets need none.
        logger.debug("History by consumer failed, reading directly: {error}", { error });
        records = await this.#rangeDirect(subject, start, last);
      }
      if (records.length >= limit || start <= first) return records.slice(-limit);
    }
  }

  /** Messages of `subject` with sequences in `[start, end]`. */
  async #range(
    subject: string,
    start: number,
    end: number,
    deadline: number,
  ): Promise<StreamRecord[]> {
    const consumer = await this.#js.consumers.get(this.streamName, {
      filter_subjects: subject,
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: start,
    });
    const messages = await consumer.consume();
    const timer = setTimeout(() => void messages.close(), Math.max(0, deadline - Date.now()));
    const out: StreamRecord[] = [];
    let complete = false;
    try {
      for await (const message of messages) {
        if (message.seq <= end) out.push(this.#record(message));
        if (message.seq >= end || message.info.pending === 0) {
          complete = true;
          break;
        }
      }
    } finally {
      clearTimeout(timer);
      await messages.close();
    }
    if (!complete) {
      throw new Error(
        `Cannot read history of ${subject} within ${this.#historyTimeoutMs} ms`,
      );
    }
    return out;
  }

  /** Like `#range`, one direct get per message (any replica answers). */
  async #rangeDirect(subject: string, start: number, end: number): Promise<StreamRecord[]> {
    const out: StreamRecord[] = [];
    for (let seq = start; seq <= end;) {
      const stored = await this.#jsm.direct.getMessage(this.streamName, {
        seq,
        next_by_subj: subject,
      });
      if (stored === null || stored.seq > end) break;
      out.push(
        this.#storedRecord(stored),
      );
      seq = stored.seq + 1;
    }
    return out;
  }

  #storedRecord(stored: StoredMsg): StreamRecord {
    return this.#toRecord(
      stored.subject,
      stored.seq,
      stored.time.getTime(),
      stored.header,
      stored.data,
    );
  }

  #record(message: JsMsg): StreamRecord {
    return this.#toRecord(
      message.subject,
      message.seq,
      Math.floor(message.info.timestampNanos / 1e6),
      message.headers,
      message.data,
    );
  }

  #toRecord(
    subject: string,
    seq: number,
    ts: number,
    header: MsgHdrs | undefined,
    payload: Uint8Array,
  ): StreamRecord {
    const rest = subject.slice(this.#link.name.length + 1);
    const dot = rest.indexOf(".");
    return {
      seq,
      ts,
      scope: rest.slice(0, dot) === "pm" ? "pm" : "room",
      token: rest.slice(dot + 1),
      node: header?.get(NODE_HEADER) ?? "",
      payload,
      msgId: header?.get(MSG_ID_HEADER) ?? "",
    };
  }
}
