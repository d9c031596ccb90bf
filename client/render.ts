/**
 * Turns server messages into lines of text for the terminal. Pure: no I/O, so
 * it is tested without a terminal. All text from other users is sanitized here
 * too, whatever the server did.
 *
 * @module
 */

import pc from "npm:picocolors@1.1.1";
import type { ServerMessage } from "../protocol/messages.ts";
import { nameKey } from "../protocol/names.ts";
import { sanitizeText } from "../protocol/sanitize.ts";
import { mentions } from "./core/mentions.ts";
import { nickColorIndex, nickRgb, xterm256 } from "./core/nick_color.ts";
import { localizeTimes } from "./core/local_times.ts";
import { shutdownText } from "./core/shutdown_text.ts";
import { textWidth, wrapText } from "./wrap_text.ts";

/** The colour functions used; `picocolors.createColors(enabled)`. */
export type Colors = ReturnType<typeof pc.createColors>;

/** Colours on or off. */
export function makeColors(enabled: boolean): Colors {
  return pc.createColors(enabled);
}

/**
 * Whether stdout wants colour: a terminal, and `NO_COLOR` unset (picocolors'
 * own detection, which also honours `FORCE_COLOR`).
 */
export function colorSupported(): boolean {
  return pc.isColorSupported;
}

/**
 * Colours a terminal shows: 4 (the basic colours), 8 (256 colours) or 24 (true colour).
 */
export type ColorDepth = 4 | 8 | 24;

/**
 * How many colours the terminal shows, from the environment:
 * `COLORTERM=truecolor|24bit` gives true colour, a `TERM` with `256color`
 * 256 colours, anything else the basic colours. Whether to colour at all is
 * `colorSupported()` (which honours `NO_COLOR`).
 *
 * @param env Environment lookup.
 * @returns The colour depth.
 *
 * @example
 * ```ts
 * import { terminalColorDepth } from "./render.ts";
 * terminalColorDepth((name) => ({ TERM: "xterm-256color" })[name]); // 8
 * ```
 */
export function terminalColorDepth(
  env: (name: string) => string | undefined = (name) => Deno.env.get(name),
): ColorDepth {
  if (/^(truecolor|24bit)$/i.test(env("COLORTERM") ?? "")) return 24;
  if (/256col/i.test(env("TERM") ?? "")) return 8;
  return 4;
}

/** What rendering depends on besides the message. */
export interface RenderContext {
  /** Colour functions (all identity when colour is off). */
  colors: Colors;
  /** The user's own nick, to mark mentions and own private messages. */
  me: string;
  /** The room shown without a prefix; messages from other rooms get `#room`. */
  activeRoom: string;
  /**
   * Formats a timestamp (ms since the epoch) as `HH:MM`.
   * @default {local time}
   */
  clock?: (ts: number) => string;
  /**
   * Colours for nicks when colour is on: the six basic colours, or one of
   * many hues with 256 colours or true colour (see `terminalColorDepth`).
   * @default {4}
   */
  colorDepth?: ColorDepth;
  /**
   * Terminal width in columns: long lines wrap at spaces, continuation lines
   * indented under the message text. No wrapping when absent.
   */
  columns?: number;
}

const NICK_COLORS = ["red", "green", "yellow", "blue", "magenta", "cyan"] as const;

/**
 * `[HH:MM]` in local time.
 *
 * @param ts Milliseconds since the epoch.
 */
export function localClock(ts: number): string {
  const d = new Date(ts);
  return `${String(d.getHours()).padStart(2, "0")}:${String(d.getMinutes()).padStart(2, "0")}`;
}

/**
 * Renders one server message for display.
 *
 * @param message A server message.
 * @param ctx Rendering context.
 * @returns The text (may span lines; continuation lines are indented), or
 *   `null` for messages that show nothing (ack, ping, pong, media_data, bye).
 *
 * @example
 * ```ts
 * import { makeColors, renderMessage } from "./render.ts";
 * renderMessage(
 *   { type: "msg", id: 1, ts: 0, room: "#lobby", from: "bob", text: "hi" },
 *   { colors: makeColors(false), me: "alice", activeRoom: "#lobby", clock: () => "12:00" },
 * ); // "[12:00] <bob> hi"
 * ```
 */
