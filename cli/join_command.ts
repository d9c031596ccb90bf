/**
 * `parley join`: the terminal client, interactive on a terminal and scripted
 * (one stdin line per message, one event per stdout line) otherwise.
 *
 * @module
 */

import type { ServerMessage } from "../protocol/messages.ts";
import { formatAddress, type ServerAddress } from "../client/address.ts";
import { ChatState } from "../client/core/chat_state.ts";
import { localizeTimes } from "../client/core/local_times.ts";
import { CONNECT_OPTIONS, resolveConnectArgs } from "./connect_args.ts";
import { parseCommandLine } from "./parse_command_line.ts";
import { connect, ConnectError, type ParleyClient } from "../client/client_connection.ts";
import { heartbeat } from "../client/heartbeat.ts";
import { IgnoreList } from "../client/ignore_list.ts";
import { runInteractive } from "../client/interactive_session.ts";
import { prepareLine, runLocalCommand } from "../client/local_commands.ts";
import {
  EXIT_AUTH,
  EXIT_CLOSED,
  EXIT_CONNECT,
  EXIT_NICK,
  EXIT_OK,
  EXIT_REFUSED,
  EXIT_USAGE,
} from "./exit_codes.ts";
import { askLine, askSecret, isUsageError, writeAllSync } from "./prompt.ts";
import { readLines } from "../client/read_lines.ts";
import { makeColors, type RenderContext, renderMessage } from "../client/render.ts";
import { saveMedia } from "../client/save_media.ts";

/** Usage text of `parley join`. */
export const JOIN_USAGE = `Usage: parley join [ADDRESS] [options]

ADDRESS is host, host:port, tcp://host:port, tls://host:port or [::1]:port
(default 127.0.0.1:5003).

Options:
  -n, --nick NICK          nick to use (asked for on a terminal when missing)
      --password-file F    read the server password from file F
                           (or set PARLEY_PASSWORD; asked for on a terminal)
      --tls                connect with TLS (same as tls://)
      --ca FILE            trust this PEM CA certificate for TLS
      --json               print received events as JSON Lines (scripts)
      --bell               ring the terminal bell when you are mentioned
      --no-reconnect       exit when the connection drops, without reconnecting
  -h, --help               show this help

Voice and video messages show as [voice 8s from alice — /save 42];
/save ID [FILE] writes one to a file (default parley-KIND-ID.webm).

Interactive: type to chat, /help for commands, Up/Down for history, Tab to
complete nicks, commands and rooms, the readline keys (Ctrl-A/E/K/U/W,
Alt-B/F), paste several lines to send them as one message, :shortcode: for
emoji (/emoji to search), /ignore NICK to hide someone, Ctrl-D or /quit to
leave. A status line shows server, room, nick and connection; when the
connection drops the client reconnects by itself (backoff up to 30 s; Ctrl-D
gives up), takes its nick back and rejoins its rooms.
Scripted (stdin not a terminal): each stdin line is sent (lines starting with
/ are commands); events are printed one per line; exits 0 once stdin ends and
every message is acknowledged.`;

/** Options parsed from the command line. */
interface JoinArgs {
  address: ServerAddress;
  nick: string | undefined;
  password: string | undefined;
  caCerts: string[] | undefined;
  json: boolean;
  bell: boolean;
  reconnect: boolean;
}

/**
 * Runs `parley join`.
 *
 * @param args Arguments after `join`.
 * @returns The exit code (see `exit_codes.ts`).
 */
