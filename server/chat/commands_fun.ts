/**
 * Fun commands from the old relays, done in-process (no program is ever run):
 * `/cowsay`, `/cowthink`, `/shrug` and `/roll`.
 *
 * @module
 */

import { randomInt } from "node:crypto";
import cowsay from "npm:cowsay@1.6.0";
import { sanitizeText } from "../../protocol/sanitize.ts";
import { ChatError } from "./chat_error.ts";
import type { CommandSpec } from "./command_dispatch.ts";

/** Longest text a cow will say, in characters. */
export const MAX_COW_TEXT = 500;

/** Most dice in one `/roll`. */
export const MAX_DICE = 100;

/** Most sides of a die. */
export const MAX_SIDES = 1000;

/** The shrug appended by `/shrug`. */
export const SHRUG = "¯\\_(ツ)_/¯";

/**
 * Draws the cow saying (or thinking) `text`. Pure: the `cowsay` package
 * draws in-process from its bundled default cow; nothing is executed.
 *
 * @param text What the cow says; sanitized, at most {@linkcode MAX_COW_TEXT} characters.
 * @param think Thought bubble instead of speech.
 * @returns The drawing, lines joined with `\n`.
 * @throws {ChatError} `bad_arguments` for empty or over-long text.
 *
 * @example
 * ```ts
 * import { drawCow } from "./commands_fun.ts";
 * drawCow("moo"); // " _____\n< moo >\n -----\n        \\   ^__^ ..."
 * ```
 */
export function drawCow(text: string, think = false): string {
  const clean = sanitizeText(text, true).trim();
  if (!clean) throw new ChatError("bad_arguments", "The cow needs something to say");
  if (clean.length > MAX_COW_TEXT) {
    throw new ChatError("bad_arguments", `The cow says at most ${MAX_COW_TEXT} characters`);
  }
  return (think ? cowsay.think : cowsay.say)({ text: clean });
}

/** A parsed `NdM` dice spec. */
export interface Dice {
  /** Number of dice, 1–{@linkcode MAX_DICE}. */
  count: number;
  /** Sides per die, 2–{@linkcode MAX_SIDES}. */
  sides: number;
}

/**
 * Parses `NdM` (`2d6`), `dM` (`d20`) or nothing (`1d6`).
 *
 * @param spec What the user typed.
 * @throws {ChatError} `bad_arguments` naming the limits.
 */
export function parseDice(spec: string): Dice {
  const text = spec.trim().toLowerCase();
  if (text === "") return { count: 1, sides: 6 };
  const match = /^(\d{0,4})d(\d{1,5})$/.exec(text);
  const count = match ? (match[1] === "" ? 1 : Number(match[1])) : NaN;
  const sides = match ? Number(match[2]) : NaN;
  if (!(count >= 1 && count <= MAX_DICE && sides >= 2 && sides <= MAX_SIDES)) {
    throw new ChatError(
      "bad_arguments",
      `Roll NdM dice with N from 1 to ${MAX_DICE} and M from 2 to ${MAX_SIDES}, e.g. /roll 2d6`,
    );
  }
  return { count, sides };
}

/**
 * Rolls dice with `crypto.randomInt` (uniform, unpredictable).
 *
 * @param dice What to roll.
 * @returns One value per die, each 1–`sides`.
 */
export function rollDice(dice: Dice): number[] {
  return Array.from({ length: dice.count }, () => randomInt(1, dice.sides + 1));
}

/** `/cowsay`, `/cowthink`, `/shrug`, `/roll`. */
export const FUN_COMMANDS: CommandSpec[] = [
  {
    name: "cowsay",
    usage: "/cowsay TEXT",
    help: "A cow says TEXT to the room.",
    minArgs: 1,
    maxArgs: 1,
    run({ chat, session, args, room }) {
      return chat.say(session, chat.roomOf(session, room), "msg", drawCow(args[0]), true);
    },
  },
  {
    name: "cowthink",
    usage: "/cowthink TEXT",
    help: "A cow thinks TEXT at the room.",
    minArgs: 1,
    maxArgs: 1,
    run({ chat, session, args, room }) {
      return chat.say(session, chat.roomOf(session, room), "msg", drawCow(args[0], true), true);
    },
  },
  {
    name: "shrug",
    usage: "/shrug [TEXT]",
    help: `Say TEXT followed by ${SHRUG}.`,
    minArgs: 0,
    maxArgs: 1,
    run({ chat, session, args, room }) {
      const text = args[0] ? `${args[0]} ${SHRUG}` : SHRUG;
      return chat.say(session, chat.roomOf(session, room), "msg", text, true);
    },
  },
  {
    name: "roll",
    usage: "/roll [NdM]",
    help: `Roll N dice with M sides (default 1d6); the room sees the result.`,
    minArgs: 0,
    maxArgs: 1,
    run({ chat, session, args, room }) {
      const target = chat.roomOf(session, room);
      chat.moderation.checkCanSpeak(session);
      const dice = parseDice(args[0] ?? "");
      const values = rollDice(dice);
      const total = values.reduce((a, b) => a + b, 0);
      const shown = values.length === 1 ? `${total}` : `${values.join(" + ")} = ${total}`;
      chat.broadcastTo(target, {
        type: "notice",
        ts: chat.now(),
        room: target.name,
        text: `${sanitizeText(session.nick)} rolled ${dice.count}d${dice.sides}: ${shown}`,
      });
      return undefined;
    },
  },
];
