import { FRAME_HEADER_BYTES } from "../../../protocol/frame.ts";
import { parseServerMessage } from "../../../protocol/messages.ts";
import { startLivenessSweep, type Sweepable } from "../../../server/transport/liveness_sweep.ts";
import { assertEqual } from "../../_helpers/assert.ts";

class FakeConn implements Sweepable {
  inHandshake: boolean;
  openedAt: number;
  lastSeen: number;
  pinged = false;
  sent: string[] = [];
  closed: string | undefined;
  aborted: string | undefined;
  constructor(inHandshake: boolean, openedAt: number, lastSeen: number) {
    this.inHandshake = inHandshake;
    this.openedAt = openedAt;
    this.lastSeen = lastSeen;
  }
  send(frame: Uint8Array): boolean {
    const message = parseServerMessage(frame.subarray(FRAME_HEADER_BYTES))!;
    this.sent.push(message.type === "error" ? `error:${message.code}` : message.type);
    return true;
  }
  close(reason: string): void {
    this.closed = reason;
  }
  abort(reason: string): void {
    this.aborted = reason;
  }
}

const tick = () => new Promise((r) => setTimeout(r, 40));

/** Waits (at most 3 s) until `done()` holds: a loaded machine may run the sweep late. */
async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 75 && !done(); i++) await tick();
}

Deno.test("liveness sweep times out a silent handshake, pings an idle peer, drops a dead one", async () => {
  let now = 10_000;
  // Sweep period: min(1000, 50 / 2, 100 / 2) = 25 ms, so one tick below is at least one sweep.
  const late = new FakeConn(true, now - 60, now - 60);
  const fresh = new FakeConn(true, now - 10, now - 10);
  const idle = new FakeConn(false, 0, now - 150);
  const dead = new FakeConn(false, 0, now - 250);
  const busy = new FakeConn(false, 0, now - 10);
  const stop = startLivenessSweep([late, fresh, idle, dead, busy], {
    handshakeTimeoutMs: 50,
    heartbeatMs: 100,
    now: () => now,
  });
  try {
    await until(() => late.closed !== undefined && dead.aborted !== undefined && idle.pinged);
    assertEqual([late.sent, late.closed], [["error:handshake_timeout"], "handshake timeout"]);
    assertEqual([fresh.sent, fresh.closed], [[], undefined]);
    assertEqual([idle.sent, idle.pinged, idle.aborted], [["ping"], true, undefined]);
    assertEqual(dead.aborted?.startsWith("heartbeat timeout"), true);
    assertEqual([busy.sent, busy.aborted], [[], undefined]);
    // One ping per silence, not one per tick.
    now += 5;
    await tick();
    assertEqual(idle.sent, ["ping"]);
  } finally {
    stop();
  }
});
