/**
 * Sends server events to `chat.log` through LogTape, with size-based rotation
 * by `@logtape/file`'s rotating sink: when the file would pass `maxBytes` it is
 * renamed `chat.log.1` (the older ones shift to `.2`, `.3`, …) and a new one
 * started; the oldest beyond `keep` is dropped. So the log never takes more
 * than about `maxBytes × (keep + 1)` of disk, whatever clients send.
 *
 * Each record is written and synced (`write(2)`, `fsync`) at once, so a
 * reader of the log sees every event as it happens and a crash loses none.
 * That costs one sync per record (the reason an earlier, hand-written sink
 * skipped the sync), but events about one address are limited to a burst
 * and a trickle (see {@linkcode LOG_EVENTS_PER_ADDRESS_BURST}), so no client,
 * and no join storm from one address, can make the server sync more than
 * that. The library's non-blocking mode syncs off the event loop but holds
 * records back while a sync is in flight, so a reader could miss the newest
 * events for as long as the disk is slow.
 *
 * @module
 */

import {
  configure,
  dispose,
  getLogger,
  getRotatingFileSink,
  getTextFormatter,
  type LogRecord,
  type Sink,
} from "../server/log.ts";
import { LOG_VALUE_CHARS, logText } from "../server/log_text.ts";
import { AddressRate } from "../server/guards/address_rate.ts";
import { hostKey } from "../server/guards/host_key.ts";
import { sanitizeText } from "../protocol/sanitize.ts";

/** Default size at which `chat.log` is rotated, in bytes (10 MiB). */
export const DEFAULT_LOG_MAX_BYTES = 10 * 1024 * 1024;

/** Default number of rotated files kept beside `chat.log`. */
export const DEFAULT_LOG_KEEP = 5;

/** Options for {@linkcode setupLogging}. */
export interface LoggingOptions {
  /** Path of the log file; created (mode 0600) if missing, appended to otherwise. */
  logFile: string;
  /**
   * Lowest level written.
   * @default {"info"}
   */
  level?: "debug" | "info" | "warning" | "error";
  /**
   * Size at which the file is rotated, in bytes.
   * @default {10485760}
   */
  maxBytes?: number;
  /**
   * Rotated files kept (`chat.log.1` … `chat.log.N`).
   * @default {5}
   */
  keep?: number;
  /**
   * Events about one IP address written at once (those with an `address`
   * property); see {@linkcode LOG_EVENTS_PER_ADDRESS_BURST}.
   * @default {200}
   */
  perAddressBurst?: number;
  /**
   * Events about one IP address written per minute, sustained.
   * @default {120}
   */
  perAddressPerMinute?: number;
}

/**
 * Events about one IP address (its connects, joins, leaves, refusals, bad
 * messages) written at once; then {@linkcode LOG_EVENTS_PER_ADDRESS_PER_MINUTE}.
 * Beyond that they are not written, so no address, reconnecting or not, can
 * write more than about 2 lines a second (each line capped) to the log; the
 * next event written for it is preceded by a line saying how many were not.
 */
export const LOG_EVENTS_PER_ADDRESS_BURST = 200;

/** Events about one IP address written per minute, sustained (2 a second). */
export const LOG_EVENTS_PER_ADDRESS_PER_MINUTE = 120;

/** Addresses whose left-out events are counted at once (beyond, they go uncounted). */
const MAX_COUNTED_ADDRESSES = 10_000;

/**
 * Configures LogTape to append `["parley", ...]` events to a rotating file, one
 * line each: an RFC 3339 (ISO-8601) UTC timestamp, the level, the category,
 * the message. Every value is stripped of control characters (client input
 * cannot forge lines) and cut to {@linkcode LOG_VALUE_CHARS} characters, and
 * events about one address are limited to a burst and a rate
 * ({@linkcode LOG_EVENTS_PER_ADDRESS_BURST}).
 *
 * @param options See {@linkcode LoggingOptions}.
 * @returns A function that flushes and closes the log; await it before exiting.
 * @throws {Deno.errors.PermissionDenied | Deno.errors.NotFound} If the file cannot be opened.
 * @throws {RangeError} If `maxBytes` or `keep` is not a positive integer.
 *
 * @example
 * ```ts
 * import { setupLogging } from "./logging.ts";
 * import { getLogger } from "../server/log.ts";
 * const dir = Deno.makeTempDirSync();
 * const close = await setupLogging({ logFile: `${dir}/chat.log`, maxBytes: 1_000_000, keep: 2 });
 * getLogger(["parley", "example"]).info("hello");
 * await close();
 * Deno.removeSync(dir, { recursive: true });
 * ```
 */
