/**
 * The interactive `parley join`: a raw-mode terminal with a status line, an
 * input line with history, Tab completion and bracketed paste, client-side
 * `/ignore` and `/emoji`, mentions, and automatic reconnection.
 *
 * When the connection drops, the client retries with capped exponential
 * backoff and jitter (`backoff.ts`), says what it is doing at each step (status
 * line and messages), sends its resume token so the server hands back its
 * nick even while a ghost still holds it, rejoins its rooms (whatever history
 * the server replays on join then appears, minus what was already shown), and
 * sends the lines typed while it was offline.
 *
 * @module
 */

import { DEFAULT_ROOM, type ErrorCode, type ServerMessage } from "../protocol/messages.ts";
import { MAX_NICK_LENGTH } from "../protocol/names.ts";
import { writeAllSync } from "../cli/prompt.ts";
import { EXIT_CLOSED, EXIT_OK } from "../cli/exit_codes.ts";
import { formatAddress, type ServerAddress } from "./address.ts";
import { type BackoffOptions, reconnectDelay } from "./backoff.ts";
import { ChatState } from "./chat_state.ts";
import { connect, ConnectError, isConnectionGone, type ParleyClient } from "./client_connection.ts";
import { completeInput } from "./completion.ts";
import { heartbeat } from "./heartbeat.ts";
import { IgnoreList } from "./ignore_list.ts";
import { LineEditor } from "./line_editor.ts";
import { saveMedia } from "./save_media.ts";
import { LOCAL_COMMANDS, prepareLine, runLocalCommand, withLocalHelp } from "./local_commands.ts";
import {
  colorSupported,
  makeColors,
  mentions,
  type RenderContext,
  renderMessage,
} from "./render.ts";
import { SeenMessages } from "./seen_messages.ts";
import type { ConnectionState } from "./status_line.ts";
import { Screen } from "./terminal.ts";

/** Options for {@linkcode runInteractive}. */
export interface InteractiveOptions {
  /** The server, for reconnecting and for the status line. */
  address: ServerAddress;
  /** Server password, for reconnecting. */
  password?: string;
  /** Extra CA certificates for TLS, for reconnecting. */
  caCerts?: string[];
  /** Ring the terminal bell when the user is mentioned. */
  bell: boolean;
  /**
   * Reconnect automatically when the connection drops.
   * @default {true}
   */
  reconnect?: boolean;
  /** Reconnect delays; see `reconnectDelay`. */
  backoff?: BackoffOptions;
  /** Maps a refused reconnect to the process exit code. */
  exitCodeFor: (error: ConnectError) => number;
}

/** Commands offered by Tab before the server's `/help` list arrives. */
const FALLBACK_COMMANDS = [
  "/help",
  "/who",
  "/msg",
  "/me",
  "/nick",
  "/join",
  "/part",
  "/rooms",
  "/topic",
  "/quit",
  "/save",
];

