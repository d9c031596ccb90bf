/**
 * The one module that imports the logging library (LogTape). Every other
 * module takes `getLogger` and the sink types from here, so a version bump or
 * a change of library touches one line. Categories start with `"parley"`:
 * `["parley", "server"]`, `["parley", "auth"]`, `["parley", "tunnel"]`, …
 *
 * Sinks and levels are configured once, by the command line (`cli/logging.ts`).
 *
 * @module
 */

export { configure, dispose, getLogger, getTextFormatter } from "npm:@logtape/logtape@2.4.2";
export type { Logger, LogRecord, Sink, TextFormatter } from "npm:@logtape/logtape@2.4.2";
// The rotating file sink of chat.log; @logtape/file 2.3 is the newest release
// and declares @logtape/logtape ^2.3.10 as its peer, which 2.4.2 satisfies.
export { getRotatingFileSink } from "npm:@logtape/file@2.3.10";
