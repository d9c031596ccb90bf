/**
 * The scripted side of `parley join` (stdin not a terminal): every stdin line
 * is delivered, in order, or reported with the reason it could not be.
 *
 * - Lines are paced by {@linkcode SendPacer} from the flood limits the server
 *   announces, so a server never refuses one as `rate_limited` whatever the
 *   input size. If one is refused anyway (the server enforces less than it
 *   announced), it is sent again after a pause, and from then on each line
 *   waits for its answer before the next goes; only lines already on their way
 *   at the first refusal can land before a resent one.
 * - A command line (`/join #builds`) is sent only after every earlier line was
 *   answered, and the next line only after the command's `ack` or `error`, so
 *   `/join #builds` then `build 42 passed` posts to `#builds`.
 * - At the end a one-line summary goes to stderr
 *   (`parley: 200 sent, 199 acknowledged, 1 refused (text_too_long: 1)`), and
 *   the exit code says whether every line was acknowledged (0), some were
 *   refused (8) or the connection ended first (6).
 *
 * With `--json`, events are printed as JSON Lines; the `ack` or `error`
 * answering a line carries that line's `ref` and, added by the client, its
 * stdin line number as `line`.
 *
 * @module
 */

import type { ClientMessage, ServerMessage } from "../protocol/messages.ts";
import { encodeMessage } from "../protocol/messages.ts";
import { ChatState } from "../client/core/chat_state.ts";
import { DeliveryTally } from "../client/core/delivery_tally.ts";
import { floodLimitsOf, SendPacer } from "../client/core/send_pacer.ts";
import type { ParleyClient } from "../client/client_connection.ts";
import { heartbeat } from "../client/heartbeat.ts";
import { IgnoreList } from "../client/ignore_list.ts";
import { prepareLine, runLocalCommand } from "../client/local_commands.ts";
import { readLines } from "../client/read_lines.ts";
import { makeColors, type RenderContext, renderMessage } from "../client/render.ts";
import { saveMedia } from "../client/save_media.ts";
import { EXIT_CLOSED, EXIT_LINES_REFUSED, EXIT_OK } from "./exit_codes.ts";

/** Options for {@linkcode runScripted}. */
export interface ScriptedOptions {
  /** Print events as JSON Lines instead of rendered text. */
  json: boolean;
  /** A lower pace than the server allows, in lines per second. */
  rate?: number;
  /** Lines to send; `Deno.stdin.readable` in `parley join`. */
  input: ReadableStream<Uint8Array>;
  /** Writes one line of output (stdout). */
  print: (line: string) => void;
  /** Writes one line of diagnostics (stderr). */
  warn: (line: string) => void;
}

/** One stdin line on its way to the server. */
interface Line {
  /** Line number on stdin, from 1. */
  number: number;
  /** The line after local preparation (emoji), as given to `ChatState.outgoing`. */
  text: string;
  /** Whether it is a command (waited for before the next line). */
  command: boolean;
  /** Whether it is `/quit`. */
  quit: boolean;
  /** Set once it was acknowledged or refused. */
  settled: boolean;
  /** Size of its frame as last sent, header included, in bytes. */
  bytes: number;
}

/**
 * Runs a scripted session on a connected client until stdin ends and every
 * line is answered, `/quit`, or the connection closes.
 *
 * @param client The connection (its welcome gives the limits).
 * @param options Output mode, pace, input and output.
 * @returns The exit code: `EXIT_OK` when every line was acknowledged,
 *   `EXIT_LINES_REFUSED` when some were refused, `EXIT_CLOSED` when the
 *   connection ended first (or the server shut down).
 */
