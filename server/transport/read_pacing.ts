/**
 * Read pacing under load, like a network card's interrupt coalescing.
 *
 * A busy room in a closed loop settles where every turn of the event loop
 * reads about one message per sender and writes once per member per turn:
 * a read and a write for every message. When more than
 * {@linkcode BUSY_INTERVAL_FRAMES} frames were handled since the last
 * pacing tick (or in the interval before it), a connection whose read just
 * carried several frames waits for the next tick before it reads again; its
 * sender's next frames arrive meanwhile and are read, handled and fanned out
 * together, so one read and one write per member carry many messages
 * (InspIRCd reads about 36 messages per `recv` in the same load). A quiet
 * server (a few frames per interval), and a connection that sent one frame,
 * read again at once, so latency at ordinary rates is not touched. Measured
 * in bench/README.md ("Read pacing").
 *
 * A connection that can read synchronously (`recv(2)` through FFI, see
 * `direct_socket.ts`) pauses after every read while the server is busy, one
 * frame or many, and after the pause reads without a Deno op (only when
 * that finds nothing does it wait in a Deno read). Busy sockets thus stay
 * out of Deno's budget of 128 socket operations per scheduler poll, which
 * starved most of a room of 1,000 (bench/README.md, "Starved reads").
 *
 * The tick is one for the whole process: a byte sent to ourselves over
 * loopback while a server holds the doorbell
 * ({@linkcode acquirePacingDoorbell}), else `setTimeout(0)`.
 *
 * @module
 */

/** Frames handled in one interval between pacing ticks above which the server counts as busy. */
export const BUSY_INTERVAL_FRAMES = 32;

/** Frames handled since the last pacing tick. */
let framesCounted = 0;
/** Whether the interval before that tick was busy. */
let lastIntervalBusy = false;
let armed = false;
let pause: Promise<void> | undefined;
let resume: (() => void) | undefined;

/**
 * The pacing tick, one for the whole process. Each tick ends an interval:
 * it records whether the interval was busy, resumes every paused reader,
 * and arms itself again after a busy interval so that the end of the load
 * is seen. The tick is a byte sent to ourselves over loopback (see
 * {@linkcode acquirePacingDoorbell}) while a server holds the doorbell, and
 * `setTimeout(0)` otherwise.
 */
function arm(): void {
  if (armed) return;
  armed = true;
  if (doorbell) doorbell.ring();
  else setTimeout(tick, 0);
}

function tick(): void {
  armed = false;
  lastIntervalBusy = framesCounted > BUSY_INTERVAL_FRAMES;
  framesCounted = 0;
  if (lastIntervalBusy) arm();
  const resumeAll = resume;
  pause = resume = undefined;
  resumeAll?.();
}

/** Frames handled since the process started. */
let framesTotal = 0;

/** Counts one frame handled; the count restarts at the next pacing tick. */
export function countFrame(): void {
  framesCounted++;
  framesTotal++;
  if (!armed) arm();
}

/** Frames handled since the process started (a running count). */
export function framesHandled(): number {
  return framesTotal;
}

/** Frames counted since the last pacing tick. */
export function framesSinceTick(): number {
  return framesCounted;
}

/**
 * Whether the server is busy now: more than {@linkcode BUSY_INTERVAL_FRAMES}
 * frames handled since the last pacing tick, or in the interval before.
 */
export function isBusy(): boolean {
  return lastIntervalBusy || framesCounted > BUSY_INTERVAL_FRAMES;
}

/**
 * Whether a connection should pause before its next read.
 *
 * @param framesInRead Frames its last read carried.
 * @param direct Whether the connection reads synchronously after the pause
 *   (`recv(2)`, see `direct_socket.ts`) rather than with a Deno op.
 * @returns True when {@linkcode isBusy}, for a read of more than one frame,
 *   or of any frame when `direct`.
 */
export function shouldPause(framesInRead: number, direct = false): boolean {
  return framesInRead > (direct ? 0 : 1) && isBusy();
}

/**
 * The pause: until the next pacing tick, shared by every paused connection.
 *
 * @returns A promise that resolves at that tick.
 */
export function readPause(): Promise<void> {
  if (!pause) {
    pause = new Promise((resolve) => (resume = resolve));
    arm();
  }
  return pause;
}

