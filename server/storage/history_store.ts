/**
 * The chat's storage as one object: message history, search, topics, bans
 * and recordings on one {@linkcode Database} connection (`node:sqlite`, built
 * into Deno).
 *
 * {@linkcode HistoryStore} is a thin facade: the work is done by
 * {@linkcode MessageLog} (ids, rings, group commit, retention),
 * {@linkcode MessageSearch} (FTS5), {@linkcode TopicStore},
 * {@linkcode BanList}, {@linkcode MediaArchive}, {@linkcode NickRegistry} and
 * {@linkcode RoomAccessStore}, each a small class on the
 * shared connection. Callers that hold a `HistoryStore` use the same methods
 * as before the split; the parts are reachable as fields for new code.
 *
 * @module
 */

import { BanList, type BanRecord } from "./ban_list.ts";
import { Database } from "./database.ts";
import { MediaArchive } from "./media_archive.ts";
import {
  type DurableCallback,
  MessageLog,
  type MessageLogOptions,
  type RetentionOptions,
} from "./message_log.ts";
import { MessageSearch, type SearchOptions } from "./message_search.ts";
import type { StoredMessage } from "./stored_message.ts";
import { type TopicRecord, TopicStore } from "./topic_store.ts";
import { NickRegistry } from "./nick_registry.ts";
import { RoomAccessStore } from "./room_access_store.ts";

export type { BanRecord } from "./ban_list.ts";
export { HistoryStoreError } from "./database.ts";
export type { RetentionOptions } from "./message_log.ts";
export { ftsQuery, type SearchOptions } from "./message_search.ts";
export type { StoredKind, StoredMessage } from "./stored_message.ts";
export type { TopicRecord } from "./topic_store.ts";

/** Options for {@linkcode HistoryStore}: those of its {@linkcode MessageLog}. */
export type HistoryStoreOptions = MessageLogOptions;

/**
 * The history database and the modules on it. Synchronous and owned by one
 * hub; nothing here awaits.
 *
 * @example
 * ```ts
 * import { HistoryStore } from "./history_store.ts";
 * const store = new HistoryStore(":memory:");
 * const id = store.nextId();
 * store.append({ id, ts: Date.now(), kind: "msg", room: "#lobby", from: "bob", text: "hi" });
 * store.recent("#lobby", 50); // [{ id, kind: "msg", text: "hi", ... }]
 * store.close();
 * ```
 */
export class HistoryStore {
  /** The one connection; closed by {@linkcode close}. */
  readonly database: Database;
  /** Messages, ids and retention. */
  readonly messages: MessageLog;
  /** Full-text search over {@linkcode messages}. */
  readonly finder: MessageSearch;
  /** Room topics. */
  readonly topics: TopicStore;
  /** Bans. */
  readonly banList: BanList;
  /** Voice and video recordings (used by the hub with a file database). */
  readonly mediaArchive: MediaArchive;
  /** Nicks registered to identity keys. */
  readonly nicks: NickRegistry;
  /** Invite-only rooms and invitations. */
  readonly roomAccess: RoomAccessStore;

  /**
   * Opens (creating if needed) the database and its schema.
   *
   * @param path A file path, or `":memory:"` for a database that lives only in this process.
   * @param options See {@linkcode HistoryStoreOptions}.
   * @throws {HistoryStoreError} If the file cannot be opened or is not a
   *   usable database (the message names the path).
   */
  constructor(path: string, options: HistoryStoreOptions = {}) {
    this.database = new Database(path);
    this.messages = new MessageLog(this.database, options);
    this.finder = new MessageSearch(this.database, this.messages);
    this.topics = new TopicStore(this.database);
    this.banList = new BanList(this.database);
    this.mediaArchive = new MediaArchive(this.database);
    this.nicks = new NickRegistry(this.database);
    this.roomAccess = new RoomAccessStore(this.database);
  }

  /** Database path, or `":memory:"`. */
  get path(): string {
    return this.database.path;
  }

  /** Whether messages survive a restart (false for `:memory:`). */
  get persistent(): boolean {
    return this.database.persistent;
  }

