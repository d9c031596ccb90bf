/**
 * The bytes a load generator sends: the fixed-layout message text, the clock
 * it is stamped with, and the Parley frame and IRC line templates that carry
 * it, with the digit helpers that patch and read them in place.
 *
 * Message text layout (exactly {@linkcode TEXT_BYTES} ASCII bytes, the last
 * field of every delivered Parley frame and of every IRC PRIVMSG line, so the
 * receiver reads it at a fixed distance from the end):
 *
 * ```
 * S<sender:6 digits>.<seq:10 digits>.<send time:16 digits, µs since the epoch>xxxx…
 * ```
 *
 * @module
 */

const encoder = new TextEncoder();

/** Bytes of message text the bench sends (every message is exactly this long). */
export const TEXT_BYTES = 100;

/** Offset of the 6-digit sender id in the message text. */
export const TEXT_SENDER = 1;
/** Offset of the 10-digit sequence number in the message text. */
export const TEXT_SEQ = 8;
/** Offset of the 16-digit send time (µs since the epoch) in the message text. */
export const TEXT_TIME = 19;

/** Reads `width` ASCII digits at `at`. */
export function readDigits(bytes: Uint8Array, at: number, width: number): number {
  let value = 0;
  for (let i = 0; i < width; i++) value = value * 10 + (bytes[at + i] - 48);
  return value;
}

/** Writes `value` as `width` zero-padded ASCII digits at `at`. */
export function writeDigits(bytes: Uint8Array, at: number, width: number, value: number): void {
  for (let i = at + width - 1; i >= at; i--) {
    bytes[i] = 48 + (value % 10);
    value = Math.floor(value / 10);
  }
}

/**
 * Offset from `performance.timeOrigin + performance.now()` to the system
 * clock, ms: the largest `Date.now() - hr` seen over 5 ms of samples (Date.now
 * truncates to whole ms, so its maximum approaches the true offset). It keeps
 * timestamps of different load-generator processes on one clock.
 */
const CLOCK_OFFSET_MS = (() => {
  let best = -Infinity;
  const t0 = performance.now();
  while (performance.now() - t0 < 5) {
    const d = Date.now() - (performance.timeOrigin + performance.now());
    if (d > best) best = d;
  }
  return best;
})();

/** Microseconds since the epoch on the system clock, with sub-ms precision. */
export function nowMicros(): number {
  return Math.round((performance.timeOrigin + CLOCK_OFFSET_MS + performance.now()) * 1000);
}

/** A message text with every digit zero, padded to {@linkcode TEXT_BYTES}. */
function messageText(): string {
  const head = "S000000.0000000000.0000000000000000";
  return head + "x".repeat(TEXT_BYTES - head.length);
}

/** A send template: one message's bytes with the places to patch. */
export interface Template {
  /** The whole message as sent. */
  bytes: Uint8Array;
  /** Offset of the text. */
  text: number;
  /** Offset of the 10-digit `ref` (Parley) or -1. */
  ref: number;
}

/** The template of a Parley `msg` frame (length-prefixed JSON) with a patchable `ref`. */
export function parleyTemplate(): Template {
  const json = `{"type":"msg","ref":1000000000,"text":"${messageText()}"}`;
  const body = encoder.encode(json);
  const bytes = new Uint8Array(4 + body.length);
  new DataView(bytes.buffer).setUint32(0, body.length);
  bytes.set(body, 4);
  return { bytes, text: 4 + json.indexOf('"text":"') + 8, ref: 4 + json.indexOf("1000000000") };
}

/**
 * The template of an IRC PRIVMSG line to `channel`, followed by a `PING`
 * line when `withPing` (the server's `PONG` then acknowledges the message).
 */
export function ircTemplate(channel: string, withPing: boolean): Template {
  const line = `PRIVMSG ${channel} :${messageText()}\r\n${withPing ? "PING :a\r\n" : ""}`;
  return { bytes: encoder.encode(line), text: line.indexOf(" :") + 2, ref: -1 };
}

/** A Parley frame: `json` after its 4-byte big-endian length. */
export function frame(json: string): Uint8Array {
  const body = encoder.encode(json);
  const out = new Uint8Array(4 + body.length);
  new DataView(out.buffer).setUint32(0, body.length);
  out.set(body, 4);
  return out;
}

/** Writes all of `bytes` to `conn`, however many writes it takes. */
export async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  let at = 0;
  while (at < bytes.length) at += await conn.write(at === 0 ? bytes : bytes.subarray(at));
}
