/**
 * Identity and private-room commands: `/register` and `/unregister` (nicks
 * owned by keys), `/whoami`, `/mode +i|-i` (invite-only rooms) and `/invite`.
 *
 * @module
 */

import { sanitizeText } from "../../protocol/sanitize.ts";
import { ChatError } from "./chat_error.ts";
import type { CommandSpec } from "./command_dispatch.ts";

/** `/register`, `/unregister`, `/whoami`, `/mode`, `/invite`. */
export const IDENTITY_COMMANDS: CommandSpec[] = [
  {
    name: "register",
    usage: "/register",
    help: "Register the nick you hold to your identity key: nobody else may use it.",
    minArgs: 0,
    maxArgs: 0,
    run({ chat, session, notice }) {
      notice(chat.nicks.register(session));
      return undefined;
    },
  },
  {
    name: "unregister",
    usage: "/unregister [NICK]",
    help: "Give up a nick registered to your key (default: the one you hold).",
    minArgs: 0,
    maxArgs: 1,
    run({ chat, session, args, notice }) {
      notice(chat.nicks.unregister(session, args[0]));
      return undefined;
    },
  },
  {
    name: "whoami",
    usage: "/whoami",
    help: "Show your nick and identity (key fingerprint, or guest).",
    minArgs: 0,
    maxArgs: 0,
    run({ chat, session, notice }) {
      const registered = chat.nicks.find(session.nick)?.identity === session.identity &&
        session.identity !== undefined;
      notice(
        session.identity === undefined
          ? `You are ${session.nick}, a guest (no identity key)`
          : `You are ${session.nick}, identity ${session.identity}` +
            (registered ? "; this nick is registered to you" : ""),
      );
      return undefined;
    },
  },
  {
    name: "mode",
    usage: "/mode +i|-i [#room]",
    help: "Room owner or operators: +i makes the room invite-only and unlisted, -i public again.",
    minArgs: 1,
    maxArgs: 2,
    run({ chat, session, args, room, notice }) {
      const [mode, named] = args;
      if (mode !== "+i" && mode !== "-i") {
        throw new ChatError("bad_arguments", "Usage: /mode +i|-i [#room]");
      }
      const target = chat.roomOf(session, named ?? room);
      if (!chat.access.isOwner(session, target) && !chat.moderation.isOperator(session)) {
        throw new ChatError(
          "forbidden",
          `Only the owner of ${target.name} or an operator can do that`,
        );
      }
      const inviteOnly = mode === "+i";
      if (chat.access.isPrivate(target.name) === inviteOnly) {
        notice(`${target.name} is already ${inviteOnly ? "invite-only" : "public"}`, target.name);
        return undefined;
      }
      chat.access.setInviteOnly(target, inviteOnly, session);
      chat.broadcastTo(target, {
        type: "notice",
        ts: chat.now(),
        room: target.name,
        text: inviteOnly
          ? `${session.nick} made ${target.name} invite-only; it is no longer listed`
          : `${session.nick} made ${target.name} public: anyone may join it and read its history`,
      });
      return undefined;
    },
  },
  {
    name: "invite",
    usage: "/invite NICK [#room]",
    help: "Invite a user to the room (to its key, or a guest's session) and tell them.",
    minArgs: 1,
    maxArgs: 2,
    run({ chat, session, args, room, notice }) {
      const [nick, named] = args;
      const target = chat.roomOf(session, named ?? room);
      const invitee = chat.find(nick);
      if (!invitee && chat.cluster?.heldElsewhere(nick)) {
        // Connected to another node of the cluster: that node invites them.
        chat.cluster.inviteElsewhere(nick, target.name, session.nick);
        notice(`Invited ${sanitizeText(nick)} to ${target.name}`, target.name);
        return undefined;
      }
      if (!invitee) throw new ChatError("no_such_nick", `No user is called ${sanitizeText(nick)}`);
      if (target.has(invitee)) {
        notice(`${invitee.nick} is already in ${target.name}`, target.name);
        return undefined;
      }
      chat.access.invite(target.name, invitee);
      chat.sendTo(invitee, {
        type: "notice",
        ts: chat.now(),
        text: `${session.nick} invites you to ${target.name}; type /join ${target.name}`,
      });
      notice(`Invited ${invitee.nick} to ${target.name}`, target.name);
      return undefined;
    },
  },
];
