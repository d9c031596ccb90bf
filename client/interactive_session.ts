/**
 * The interactive `parley join`: a raw-mode terminal with a status line, an
 * input line with history, Tab completion and bracketed paste, client-side
 * `/ignore` and `/emoji`, mentions, and automatic reconnection.
 *
 * When the connection drops, the client follows the shared reconnect policy
 * (`core/reconnect_policy.ts`): it stops if the server's last frame was a
 * `bye` whose code forbids reconnecting (`kicked`, `replaced`), and otherwise
 * retries with capped exponential backoff and jitter, says what it is doing
 * at each step (status line and messages), sends its resume token so the
 * server hands back its nick even while a ghost still holds it, rejoins its
 * rooms (whatever history the server replays on join then appears, minus what
 * was already shown), and sends the lines typed while it was offline.
 *
 * Keyboard, screen and network are injectable (`input`, `output`, `connect`),
 * so tests drive a whole session with fakes; the options and those shapes are
 * in `interactive_options.ts`.
 *
 * @module
 */

import { type ByeMessage, DEFAULT_ROOM, type ServerMessage } from "../protocol/messages.ts";
import { sanitizeText } from "../protocol/sanitize.ts";
import { writeAllSync } from "../cli/prompt.ts";
import { EXIT_CLOSED, EXIT_OK } from "../cli/exit_codes.ts";
import { formatAddress } from "./address.ts";
import { ChatState } from "./core/chat_state.ts";
import { mentions } from "./core/mentions.ts";
import { ReconnectPolicy, reconnectsAfter } from "./core/reconnect_policy.ts";
import {
  connect as connectTcp,
  ConnectError,
  isConnectionGone,
  type ParleyClient,
} from "./client_connection.ts";
import { completeInput } from "./completion.ts";
import { heartbeat } from "./heartbeat.ts";
import { IgnoreList } from "./ignore_list.ts";
import { LineEditor } from "./line_editor.ts";
import { saveMedia } from "./save_media.ts";
import { LOCAL_COMMANDS, prepareLine, runLocalCommand, withLocalHelp } from "./local_commands.ts";
import {
  colorSupported,
  makeColors,
  type RenderContext,
  renderMessage,
  terminalColorDepth,
} from "./render.ts";
import { HistoryRequests } from "./core/history_requests.ts";
import { localizeTimes } from "./core/local_times.ts";
import { SeenMessages } from "./seen_messages.ts";
import type { ConnectionState } from "./status_line.ts";
import { Screen } from "./terminal.ts";
import type { InteractiveOptions, SessionConnection } from "./interactive_options.ts";

import { FALLBACK_COMMANDS } from "./core/fallback_commands.ts";

export type { InteractiveOptions, SessionConnection, SessionInput } from "./interactive_options.ts";

/** Commands offered by Tab before the server's `/help` list arrives (`/save` is the terminal's own). */
const OFFERED_FIRST = [...FALLBACK_COMMANDS, "/save"];

/** Most lines kept while offline. */
const MAX_OUTBOX = 100;

/**
 * Runs the interactive client on the terminal until the user quits (or the
 * connection is lost for good).
 *
 * @param first The connection made by `parley join`.
 * @param options See {@linkcode InteractiveOptions}.
 * @returns The exit code: 0 after `/quit` or Ctrl-D, `EXIT_CLOSED` when the
 *   server closed the connection and reconnecting is off or pointless (kicked,
 *   replaced), or the code of a permanent refusal while reconnecting.
 */
