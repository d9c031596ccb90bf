/**
 * Voice and video recordings kept with history in the SQLite file, so they
 * survive restarts and are replayed with the room's history.
 *
 * Recordings are rare and large, so they stay off the chat messages' group
 * commit: each is written in its own transaction before its sender is
 * acknowledged. The archive works on the history's {@linkcode Database}
 * connection.
 *
 * @module
 */

import { nameKey } from "../../protocol/names.ts";
import type { MediaKind } from "../../protocol/messages.ts";
import type { Database, Row } from "./database.ts";

/** A stored recording and what it is. */
export interface StoredMedia {
  /** Message id, shared with chat messages. */
  id: number;
  /**
   * What `fetch_media` names it by: 128 random bits as 32 lower-case hex
   * digits, so that nobody can enumerate recordings.
   */
  token: string;
  /** Server time it was posted, ms since the epoch. */
  ts: number;
  /** Room it was posted to. */
  room: string;
  /** Nick of the sender at the time. */
  from: string;
  /** `"voice"` or `"video"`. */
  kind: MediaKind;
  /** Container type, e.g. `"video/webm;codecs=vp8,opus"`. */
  mime: string;
  /** Recorded length, in ms. */
  durationMs: number;
  /** The recording. */
  data: Uint8Array;
}

/** A recording without its bytes, as replayed in history. */
export type MediaInfo = Omit<StoredMedia, "data"> & {
  /** Size of the recording, in bytes. */
  bytes: number;
};

/** Options for {@linkcode MediaArchive}. */
export interface MediaArchiveOptions {
  /**
   * Most bytes of recordings kept in the file; the oldest are deleted first.
   * @default {268435456}
   */
  maxBytes?: number;
}

/**
 * Recordings in the history database.
 *
 * @example
 * ```ts
 * import { Database } from "./database.ts";
 * import { MediaArchive } from "./media_archive.ts";
 * const archive = new MediaArchive(new Database(":memory:"));
 * const token = "0123456789abcdef0123456789abcdef";
 * archive.put({ id: 7, token, ts: 0, room: "#lobby", from: "amy", kind: "voice",
 *   mime: "audio/webm", durationMs: 1200, data: new Uint8Array([0x1a, 0x45, 0xdf, 0xa3]) });
 * archive.get(token)?.data.length; // 4
 * ```
 */
export class MediaArchive {
  readonly #db: Database;
  readonly #maxBytes: number;
  #closed = false;

  /**
   * @param db The open database.
   * @param options See {@linkcode MediaArchiveOptions}.
   */
  constructor(db: Database, options: MediaArchiveOptions = {}) {
    this.#db = db;
    this.#maxBytes = options.maxBytes ?? 256 * 1024 * 1024;
  }

  /**
   * Stores a recording durably (its own transaction), then deletes the oldest
   * recordings while the total exceeds `maxBytes`.
   *
   * @param media The recording.
   * @throws {Error} If the archive is closed or SQLite cannot write it; nothing is stored then.
   */
  put(media: StoredMedia): void {
    if (this.#closed || this.#db.closed) {
      throw new Error(`Cannot store recording ${media.id}: the media archive is closed`);
    }
    this.#db.prepare(
      `INSERT INTO media (id, token, ts, room_key, room, sender, kind, mime, duration_ms, bytes,
         data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      media.id,
      media.token,
      media.ts,
      nameKey(media.room),
      media.room,
      media.from,
      media.kind,
      media.mime,
      media.durationMs,
      media.data.length,
      media.data,
    );
    this.#trim();
  }

  /**
   * Loads a recording with its bytes.
   *
   * @param token Its fetch token.
   * @returns The recording, or `undefined` if unknown or deleted.
   */
  get(token: string): StoredMedia | undefined {
    const row = this.#db.prepare("SELECT * FROM media WHERE token = ?").get(token) as
      | Row
      | undefined;
    if (!row) return undefined;
    return { ...infoFromRow(row), data: new Uint8Array(row.data as Uint8Array) };
  }

  /**
   * The recordings of a room with ids from `sinceId` up to (not including)
   * `beforeId`, oldest first, without their bytes.
   *
   * @param room Room name including `#` (any case).
   * @param sinceId Smallest id included.
   * @param beforeId Only smaller ids; all when absent.
   */
  between(room: string, sinceId: number, beforeId = Number.MAX_SAFE_INTEGER): MediaInfo[] {
    const rows = this.#db.prepare(
      `SELECT id, token, ts, room, sender, kind, mime, duration_ms, bytes FROM media
       WHERE room_key = ? AND id >= ? AND id < ? ORDER BY id`,
    ).all(nameKey(room), sinceId, beforeId) as Row[];
    return rows.map(infoFromRow);
  }

  /**
   * Deletes recordings older than `maxAgeMs`.
   *
   * @param now Current time, ms since the epoch.
   * @param maxAgeMs Age limit, ms.
   * @returns How many were deleted.
   */
  deleteOlderThan(now: number, maxAgeMs: number): number {
    return Number(this.#db.prepare("DELETE FROM media WHERE ts < ?").run(now - maxAgeMs).changes);
  }

  /** Total bytes of recordings stored. */
  totalBytes(): number {
    const row = this.#db.prepare("SELECT coalesce(sum(bytes), 0) AS n FROM media").get() as Row;
    return Number(row.n);
  }

  /**
   * Stops storing recordings. The connection stays open: it belongs to the
   * {@linkcode Database}'s owner. Idempotent.
   */
  close(): void {
    this.#closed = true;
  }

  #trim(): void {
    let total = this.totalBytes();
    while (total > this.#maxBytes) {
      const oldest = this.#db.prepare("SELECT id, bytes FROM media ORDER BY id LIMIT 1").get() as
        | Row
        | undefined;
      if (!oldest) return;
      this.#db.prepare("DELETE FROM media WHERE id = ?").run(oldest.id as number);
      total -= Number(oldest.bytes);
    }
  }
}

function infoFromRow(row: Row): MediaInfo {
  return {
    id: Number(row.id),
    token: String(row.token),
    ts: Number(row.ts),
    room: String(row.room),
    from: String(row.sender),
    kind: row.kind as MediaInfo["kind"],
    mime: String(row.mime),
    durationMs: Number(row.duration_ms),
    bytes: Number(row.bytes),
  };
}
