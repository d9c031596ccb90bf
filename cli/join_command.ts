/**
 * `parley join`: the terminal client, interactive on a terminal and scripted
 * (one stdin line per message, one event per stdout line) otherwise.
 *
 * @module
 */

import type { ErrorCode } from "../protocol/messages.ts";
import { formatAddress, type ServerAddress } from "../client/address.ts";
import { localizeTimes } from "../client/core/local_times.ts";
import { CONNECT_OPTIONS, resolveConnectArgs } from "./connect_args.ts";
import { parseCommandLine } from "./parse_command_line.ts";
import { connect, ConnectError, type ParleyClient } from "../client/client_connection.ts";
import { connectAny } from "../client/core/connect_any.ts";
import type { IdentityKey } from "../client/identity_key.ts";
import { identityNotice, loadIdentity, trustNotice } from "./join_notices.ts";
import { runInteractive } from "../client/interactive_session.ts";
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
import { runScripted } from "./scripted_join.ts";

/** Usage text of `parley join`. */
export const JOIN_USAGE = `Usage: parley join [ADDRESS] [options]

ADDRESS is host, host:port, tcp://host:port, tls://host:port or [::1]:port
(default 127.0.0.1:5003), or several separated by commas, the nodes of one
clustered chat (host1:5003,host2:5003): they are tried in turn, and after a
drop the client reconnects to the next one.

Options:
  -n, --nick NICK          nick to use (asked for on a terminal when missing)
      --password-file F    read the server password from file F
                           (or set PARLEY_PASSWORD; asked for on a terminal)
      --tls                connect with TLS (same as tls://)
      --ca FILE            trust this PEM CA certificate for TLS (beside the
                           system roots; turns trust on first use off)
      --identity FILE      your identity key (default identity.json in
                           ~/.config/parley; created on first use, mode 0600)
      --guest              join without an identity key
      --accept-new-fingerprint HOST:PORT
                           trust the server's new TLS certificate, replacing
                           the one recorded in known_servers
      --json               print received events as JSON Lines (scripts)
      --rate N             scripted: send at most N lines per second (only
                           lowers the pace the server announces)
      --bell               ring the terminal bell when you are mentioned
      --no-reconnect       exit when the connection drops, without reconnecting
  -h, --help               show this help

Identity: the client proves an Ed25519 key (your identity) to the server,
which knows you by its fingerprint (SHA256:...) whatever your nick.
TLS: a certificate that the system roots (or --ca) do not vouch for is
trusted on first use and recorded in known_servers beside the identity
file; if it later changes, join refuses (exit 3) until you accept it.

Voice and video messages show as [voice 8s from alice — /save 42];
/save ID [FILE] writes one to a file (default parley-KIND-ID.webm).

Interactive: type to chat, /help for commands, Up/Down for history, Tab to
complete nicks, commands and rooms, the readline keys (Ctrl-A/E/K/U/W,
Alt-B/F), paste several lines to send them as one message, :shortcode: for
emoji (/emoji to search), /ignore NICK to hide someone, Ctrl-D or /quit to
leave. A status line shows server, room, nick and connection; when the
connection drops the client reconnects by itself (backoff up to 30 s; Ctrl-D
gives up), takes its nick back and rejoins its rooms.
Scripted (stdin not a terminal): each stdin line is sent, in order, paced to
the server's announced limits (lines starting with / are commands; the next
line waits for a command's answer); events are printed one per line; a summary
goes to stderr. Exits 0 once stdin ends and every line was acknowledged, 8 if
the server refused some (the summary counts them by code), 6 if the connection
ended first.`;

/** Refusals a new nick can cure; the terminal asks for one. */
const NICK_REFUSALS = new Set<ErrorCode>(["nick_taken", "nick_registered", "nick_invalid"]);

