/**
 * Command dispatch: finds a `command` message's entry in the command table
 * (`commands.ts`), splits its arguments within the entry's limits, and runs the
 * handler with a {@linkcode CommandContext}: the sender, reply helpers, and
 * the chat operations handlers call, never the whole hub. `/help` is
 * generated from the same table by {@linkcode helpMessage}.
 *
 * This module imports no command module: the table is handed in, so command
 * modules can import {@linkcode splitArgs} and the types from here.
 *
 * @module
 */

import {
  type CommandMessage,
  encodeAck,
  encodeMessage,
  type HelpMessage,
  type RoomsMessage,
  type SearchHit,
  type SearchResultsMessage,
  type ServerNotice,
  type TopicNotice,
  type WhoMessage,
} from "../../protocol/messages.ts";
import { sanitizeText } from "../../protocol/sanitize.ts";
import { ChatError } from "./chat_error.ts";
import type { ChatOperations } from "./chat_operations.ts";
import type { Room } from "./room.ts";
import type { Session } from "./session.ts";

/** Stored history as command handlers use it (`/history`, `/search`). */
export interface CommandHistory {
  /** Messages replayed on join, and the default of `/history`. */
  readonly replayCount: number;
  /**
   * Sends up to `limit` stored messages of a room to one session, oldest first.
   *
   * @param session Recipient.
   * @param room The room.
   * @param limit Most messages.
   * @returns How many were sent.
   */
  replay(session: Session, room: Room<Session>, limit: number, options?: { ref?: number }): number;
  /**
   * Full-text search over stored messages, newest first: room messages of the
   * rooms in `rooms` only, private messages only when `party` is one of theirs.
   *
   * @param text What to find: every word must occur.
   * @param options Who searches (party), the rooms they may read, which room
   *   (all of `rooms` when absent), how many at most.
   * @returns The hits, as sent in a `search` message.
   * @throws {ChatError} `bad_arguments` when `text` has no word to search for.
   */
  search(
    text: string,
    options: { party: string; rooms: readonly string[]; room?: string; limit: number },
  ): SearchHit[];
}

/** The kinds a command sends its sender as replies; each carries the command's `ref`. */
export type ReplyMessage =
  | HelpMessage
  | WhoMessage
  | RoomsMessage
  | TopicNotice
  | SearchResultsMessage
  | ServerNotice;

/** What a command handler gets. */
export interface CommandContext {
  /** Who sent the command. */
  readonly session: Session;
  /** Arguments, split per the spec's `maxArgs` (the last keeps the rest of the line). */
  readonly args: string[];
  /** The sender's active room as named in the message, or `undefined` for `#lobby`. */
  readonly room: string | undefined;
  /** The message's `ref`. */
  readonly ref: number;
  /** The registry and chat operations. */
  readonly chat: ChatOperations;
  /** Stored history. */
  readonly history: CommandHistory;
  /** The command table, in `/help` order. */
  readonly commands: readonly CommandSpec[];
  /**
   * Sends a reply to the sender, carrying the command's `ref` (as its last field).
   *
   * @param message A reply kind that has a `ref` field.
   */
  reply(message: ReplyMessage): void;
  /**
   * Sends the sender a `notice` stamped now, carrying the command's `ref`.
   *
   * @param text The notice.
   * @param room The room it concerns, if any.
   */
  notice(text: string, room?: string): void;
  /** Acknowledges the command at once (for handlers that close the connection). */
  ack(): void;
}

/** One slash command. */
export interface CommandSpec {
  /** Name without the slash, lower case. */
  name: string;
  /** Usage line, e.g. `"/msg NICK TEXT"`. */
  usage: string;
  /** One sentence of help. */
  help: string;
  /** Fewest arguments accepted. */
  minArgs: number;
  /** Most arguments; the last one keeps the rest of the line. */
  maxArgs: number;
  /**
   * What the command counts as in flood control, in messages: more than 1
   * for an expensive one (`/search`), so a client cannot send it as often.
   * @default {1}
   */
  floodCost?: number;
  /**
   * Runs the command.
   *
   * @returns `[id, ts]` when it created a message (for the ack), else `undefined`.
   * @throws {ChatError} To refuse; the sender gets an `error` with the code.
   */
  run(context: CommandContext): [number, number] | undefined;
}