export function renderMessage(message: ServerMessage, ctx: RenderContext): string | null {
  const line = renderLine(message, ctx);
  if (line === null) return null;
  const wrapped = ctx.columns === undefined
    ? line
    : wrapText(line, ctx.columns - 1, indentOf(line));
  // Replayed history is dimmed so it reads apart from live chat.
  return "history" in message && message.history ? ctx.colors.dim(wrapped) : wrapped;
}

/**
 * Where the text of a rendered line starts, for the hanging indent: the
 * indent of its continuation lines when it has some, otherwise after the
 * `[HH:MM] <nick> ` (or `-!- `, `---`) prefix.
 */
function indentOf(line: string): number {
  const plain = line.replace(ANSI, "");
  const next = /\n( +)/.exec(plain);
  if (next) return next[1].length;
  const prefix =
    /^(\[\d\d:\d\d\] )?(#\S+ )?(<[^>]*> |\* \S+ |-> \*[^*]*\* |\*[^*]*\* |-!- |--- |--> |<-- |!!! )?/
      .exec(plain);
  return Math.min(textWidth(prefix?.[0] ?? ""), 40);
}

// deno-lint-ignore no-control-regex -- colour codes are escape sequences
const ANSI = /\x1b\[[0-9;]*m/g;

function renderLine(message: ServerMessage, ctx: RenderContext): string | null {
  const c = ctx.colors;
  const clock = ctx.clock ?? localClock;
  const time = (ts: number) => c.dim(`[${clock(ts)}]`);
  const depth = ctx.colorDepth ?? 4;
  const nick = (n: string) => {
    const clean = sanitizeText(n);
    if (!c.isColorSupported || depth === 4) return c[NICK_COLORS[nickColorIndex(clean)]](clean);
    const rgb = nickRgb(clean);
    const code = depth === 24 ? `38;2;${rgb.join(";")}` : `38;5;${xterm256(rgb)}`;
    return `\x1b[${code}m${clean}\x1b[39m`;
  };
  const where = (room: string) =>
    nameKey(room) === nameKey(ctx.activeRoom) ? "" : `${c.bold(sanitizeText(room))} `;
  const body = (text: string, indent: number) => indentLines(sanitizeText(text, true), indent);
  const info = (text: string) => c.dim("---") + " " + text;
  switch (message.type) {
    case "msg": {
      const prefix = `[${clock(message.ts)}] ${where(message.room)}<${
        sanitizeText(message.from)
      }> `;
      let text = body(message.text, prefix.length);
      if (mentions(message.text, ctx.me) && message.from !== ctx.me) text = c.bold(c.yellow(text));
      return `${time(message.ts)} ${where(message.room)}<${nick(message.from)}> ${text}`;
    }
    case "action": {
      const prefix = `[${clock(message.ts)}] ${where(message.room)}* ${
        sanitizeText(message.from)
      } `;
      let text = body(message.text, prefix.length);
      if (mentions(message.text, ctx.me) && message.from !== ctx.me) text = c.bold(c.yellow(text));
      return `${time(message.ts)} ${where(message.room)}* ${nick(message.from)} ${text}`;
    }
    case "privmsg": {
      const own = nameKey(message.from) === nameKey(ctx.me);
      const tag = own ? `-> *${sanitizeText(message.to)}*` : `*${sanitizeText(message.from)}*`;
      const prefix = `[${clock(message.ts)}] ${tag} `;
      return `${time(message.ts)} ${c.magenta(tag)} ${body(message.text, prefix.length)}`;
    }
    case "join":
      return `${time(message.ts)} ${c.green("-->")} ${nick(message.nick)} joined ${
        sanitizeText(message.room)
      }`;
    case "leave":
      return `${time(message.ts)} ${c.red("<--")} ${nick(message.nick)} left ${
        sanitizeText(message.room)
      } (${sanitizeText(message.reason)})`;
    case "nick":
      return `${time(message.ts)} ${
        info(`${nick(message.old)} is now known as ${nick(message.nick)}`)
      }`;
    case "who":
      return info(
        `${sanitizeText(message.room)} (${message.users.length}): ` +
          message.users.map((u) =>
            u.away === undefined
              ? nick(u.nick)
              : awayWithoutText(u.away)
              ? `${nick(u.nick)} ${c.dim("(away)")}`
              : `${nick(u.nick)} ${c.dim(`(away: ${sanitizeText(u.away)})`)}`
          ).join(", "),
      );
    case "rooms":
      return info(
        `rooms: ` +
          message.rooms.map((r) =>
            `${sanitizeText(r.name)} (${r.members})${
              r.topic ? ` ${c.dim(sanitizeText(r.topic))}` : ""
            }`
          ).join(", "),
      );
    case "topic":
      return `${time(message.ts)} ${
        info(
          message.topic
            ? `topic of ${sanitizeText(message.room)}: ${sanitizeText(message.topic)} (set by ${
              sanitizeText(message.by)
            })`
            : `${sanitizeText(message.room)} has no topic`,
        )
      }`;
    case "notice":
      return `${time(message.ts)} ${c.cyan("-!-")} ${body(localizeTimes(message.text), 12)}`;
    case "shutdown":
      return `${time(message.ts)} ${c.red("-!-")} ${shutdownText(sanitizeText(message.reason))}`;
    case "error":
      return `${c.red("!!!")} ${sanitizeText(localizeTimes(message.message))} ${
        c.dim(`(${sanitizeText(message.code)})`)
      }`;
    case "help":
      return info("commands:\n") +
        message.commands.map((cmd) =>
          `    ${sanitizeText(cmd.usage).padEnd(24)} ${sanitizeText(cmd.help)}`
        ).join("\n");
    case "welcome":
      return info(
        `connected to ${sanitizeText(message.server)} (${sanitizeText(message.software)}) as ${
          nick(message.nick)
        }; ` +
          `${sanitizeText(message.room)}: ${message.users.map((u) => nick(u.nick)).join(", ")}`,
      );
    case "media": {
      const seconds = `${Math.max(1, Math.round(message.durationMs / 1000))}s`;
      return `${time(message.ts)} ${where(message.room)}${
        c.magenta(`[${message.kind} ${seconds} from `)
      }${nick(message.from)}${c.magenta(` — /save ${message.id}]`)}`;
    }
    case "away":
      return `${time(message.ts)} ${
        info(
          message.away === undefined
            ? `${nick(message.nick)} is back`
            : awayWithoutText(message.away)
            ? `${nick(message.nick)} is away`
            : `${nick(message.nick)} is away: ${sanitizeText(message.away)}`,
        )
      }`;
    case "search":
      return info(
        `${message.results.length} result${message.results.length === 1 ? "" : "s"} for "${
          sanitizeText(message.query)
        }"${message.room ? ` in ${sanitizeText(message.room)}` : ""}, newest first` +
          message.results.map((hit) => {
            const place = hit.kind === "privmsg"
              ? `*${sanitizeText(hit.from)}* -> *${sanitizeText(hit.to ?? "")}*`
              : `${sanitizeText(hit.room ?? "")} ${
                hit.kind === "action"
                  ? `* ${sanitizeText(hit.from)}`
                  : `<${sanitizeText(hit.from)}>`
              }`;
            return `\n    ${time(hit.ts)} ${place} ${body(hit.text, 8)}`;
          }).join(""),
      );
    case "ack":
    case "ping":
    case "pong":
    case "media_data":
    // The handshake's challenge is answered by the connection, never shown.
    case "challenge":
    // The session reports a `bye` when the connection closes (its reason follows a notice).
    case "bye":
      return null;
  }
}

/** The server's away text when `/away` was given none (`"away"`), which adds nothing. */
function awayWithoutText(away: string): boolean {
  return away.trim() === "" || away.trim().toLowerCase() === "away";
}

function indentLines(text: string, indent: number): string {
  return text.includes("\n") ? text.split("\n").join("\n" + " ".repeat(indent)) : text;
}
