/**
 * The chat command table: one entry per slash command with its usage, help,
 * argument limits and handler (the core commands here, the rest in the
 * `commands_*.ts` modules). `command_dispatch.ts` runs it; `/help` is
 * generated from it.
 *
 * @module
 */

import { sanitizeText } from "../../protocol/sanitize.ts";
import { reasonText } from "../../protocol/field_limits.ts";
import { ChatError } from "./chat_error.ts";
import { type CommandSpec, helpMessage } from "./command_dispatch.ts";
import { HISTORY_COMMANDS } from "./commands_history.ts";
import { PRESENCE_COMMANDS } from "./commands_presence.ts";
import { FUN_COMMANDS } from "./commands_fun.ts";
import { MODERATION_COMMANDS } from "./commands_moderation.ts";
import { IDENTITY_COMMANDS } from "./commands_identity.ts";

/** The commands every Parley server accepts, in `/help` order. */
export const COMMANDS: CommandSpec[] = [
  {
    name: "help",
    usage: "/help",
    help: "List the commands.",
    minArgs: 0,
    maxArgs: 0,
    run({ reply, commands }) {
      reply(helpMessage(commands));
      return undefined;
    },
  },
  {
    name: "who",
    usage: "/who [#room]",
    help: "List who is in the room (default: the active room).",
    minArgs: 0,
    maxArgs: 1,
    run({ chat, session, args, room, reply }) {
      const found = args[0] ? chat.room(args[0]) : chat.roomOf(session, room);
      // An invite-only room does not exist for anyone outside it.
      const target = found && chat.access.visible(session, found) ? found : undefined;
      if (!target) {
        throw new ChatError("no_such_room", `No room is called ${sanitizeText(args[0])}`);
      }
      reply({ type: "who", room: target.name, users: chat.users(target) });
      return undefined;
    },
  },
  {
    name: "msg",
    usage: "/msg NICK TEXT",
    help: "Send a private message that only NICK sees.",
    minArgs: 2,
    maxArgs: 2,
    run({ chat, session, args }) {
      return chat.privateMessage(session, args[0], args[1]);
    },
  },
  {
    name: "me",
    usage: "/me TEXT",
    help: "Describe an action, shown as * nick TEXT.",
    minArgs: 1,
    maxArgs: 1,
    run({ chat, session, args, room }) {
      return chat.say(session, chat.roomOf(session, room), "action", args[0]);
    },
  },
  {
    name: "nick",
    usage: "/nick NEW",
    help: "Change your nick.",
    minArgs: 1,
    maxArgs: 1,
    run({ chat, session, args }) {
      chat.rename(session, args[0]);
      return undefined;
    },
  },
  {
    name: "join",
    usage: "/join #room",
    help: "Join a room (created on first join) and make it active.",
    minArgs: 1,
    maxArgs: 1,
    run({ chat, session, args, ref }) {
      chat.joinRoom(session, args[0].startsWith("#") ? args[0] : `#${args[0]}`, ref);
      return undefined;
    },
  },
  {
    name: "part",
    usage: "/part [#room] [reason]",
    help: "Leave a room (default: the active room).",
    minArgs: 0,
    maxArgs: 2,
    run({ chat, session, args, room }) {
      const named = args[0]?.startsWith("#") ? args.shift() : undefined;
      const target = chat.roomOf(session, named ?? room);
      const reason = reasonText(args.join(" "));
      chat.partRoom(session, target, reason ? `part: ${reason}` : "part");
      return undefined;
    },
  },
  {
    name: "rooms",
    usage: "/rooms",
    help: "List rooms with their member counts and topics (invite-only rooms only to members).",
    minArgs: 0,
    maxArgs: 0,
    run({ chat, session, reply }) {
      reply({
        type: "rooms",
        rooms: [...chat.rooms()]
          .filter((r) => chat.access.visible(session, r))
          .map((r) => ({ name: r.name, members: chat.memberCount(r), topic: r.topic }))
          // In a cluster, also the rooms whose members are all on other nodes.
          .concat(
            (chat.cluster?.remoteOnlyRooms() ?? []).filter((r) => !chat.access.isPrivate(r.name)),
          ),
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
    run({ chat, session, args, room, reply }) {
      const target = chat.roomOf(session, room);
      if (args.length === 0) {
        reply({
          type: "topic",
          ts: chat.now(),
          room: target.name,
          topic: target.topic,
          by: target.topicBy,
        });
        return undefined;
      }
      chat.setTopic(session, target, args[0]);
      return undefined;
    },
  },
  {
    name: "quit",
    usage: "/quit [reason]",
    help: "Leave the server.",
    minArgs: 0,
    maxArgs: 1,
    run({ session, args, ack }) {
      const reason = args[0] && reasonText(args[0]) ? `quit: ${reasonText(args[0])}` : "quit";
      ack();
      session.close(reason, "quit");
      return undefined;
    },
  },
  // History, presence, fun and moderation, each in its own module.
  ...HISTORY_COMMANDS,
  ...PRESENCE_COMMANDS,
  ...FUN_COMMANDS,
  ...MODERATION_COMMANDS,
  ...IDENTITY_COMMANDS,
];
