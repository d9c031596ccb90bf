/**
 * Helpers for the attack tests: server memory, silent sockets, and a check
 * that a server still serves healthy clients correctly.
 *
 * @module
 */

import { assert } from "./assert.ts";
import type { RawClient } from "./raw_client.ts";

/**
 * Resident memory of a process, from `/proc/<pid>/status` (Linux only).
 *
 * @param pid Process id.
 * @returns VmRSS in KiB.
 */
export async function rssKiB(pid: number): Promise<number> {
  // Deno wants --allow-all to read /proc directly; `cat` needs only --allow-run.
  const { stdout } = await new Deno.Command("cat", { args: [`/proc/${pid}/status`] }).output();
  const status = new TextDecoder().decode(stdout);
  const match = /^VmRSS:\s+(\d+) kB/m.exec(status);
  if (!match) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Number(match[1]);
}

/**
 * Waits until `conn` is closed by the peer (EOF or reset).
 *
 * @param conn A socket that the test does not otherwise read.
 * @param timeoutMs Longest wait.
 * @returns `false` if it was still open after `timeoutMs` (the socket is then closed).
 */
export async function closedByPeer(conn: Deno.Conn, timeoutMs: number): Promise<boolean> {
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    conn.close();
  }, timeoutMs);
  const buffer = new Uint8Array(16 * 1024);
  try {
    while (await conn.read(buffer) !== null) { /* discard */ }
  } catch (error) {
    if (
      !(error instanceof Deno.errors.ConnectionReset || error instanceof Deno.errors.BadResource ||
        error instanceof Deno.errors.Interrupted)
    ) throw error;
  } finally {
    clearTimeout(timer);
    if (!timedOut) {
      try {
        conn.close();
      } catch { /* already closed */ }
    }
  }
  return !timedOut;
}

let serial = 0;

/**
 * Checks that the server still answers: `from` sends a unique line, gets its
 * ack, and `to` receives exactly that line from `from`.
 *
 * @param from A joined client.
 * @param to Another joined client in `#lobby`.
 * @param timeoutMs Longest wait for each step.
 */
export async function assertServes(from: RawClient, to: RawClient, timeoutMs = 10_000) {
  const text = `health check ${++serial} ${crypto.randomUUID()}`;
  const ref = await from.say(text);
  const ack = await from.next(
    (m) => (m.type === "ack" || m.type === "error") && m.ref === ref,
    timeoutMs,
  );
  assert(ack.type === "ack" && ack.id > 0, `no ack for the health check: ${JSON.stringify(ack)}`);
  const got = await to.next((m) => m.type === "msg" && m.text === text, timeoutMs);
  assert(got.type === "msg" && got.id === ack.id, JSON.stringify(got));
}

// deno-lint-ignore no-control-regex -- detecting control characters is the point
const CONTROL = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/;

/**
 * Checks that nothing a healthy client received carries terminal control
 * characters (newlines in message text excepted) and that every chat message
 * has a positive id and timestamp.
 *
 * @param client The client whose `received` list to check.
 */
export function assertClean(client: RawClient): void {
  for (const message of client.received) {
    const json = JSON.stringify(message);
    for (const [key, value] of Object.entries(message)) {
      if (typeof value === "string" && key !== "message") {
        assert(!CONTROL.test(value), `control character in ${key}: ${json}`);
      }
    }
    if (message.type === "msg" || message.type === "action" || message.type === "privmsg") {
      assert(message.id > 0 && message.ts > 0, json);
    }
  }
}
