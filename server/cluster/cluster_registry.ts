/**
 * The cluster-wide nick space and node liveness, in two JetStream KV buckets.
 *
 * - `<name>_nodes`: one key per node (its id), rewritten every heartbeat; the
 *   bucket's TTL is 3 heartbeats, so the key of a node that stopped beating
 *   (SIGKILL, power loss, network cut) disappears within 3 heartbeats.
 * - `<name>_nicks`: one key per taken nick, {@linkcode subjectToken}`(nameKey(nick))`,
 *   whose value names the owning node. A claim is a KV `create` (compare and
 *   set on "absent"), so of two racing claims exactly one wins, whichever
 *   node they come from.
 *
 * Every node sweeps: each heartbeat it deletes nick entries whose node has no
 * key in `<name>_nodes` (a conditional delete on the entry's revision, so a
 * sweep never removes a nick that was re-claimed meanwhile). A SIGKILLed
 * node's nicks are therefore free at most TTL + one heartbeat after its last
 * heartbeat (default 3 × 2 s + 2 s = 8 s), plus the time NATS takes to expire
 * the key (under a second). A node that was itself cut off sweeps only after
 * it has been connected again for a full TTL, so it never frees the nicks of
 * nodes that simply have not beaten since the outage.
 *
 * @module
 */

import { type KV, type KvEntry, Kvm, KvWatchInclude } from "npm:@nats-io/kv@3.4.0";
import { JetStreamApiError } from "npm:@nats-io/jetstream@3.4.0";
import { nameKey } from "../../protocol/names.ts";
import { getLogger } from "../log.ts";
import type { NatsLink } from "./nats_link.ts";
import { subjectToken } from "./subject_token.ts";

/** Options for {@linkcode ClusterRegistry.open}. */
export interface ClusterRegistryOptions {
  /**
   * Interval between heartbeats (and sweeps), in ms. The node key lives
   * 3 heartbeats; every node of a cluster must use the same value.
   * @default {2000}
   */
  heartbeatMs?: number;
}

/** A taken nick as the registry stores it. */
export interface NickClaim {
  /** The nick as claimed (original case). */
  nick: string;
  /** Id of the node that owns it. */
  node: string;
  /** When it was claimed, ms since the epoch (the claiming node's clock). */
  ts: number;
  /** KV revision of the entry, for conditional deletes. */
  revision: number;
}

/** Called when a nick this node held was taken from it (see {@linkcode ClusterRegistry.onNickLost}). */
export type NickLostListener = (nick: string, by: string) => void;

const logger = getLogger(["parley", "cluster"]);
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** JetStream error codes for a failed compare-and-set. */
const WRONG_LAST_SEQUENCE = [10071, 10164];

/**
 * Nicks and node liveness for one node.
 *
 * @example
 * ```ts ignore
 * import { NatsLink } from "./nats_link.ts";
 * import { ClusterRegistry } from "./cluster_registry.ts";
 * const link = await NatsLink.connect({ servers: ["nats://127.0.0.1:4222"] });
 * const registry = await ClusterRegistry.open(link);
 * if (await registry.claim("alice")) {
 *   // alice is this node's until release("alice") or the node dies
 * }
 * await registry.close();
 * ```
 */
export class ClusterRegistry {
  /** How long a silent node counts as alive, in ms (3 heartbeats). */
  readonly ttlMs: number;
  /** Interval between heartbeats and sweeps, in ms. */
  readonly heartbeatMs: number;
  readonly #link: NatsLink;
  readonly #nodes: KV;
  readonly #nicks: KV;
  /** Every nick entry as last seen, by KV key. */
  readonly #mirror = new Map<string, NickClaim>();
  /** The nicks this node holds, by KV key. */
  readonly #owned = new Map<string, string>();
  /** Keys whose release failed (NATS unreachable), retried every heartbeat. */
  readonly #unreleased = new Set<string>();
  readonly #lostListeners = new Set<NickLostListener>();
  readonly #timer: ReturnType<typeof setInterval>;
  #watch: { stop(): void } | undefined;
  #closed = false;
  #beating: Promise<void> = Promise.resolve();

