/**
 * Flow control across nodes: how far each node has delivered the message
 * stream, and a window that keeps the stream's head within reach of the
 * slowest node.
 *
 * The stream keeps at most `--retain-messages` messages per room (JetStream
 * `max_msgs_per_subject`, discard old). A node that falls further behind than
 * that in one room finds those messages gone when its follower gets there.
 * So every node reports the last stream sequence it delivered, on the core
 * NATS subject `<name>.progress` (`{"node":ID,"seq":N}`, at most every
 * {@linkcode DeliveryProgressOptions.intervalMs}, and every second while
 * idle), and a node publishes a new message only while
 * `head − slowest < window`, where `head` is the newest sequence known and
 * `slowest` the lowest sequence reported by a node heard from in the last
 * {@linkcode DeliveryProgressOptions.staleMs}. The window is half the
 * per-room limit: a node within `window` messages of the head overall is
 * within `window` of it in every room. A publish waits at most
 * {@linkcode DeliveryProgressOptions.waitMs} for the window to open; after
 * that it goes ahead (a node that slow is logged, and may lose messages).
 *
 * This paces every sender of the cluster to its slowest live node, as
 * JetStream's own flow control paces a consumer: backpressure instead of loss.
 *
 * @module
 */

import { getLogger } from "../log.ts";
import type { NatsLink } from "./nats_link.ts";

/** Options of {@linkcode DeliveryProgress}. */
export interface DeliveryProgressOptions {
  /**
   * Most messages the head may run ahead of the slowest live node;
   * `Infinity` turns flow control off (no per-room limit).
   */
  window: number;
  /**
   * Least time between two reports of this node, in ms.
   * @default {100}
   */
  intervalMs?: number;
  /**
   * A node not heard from for this long is left out (it died or lost its
   * link; the registry frees its users), in ms.
   * @default {5000}
   */
  staleMs?: number;
  /**
   * Longest time a publish waits for the window, in ms.
   * @default {5000}
   */
  waitMs?: number;
}

/** One node's progress as this node last heard it. */
interface NodeProgress {
  /** Last stream sequence the node delivered. */
  seq: number;
  /** When this node heard it, ms since the epoch (this node's clock). */
  at: number;
}

/** A waiting publish. */
interface Waiter {
  resolve: () => void;
  timer: ReturnType<typeof setTimeout>;
}

const logger = getLogger(["parley", "cluster"]);
const encoder = new TextEncoder();
const decoder = new TextDecoder();
/** Reports while idle, so that a live node never looks stale, in ms. */
const IDLE_REPORT_MS = 1_000;

/**
 * Every node's delivery progress, and the publish window.
 *
 * @example
 * ```ts ignore
 * const progress = new DeliveryProgress(link, { window: 5_000 });
 * const stop = progress.listen();
 * await progress.admit();        // before each publish
 * progress.published(seq);       // after its JetStream ack
 * progress.delivered(seq);       // after this node's follower delivered it
 * ```
 */
export class DeliveryProgress {
  readonly #link: NatsLink;
  readonly #window: number;
  readonly #intervalMs: number;
  readonly #staleMs: number;
  readonly #waitMs: number;
  readonly #nodes = new Map<string, NodeProgress>();
  readonly #waiters: Waiter[] = [];
  #head = 0;
  #delivered = 0;
  #reported = -1;
  #reportedAt = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #warnedAt = 0;
  #listening = false;

  /**
   * @param link A connected link.
   * @param options The window and timings.
   */
  constructor(link: NatsLink, options: DeliveryProgressOptions) {
    this.#link = link;
    this.#window = options.window;
    this.#intervalMs = options.intervalMs ?? 100;
    this.#staleMs = options.staleMs ?? 5_000;
    this.#waitMs = options.waitMs ?? 5_000;
  }