/**
 * The read after a pause, for a stream that can read synchronously
 * (`DirectSocket.tryRecv`, `recv(2)` through FFI): no Deno op. Deno
 * completes at most 128 socket operations per poll of its scheduler, and a
 * busy room of 1,000 left ~870 of its senders unread for the whole load
 * (bench/README.md, "Starved reads"). The caller must have no Deno read
 * pending on the stream, so the two never race for the same bytes.
 *
 * @param stream The connection's byte stream.
 * @param buffer Where the bytes go.
 * @returns Bytes read; `null` at end of stream; `undefined` when the stream
 *   cannot read synchronously or has nothing yet (then wait in its `read`).
 */
export function readAfterPause(
  stream: { tryRecv?(buffer: Uint8Array): number },
  buffer: Uint8Array,
): number | null | undefined {
  const n = stream.tryRecv?.(buffer) ?? -1;
  return n > 0 ? n : n === 0 ? null : undefined;
}

/** The loopback socket pair whose bytes are the ticks, while a server holds it. */
class Doorbell {
  static readonly #BYTE = new Uint8Array([1]);
  readonly #writer: Deno.Conn;
  readonly #reader: Deno.Conn;
  #closed = false;

  private constructor(writer: Deno.Conn, reader: Deno.Conn) {
    this.#writer = writer;
    this.#reader = reader;
  }

  /** Connects a pair over 127.0.0.1 and starts reading ticks. */
  static async open(): Promise<Doorbell> {
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    try {
      const writer = await Deno.connect({ hostname: "127.0.0.1", port: listener.addr.port });
      const reader = await listener.accept();
      writer.setNoDelay(true);
      const bell = new Doorbell(writer, reader);
      void bell.#listen();
      return bell;
    } finally {
      listener.close();
    }
  }

  /** Sends one tick; if that fails, the timer ticks instead. */
  ring(): void {
    this.#writer.write(Doorbell.#BYTE).catch(() => {
      if (armed) setTimeout(tick, 0);
    });
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const conn of [this.#writer, this.#reader]) {
      try {
        conn.close();
      } catch {
        // Already closed.
      }
    }
  }

  async #listen(): Promise<void> {
    const buffer = new Uint8Array(64);
    try {
      // Bytes rung together arrive together: one tick for all of them.
      while ((await this.#reader.read(buffer)) !== null) if (armed) tick();
    } catch {
      // Closed, or the pair broke: below.
    }
    if (this.#closed) return;
    // The pair broke while in use: back to the timer.
    if (doorbell === this) doorbell = undefined;
    this.close();
    if (armed) setTimeout(tick, 0);
  }
}

let doorbell: Doorbell | undefined;

/** Where the pacing ticks come from now: the loopback doorbell or the timer. */
export function pacingTickSource(): "doorbell" | "timer" {
  return doorbell ? "doorbell" : "timer";
}
let doorbellUsers = 0;
let doorbellChange: Promise<void> = Promise.resolve();

/**
 * Makes the pacing tick a byte sent to ourselves over loopback, for as long
 * as some server holds it (count with {@linkcode releasePacingDoorbell}).
 *
 * Why not a timer: under load every turn of Deno's event loop outlasts a
 * `setTimeout(0)` (as it would an immediate), so the loop is runnable again
 * at once and its scheduler (tokio) does not park, which is when it polls
 * the sockets and resumes socket operations that ran out of budget. Reads
 * waiting in Deno then completed 128 at a time, one step every 150–700 ms.
 * A tick that comes from a socket arrives only after such a poll, so each
 * tick lets the next 128 through (bench/README.md, "Starved reads").
 *
 * Without permission to listen on 127.0.0.1 (never asked for) the timer
 * stays; so it does if the pair cannot be opened.
 */
export function acquirePacingDoorbell(): Promise<void> {
  doorbellUsers++;
  doorbellChange = doorbellChange.then(async () => {
    if (doorbell || doorbellUsers === 0) return;
    if (Deno.permissions.querySync({ name: "net", host: "127.0.0.1" }).state !== "granted") return;
    try {
      doorbell = await Doorbell.open();
    } catch {
      doorbell = undefined;
    }
  });
  return doorbellChange;
}

/** Gives back {@linkcode acquirePacingDoorbell}; the last holder closes the pair. */
export function releasePacingDoorbell(): Promise<void> {
  doorbellUsers = Math.max(0, doorbellUsers - 1);
  doorbellChange = doorbellChange.then(() => {
    if (doorbellUsers > 0 || !doorbell) return;
    const closing = doorbell;
    doorbell = undefined;
    closing.close();
    // A reader paused on a ring that will not be read now resumes on the timer.
    if (armed) setTimeout(tick, 0);
  });
  return doorbellChange;
}
