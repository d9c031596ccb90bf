/**
 * Delivery of a cluster's message stream to one callback, in stream order,
 * for `RoomStream.follow`: an ordered consumer that is recreated after a
 * failure or a silence, with direct gets (which any replica answers) in
 * between, so that a server failure delays delivery but loses nothing.
 *
 * @module
 */

import type { ConsumerMessages, JetStreamClient, JsMsg } from "npm:@nats-io/jetstream@3.4.0";
import { DeliverPolicy } from "npm:@nats-io/jetstream@3.4.0";
import { getLogger } from "../log.ts";

/** A running delivery of the stream to one callback; see `RoomStream.follow`. */
export interface StreamFollower {
  /** Stops the delivery; safe to call more than once. */
  stop(): Promise<void>;
  /** Resolves when delivery has stopped. */
  done: Promise<void>;
  /**
   * Resolves once the follower knows where it starts (or delivery ended):
   * every message stored from then on reaches the callback.
   */
  ready: Promise<void>;
}

/** What {@linkcode followStream} reads the stream through (the stream's own parts). */
export interface FollowSource<R extends { seq: number }> {
  /** The JetStream client consumers are created with. */
  js: JetStreamClient;
  /** The stream's name. */
  streamName: string;
  /** The stream's newest sequence. */
  lastSeq(): Promise<number>;
  /** Delivers what follows `after` by direct gets; resolves to the last sequence delivered. */
  readDirect(
    after: number,
    deliver: (record: R) => void,
    stopped: () => boolean,
  ): Promise<number>;
  /** A consumed message as a record. */
  record(message: JsMsg): R;
  /** Told when a follower is stopped. */
  stopped(follower: StreamFollower): void;
}

/**
 * Pull settings of a follower: each pull lasts 2 s with server heartbeats
 * every 1 s, so a consumer lost with its server (a restart, a failover) is
 * noticed after two missed heartbeats (~2 s) and recreated after the last
 * delivered sequence.
 */
const FOLLOW_PULL = { expires: 2_000, idle_heartbeat: 1_000 };
/** Silence after which a follower gives up on its consumer, in ms (3 heartbeats). */
const SILENCE_MS = 3_000;
/** Pause before a follower whose consumer failed tries a new one, in ms. */
const FOLLOW_RETRY_MS = 250;

const logger = getLogger(["parley", "cluster"]);

/**
 * Closes a consumer's message iterator once it has been silent for
 * {@linkcode SILENCE_MS}: no message, no heartbeat, no pull expiry. A healthy
 * idle consumer hears from the server every second; a consumer whose server
 * died is retried by the client forever without a word, so the follower has
 * to notice by itself and move on.
 *
 * @param messages The iterator.
 * @param lastMessageAt When the last message arrived, ms since the epoch.
 */
function closeWhenSilent(messages: ConsumerMessages, lastMessageAt: () => number): void {
  let lastSign = Date.now();
  void (async () => {
    for await (const status of messages.status()) {
      // Only what the server sent counts; "next" and the like are the client's own.
      if (status.type === "heartbeat" || status.type === "debug") lastSign = Date.now();
    }
  })();
  const timer = setInterval(() => {
    if (Date.now() - Math.max(lastSign, lastMessageAt()) < SILENCE_MS) return;
    clearInterval(timer);
    void messages.close();
  }, SILENCE_MS / 4);
  void messages.closed().finally(() => clearInterval(timer));
}

/**
 * Starts delivering the stream to `callback` (see `RoomStream.follow` for
 * the guarantees).
 *
 * @param source The stream's parts.
 * @param callback Called synchronously per message; an exception is logged
 *   and delivery goes on.
 * @param options `afterSeq`: deliver messages after this sequence (`0`:
 *   from the start); when absent, only messages stored from now on.
 * @returns The follower, to stop it.
 *
 * @example
 * ```ts ignore
 * const follower = followStream(source, (record) => handle(record), { afterSeq: 0 });
 * await follower.stop();
 * ```
 */
export function followStream<R extends { seq: number }>(
  source: FollowSource<R>,
  callback: (record: R) => void,
  options: { afterSeq?: number } = {},
): StreamFollower {
  let stopped = false;
  let close: (() => void) | undefined;
  let ready!: () => void;
  const started = new Promise<void>((resolve) => ready = resolve);
  let wake: (() => void) | undefined;
  const deliver = (record: R) => {
    try {
      callback(record);
    } catch (error) {
      logger.error("Cluster stream callback failed at {seq}: {error}", {
        seq: record.seq,
        error,
      });
    }
  };
  const run = async () => {
    let last = options.afterSeq;
    while (!stopped) {
      try {
        // Resolve "from now on" to a sequence once, so that a restart after
        // a failure resumes exactly there instead of skipping what came between.
        last ??= await source.lastSeq();
        ready();
        const consumer = await source.js.consumers.get(source.streamName, {
          deliver_policy: DeliverPolicy.StartSequence,
          opt_start_seq: last + 1,
        });
        if (stopped) break;
        const messages = await consumer.consume(FOLLOW_PULL);
        close = () => void messages.close();
        if (stopped) close();
        let lastMessageAt = Date.now();
        closeWhenSilent(messages, () => lastMessageAt);
        for await (const message of messages) {
          lastMessageAt = Date.now();
          last = message.seq;
          deliver(source.record(message));
        }
      } catch (error) {
        if (!stopped) {
          logger.warn("Cluster stream consumer failed after {last}, reading directly: {error}", {
            last: last ?? "-",
            error,
          });
        }
      }
      if (stopped) break;
      if (last !== undefined) {
        try {
          last = await source.readDirect(last, deliver, () => stopped);
        } catch (error) {
          logger.debug("Cluster stream direct read failed after {last}: {error}", {
            last,
            error,
          });
        }
      }
      if (stopped) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, FOLLOW_RETRY_MS);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  };
  const done = run().finally(ready);
  const follower: StreamFollower = {
    done,
    ready: started,
    stop: async () => {
      stopped = true;
      close?.();
      wake?.();
      source.stopped(follower);
      await done;
    },
  };
  return follower;
}
