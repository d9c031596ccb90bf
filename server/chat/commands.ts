/**
 * The chat command table: one entry per slash command with its usage, help,
 * argument limits and handler. `/help` is generated from this table.
 *
 * @module
 */

import { sanitizeText } from "../../protocol/sanitize.ts";
import { ChatError } from "./chat_error.ts";
import type { Hub } from "./hub.ts";
import type { Session } from "./session.ts";
import { HISTORY_COMMANDS } from "./commands_history.ts";
import { PRESENCE_COMMANDS } from "./commands_presence.ts";
import { FUN_COMMANDS } from "./commands_fun.ts";
import { MODERATION_COMMANDS } from "./commands_moderation.ts";

/** What a command handler gets. */
export interface CommandContext {
  /** The chat. */
  hub: Hub;
  /** Who sent the command. */
  session: Session;
  /** Arguments, split per the spec's `maxArgs` (the last keeps the rest of the line). */
  args: string[];
  /** The sender's active room as named in the message, or `undefined` for `#lobby`. */
  room: string | undefined;
  /** The message's `ref`, for handlers that acknowledge before closing. */
  ref: number;
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
   * Runs the command.
   *
   * @returns `[id, ts]` when it created a message (for the ack), else `undefined`.
   * @throws {ChatError} To refuse; the sender gets an `error` with the code.
   */
  run(context: CommandContext): [number, number] | undefined;
}

/** The commands every Parley server accepts, in `/help` order. */
export const COMMANDS: CommandSpec[] = [
  {
    name: "help",
    usage: "/help",
    help: "List the commands.",
    minArgs: 0,
    maxArgs: 0,
    run({ hub, session }) {
      hub.sendTo(session, {
        type: "help",
        commands: hub.commands().map(({ name, usage, help }) => ({ name, usage, help })),
      });
      return undefined;
    },
  },
  {
    name: "who",
    usage: "/who [#room]",
    help: "List who is in the room (default: the active room).",
    minArgs: 0,
    maxArgs: 1,
    run({ hub, session, args, room }) {
      const target = args[0] ? hub.room(args[0]) : hub.roomOf(session, room);
      if (!target) {
        throw new ChatError("no_such_room", `No room is called ${sanitizeText(args[0])}`);
      }
      hub.sendTo(session, { type: "who", room: target.name, users: hub.users(target) });
      return undefined;
    },
  },
  {
    name: "msg",
    usage: "/msg NICK TEXT",
    help: "Send a private message that only NICK sees.",
    minArgs: 2,
    maxArgs: 2,
    run({ hub, session, args }) {
      return hub.privateMessage(session, args[0], args[1]);
    },
  },
  {
    name: "me",
    usage: "/me TEXT",
    help: "Describe an action, shown as * nick TEXT.",
    minArgs: 1,
    maxArgs: 1,
    run({ hub, session, args, room }) {
      return hub.say(session, hub.roomOf(session, room), "action", args[0]);
    },
  },
  {
    name: "nick",
    usage: "/nick NEW",
    help: "Change your nick.",
    minArgs: 1,
    maxArgs: 1,
    run({ hub, session, args }) {
      hub.rename(session, args[0]);
      return undefined;
    },
  },
  {
    name: "join",
    usage: "/join #room",
    help: "Join a room (created on first join) and make it active.",
    minArgs: 1,
    maxArgs: 1,
    run({ hub, session, args }) {
      hub.joinRoom(session, args[0].startsWith("#") ? args[0] : `#${args[0]}`);
      return undefined;
    },
  },
  {
    name: "part",
    usage: "/part [#room] [reason]",
    help: "Leave a room (default: the active room).",
    minArgs: 0,
    maxArgs: 2,
    run({ hub, session, args, room }) {
      const named = args[0]?.startsWith("#") ? args.shift() : undefined;
      const target = hub.roomOf(session, named ?? room);
      hub.partRoom(session, target, args.length ? `part: ${args.join(" ")}` : "part");
      return undefined;
    },
  },
  {
    name: "rooms",
    usage: "/rooms",
    help: "List rooms with their member counts and topics.",
    minArgs: 0,
    maxArgs: 0,
    run({ hub, session }) {
      hub.sendTo(session, {
        type: "rooms",
        rooms: [...hub.rooms()].map((r) => ({ name: r.name, members: r.size, topic: r.topic })),
      });
      return undefined;
    },
  },
  {
    name: "topic",
    usage: "/topic [TEXT]",
    help: "Show or set the active room's topic.",
    minArgs: 0,
    maxArgs: 1,
    run({ hub, session, args, room }) {
      const target = hub.roomOf(session, room);
      if (args.length === 0) {
        hub.sendTo(session, {
          type: "topic",
          ts: hub.now(),
          room: target.name,
          topic: target.topic,
          by: target.topicBy,
        });
        return undefined;
      }
      hub.setTopic(session, target, args[0]);
      return undefined;
    },
  },
  {
    name: "quit",
    usage: "/quit [reason]",
    help: "Leave the server.",
    minArgs: 0,
    maxArgs: 1,
    run({ hub, session, args, ref }) {
      const reason = args[0] ? `quit: ${sanitizeText(args[0]).slice(0, 200)}` : "quit";
      hub.sendAck(session, ref, 0, hub.now());
      session.close(reason);
      return undefined;
    },
  },
  // Issue 3: history, presence, fun and moderation.
  ...HISTORY_COMMANDS,
  ...PRESENCE_COMMANDS,
  ...FUN_COMMANDS,
  ...MODERATION_COMMANDS,
];