  /** Messages appended but not yet committed. */
  get pendingCount(): number {
    return this.messages.pendingCount;
  }

  /** Number of commits, for tests and measurements. */
  get commits(): number {
    return this.messages.commits;
  }

  /** See {@linkcode MessageLog.nextId}. */
  nextId(): number {
    return this.messages.nextId();
  }

  /**
   * See {@linkcode MessageLog.append}.
   *
   * @param message The message, with an id from {@linkcode nextId}.
   */
  append(message: StoredMessage): void {
    this.messages.append(message);
  }

  /**
   * See {@linkcode MessageLog.whenDurable}.
   *
   * @param callback Called with no argument on success, with the error on failure.
   */
  whenDurable(callback: DurableCallback): void {
    this.messages.whenDurable(callback);
  }

  /**
   * See {@linkcode MessageLog.durable}.
   *
   * @returns A promise that resolves once everything appended so far is committed.
   * @throws {Error} The commit's error, if it failed.
   */
  durable(): Promise<void> {
    return this.messages.durable();
  }

  /** See {@linkcode MessageLog.flush}. */
  flush(): void {
    this.messages.flush();
  }

  /**
   * See {@linkcode MessageLog.recent}.
   *
   * @param room Room name including `#` (any case).
   * @param limit Most messages.
   * @param beforeId Only messages with a smaller id (for paging); all when absent.
   */
  recent(room: string, limit: number, beforeId?: number): StoredMessage[] {
    return this.messages.recent(room, limit, beforeId);
  }

  /**
   * See {@linkcode MessageLog.releaseRing}.
   *
   * @param room Room name including `#`.
   */
  releaseRoom(room: string): void {
    this.messages.releaseRing(room);
  }

  /**
   * See {@linkcode MessageLog.get}.
   *
   * @param id Message id.
   */
  get(id: number): StoredMessage | undefined {
    return this.messages.get(id);
  }

  /** See {@linkcode MessageLog.count}. */
  count(): number {
    return this.messages.count();
  }

  /**
   * See {@linkcode MessageSearch.search}.
   *
   * @param query Words to find.
   * @param options Room filter, searcher, limit.
   */
  search(query: string, options: SearchOptions): StoredMessage[] {
    return this.finder.search(query, options);
  }

  /**
   * See {@linkcode MessageLog.enforceRetention}.
   *
   * @param options Limits and the current time.
   * @returns How many messages were deleted.
   */
  enforceRetention(options: RetentionOptions): number {
    return this.messages.enforceRetention(options);
  }

  /**
   * See {@linkcode TopicStore.get}.
   *
   * @param room Room name including `#`.
   */
  topic(room: string): TopicRecord | undefined {
    return this.topics.get(room);
  }

  /**
   * See {@linkcode TopicStore.set}.
   *
   * @param record The topic; an empty `topic` clears it.
   */
  setTopic(record: TopicRecord): void {
    this.topics.set(record);
  }

  /**
   * See {@linkcode BanList.add}.
   *
   * @param ban The ban.
   */
  addBan(ban: BanRecord): void {
    this.banList.add(ban);
  }

  /**
   * See {@linkcode BanList.remove}.
   *
   * @param kind `nick`, `identity` or `address`.
   * @param value Nick key, fingerprint or address key.
   * @returns Whether a ban was removed.
   */
  removeBan(kind: BanRecord["kind"], value: string): boolean {
    return this.banList.remove(kind, value);
  }

  /**
   * See {@linkcode BanList.find}.
   *
   * @param nickKey `nameKey(nick)`.
   * @param host Remote host without port.
   * @param now Current time, ms since the epoch.
   */
  findBan(nickKey: string, host: string, now: number): BanRecord | undefined {
    return this.banList.find(nickKey, host, now);
  }

  /**
   * See {@linkcode BanList.inForce}.
   *
   * @param now Current time, ms since the epoch.
   */
  bans(now: number): BanRecord[] {
    return this.banList.inForce(now);
  }

  /** Commits what is pending and closes the database. Idempotent. */
  close(): void {
    if (this.database.closed) return;
    this.messages.close();
    this.mediaArchive.close();
    this.database.close();
  }
}