/**
 * Splits command arguments on whitespace into at most `max` parts; the last part
 * keeps the rest of the line (so `/msg bob hi there` gives `["bob", "hi there"]`).
 * Quotes have no meaning: they stay in the words as typed.
 *
 * @param args The argument string, trimmed.
 * @param max Most parts; `Infinity` splits every word.
 * @returns The parts; `[]` for an empty string.
 *
 * @example
 * ```ts
 * import { splitArgs } from "./command_dispatch.ts";
 * splitArgs("bob hi  there", 2); // ["bob", "hi  there"]
 * ```
 */
export function splitArgs(args: string, max: number): string[] {
  if (args === "") return [];
  const parts: string[] = [];
  let rest = args;
  while (parts.length < max - 1) {
    const match = /\s+/.exec(rest);
    if (!match) break;
    parts.push(rest.slice(0, match.index));
    rest = rest.slice(match.index + match[0].length);
  }
  parts.push(rest);
  return parts;
}

/**
 * The `help` message listing a command table, in table order.
 *
 * @param commands The table.
 * @returns One entry per command: name, usage and help.
 */
export function helpMessage(commands: readonly CommandSpec[]): HelpMessage {
  return {
    type: "help",
    commands: commands.map(({ name, usage, help }) => ({ name, usage, help })),
  };
}

/** What {@linkcode CommandDispatch} runs handlers against. */
export interface CommandServices {
  /** The registry and chat operations. */
  chat: ChatOperations;
  /** Stored history. */
  history: CommandHistory;
}

/**
 * Runs `command` messages against one command table.
 *
 * @example
 * ```ts
 * // const dispatch = new CommandDispatch(COMMANDS, { chat: hub, history });
 * // const stamp = dispatch.run(session, message); // ack with it
 * ```
 */
export class CommandDispatch {
  readonly #table: readonly CommandSpec[];
  readonly #byName = new Map<string, CommandSpec>();
  readonly #services: CommandServices;

  /**
   * @param table The commands, in `/help` order; names are lower case.
   * @param services What handlers run against.
   */
  constructor(table: readonly CommandSpec[], services: CommandServices) {
    this.#table = table;
    for (const spec of table) this.#byName.set(spec.name, spec);
    this.#services = services;
  }

  /** The command table, in `/help` order. */
  get commands(): readonly CommandSpec[] {
    return this.#table;
  }

  /**
   * What a command counts as in flood control (its `floodCost`).
   *
   * @param name The command name as sent (any case).
   * @returns Messages; 1 for an unknown command.
   */
  floodCost(name: string): number {
    return this.#byName.get(name.toLowerCase())?.floodCost ?? 1;
  }

  /**
   * Looks up and runs one command. The caller acknowledges it afterwards
   * (unless the sender is gone) and turns a thrown `ChatError` into an `error`.
   *
   * @param session The sender.
   * @param message The command as received.
   * @returns `[id, ts]` when the command created a message, else `undefined`.
   * @throws {ChatError} `unknown_command`, `bad_arguments` below `minArgs`
   *   (with the usage line), or whatever the handler refuses with.
   */
  run(session: Session, message: CommandMessage): [number, number] | undefined {
    const spec = this.#byName.get(message.name.toLowerCase());
    if (!spec) {
      throw new ChatError(
        "unknown_command",
        `Unknown command /${sanitizeText(message.name)}; try /help`,
      );
    }
    const args = splitArgs(message.args.trim(), spec.maxArgs);
    if (args.length < spec.minArgs) {
      throw new ChatError("bad_arguments", `Usage: ${spec.usage}`);
    }
    const { chat, history } = this.#services;
    const ref = message.ref;
    return spec.run({
      session,
      args,
      room: message.room,
      ref,
      chat,
      history,
      commands: this.#table,
      reply: (reply) => session.send(encodeMessage({ ...reply, ref })),
      notice: (text, room) =>
        session.send(encodeMessage(
          room === undefined
            ? { type: "notice", ts: chat.now(), text, ref }
            : { type: "notice", ts: chat.now(), room, text, ref },
        )),
      ack: () => session.send(encodeAck(ref, 0, chat.now())),
    });
  }
}