/** Refusals that another attempt cannot fix. */
const PERMANENT_REFUSALS = new Set<ErrorCode | undefined>([
  "auth_failed",
  "locked_out",
  "banned",
  "bad_version",
  "nick_invalid",
]);

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
  first: ParleyClient,
  options: InteractiveOptions,
): Promise<number> {
  const state = new ChatState(first.welcome.nick);
  state.welcome(first.welcome);
  const ignores = new IgnoreList();
  const seen = new SeenMessages();
  const colors = makeColors(colorSupported());
  const ctx: RenderContext = { colors, me: state.me, activeRoom: state.activeRoom };
  const editor = new LineEditor();
  const screen = new Screen(Deno.stdout, editor, () => Deno.consoleSize().columns);
  const server = formatAddress(options.address);
  const reconnect = options.reconnect ?? true;
  let serverCommands = FALLBACK_COMMANDS;
  let client: ParleyClient | undefined = first;
  let connection: ConnectionState = "connected";
  let detail: string | undefined;
  let nextRef = 1;
  const outbox: string[] = [];
  const quit = Promise.withResolvers<"quit">();
  let quitSent = false;
  /** The resume token of the latest welcome. */
  let lastResume = first.welcome.resume;

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
    for (const item of state.incoming(message)) {
      if (item.type === "media_data") {
        screen.print(saveMedia(item, state.takeSaveTarget(item.ref)));
        continue;
      }
      if (ignores.hides(item) || !seen.firstTime(item)) continue;
      ctx.me = state.me;
      ctx.activeRoom = state.activeRoom;
      const text = renderMessage(item.type === "help" ? withLocalHelp(item) : item, ctx);
      if (text === null) continue;
      const mentioned = (item.type === "msg" || item.type === "action") &&
        item.from !== state.me && mentions(item.text, state.me);
      screen.print(mentioned && options.bell ? text + "\x07" : text);
    }
    refresh();
  };
  const send = async (target: ParleyClient, message: Parameters<ParleyClient["send"]>[0]) => {
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
  const askForCommands = (target: ParleyClient) => {
    // The answer updates the Tab list without being shown; its ack is ignored
    // (the ref is not pending in the chat state).
    silentHelps++;
    return send(target, { type: "command", ref: nextRef++, name: "help", args: "" });
  };

  const typing = (async () => {
    const decoder = new TextDecoder();
    const buffer = new Uint8Array(4096);
    while (true) {
      const n = await Deno.stdin.read(buffer);
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
  const sleep = (ms: number) =>
    Promise.race([delay(ms).then(() => false), quit.promise.then(() => true)]);

  /** Reconnects with backoff; returns the new connection or an exit code. */
  const reconnectLoop = async (): Promise<ParleyClient | number> => {
    let nick = state.me;
    let resume = lastResume;
    for (let attempt = 1;; attempt++) {
      const wait = reconnectDelay(attempt, options.backoff);
      const seconds = (wait / 1000).toFixed(1);
      connection = "reconnecting";
      detail = `attempt ${attempt} in ${seconds}s`;
      info(`--- reconnecting to ${server} in ${seconds}s (attempt ${attempt}); Ctrl-D to give up`);
      refresh();
      if (await sleep(wait)) return EXIT_OK;
      connection = "connecting";
      detail = `attempt ${attempt}`;
      refresh();
      const attempting = connect({
        address: options.address,
        nick,
        password: options.password,
        caCerts: options.caCerts,
        resume,
      });
      let result: ParleyClient | "quit";
      try {
        result = await Promise.race([attempting, quit.promise]);
      } catch (error) {
        if (!(error instanceof ConnectError)) throw error;
        if (error.kind === "refused" && error.code === "nick_taken") {
          const other = alternateNick(nick);
          warn(`!!! ${error.message}: someone else has it now; trying ${other}`);
          nick = other;
          resume = undefined;
          continue;
        }
        if (error.kind === "refused" && PERMANENT_REFUSALS.has(error.code)) {
          warn(`!!! Reconnecting to ${server} was refused: ${error.message}`);
          return options.exitCodeFor(error);
        }
        info(`--- attempt ${attempt} failed: ${error.message}`);
        continue;
      }
      if (result === "quit") {
        attempting.then((late) => late.close(), () => {});
        return EXIT_OK;
      }
      return result;
    }
  };
  Deno.stdin.setRaw(true);
  writeAllSync(Deno.stdout, "\x1b[?2004h");
  let stopHeartbeat = () => {};
  try {
    refresh();
    info(`--- connected to ${server}; /help for commands, Ctrl-D to leave`);
    show(first.welcome);
    await askForCommands(first);
    while (true) {
      const current: ParleyClient = client!;
      let lastHeard = Date.now();
      stopHeartbeat = heartbeat(current, () => lastHeard);
      let ending: "kicked" | "replaced" | "shutdown" | undefined;
      const reading = (async () => {
        for await (const message of current) {
          lastHeard = Date.now();
          if (message.type === "ping") await send(current, { type: "pong", token: message.token });
          if (message.type === "shutdown") ending = "shutdown";
          if (message.type === "notice" && /^You were kicked/.test(message.text)) ending = "kicked";
          if (message.type === "notice" && /^Your session was resumed/.test(message.text)) {
            ending = "replaced";
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
        await Promise.race([reading, delay(1000)]);
        current.close();
        return EXIT_OK;
      }
      current.close();
      client = undefined;
      silentHelps = 0;
      const lost = state.dropPending();
      if (ending === "kicked" || ending === "replaced" || !reconnect) {
        screen.clearInput();
        writeAllSync(Deno.stderr, `\r\nparley join: connection to ${server} closed\r\n`);
        return EXIT_CLOSED;
      }
      connection = "reconnecting";
      detail = undefined;
      warn(
        ending === "shutdown" ? `-!- ${server} shut down` : `-!- connection to ${server} lost`,
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
      lastResume = next.welcome.resume;
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
    stopHeartbeat();
    client?.close();
    screen.clearInput();
    writeAllSync(Deno.stdout, "\x1b[?2004l");
    Deno.stdin.setRaw(false);
  }
}

/**
 * Another nick to try when ours was taken by someone else while we were away:
 * one `_` appended, within the nick length limit.
 *
 * @param nick The taken nick.
 * @returns The alternative.
 */
export function alternateNick(nick: string): string {
  const chars = [...nick];
  return (chars.length >= MAX_NICK_LENGTH ? chars.slice(0, MAX_NICK_LENGTH - 1).join("") : nick) +
    "_";
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
