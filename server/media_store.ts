/**
 * Recent voice and video messages kept in memory by id, so that `fetch_media`
 * (the browser player and the terminal's `/save`) can get their bytes.
 *
 * Integration point for persistent history: when the SQLite history lands,
 * `put()` is where a row goes in and `get()` falls back to the database.
 *
 * @module
 */

import type { MediaKind } from "../protocol/messages.ts";

/** A stored recording and what it is. */
export interface StoredMedia {
  /** Message id, shared with chat messages. */
  id: number;
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

/** Options for {@linkcode MediaStore}. */
export interface MediaStoreOptions {
  /**
   * Most bytes of recordings kept; the oldest are dropped first.
   * @default {67108864}
   */
  maxStoreBytes?: number;
}

/**
 * A bounded, insertion-ordered map of recordings by id.
 *
 * @example
 * ```ts
 * import { MediaStore } from "./media_store.ts";
 * const store = new MediaStore({ maxStoreBytes: 10 });
 * store.put({ id: 1, ts: 0, room: "#lobby", from: "a", kind: "voice", mime: "audio/webm",
 *   durationMs: 1000, data: new Uint8Array(8) });
 * store.get(1)?.data.length; // 8
 * ```
 */
export class MediaStore {
  readonly #items = new Map<number, StoredMedia>();
  readonly #maxStoreBytes: number;
  #bytes = 0;

  /** @param options See {@linkcode MediaStoreOptions}. */
  constructor(options: MediaStoreOptions = {}) {
    this.#maxStoreBytes = options.maxStoreBytes ?? 64 * 1024 * 1024;
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
   * Keeps a recording, dropping the oldest ones past `maxStoreBytes`.
   *
   * @param media The recording.
   */
  put(media: StoredMedia): void {
    this.#items.set(media.id, media);
    this.#bytes += media.data.length;
    for (const [id, old] of this.#items) {
      if (this.#bytes <= this.#maxStoreBytes || id === media.id) break;
      this.#items.delete(id);
      this.#bytes -= old.data.length;
    }
  }

  /**
   * Finds a recording by id.
   *
   * @param id Message id.
   * @returns The recording, or `undefined` if unknown or dropped.
   */
  get(id: number): StoredMedia | undefined {
    return this.#items.get(id);
  }
}