export async function runScripted(client: ParleyClient, options: ScriptedOptions): Promise<number> {
  const { print, warn } = options;
  const limits = client.welcome.limits;
  const flood = floodLimitsOf(limits);
  if (options.rate !== undefined && options.rate > flood.floodRate) {
    warn(
      `parley: --rate ${options.rate} is above the server's ${flood.floodRate} messages/s; using ${flood.floodRate}`,
    );
  }
  const pacer = new SendPacer(flood, Date.now(), { rate: options.rate });
  // Lines sent and not yet answered: no more than the burst, so that a server that stalls
  // finds no more waiting than its bucket holds.
  const window = Math.min(256, pacer.burst);
  const state = new ChatState(client.welcome.nick);
  state.welcome(client.welcome);
  const tally = new DeliveryTally();
  const ctx: RenderContext = {
    colors: makeColors(false),
    me: state.me,
    activeRoom: state.activeRoom,
  };
  const ignores = new IgnoreList();
  const inFlight = new Map<number, Line>();
  const resend: Line[] = [];
  // After a rate_limited refusal the server's limits are not what they seemed: from then on
  // each line waits for its answer, so resent lines keep their order.
  let careful = false;
  let wake = Promise.withResolvers<void>();
  const changed = () => {
    wake.resolve();
    wake = Promise.withResolvers<void>();
  };

  const show = (message: ServerMessage, line?: Line) => {
    if (options.json) {
      if (message.type === "ping" || message.type === "pong") return;
      // The resume token is a credential for this nick: it is never printed.
      print(JSON.stringify(
        line ? { ...message, line: line.number } : message,
        (key, value) => key === "resume" ? undefined : value,
      ));
      return;
    }
    for (const item of state.incoming(message)) {
      if (item.type === "media_data") {
        print(saveMedia(item, state.takeSaveTarget(item.ref)));
        continue;
      }
      if (ignores.hides(item)) continue;
      ctx.me = state.me;
      ctx.activeRoom = state.activeRoom;
      const text = renderMessage(item, ctx);
      if (text === null) continue;
      print(line && item.type === "error" ? `${text} (line ${line.number})` : text);
    }
  };

  /** Sends one frame that will be answered, through the pacer. */
  const sendPaced = async (message: ClientMessage): Promise<void> => {
    const bytes = encodeMessage(message).length;
    for (
      let wait = pacer.delay(bytes, Date.now());
      wait > 0;
      wait = pacer.delay(bytes, Date.now())
    ) {
      await delay(wait);
    }
    pacer.sent(bytes, Date.now());
    await client.send(message);
  };

  show(client.welcome);
  let lastHeard = Date.now();
  const stopHeartbeat = heartbeat({
    welcome: client.welcome,
    send: (message) => {
      pacer.charged(encodeMessage(message).length, Date.now());
      return client.send(message);
    },
    close: () => client.close(),
  }, () => lastHeard);
  let closed = false;
  let shutdownSeen = false;
  let quitting = false;

  const reading = (async () => {
    for await (const message of client) {
      lastHeard = Date.now();
      if (message.type === "shutdown") shutdownSeen = true;
      if (message.type === "bye" && message.code === "shutdown") shutdownSeen = true;
      if (message.type === "ping") {
        const pong: ClientMessage = { type: "pong", token: message.token };
        pacer.charged(encodeMessage(pong).length, Date.now());
        await client.send(pong);
      }
      const ref = "ref" in message ? message.ref : undefined;
      const line = ref === undefined ? undefined : inFlight.get(ref);
      if (line && message.type === "error" && message.code === "rate_limited") {
        // Refused unseen: keep it quiet and send it again once the bucket has refilled.
        state.incoming(message);
        inFlight.delete(ref!);
        pacer.answered(line.bytes, Date.now(), true);
        careful = true;
        resend.push(line);
        tally.resent();
        changed();
        continue;
      }
      if (line && (message.type === "ack" || message.type === "error")) {
        inFlight.delete(ref!);
        pacer.answered(line.bytes, Date.now());
        line.settled = true;
        if (message.type === "ack") tally.acknowledged();
        else tally.refused(message.code);
        if (options.json) state.incoming(message);
        show(message, line);
        changed();
        continue;
      }
      if (line && message.type === "media_data") {
        inFlight.delete(ref!);
        pacer.answered(line.bytes, Date.now());
        line.settled = true;
        tally.acknowledged();
      }
      if (options.json) state.incoming(message);
      show(message);
      if (line) changed();
    }
  })().catch(() => {}).finally(() => {
    closed = true;
    changed();
  });

  /**
   * Sends a line, the first time (with what `ChatState.outgoing` made of it)
   * or again after `rate_limited`; `false` if it was refused here, unsent.
   */
  const transmit = async (line: Line, first?: { ref: number; message: ClientMessage }) => {
    let ref = first?.ref;
    let message = first?.message;
    if (ref === undefined || message === undefined) {
      ref = client.nextRef();
      const out = state.outgoing(line.text, ref);
      if (out.kind !== "send" && out.kind !== "quit") return false;
      message = out.message;
    }
    const frameBytes = encodeMessage(message).length;
    if (frameBytes - 4 > limits.maxFrameBytes) {
      // Sent, it would make the server close the connection (frame_too_large): refuse it here.
      const refusal: ServerMessage = {
        type: "error",
        code: "text_too_long",
        message:
          `Line ${line.number} is ${frameBytes} bytes as a frame; the server accepts ${limits.maxFrameBytes}`,
        ref,
      };
      if (options.json) state.incoming(refusal);
      line.settled = true;
      tally.refused("text_too_long");
      show(refusal, line);
      return false;
    }
    line.bytes = frameBytes;
    inFlight.set(ref, line);
    await sendPaced(message);
    return true;
  };

  /** Sends the lines refused as `rate_limited` again, in their order, waiting for commands. */
  const flushResends = async () => {
    resend.sort((a, b) => a.number - b.number);
    while (resend.length > 0 && !closed) {
      const line = resend.shift()!;
      await transmit(line);
      await settle(line);
    }
  };

  /** Waits until a line is answered (resending what was refused meanwhile). */
  const settle = async (line: Line) => {
    while (!line.settled && !closed) {
      if (resend.length > 0) await flushResends();
      else await wake.promise;
    }
  };

  /**
   * Waits until every line sent so far is answered. With `patience`, gives up
   * when no answer came for that long (a server that stopped answering).
   */
  const settleAll = async (patience?: number) => {
    let answered = inFlight.size;
    let since = Date.now();
    while ((inFlight.size > 0 || resend.length > 0) && !closed) {
      if (resend.length > 0) await flushResends();
      else if (patience === undefined) await wake.promise;
      else {
        await Promise.race([wake.promise, delay(1000)]);
        if (inFlight.size !== answered) [answered, since] = [inFlight.size, Date.now()];
        else if (Date.now() - since > patience) return;
      }
    }
  };

  const writing = (async () => {
    let number = 0;
    for await (const typed of readLines(options.input)) {
      number++;
      if (closed) return;
      const local = runLocalCommand(typed, { ignores });
      if (local !== undefined) {
        print(local);
        continue;
      }
      const text = prepareLine(typed);
      const command = text.startsWith("/") && !text.startsWith("//");
      const line: Line = {
        number,
        text,
        command,
        quit: /^\/quit(\s|$)/i.test(text),
        settled: false,
        bytes: 0,
      };
      if (command) await settleAll();
      else {
        if (resend.length > 0) await flushResends();
        while (inFlight.size >= (careful ? 1 : window) && !closed) await wake.promise;
      }
      if (closed) return;
      const ref = client.nextRef();
      const out = state.outgoing(text, ref);
      if (out.kind === "local") {
        print(out.text);
        continue;
      }
      if (out.kind === "none") continue;
      tally.sent();
      if (!await transmit(line, { ref, message: out.message })) continue;
      if (line.quit) {
        quitting = true;
        return;
      }
      if (command) await settle(line);
    }
    await settleAll(Math.max(10_000, limits.heartbeatMs));
  })().then(() => "stdin" as const, () => "closed" as const);

  const serverGone = reading.then(() => "closed" as const);
  const first = await Promise.race([serverGone, writing]);
  try {
    if (first === "stdin" && !closed && !quitting) {
      await client.send({ type: "command", ref: client.nextRef(), name: "quit", args: "" })
        .catch(() => {});
    }
    await Promise.race([serverGone, delay(2000)]);
  } finally {
    stopHeartbeat();
    client.close();
  }
  await reading;
  warn(`parley: ${tally.summary()}`);
  if (shutdownSeen) return EXIT_CLOSED;
  switch (tally.outcome) {
    case "delivered":
      // Ended by the server before stdin ended, and not by our own /quit.
      return first === "closed" && !quitting ? EXIT_CLOSED : EXIT_OK;
    case "refused":
      return first === "closed" && !quitting ? EXIT_CLOSED : EXIT_LINES_REFUSED;
    case "unanswered":
      return EXIT_CLOSED;
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    Deno.unrefTimer(timer);
  });
}
