/**
 * Commands the client answers itself, without the server: `/ignore`,
 * `/unignore`, `/emoji`. Like the server's, they are a table (name, usage,
 * help, handler), and they are listed in `/help` beside the server's. Also
 * here: turning `:shortcode:` into emoji in what the user sends. Pure apart
 * from the emoji data.
 *
 * @module
 */

import type { CommandInfo, HelpMessage } from "../protocol/messages.ts";
import { validateNick } from "../protocol/names.ts";
import { emojify, searchEmoji } from "./core/emoji.ts";
import type { IgnoreList } from "./ignore_list.ts";

/** What a local command can see and change. */
export interface LocalContext {
  /** The ignore list. */
  ignores: IgnoreList;
}

/** One client-side command. */
export interface LocalCommand extends CommandInfo {
  /**
   * Runs the command.
   *
   * @param args The rest of the line, trimmed.
   * @param ctx What it may use.
   * @returns Text to show the user (may span lines).
   */
  run(args: string, ctx: LocalContext): string;
}

/** The client-side commands, in `/help` order. */
export const LOCAL_COMMANDS: LocalCommand[] = [
  {
    name: "ignore",
    usage: "/ignore [NICK]",
    help: "Hide messages from NICK on this client; alone, list who is ignored.",
    run(args, { ignores }) {
      if (args === "") {
        const list = ignores.list();
        return list.length === 0
          ? "--- you are ignoring nobody; /ignore NICK hides a nick's messages"
          : `--- ignoring: ${list.join(", ")}`;
      }
      const nick = args.split(/\s+/)[0];
      const invalid = validateNick(nick);
      if (invalid) return `!!! Cannot ignore "${nick}": ${invalid}`;
      return ignores.add(nick)
        ? `--- ignoring ${nick}: their messages are hidden (/unignore ${nick} to undo)`
        : `--- already ignoring ${nick}`;
    },
  },
  {
    name: "unignore",
    usage: "/unignore NICK",
    help: "Show messages from NICK again.",
    run(args, { ignores }) {
      const nick = args.split(/\s+/)[0];
      if (nick === "") return "!!! Usage: /unignore NICK";
      return ignores.remove(nick)
        ? `--- no longer ignoring ${nick}`
        : `--- you were not ignoring ${nick}`;
    },
  },
  {
    name: "emoji",
    usage: "/emoji [SEARCH]",
    help: "List emoji shortcodes matching SEARCH; type :name: in a message to send one.",
    run(args) {
      const matches = searchEmoji(args, 60);
      if (matches.length === 0) return `--- no emoji match "${args}"`;
      const cells = matches.map((m) => `${m.emoji} :${m.name}:`);
      const rows: string[] = [];
      for (let i = 0; i < cells.length; i += 4) {
        rows.push("    " + cells.slice(i, i + 4).join("  "));
      }
      return `--- emoji${args ? ` matching "${args}"` : ""}:\n${rows.join("\n")}`;
    },
  },
];

const BY_NAME = new Map(LOCAL_COMMANDS.map((c) => [c.name, c]));

/**
 * Runs `line` if it is a local command.
 *
 * @param line A typed line.
 * @param ctx What local commands may use.
 * @returns The text to show, or `undefined` if the line is not a local command
 *   (it then goes to the server).
 *
 * @example
 * ```ts
 * import { IgnoreList } from "./ignore_list.ts";
 * import { runLocalCommand } from "./local_commands.ts";
 * runLocalCommand("/ignore bob", { ignores: new IgnoreList() }); // "--- ignoring bob: ..."
 * runLocalCommand("hello", { ignores: new IgnoreList() }); // undefined
 * ```
 */
export function runLocalCommand(line: string, ctx: LocalContext): string | undefined {
  const match = /^\/(\S+)\s*([\s\S]*)$/.exec(line);
  if (!match) return undefined;
  const command = BY_NAME.get(match[1].toLowerCase());
  return command?.run(match[2].trim(), ctx);
}

/** Commands whose arguments are text for people, where `:shortcode:` becomes emoji. */
const TEXT_COMMANDS = new Set(["me", "msg", "topic", "away", "cowsay", "cowthink", "say"]);

/**
 * Turns `:shortcode:` into emoji in a line about to be sent: in plain chat
 * lines and in the text of commands such as `/me` and `/msg`, not in other
 * commands (whose arguments are nicks, rooms or search terms).
 *
 * @param line A typed line.
 * @returns The line to send.
 *
 * @example
 * ```ts
 * import { prepareLine } from "./local_commands.ts";
 * prepareLine("coffee? :coffee:"); // "coffee? ☕"
 * prepareLine("/search :coffee:"); // "/search :coffee:"
 * ```
 */
export function prepareLine(line: string): string {
  if (!line.startsWith("/") || line.startsWith("//")) return emojify(line);
  const name = /^\/(\S+)/.exec(line)?.[1].toLowerCase() ?? "";
  return TEXT_COMMANDS.has(name) ? emojify(line) : line;
}

/**
 * Adds the local commands to the server's `help` list, so `/help` shows both.
 *
 * @param help The server's help message.
 * @returns A copy with the local commands appended.
 */
export function withLocalHelp(help: HelpMessage): HelpMessage {
  return {
    type: "help",
    commands: [
      ...help.commands,
      ...LOCAL_COMMANDS.map(({ name, usage, help }) => ({ name, usage, help })),
      SAVE_HELP,
    ],
  };
}

/** `/save` is handled by `ChatState` (it asks the server for the bytes); listed here for `/help`. */
const SAVE_HELP: CommandInfo = {
  name: "save",
  usage: "/save ID [FILE]",
  help:
    "Save a voice or video message to a file (default: parley-voice-ID.webm or parley-video-ID.webm).",
};