export async function setupLogging(options: LoggingOptions): Promise<() => Promise<void>> {
  const maxBytes = options.maxBytes ?? DEFAULT_LOG_MAX_BYTES;
  const keep = options.keep ?? DEFAULT_LOG_KEEP;
  for (const [name, value] of [["maxBytes", maxBytes], ["keep", keep]] as const) {
    if (!Number.isSafeInteger(value) || value < 1) {
      throw new RangeError(
        `Cannot set up logging: ${name} must be a positive integer, got ${value}`,
      );
    }
  }
  // Open once up front so that a bad path fails now with a clear error, not on
  // the first event; a new file is readable by its owner only.
  Deno.openSync(options.logFile, { append: true, create: true, mode: 0o600 }).close();
  const budget = new AddressRate({
    perMinute: options.perAddressPerMinute ?? LOG_EVENTS_PER_ADDRESS_PER_MINUTE,
    burst: options.perAddressBurst ?? LOG_EVENTS_PER_ADDRESS_BURST,
  });
  /** Events left out since the last one written, by address key. */
  const dropped = new Map<string, number>();
  await configure({
    reset: true,
    filters: {
      // Events about one address (connects, joins, refusals, bad messages):
      // a burst, then a steady trickle; the rest are not written.
      perAddress: (record: LogRecord) => {
        const address = record.properties.address;
        if (typeof address !== "string") return true;
        const host = hostKey(address);
        if (!budget.take(address, record.timestamp)) {
          // Count what was left out, to say so with the next event written.
          if (dropped.size < MAX_COUNTED_ADDRESSES || dropped.has(host)) {
            dropped.set(host, (dropped.get(host) ?? 0) + 1);
          }
          return false;
        }
        const count = dropped.get(host);
        if (count !== undefined) {
          dropped.delete(host);
          // `host`, not `address`: this line is not itself counted against the budget.
          getLogger(["parley", "log"]).warn(
            "{count} events about {host} were not written (over its log budget)",
            { count, host },
          );
        }
        return true;
      },
    },
    sinks: {
      file: ownerOnly(
        options.logFile,
        getRotatingFileSink(options.logFile, {
          maxSize: maxBytes,
          maxFiles: keep,
          bufferSize: 0,
          formatter: getTextFormatter({
            timestamp: "rfc3339",
            level: "FULL",
            category: ".",
            // Strip control characters so that client input cannot forge log lines.
            value: (v: unknown) =>
              sanitizeText(logText(typeof v === "string" ? v : Deno.inspect(v), LOG_VALUE_CHARS)),
          }),
        }),
      ),
    },
    loggers: [
      {
        category: ["parley"],
        lowestLevel: options.level ?? "info",
        sinks: ["file"],
        filters: ["perAddress"],
      },
      { category: ["logtape", "meta"], lowestLevel: "warning", sinks: ["file"] },
    ],
  });
  return dispose;
}

/**
 * Wraps the rotating sink so that the file it writes is mode 0600: the sink
 * creates a new file after each rotation with the process's umask, and
 * changing the umask needs a permission `parley serve` is not given. Checked
 * before and after each record (two `stat` calls).
 */
function ownerOnly<S extends Sink & Disposable>(path: string, sink: S): S {
  const check = () => {
    try {
      if ((Deno.statSync(path).mode ?? 0) & 0o077) Deno.chmodSync(path, 0o600);
    } catch (error) {
      // Between the rename and the new file; the next record checks again.
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
  };
  const wrapped = (record: LogRecord) => {
    // Before too: this record may rotate a file the flush timer created.
    check();
    sink(record);
    check();
  };
  return Object.assign(wrapped, {
    [Symbol.dispose]: () => {
      sink[Symbol.dispose]();
      check();
    },
  }) as unknown as S;
}