/** Options parsed from the command line. */
interface JoinArgs {
  address: ServerAddress;
  addresses: ServerAddress[];
  nick: string | undefined;
  password: string | undefined;
  caCerts: string[] | undefined;
  identityPath: string | undefined;
  knownServersFile: string | undefined;
  acceptNewFingerprint: boolean;
  guest: boolean;
  json: boolean;
  rate: number | undefined;
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
      guest: { type: "boolean" },
      json: { type: "boolean" },
      rate: { type: "string" },
      bell: { type: "boolean" },
      "no-reconnect": { type: "boolean" },
      help: { type: "boolean", short: "h" },
    }, true);
    if (values.help) {
      writeAllSync(Deno.stdout, JOIN_USAGE + "\n");
      return EXIT_OK;
    }
    if (values.guest && values.identity !== undefined) {
      throw new TypeError("--guest and --identity exclude each other");
    }
    parsed = {
      ...resolveConnectArgs(values, positionals),
      guest: values.guest ?? false,
      nick: values.nick,
      json: values.json ?? false,
      rate: values.rate === undefined ? undefined : parseRate(values.rate),
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
  const notices = parsed.json ? Deno.stderr : Deno.stdout;
  let identity: IdentityKey | undefined;
  if (!parsed.guest) {
    const loaded = await loadIdentity(parsed.identityPath);
    if (typeof loaded === "string") {
      writeAllSync(Deno.stderr, `parley join: ${loaded}\n`);
      return EXIT_USAGE;
    }
    identity = loaded;
    if (identity.created) {
      writeAllSync(
        notices,
        `--- created your identity key ${identity.path} (${identity.fingerprint})\n`,
      );
    }
  }
  let password = parsed.password;
  let acceptNewFingerprint = parsed.acceptNewFingerprint;
  for (let attempt = 0; attempt < 3; attempt++) {
    let client: ParleyClient;
    let addressIndex: number;
    try {
      // A server that answers and refuses (password, nick) would be answered
      // the same by every node, so only unreachable or closed ones move on.
      ({ connection: client, index: addressIndex } = await connectAny(
        parsed.addresses,
        (address) =>
          connect({
            address,
            nick: nick!,
            password,
            caCerts: parsed.caCerts,
            knownServersFile: parsed.knownServersFile,
            acceptNewFingerprint,
            identity,
          }),
        { tryNext: (error) => error instanceof ConnectError && error.kind !== "refused" },
      ));
    } catch (error) {
      if (!(error instanceof ConnectError)) throw error;
      if (interactive && error.code === "auth_failed" && !isProofRefusal(error) && attempt < 2) {
        if (password !== undefined) writeAllSync(Deno.stderr, `${error.message}\n`);
        password = askSecret("Password: ");
        if (password === undefined) return EXIT_AUTH;
        continue;
      }
      if (
        interactive && error.code !== undefined && NICK_REFUSALS.has(error.code) && attempt < 2
      ) {
        writeAllSync(Deno.stderr, `${error.message}\n`);
        const next = askLine("Nick: ");
        if (next === undefined) return EXIT_NICK;
        nick = next;
        continue;
      }
      // A refusal can name a time (a ban's expiry), written in UTC: show it in local time.
      writeAllSync(
        Deno.stderr,
        `parley join: ${localizeTimes(describeRefusal(error, password))}\n`,
      );
      return exitCodeFor(error);
    }
    // Accepted once; a retry (password, nick) finds it recorded.
    acceptNewFingerprint = false;
    if (client.fingerprint && client.trust) {
      const line = trustNotice(
        formatAddress(parsed.addresses[addressIndex]),
        client.fingerprint,
        client.trust,
      );
      if (line !== undefined) writeAllSync(notices, line + "\n");
    }
    writeAllSync(notices, identityNotice(client, identity !== undefined) + "\n");
    return interactive
      ? await runInteractive(client, {
        address: parsed.addresses[addressIndex],
        addresses: parsed.addresses,
        addressIndex,
        password,
        caCerts: parsed.caCerts,
        knownServersFile: parsed.knownServersFile,
        identity,
        bell: parsed.bell,
        reconnect: parsed.reconnect,
        exitCodeFor,
      })
      : await runScripted(client, {
        json: parsed.json,
        rate: parsed.rate,
        input: Deno.stdin.readable,
        print: (line) => writeAllSync(Deno.stdout, line + "\n"),
        warn: (line) => writeAllSync(Deno.stderr, line + "\n"),
      });
  }
  return EXIT_REFUSED;
}

/**
 * Maps a connection failure to an exit code.
 *
 * @param error The failure.
 */
export function exitCodeFor(error: ConnectError): number {
  if (error.kind === "connect" || error.kind === "trust") return EXIT_CONNECT;
  if (error.kind === "closed") return EXIT_CLOSED;
  // `nick_registered`: the nick belongs to another identity key.
  switch (error.code) {
    case "nick_taken":
    case "nick_registered":
    case "nick_invalid":
      return EXIT_NICK;
    case "auth_failed":
    case "locked_out":
      return EXIT_AUTH;
    default:
      return EXIT_REFUSED;
  }
}

/**
 * The sentence for a refused connection; a password refusal says how to give one.
 *
 * @param error The failure.
 * @param password The password that was sent, if any.
 */
function describeRefusal(error: ConnectError, password: string | undefined): string {
  if (error.code !== "auth_failed") return error.message;
  if (isProofRefusal(error)) {
    return `${error.message}: the server may not know the name you dialled as its own ` +
      `(its operator can add it with --public-name), or join with --guest`;
  }
  return password === undefined
    ? `${error.message}: set PARLEY_PASSWORD or pass --password-file FILE`
    : `${error.message} (the password came from PARLEY_PASSWORD or --password-file)`;
}

/**
 * Whether an `auth_failed` refused the identity proof rather than the
 * password (the server words them apart; both count as failed secrets).
 */
function isProofRefusal(error: ConnectError): boolean {
  return error.code === "auth_failed" && /identity proof/i.test(error.message);
}

/** Parses `--rate N`: a positive number of lines per second. */
function parseRate(text: string): number {
  const rate = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text) || !(rate > 0)) {
    throw new TypeError(`--rate must be a positive number of lines per second, got "${text}"`);
  }
  return rate;
}
