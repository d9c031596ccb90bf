/**
 * Voice and video recordings of a cluster, in a JetStream object store
 * (`<name>_media`, one object per recording, named by its token): stored
 * once by the node that received it, fetched by whichever node a member asks.
 * The object store splits a recording into chunks, so recordings larger than
 * the NATS message limit (1 MiB by default) fit.
 *
 * @module
 */

import { JetStreamApiError, jetstreamManager, StorageType } from "npm:@nats-io/jetstream@3.4.0";
import { type ObjectStore, Objm } from "npm:@nats-io/obj@3.4.0";
import type { NatsLink } from "./nats_link.ts";

/**
 * The cluster's recordings.
 *
 * @example
 * ```ts ignore
 * const media = await MediaBucket.open(link);
 * await media.put("0123456789abcdef0123456789abcdef", bytes);
 * await media.get("0123456789abcdef0123456789abcdef"); // bytes
 * ```
 */
export class MediaBucket {
  readonly #store: ObjectStore;

  private constructor(store: ObjectStore) {
    this.#store = store;
  }

  /**
   * Opens (or creates) the bucket. Recordings are kept as long as the
   * message stream keeps messages (its maximum age), unless `maxAgeMs` says.
   *
   * @param link A connected link; its `replicas` sets the bucket's.
   * @param options `maxAgeMs`: drop recordings older than this, in ms (0 keeps them).
   * @returns The bucket.
   * @throws {Error} When JetStream refuses or does not answer.
   */
  static async open(link: NatsLink, options: { maxAgeMs?: number } = {}): Promise<MediaBucket> {
    let ttl = options.maxAgeMs === undefined ? undefined : options.maxAgeMs * 1_000_000;
    if (ttl === undefined) {
      const jsm = await jetstreamManager(link.connection);
      try {
        ttl = (await jsm.streams.info(`${link.name}_msgs`)).config.max_age;
      } catch (error) {
        // 10059: no message stream yet; keep recordings without a limit.
        if (!(error instanceof JetStreamApiError) || error.code !== 10059) throw error;
      }
    }
    const store = await new Objm(link.connection).create(`${link.name}_media`, {
      replicas: link.replicas,
      storage: StorageType.File,
      ...(ttl ? { ttl } : {}),
    });
    return new MediaBucket(store);
  }

  /**
   * Stores a recording; resolves once JetStream stored every chunk.
   *
   * @param token The recording's token.
   * @param data The recording.
   * @throws {Error} When JetStream refuses or does not answer.
   */
  async put(token: string, data: Uint8Array): Promise<void> {
    await this.#store.putBlob({ name: token }, data);
  }

  /**
   * Reads a recording.
   *
   * @param token The recording's token.
   * @returns The bytes, or `undefined` when there is no such recording.
   * @throws {Error} When JetStream does not answer.
   */
  async get(token: string): Promise<Uint8Array | undefined> {
    return (await this.#store.getBlob(token)) ?? undefined;
  }
}