  /**
   * Listens to the other nodes' reports and starts this node's.
   *
   * @returns A function that stops both and releases every waiting publish.
   */
  listen(): () => void {
    this.#listening = true;
    const subscription = this.#link.connection.subscribe(`${this.#link.name}.progress`, {
      callback: (error, message) => {
        if (error !== null) return;
        let report: { node?: unknown; seq?: unknown };
        try {
          report = JSON.parse(decoder.decode(message.data));
        } catch {
          logger.warn("Dropped a malformed progress report");
          return;
        }
        if (typeof report.node !== "string" || typeof report.seq !== "number") return;
        this.#heard(report.node, report.seq);
      },
    });
    const idle = setInterval(() => this.#report(true), IDLE_REPORT_MS);
    return () => {
      this.#listening = false;
      clearInterval(idle);
      clearTimeout(this.#timer);
      subscription.unsubscribe();
      for (const waiter of this.#waiters.splice(0)) {
        clearTimeout(waiter.timer);
        waiter.resolve();
      }
    };
  }

  /**
   * Notes a sequence this node's publish got from JetStream (the head moves).
   *
   * @param seq A stream sequence.
   */
  published(seq: number): void {
    if (seq > this.#head) this.#head = seq;
  }

  /**
   * Notes the last sequence this node's follower delivered; reported to the
   * other nodes within `intervalMs` once {@linkcode DeliveryProgress.listen}
   * was called (a node catching up at start does not hold the others back).
   *
   * @param seq A stream sequence.
   */
  delivered(seq: number): void {
    this.#delivered = seq;
    if (!this.#listening) return;
    this.#heard(this.#link.nodeId, seq);
    if (this.#timer === undefined) {
      const wait = Math.max(0, this.#reportedAt + this.#intervalMs - Date.now());
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        this.#report(false);
      }, wait);
    }
  }

  /**
   * How many messages the slowest live node is behind the head.
   *
   * @returns 0 when every node is up to date (or none was heard from).
   */
  lag(): number {
    const slowest = this.#slowest();
    return slowest === undefined ? 0 : Math.max(0, this.#head - slowest);
  }

  /**
   * Resolves when a new message may be published: at once while the slowest
   * live node is less than `window` behind, else once it catches up or after
   * `waitMs`. Never rejects.
   */
  admit(): Promise<void> {
    if (this.#open()) return Promise.resolve();
    return new Promise((resolve) => {
      const waiter: Waiter = {
        resolve,
        timer: setTimeout(() => {
          const at = this.#waiters.indexOf(waiter);
          if (at >= 0) this.#waiters.splice(at, 1);
          this.#warnSlow();
          resolve();
        }, this.#waitMs),
      };
      this.#waiters.push(waiter);
    });
  }

  #open(): boolean {
    return this.lag() < this.#window;
  }

  #slowest(): number | undefined {
    const now = Date.now();
    let slowest: number | undefined;
    for (const [node, progress] of this.#nodes) {
      if (now - progress.at > this.#staleMs) {
        this.#nodes.delete(node);
        continue;
      }
      if (slowest === undefined || progress.seq < slowest) slowest = progress.seq;
    }
    return slowest;
  }

  #heard(node: string, seq: number): void {
    // Called for every message this node delivers: update in place, no allocation.
    const known = this.#nodes.get(node);
    const now = Date.now();
    if (known === undefined) this.#nodes.set(node, { seq, at: now });
    else {
      // Reports may cross; a node never goes back (a restarted node starts from its index).
      if (seq >= known.seq || node === this.#link.nodeId) known.seq = seq;
      known.at = now;
    }
    if (seq > this.#head) this.#head = seq;
    if (this.#waiters.length > 0 && this.#open()) {
      for (const waiter of this.#waiters.splice(0)) {
        clearTimeout(waiter.timer);
        waiter.resolve();
      }
    }
  }

  #report(idle: boolean): void {
    if (
      idle && this.#reported === this.#delivered && Date.now() - this.#reportedAt < IDLE_REPORT_MS
    ) {
      return;
    }
    if (this.#link.state !== "connected") return;
    this.#reported = this.#delivered;
    this.#reportedAt = Date.now();
    // Our own entry stays fresh even when nothing moves.
    this.#heard(this.#link.nodeId, this.#delivered);
    try {
      this.#link.connection.publish(
        `${this.#link.name}.progress`,
        encoder.encode(JSON.stringify({ node: this.#link.nodeId, seq: this.#delivered })),
      );
    } catch (error) {
      logger.debug("Progress report not sent: {error}", { error });
    }
  }

  #warnSlow(): void {
    const now = Date.now();
    if (now - this.#warnedAt < 10_000) return;
    this.#warnedAt = now;
    const behind = [...this.#nodes].filter(([, p]) => this.#head - p.seq >= this.#window)
      .map(([node, p]) => `${node} (${this.#head - p.seq} behind)`);
    logger.warn(
      "A publish waited {ms} ms for slow nodes and went ahead: {behind}; they may lose messages",
      { ms: this.#waitMs, behind: behind.join(", ") },
    );
  }
}
