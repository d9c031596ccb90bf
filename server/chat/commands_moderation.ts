/**
 * Moderation commands, shared by operators in chat (`/kick`, `/ban`, ...) and
 * the server console (`kick`, `ban`, ...). `/op PASSWORD` makes a user an
 * operator. Every act is logged to `chat.log`.
 *
 * @module
 */

import { sanitizeText } from "../../protocol/sanitize.ts";
import { ChatError } from "./chat_error.ts";
import type { ChatOperations } from "./chat_operations.ts";
import { type CommandSpec, splitArgs } from "./command_dispatch.ts";
import { MAX_SANCTION_MS, parseDuration } from "../../protocol/duration.ts";
import { type BanTarget, describeDuration, describeExpiry, parseBanTarget } from "./moderation.ts";
import type { Session } from "./session.ts";

/** A moderation verb. */
export type ModerationVerb = "kick" | "ban" | "unban" | "mute" | "unmute" | "bans";

/** Usage of each verb, without the leading slash. */
export const MODERATION_USAGE: Record<ModerationVerb, string> = {
  kick: "kick NICK [REASON]",
  ban: "ban NICK|nick:NICK|key:SHA256:...|ADDRESS [DURATION] [REASON]",
  unban: "unban nick:NICK|key:SHA256:...|ADDRESS",
  mute: "mute NICK [DURATION]",
  unmute: "unmute NICK",
  bans: "bans",
};

const DURATION = /^\d+(?:\.\d+)?(?:ms|s|m|h|d)$/;

/**
 * Splits `[DURATION] [REASON]`: a first word like `10m` is the duration.
 *
 * @param rest The text after the target.
 * @returns Duration in ms (`undefined`: permanent) and reason.
 */
function durationAndReason(rest: string | undefined): [number | undefined, string] {
  const [first, more] = splitArgs((rest ?? "").trim(), 2);
  if (first !== undefined && DURATION.test(first)) {
    const ms = parseDuration(first);
    if (ms <= 0) throw new ChatError("bad_arguments", "A duration must be longer than 0");
    if (ms > MAX_SANCTION_MS) {
      throw new ChatError(
        "bad_arguments",
        "A duration can be at most 3650d (ten years); leave it out for a permanent ban",
      );
    }
    return [ms, more ?? ""];
  }
  return [undefined, (rest ?? "").trim()];
}

/**
 * Runs one moderation act.
 *
 * @param chat The chat (the `Hub`, or a command's `chat`).
 * @param verb What to do.
 * @param args The arguments as typed (target first).
 * @param by Who acts: an operator's nick or `"server"` for the console.
 * @returns A sentence for the actor.
 * @throws {ChatError} `bad_arguments` for a missing target or bad duration;
 *   `no_such_nick` when kicking or muting someone who is not online.
 */