export async function joinCommand(args: string[]): Promise<number> {
  let parsed: JoinArgs;
  try {
    const { values, positionals } = parseCommandLine(args, {
      nick: { type: "string", short: "n" },
      ...CONNECT_OPTIONS,
      json: { type: "boolean" },
      bell: { type: "boolean" },
      "no-reconnect": { type: "boolean" },
      help: { type: "boolean", short: "h" },
    }, true);
    if (values.help) {
      writeAllSync(Deno.stdout, JOIN_USAGE + "\n");
      return EXIT_OK;
    }
    parsed = {
      ...resolveConnectArgs(values, positionals),
      nick: values.nick,
      json: values.json ?? false,
      bell: values.bell ?? false,
      reconnect: !values["no-reconnect"],
    };
  } catch (error) {
    if (isUsageError(error)) {
      writeAllSync(Deno.stderr, `parley join: ${error.message}\nTry 'parley join --help'.\n`);
      return EXIT_USAGE;
    }
    throw error;
  }
  const interactive = Deno.stdin.isTerminal() && Deno.stdout.isTerminal() && !parsed.json;
  let nick = parsed.nick;
  if (nick === undefined) {
    if (!interactive) {
      writeAllSync(Deno.stderr, "parley join: --nick is required when stdin is not a terminal\n");
      return EXIT_USAGE;
    }
    nick = askLine("Nick: ");
    if (nick === undefined) return EXIT_USAGE;
  }
  let password = parsed.password;
  for (let attempt = 0; attempt < 3; attempt++) {
    let client: ParleyClient;
    try {
      client = await connect({ address: parsed.address, nick, password, caCerts: parsed.caCerts });
    } catch (error) {
      if (!(error instanceof ConnectError)) throw error;
      if (interactive && error.code === "auth_failed" && attempt < 2) {
        if (password !== undefined) writeAllSync(Deno.stderr, `${error.message}\n`);
        password = askSecret("Password: ");
        if (password === undefined) return EXIT_AUTH;
        continue;
      }
      if (
        interactive && (error.code === "nick_taken" || error.code === "nick_invalid") && attempt < 2
      ) {
        writeAllSync(Deno.stderr, `${error.message}\n`);
        const next = askLine("Nick: ");
        if (next === undefined) return EXIT_NICK;
        nick = next;
        continue;
      }
      // A refusal can name a time (a ban's expiry), written in UTC: show it in local time.
      writeAllSync(Deno.stderr, `parley join: ${localizeTimes(error.message)}\n`);
      return exitCodeFor(error);
    }
    if (client.fingerprint) {
      writeAllSync(
        parsed.json ? Deno.stderr : Deno.stdout,
        `--- TLS certificate of ${formatAddress(parsed.address)}: SHA-256 ${client.fingerprint}\n`,
      );
    }
    return interactive
      ? await runInteractive(client, {
        address: parsed.address,
        password,
        caCerts: parsed.caCerts,
        bell: parsed.bell,
        reconnect: parsed.reconnect,
        exitCodeFor,
      })
      : await runScripted(client, parsed);
  }
  return EXIT_REFUSED;
}

/**
 * Maps a connection failure to an exit code.
 *
 * @param error The failure.
 */
export function exitCodeFor(error: ConnectError): number {
  if (error.kind === "connect") return EXIT_CONNECT;
  if (error.kind === "closed") return EXIT_CLOSED;
  switch (error.code) {
    case "nick_taken":
    case "nick_invalid":
      return EXIT_NICK;
    case "auth_failed":
    case "locked_out":
      return EXIT_AUTH;
    default:
      return EXIT_REFUSED;
  }
}

async function runScripted(client: ParleyClient, args: JoinArgs): Promise<number> {
  const state = new ChatState(client.welcome.nick);
  state.welcome(client.welcome);
  const ctx: RenderContext = {
    colors: makeColors(false),
    me: state.me,
    activeRoom: state.activeRoom,
  };
  const print = (text: string) => writeAllSync(Deno.stdout, text + "\n");
  const ignores = new IgnoreList();
  const show = (message: ServerMessage) => {
    if (args.json) {
      if (message.type !== "ping" && message.type !== "pong") print(JSON.stringify(message));
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
      if (text !== null) print(text);
    }
  };
  show(client.welcome);
  let lastHeard = Date.now();
  const stopHeartbeat = heartbeat(client, () => lastHeard);
  let quitting = false;
  let shutdownSeen = false;
  let acked: (() => void) | undefined;
  const reading = (async () => {
    for await (const message of client) {
      lastHeard = Date.now();
      if (message.type === "shutdown") shutdownSeen = true;
      if (message.type === "bye" && message.code === "shutdown") shutdownSeen = true;
      if (message.type === "ping") await client.send({ type: "pong", token: message.token });
      if (args.json) {
        // Keep the pending table in step even though JSON mode prints raw messages.
        state.incoming(message);
      }
      show(message);
      if (state.unacknowledged === 0) acked?.();
    }
  })();
  const serverGone = reading.then(() => "closed" as const, () => "closed" as const);
  const writing = (async () => {
    for await (const typed of readLines(Deno.stdin.readable)) {
      const local = runLocalCommand(typed, { ignores });
      if (local !== undefined) {
        print(local);
        continue;
      }
      const line = prepareLine(typed);
      const out = state.outgoing(line, client.nextRef());
      if (out.kind === "local") print(out.text);
      if (out.kind === "send" || out.kind === "quit") await client.send(out.message);
      if (out.kind === "quit") {
        quitting = true;
        return;
      }
    }
  })().then(() => "stdin" as const, () => "closed" as const);
  const first = await Promise.race([serverGone, writing]);
  try {
    if (first === "closed") return quitting && !shutdownSeen ? EXIT_OK : EXIT_CLOSED;
    if (!quitting) {
      if (state.unacknowledged > 0) {
        await Promise.race([new Promise<void>((r) => acked = r), serverGone, delay(10_000)]);
      }
      await client.send({ type: "command", ref: client.nextRef(), name: "quit", args: "" }).catch(
        () => {},
      );
    }
    await Promise.race([serverGone, delay(2000)]);
    // A server that shut down ended the session, whichever of stdin and the socket closed first.
    return shutdownSeen ? EXIT_CLOSED : EXIT_OK;
  } finally {
    stopHeartbeat();
    client.close();
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    Deno.unrefTimer(timer);
  });
}
