/**
 * Recent voice and video messages kept in memory by id, so that `fetch_media`
 * (the browser player and the terminal's `/save`) can get their bytes.
 *
 * With a file database the {@linkcode MediaArchive} (on the history's one
 * SQLite connection) is the durable copy: `put()` writes there first, `get()`
 * falls back to it for recordings no longer cached, and history replay reads
 * it. With `--data :memory:` there is no archive and the cache is all there is.
 *
 * @module
 */

import { nameKey } from "../../protocol/names.ts";
import type { MediaArchive, MediaInfo, StoredMedia } from "../storage/media_archive.ts";

export type { StoredMedia } from "../storage/media_archive.ts";

/** Options for {@linkcode MediaStore}. */
export interface MediaStoreOptions {
  /**
   * Most bytes of recordings kept in memory; the oldest are dropped first.
   * @default {67108864}
   */
  maxStoreBytes?: number;
  /**
   * Durable storage behind the in-memory cache (the history file); recordings
   * live in memory only when absent (`--data :memory:`).
   */
  archive?: MediaArchive;
}

/**
 * A fresh recording token: 128 bits from the CSPRNG as 32 lower-case hex
 * digits. `fetch_media` names recordings by it, never by the sequential
 * message id, so a recording can only be fetched by someone who was told of it.
 *
 * @returns e.g. `"3f2a...9c"` (32 characters).
 *
 * @example
 * ```ts
 * import { mediaToken } from "./media_store.ts";
 * mediaToken().length; // 32
 * ```
 */
export function mediaToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Most recordings {@linkcode MediaStore.remember} keeps. */
const MAX_KNOWN = 10_000;

/**
 * A bounded, insertion-ordered map of recordings by token.
 *
 * @example
 * ```ts
 * import { MediaStore, mediaToken } from "./media_store.ts";
 * const store = new MediaStore({ maxStoreBytes: 10 });
 * const token = mediaToken();
 * store.put({ id: 1, token, ts: 0, room: "#lobby", from: "a", kind: "voice",
 *   mime: "audio/webm", durationMs: 1000, data: new Uint8Array(8) });
 * store.get(token)?.data.length; // 8
 * ```
 */
export class MediaStore {
  readonly #items = new Map<string, StoredMedia>();
  readonly #maxStoreBytes: number;
  readonly #archive: MediaArchive | undefined;
  /** Recordings known by their notice only (a cluster keeps the bytes), oldest first. */
  readonly #known = new Map<string, MediaInfo>();
  #bytes = 0;

  /** @param options See {@linkcode MediaStoreOptions}. */
  constructor(options: MediaStoreOptions = {}) {
    this.#maxStoreBytes = options.maxStoreBytes ?? 64 * 1024 * 1024;
    this.#archive = options.archive;
  }

  /** Bytes of recordings held. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Number of recordings held. */
  get size(): number {
    return this.#items.size;
  }

  /**
   * Keeps a recording: first in the archive (durably), then in the memory
   * cache, dropping the oldest cached ones past `maxStoreBytes`.
   *
   * @param media The recording.
   * @throws {Error} If the archive cannot store it; nothing is kept then.
   */
  put(media: StoredMedia): void {
    this.#archive?.put(media);
    this.#items.set(media.token, media);
    this.#bytes += media.data.length;
    for (const [token, old] of this.#items) {
      if (this.#bytes <= this.#maxStoreBytes || token === media.token) break;
      this.#items.delete(token);
      this.#bytes -= old.data.length;
    }
  }

  /**
   * Finds a recording by its token.
   *
   * @param token The token from its `media` notice.
   * @returns The recording, or `undefined` if unknown or dropped.
   */
  get(token: string): StoredMedia | undefined {
    if (!/^[0-9a-f]{32}$/.test(token)) return undefined;
    return this.#items.get(token) ?? this.#archive?.get(token);
  }

  /**
   * Records a recording whose bytes are kept elsewhere (a cluster's media
   * bucket): its notice is replayed with history and fetches are checked
   * against its room. The oldest are forgotten past 10,000.
   *
   * @param info The recording's notice fields.
   */
  remember(info: MediaInfo): void {
    this.#known.set(info.token, info);
    if (this.#known.size > MAX_KNOWN) this.#known.delete(this.#known.keys().next().value!);
  }

  /**
   * The notice fields of a recording held here or remembered.
   *
   * @param token The token from its `media` notice.
   * @returns The fields, or `undefined` if unknown or dropped.
   */
  info(token: string): MediaInfo | undefined {
    const known = this.#known.get(token);
    if (known !== undefined) return known;
    const media = this.get(token);
    if (media === undefined) return undefined;
    const { data, ...info } = media;
    return { ...info, bytes: data.length };
  }

  /**
   * A room's recordings with ids in `[sinceId, beforeId)`, oldest first,
   * without their bytes (for history replay).
   *
   * @param room Room name including `#` (any case).
   * @param sinceId Smallest id included.
   * @param beforeId Only smaller ids; all when absent.
   */
  between(room: string, sinceId: number, beforeId = Number.MAX_SAFE_INTEGER): MediaInfo[] {
    const key = nameKey(room);
    const found: MediaInfo[] = [];
    if (this.#archive) found.push(...this.#archive.between(room, sinceId, beforeId));
    else {
      for (const { data, ...info } of this.#items.values()) {
        if (nameKey(info.room) === key && info.id >= sinceId && info.id < beforeId) {
          found.push({ ...info, bytes: data.length });
        }
      }
    }
    if (this.#known.size === 0) return found;
    for (const info of this.#known.values()) {
      if (nameKey(info.room) === key && info.id >= sinceId && info.id < beforeId) found.push(info);
    }
    return found.sort((a, b) => a.id - b.id);
  }
}