export function moderate(
  chat: ChatOperations,
  verb: ModerationVerb,
  args: string,
  by: string,
): string {
  const [target, rest] = splitArgs(args.trim(), 2);
  if (verb === "bans") {
    const bans = chat.moderation.bans();
    if (bans.length === 0) return "No bans";
    return `${bans.length} ban${bans.length === 1 ? "" : "s"}:\n` +
      bans.map((b) =>
        `  ${b.kind} ${b.value} ${describeExpiry(b.until, "permanent")} by ${b.by}${
          b.reason ? `: ${b.reason}` : ""
        }`
      ).join("\n");
  }
  if (!target) throw new ChatError("bad_arguments", `Usage: ${MODERATION_USAGE[verb]}`);
  const shown = sanitizeText(target);
  switch (verb) {
    case "kick": {
      if (!chat.kick(target, rest ?? "", by)) {
        // On another node of the cluster: that node disconnects them.
        if (!chat.cluster?.heldElsewhere(target)) {
          throw new ChatError("no_such_nick", `No user is called ${shown}`);
        }
        chat.cluster.kickElsewhere(target, rest ?? "", by);
      }
      return `Kicked ${shown}`;
    }
    case "ban": {
      let durationMs: number | undefined;
      let reason: string;
      try {
        [durationMs, reason] = durationAndReason(rest);
      } catch (error) {
        if (error instanceof TypeError) throw new ChatError("bad_arguments", error.message);
        throw error;
      }
      const targets = banTargets(chat, target);
      const bans = targets.map((t) => chat.moderation.ban(t, durationMs, reason, by));
      const why = `banned by ${by}${bans[0].reason ? `: ${bans[0].reason}` : ""}`;
      // An address is shared behind a NAT or tunnel: its ban does not throw out operators.
      const victims = [...chat.sessions()].filter((s) =>
        targets.some((t) =>
          chat.moderation.covers(t, s) && !(t.kind === "address" && chat.moderation.isOperator(s))
        )
      );
      for (const victim of victims) chat.kick(victim.nick, why, by);
      return `Banned ${bans.map((b) => `${b.kind} ${b.value}`).join(" and ")} ` +
        describeDuration(durationMs) +
        (victims.length ? `; disconnected ${victims.map((s) => s.nick).join(", ")}` : "");
    }
    case "unban": {
      const parsed = parseBanTarget(target);
      return chat.moderation.unban(parsed, by)
        ? `Unbanned ${parsed.kind} ${sanitizeText(parsed.value)}`
        : `No ban on ${parsed.kind} ${sanitizeText(parsed.value)}`;
    }
    case "mute": {
      const session = chat.find(target);
      if (!session && !chat.cluster?.heldElsewhere(target)) {
        throw new ChatError("no_such_nick", `No user is called ${shown}`);
      }
      let durationMs: number | undefined;
      try {
        [durationMs] = durationAndReason(rest);
      } catch (error) {
        if (error instanceof TypeError) throw new ChatError("bad_arguments", error.message);
        throw error;
      }
      if (!session) {
        // On another node of the cluster: that node applies it.
        chat.cluster!.muteElsewhere(target, durationMs, by);
        return `Muted ${shown} ${describeDuration(durationMs)}`;
      }
      chat.moderation.mute(session, durationMs, by);
      const text = `${session.nick} was muted by ${by} ${describeDuration(durationMs)}`;
      for (const room of session.rooms) {
        chat.broadcastTo(room, { type: "notice", ts: chat.now(), room: room.name, text });
      }
      return `Muted ${session.nick} ${describeDuration(durationMs)}`;
    }
    case "unmute": {
      const session = chat.find(target);
      if (!session && chat.cluster?.heldElsewhere(target)) {
        chat.cluster.unmuteElsewhere(target);
        return `Unmuted ${shown}`;
      }
      const was = chat.moderation.unmute(target, session, by);
      if (session && was) {
        // Announced where the mute was: in every room of the user.
        const text = `${session.nick} was unmuted by ${by}`;
        for (const room of session.rooms) {
          chat.broadcastTo(room, { type: "notice", ts: chat.now(), room: room.name, text });
        }
      }
      return was ? `Unmuted ${shown}` : `${shown} was not muted`;
    }
  }
}

/**
 * What `/ban TARGET` bans. An explicit `nick:`, `key:` or `addr:` prefix, a
 * fingerprint or an IP address means just that. A bare nick of a user online
 * bans what that user cannot shed: its identity when it proved a key; for a
 * guest, its nick and its address (guests have nothing else that survives a
 * reconnect). A bare nick of nobody online bans the nick.
 */
function banTargets(chat: ChatOperations, target: string): BanTarget[] {
  const parsed = parseBanTarget(target);
  if (parsed.kind !== "nick" || /^nick:/i.test(target)) return [parsed];
  const online: Session | undefined = chat.find(target);
  if (!online) return [parsed];
  if (online.identity !== undefined) return [{ kind: "identity", value: online.identity }];
  return [parsed, parseBanTarget(`addr:${online.remoteAddr}`)];
}

function operatorCommand(verb: ModerationVerb, help: string): CommandSpec {
  return {
    name: verb,
    usage: `/${MODERATION_USAGE[verb]}`,
    help,
    minArgs: verb === "bans" ? 0 : 1,
    maxArgs: 1,
    run({ chat, session, args, notice }) {
      chat.moderation.requireOperator(session);
      const reply = moderate(chat, verb, args[0] ?? "", session.nick);
      if (!session.gone) notice(reply);
      return undefined;
    },
  };
}

/** `/op` and the operator commands. */
export const MODERATION_COMMANDS: CommandSpec[] = [
  {
    name: "op",
    usage: "/op PASSWORD",
    help: "Become an operator with the server's PARLEY_ADMIN_PASSWORD.",
    minArgs: 1,
    maxArgs: 1,
    run({ chat, session, args, notice }) {
      chat.moderation.grantOperator(session, args[0]);
      notice("You are now an operator: /kick, /ban, /unban, /mute, /unmute, /bans, /mode, /invite");
      return undefined;
    },
  },
  operatorCommand("kick", "Operators: disconnect a user."),
  operatorCommand(
    "ban",
    "Operators: ban a user (its key, or a guest's nick and address), nick:NICK, key:SHA256:... or an address (e.g. 10m, 2h, 7d; permanent without); disconnects them.",
  ),
  operatorCommand("unban", "Operators: lift a ban."),
  operatorCommand("mute", "Operators: stop a user from speaking (for DURATION, or until unmuted)."),
  operatorCommand("unmute", "Operators: let a muted user speak again."),
  operatorCommand("bans", "Operators: list bans."),
];