  private constructor(link: NatsLink, nodes: KV, nicks: KV, heartbeatMs: number) {
    this.#link = link;
    this.#nodes = nodes;
    this.#nicks = nicks;
    this.heartbeatMs = heartbeatMs;
    this.ttlMs = 3 * heartbeatMs;
    this.#timer = setInterval(() => {
      this.#beating = this.#tick();
    }, heartbeatMs);
  }

  /**
   * Creates (or opens) both buckets, writes this node's first heartbeat and
   * starts beating and sweeping.
   *
   * @param link A connected link.
   * @param options Heartbeat interval.
   * @returns The registry.
   * @throws {RangeError} When `heartbeatMs` is below 100.
   * @throws {Error} When JetStream refuses or does not answer.
   */
  static async open(
    link: NatsLink,
    options: ClusterRegistryOptions = {},
  ): Promise<ClusterRegistry> {
    const heartbeatMs = options.heartbeatMs ?? 2_000;
    if (!(heartbeatMs >= 100)) {
      throw new RangeError(`Cannot beat every ${heartbeatMs} ms: use at least 100 ms`);
    }
    const kvm = new Kvm(link.connection);
    const nodes = await kvm.create(`${link.name}_nodes`, {
      history: 1,
      ttl: 3 * heartbeatMs,
      replicas: link.replicas,
    });
    const nicks = await kvm.create(`${link.name}_nicks`, {
      history: 1,
      replicas: link.replicas,
    });
    const registry = new ClusterRegistry(link, nodes, nicks, heartbeatMs);
    await registry.#beat();
    await registry.#startWatch();
    return registry;
  }

  /**
   * Claims a nick for this node. Exactly one of any number of concurrent
   * claims of the same nick (by case-insensitive key), on any nodes, returns
   * `true`. A claim held by a node that is no longer alive is taken over.
   *
   * @param nick The nick, validated by the caller.
   * @returns `true` when this node now holds the nick (also when it already did).
   * @throws {Error} When NATS does not answer (the caller should refuse the
   *   nick as "cluster unavailable" rather than guess).
   */
  async claim(nick: string): Promise<boolean> {
    const key = subjectToken(nameKey(nick));
    const value = encoder.encode(
      JSON.stringify({ nick, node: this.#link.nodeId, ts: Date.now() }),
    );
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        await this.#nicks.create(key, value);
        this.#owned.set(key, nick);
        this.#unreleased.delete(key);
        return true;
      } catch (error) {
        if (!isConflict(error)) throw error;
      }
      const entry = await this.#nicks.get(key);
      if (entry === null || entry.operation !== "PUT") continue;
      const claim = parseClaim(entry);
      if (claim.node === this.#link.nodeId) {
        this.#owned.set(key, claim.nick);
        this.#unreleased.delete(key);
        return true;
      }
      if (attempt > 0 || (await this.#isAlive(claim.node))) return false;
      await this.#deleteIf(key, entry.revision);
    }
    return false;
  }

  /**
   * Releases a nick this node holds (leave, rename, disconnect). Does nothing
   * when another node holds it.
   *
   * @param nick The nick.
   * @returns `true` when an entry of this node was removed.
   * @throws {Error} When NATS does not answer; the release is then retried
   *   every heartbeat (or the sweep frees the nick if this node dies first).
   */
  async release(nick: string): Promise<boolean> {
    const key = subjectToken(nameKey(nick));
    this.#owned.delete(key);
    try {
      const released = await this.#releaseKey(key);
      this.#unreleased.delete(key);
      return released;
    } catch (error) {
      // Retried every heartbeat, or freed by the sweep if this node dies first.
      this.#unreleased.add(key);
      throw error;
    }
  }

  /**
   * The owner of a nick as this node last saw it (a local mirror kept by a KV
   * watch, milliseconds behind the bucket). Use {@linkcode ClusterRegistry.lookup}
   * when it must be exact.
   *
   * @param nick The nick.
   * @returns The claim, or `undefined` when the nick looks free.
   */
  owner(nick: string): NickClaim | undefined {
    return this.#mirror.get(subjectToken(nameKey(nick)));
  }

  /**
   * Reads the owner of a nick from the bucket.
   *
   * @param nick The nick.
   * @returns The claim, or `undefined` when the nick is free.
   * @throws {Error} When NATS does not answer.
   */
  async lookup(nick: string): Promise<NickClaim | undefined> {
    const entry = await this.#nicks.get(subjectToken(nameKey(nick)));
    return entry === null || entry.operation !== "PUT" ? undefined : parseClaim(entry);
  }

  /**
   * The nicks this node holds.
   *
   * @returns Nicks in the case they were claimed.
   */
  owned(): string[] {
    return [...this.#owned.values()];
  }

  /**
   * Ids of the nodes whose heartbeat key exists.
   *
   * @returns Node ids, unordered.
   * @throws {Error} When NATS does not answer.
   */
  async liveNodes(): Promise<string[]> {
    const keys = await this.#nodes.keys();
    const out: string[] = [];
    for await (const key of keys) out.push(key);
    return out;
  }

  /**
   * Frees the nicks of nodes that are no longer alive. Runs every heartbeat by
   * itself; callable directly (tests, an operator command).
   *
   * @returns How many nicks were freed.
   * @throws {Error} When NATS does not answer.
   */
  async sweep(): Promise<number> {
    const live = new Set(await this.liveNodes());
    live.add(this.#link.nodeId);
    let freed = 0;
    for (const [key, claim] of [...this.#mirror]) {
      if (live.has(claim.node)) continue;
      if (await this.#deleteIf(key, claim.revision)) {
        freed++;
        logger.info("Freed nick {nick} of dead node {node}", {
          nick: claim.nick,
          node: claim.node,
        });
      }
    }
    return freed;
  }

  /**
   * Adds a listener for nicks this node held that another node now holds
   * (after this node was cut off longer than the TTL and its nick was swept
   * and re-claimed elsewhere). The hub should rename or close that session.
   *
   * @param listener Called with the nick and the node that holds it now.
   * @returns A function that removes the listener.
   */
  onNickLost(listener: NickLostListener): () => void {
    this.#lostListeners.add(listener);
    return () => this.#lostListeners.delete(listener);
  }

  /**
   * Stops beating, releases this node's nicks and removes its heartbeat key,
   * so other nodes see it gone at once. Safe to call more than once; when NATS
   * is unreachable the entries are left to expire and be swept.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#timer);
    this.#watch?.stop();
    await this.#beating;
    try {
      for (const nick of this.owned()) await this.release(nick);
      await this.#nodes.delete(this.#link.nodeId);
    } catch (error) {
      logger.warn("Cannot release nicks on close, leaving them to the sweep: {error}", { error });
    }
  }

  async #tick(): Promise<void> {
    if (this.#closed || this.#link.state !== "connected") return;
    try {
      await this.#beat();
      for (const key of [...this.#unreleased]) {
        // A nick claimed again since then is not released.
        if (!this.#owned.has(key)) await this.#releaseKey(key);
        this.#unreleased.delete(key);
      }
      // After an outage other nodes need one TTL to beat again before their
      // missing keys mean anything.
      if (Date.now() - this.#link.since >= this.ttlMs) await this.sweep();
    } catch (error) {
      logger.debug("Cluster heartbeat failed: {error}", { error });
    }
  }

  async #releaseKey(key: string): Promise<boolean> {
    const entry = await this.#nicks.get(key);
    if (entry === null || entry.operation !== "PUT") return false;
    if (parseClaim(entry).node !== this.#link.nodeId) return false;
    return await this.#deleteIf(key, entry.revision);
  }

  async #beat(): Promise<void> {
    await this.#nodes.put(
      this.#link.nodeId,
      encoder.encode(JSON.stringify({ node: this.#link.nodeId, ts: Date.now() })),
    );
  }

  async #isAlive(node: string): Promise<boolean> {
    if (node === this.#link.nodeId) return true;
    const entry = await this.#nodes.get(node);
    return entry !== null && entry.operation === "PUT";
  }

  /** Deletes `key` only if its revision is still `revision`. */
  async #deleteIf(key: string, revision: number): Promise<boolean> {
    try {
      await this.#nicks.delete(key, { previousSeq: revision });
      return true;
    } catch (error) {
      if (isConflict(error)) return false;
      throw error;
    }
  }

  async #startWatch(): Promise<void> {
    const watch = await this.#nicks.watch({ include: KvWatchInclude.LastValue });
    this.#watch = { stop: () => watch.stop() };
    void (async () => {
      for await (const entry of watch) {
        if (entry.operation === "PUT") {
          const claim = parseClaim(entry);
          this.#mirror.set(entry.key, claim);
          const mine = this.#owned.get(entry.key);
          if (mine !== undefined && claim.node !== this.#link.nodeId) this.#lost(entry.key, claim);
        } else {
          this.#mirror.delete(entry.key);
          const mine = this.#owned.get(entry.key);
          // Swept while this node was cut off: take it back if nobody else has.
          if (mine !== undefined && !this.#closed) void this.#reclaim(mine);
        }
      }
    })();
  }

  async #reclaim(nick: string): Promise<void> {
    try {
      if (await this.claim(nick)) return;
      const claim = await this.lookup(nick);
      if (claim !== undefined) this.#lost(subjectToken(nameKey(nick)), claim);
    } catch (error) {
      logger.warn("Cannot re-claim nick {nick}: {error}", { nick, error });
    }
  }

  #lost(key: string, claim: NickClaim): void {
    const nick = this.#owned.get(key);
    if (nick === undefined) return;
    this.#owned.delete(key);
    logger.warn("Nick {nick} was taken over by node {node}", { nick, node: claim.node });
    for (const listener of [...this.#lostListeners]) {
      try {
        listener(nick, claim.node);
      } catch (error) {
        logger.error("Nick-lost listener failed: {error}", { error });
      }
    }
  }
}

function isConflict(error: unknown): boolean {
  return error instanceof JetStreamApiError && WRONG_LAST_SEQUENCE.includes(error.code);
}

function parseClaim(entry: KvEntry): NickClaim {
  const value = JSON.parse(decoder.decode(entry.value)) as Omit<NickClaim, "revision">;
  return { nick: value.nick, node: value.node, ts: value.ts, revision: entry.revision };
}