export async function runInteractive(
  first: SessionConnection,
  options: InteractiveOptions,
): Promise<number> {
  const input = options.input ?? Deno.stdin;
  const output = options.output ?? Deno.stdout;
  const errorOutput = options.errorOutput ?? Deno.stderr;
  const openConnection = options.connect ?? connectTcp;
  const state = new ChatState(first.welcome.nick);
  state.welcome(first.welcome);
  const addresses = options.addresses ?? [options.address];
  const policy = new ReconnectPolicy(options.backoff, addresses.length);
  policy.welcomed(first.welcome);
  policy.connectedTo(options.addressIndex ?? 0);
  const ignores = new IgnoreList();
  const seen = new SeenMessages();
  const colors = makeColors(options.color ?? colorSupported());
  const columns = options.columns ?? (() => Deno.consoleSize().columns);
  const ctx: RenderContext = {
    colors,
    me: state.me,
    activeRoom: state.activeRoom,
    colorDepth: options.colorDepth ?? terminalColorDepth(),
  };
  const editor = new LineEditor();
  const screen = new Screen(output, editor, columns);
  /** Our own `/history` requests: their replay is shown even where already seen. */
  const historyRequests = new HistoryRequests();
  /** Set once the server said it is shutting down: the leaves that follow are not news. */
  let shuttingDown = false;
  let server = formatAddress(options.address);
  const reconnect = options.reconnect ?? true;
  let serverCommands = OFFERED_FIRST;
  let client: SessionConnection | undefined = first;
  let connection: ConnectionState = "connected";
  let detail: string | undefined;
  let nextRef = 1;
  const outbox: string[] = [];
  const quit = Promise.withResolvers<"quit">();
  let quitSent = false;

  const refresh = () => {
    screen.setStatus({
      server,
      room: state.activeRoom,
      rooms: state.rooms.size,
      nick: state.me,
      connection,
      detail,
    }, colors.inverse);
    screen.setPrompt(`[${state.activeRoom}] ${state.me}> `);
  };
  const info = (text: string) => screen.print(colors.dim(text));
  const warn = (text: string) => screen.print(colors.red(text));
  const show = (message: ServerMessage) => {
    if (message.type === "help") {
      serverCommands = message.commands.map((c) => `/${c.name}`);
      if (silentHelps > 0) {
        silentHelps--;
        return;
      }
    }
    if (message.type === "shutdown") shuttingDown = true;
    for (const item of state.incoming(message)) {
      if (item.type === "media_data") {
        screen.print(saveMedia(item, state.takeSaveTarget(item.ref)));
        continue;
      }
      // An explicit /history shows what was asked for, even lines already on screen.
      const replayAsked = historyRequests.answers(item);
      if (ignores.hides(item) || (!seen.firstTime(item) && !replayAsked)) continue;
      if (item.type === "leave" && (item.code === "shutdown" || shuttingDown)) continue;
      ctx.me = state.me;
      ctx.activeRoom = state.activeRoom;
      ctx.columns = columns();
      const text = renderMessage(item.type === "help" ? withLocalHelp(item) : item, ctx);
      if (text === null) continue;
      const mentioned = (item.type === "msg" || item.type === "action") &&
        !state.isMe(item.from) && mentions(item.text, state.me);
      screen.print(mentioned && options.bell ? text + "\x07" : text);
    }
    historyRequests.settle(message);
    refresh();
  };
  const send = async (target: SessionConnection, message: Parameters<ParleyClient["send"]>[0]) => {
    try {
      await target.send(message);
    } catch (error) {
      // The reader notices the drop and reconnects; an unacknowledged line is reported then.
      if (!isConnectionGone(error)) throw error;
    }
  };
  const submit = async (typed: string) => {
    const local = runLocalCommand(typed, { ignores });
    if (local !== undefined) {
      if (local.startsWith("!!!")) warn(local);
      else info(local);
      return;
    }
    const line = prepareLine(typed);
    if (client === undefined) {
      if (/^\/quit(\s|$)/i.test(line)) {
        quit.resolve("quit");
        return;
      }
      if (line.trim() === "") return;
      if (outbox.length >= MAX_OUTBOX) {
        warn(
          `!!! Not connected, and ${MAX_OUTBOX} lines are already waiting; this one was dropped`,
        );
        return;
      }
      outbox.push(line);
      info(`--- not connected: this will be sent once reconnected (${outbox.length} waiting)`);
      return;
    }
    const out = state.outgoing(line, nextRef++);
    if (out.kind === "local") info(out.text);
    if (out.kind === "send") historyRequests.sent(out.message);
    if (out.kind === "send" || out.kind === "quit") await send(client, out.message);
    if (out.kind === "quit") {
      quitSent = true;
      quit.resolve("quit");
    }
    refresh();
  };
  /** Matches of the last Tab that changed nothing, shown as the choice. */
  let choices: string[] = [];
  editor.completer = (text) => {
    const result = completeInput(text, {
      nicks: state.nicks,
      rooms: [...state.knownRooms.values(), ...state.rooms.values()],
      commands: [...serverCommands, ...LOCAL_COMMANDS.map((c) => `/${c.name}`)],
      me: state.me,
    });
    choices = result.text === text ? result.matches : [];
    return result.text;
  };
  const complete = () => {
    if (choices.length > 1) info(`--- ${choices.join("  ")}`);
    choices = [];
  };
  /** `help` answers still expected for our own silent requests. */
  let silentHelps = 0;
  const askForCommands = (target: SessionConnection) => {
    // The answer updates the Tab list without being shown; its ack is ignored
    // (the ref is not pending in the chat state).
    silentHelps++;
    return send(target, { type: "command", ref: nextRef++, name: "help", args: "" });
  };

  const typing = (async () => {
    const decoder = new TextDecoder();
    const buffer = new Uint8Array(4096);
    while (true) {
      const n = await input.read(buffer);
      if (n === null) return;
      for (const event of editor.feed(decoder.decode(buffer.subarray(0, n), { stream: true }))) {
        if (event.kind === "redraw") screen.redraw();
        else if (event.kind === "complete") complete();
        else if (event.kind === "eof" || event.kind === "interrupt") return;
        else if (event.kind === "submit") {
          await submit(event.line);
          if (quitSent) return;
        }
      }
    }
  })();
  typing.then(() => quit.resolve("quit"), () => quit.resolve("quit"));

  /** Waits `ms`, or less if the user quits; true if they quit. */
  const sleep = (ms: number) => within(quit.promise.then(() => true), ms, false);

  /** Reconnects with backoff; returns the new connection or an exit code. */
  const reconnectLoop = async (): Promise<SessionConnection | number> => {
    policy.dropped(state.me);
    /** Why the last attempt failed, shown in the status line until the next one. */
    let lastFailure = "";
    const gaveUp = () => {
      info(`--- gave up reconnecting to ${server}; bye`);
      return EXIT_OK;
    };
    while (true) {
      const { attempt, delayMs, nick, resume, address } = policy.next();
      const target = addresses[address];
      const seconds = (delayMs / 1000).toFixed(1);
      // One status line, updated in place, instead of lines per attempt.
      connection = "reconnecting";
      // With several servers to try, the status line names the one this attempt goes to.
      const where = addresses.length > 1 ? ` to ${formatAddress(target)}` : "";
      detail = `attempt ${attempt}${where} in ${seconds}s${lastFailure ? ` (${lastFailure})` : ""}`;
      refresh();
      if (await sleep(delayMs)) return gaveUp();
      connection = "connecting";
      detail = `attempt ${attempt}`;
      refresh();
      const attempting = openConnection({
        address: target,
        nick,
        password: options.password,
        caCerts: options.caCerts,
        knownServersFile: options.knownServersFile,
        identity: options.identity,
        resume,
      });
      let result: SessionConnection | "quit";
      try {
        result = await Promise.race([attempting, quit.promise]);
      } catch (error) {
        if (!(error instanceof ConnectError)) throw error;
        if (error.kind === "trust") {
          // A changed certificate does not change back by waiting.
          warn(`!!! ${error.message}`);
          return options.exitCodeFor(error);
        }
        if (error.kind !== "refused") {
          lastFailure = shortReason(error.message);
          continue;
        }
        const next = policy.refused(error.code);
        if (next.action === "stop") {
          warn(
            `!!! Reconnecting to ${formatAddress(target)} was refused: ${
              localizeTimes(error.message)
            }`,
          );
          return options.exitCodeFor(error);
        }
        if (next.nick !== undefined) {
          warn(`!!! ${error.message}: someone else has it now; trying ${next.nick}`);
        } else lastFailure = shortReason(error.message);
        continue;
      }
      if (result === "quit") {
        attempting.then((late) => late.close(), () => {});
        return gaveUp();
      }
      policy.connectedTo(address);
      server = formatAddress(target);
      return result;
    }
  };
  input.setRaw?.(true);
  writeAllSync(output, "\x1b[?2004h");
  const stopResize = (options.onResize ?? onTerminalResize)(() => screen.resized());
  let stopHeartbeat = () => {};
  try {
    refresh();
    info(`--- connected to ${server}; /help for commands, Ctrl-D to leave`);
    show(first.welcome);
    await askForCommands(first);
    while (true) {
      const current: SessionConnection = client!;
      let lastHeard = Date.now();
      stopHeartbeat = heartbeat(current, () => lastHeard);
      let shutdown = false;
      /** The server's `bye`: its code alone decides whether to reconnect. */
      let bye: ByeMessage | undefined;
      const reading = (async () => {
        for await (const message of current) {
          lastHeard = Date.now();
          if (message.type === "ping") await send(current, { type: "pong", token: message.token });
          if (message.type === "shutdown") shutdown = true;
          if (message.type === "bye") {
            bye = message;
            if (message.code === "shutdown") shutdown = true;
          }
          show(message);
        }
      })().catch((error) => {
        if (!(error instanceof SyntaxError || error instanceof TypeError)) throw error;
        warn(`!!! The server sent a malformed message (${error.message}); reconnecting`);
      });
      const why = await Promise.race([reading.then(() => "closed" as const), quit.promise]);
      stopHeartbeat();
      if (why === "quit") {
        if (!quitSent) {
          await send(current, { type: "command", ref: nextRef++, name: "quit", args: "" });
        }
        await within(reading, 1000, undefined);
        current.close();
        return EXIT_OK;
      }
      current.close();
      client = undefined;
      silentHelps = 0;
      historyRequests.clear();
      const lost = state.dropPending();
      if (!reconnectsAfter(bye) || !reconnect) {
        screen.clearInput();
        const why = bye ? ` (${bye.code}: ${sanitizeText(bye.reason)})` : "";
        writeAllSync(errorOutput, `\r\nparley join: connection to ${server} closed${why}\r\n`);
        return EXIT_CLOSED;
      }
      connection = "reconnecting";
      detail = undefined;
      warn(
        (shutdown ? `-!- ${server} shut down` : `-!- connection to ${server} lost`) +
          "; reconnecting (Ctrl-D to give up)",
      );
      if (lost.length > 0) {
        warn(
          `!!! ${lost.length} line(s) sent just before the drop were not confirmed and may not ` +
            `have arrived (Up recalls them):\n` + lost.map((l) => `    ${l}`).join("\n"),
        );
      }
      const next = await reconnectLoop();
      if (typeof next === "number") return next;
      client = next;
      shuttingDown = false;
      policy.welcomed(next.welcome);
      const rejoin = state.resume(next.welcome);
      connection = "connected";
      detail = undefined;
      info(
        `--- reconnected to ${server} as ${state.me}` +
          (rejoin.length > 0 ? `; rejoining ${rejoin.join(", ")}` : ""),
      );
      show(next.welcome);
      for (const room of rejoin) {
        await send(next, {
          type: "command",
          ref: nextRef++,
          room: DEFAULT_ROOM,
          name: "join",
          args: room,
        });
      }
      await askForCommands(next);
      const waiting = outbox.splice(0);
      if (waiting.length > 0) info(`--- sending ${waiting.length} line(s) typed while offline`);
      for (const line of waiting) await submit(line);
    }
  } finally {
    stopResize();
    stopHeartbeat();
    client?.close();
    screen.clearInput();
    writeAllSync(output, "\x1b[?2004l");
    input.setRaw?.(false);
  }
}

/**
 * The gist of a connection failure for the status line: `Connection refused`
 * from `Connection refused by tcp://...: is the server running...?`.
 */
function shortReason(message: string): string {
  const cut = message.search(/ by | from | in |:/);
  return (cut > 0 ? message.slice(0, cut) : message).slice(0, 40);
}

/** Calls `listener` on SIGWINCH where the platform has it; returns the unsubscribe. */
function onTerminalResize(listener: () => void): () => void {
  if (Deno.build.os === "windows") return () => {};
  Deno.addSignalListener("SIGWINCH", listener);
  return () => Deno.removeSignalListener("SIGWINCH", listener);
}

/**
 * Waits for `promise`, or `ms`, whichever comes first; the timer is cleared
 * either way, so nothing is left pending.
 */
async function within<T, F>(promise: Promise<T>, ms: number, fallback: F): Promise<T | F> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<F>((resolve) => timer = setTimeout(() => resolve(fallback), ms)),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
