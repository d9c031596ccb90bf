/**
 * Sends server events to `chat.log` through LogTape.
 *
 * @module
 */

import { configure, dispose, getTextFormatter } from "../server/log.ts";
import { sanitizeText } from "../protocol/sanitize.ts";
import { getWriteThroughFileSink } from "./write_through_file_sink.ts";

/** Options for {@linkcode setupLogging}. */
export interface LoggingOptions {
  /** Path of the log file; created if missing, appended to otherwise. */
  logFile: string;
  /**
   * Lowest level written.
   * @default {"info"}
   */
  level?: "debug" | "info" | "warning" | "error";
}

/**
 * Configures LogTape to append `["parley", ...]` events to a file, one line
 * each: an RFC 3339 (ISO-8601) UTC timestamp, the level, the category, the message.
 *
 * @param options See {@linkcode LoggingOptions}.
 * @returns A function that flushes and closes the log; await it before exiting.
 * @throws {Deno.errors.PermissionDenied | Deno.errors.NotFound} If the file cannot be opened.
 */
export async function setupLogging(options: LoggingOptions): Promise<() => Promise<void>> {
  // Open once up front so that a bad path fails now with a clear error, not on the first event.
  Deno.openSync(options.logFile, { append: true, create: true }).close();
  await configure({
    reset: true,
    sinks: {
      file: getWriteThroughFileSink(
        options.logFile,
        getTextFormatter({
          timestamp: "rfc3339",
          level: "FULL",
          category: ".",
          // Strip control characters so that client input cannot forge log lines.
          value: (v: unknown) => sanitizeText(typeof v === "string" ? v : Deno.inspect(v)),
        }),
      ),
    },
    loggers: [
      { category: ["parley"], lowestLevel: options.level ?? "info", sinks: ["file"] },
      { category: ["logtape", "meta"], lowestLevel: "warning", sinks: ["file"] },
    ],
  });
  return dispose;
}
