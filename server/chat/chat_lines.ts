/**
 * The message path of the hub: chat lines, actions and private messages are
 * checked (mute, length, emptiness), stamped with an id and time, delivered,
 * and appended to history, all in one synchronous call.
 *
 * @module
 */

import { getLogger } from "../log.ts";
import { LOG_VALUE_CHARS, logText } from "../log_text.ts";
import {
  type ActionMessage,
  type ChatMessage,
  encodeMessage,
  utf8LongerThan,
} from "../../protocol/messages.ts";
import { sanitizeText } from "../../protocol/sanitize.ts";
import { ChatError } from "./chat_error.ts";
import type { ChatHistory } from "./chat_history.ts";
import type { ClusterChat } from "./cluster_chat.ts";
import type { Moderation } from "./moderation.ts";
import type { Room } from "./room.ts";
import type { Session } from "./session.ts";

/** Shortest time between two "is away" replies to the same sender, in ms. */
export const AWAY_REPLY_INTERVAL_MS = 10 * 60_000;

const log = getLogger(["parley", "server"]);

/** What {@linkcode ChatLines} uses of the hub around it. */
export interface ChatLinesOptions {
  /** Clock, ms since the epoch. */
  now: () => number;
  /** Message ids and the history the lines are appended to. */
  history: ChatHistory;
  /** Who may speak. */
  moderation: Moderation;
  /** Largest message text, in UTF-8 bytes. */
  maxTextBytes: number;
  /** Whether message bodies are logged. */
  logMessages: boolean;
  /** Finds an online session by nick, case-insensitively. */
  find: (nick: string) => Session | undefined;
  /**
   * The cluster, when this node is part of one: lines are published to its
   * stream (and delivered from it) instead of broadcast here.
   */
  cluster?: ClusterChat;
}

/**
 * Sends chat lines, actions and private messages.
 *
 * @example
 * ```ts ignore
 * const lines = new ChatLines({ now: Date.now, history, moderation, maxTextBytes: 8192, logMessages: false, find });
 * const [id, ts] = lines.say(session, room, "msg", "hi");
 * ```
 */
export class ChatLines {
  readonly #options: ChatLinesOptions;

  /** @param options See {@linkcode ChatLinesOptions}. */
  constructor(options: ChatLinesOptions) {
    this.#options = options;
  }

  /**
   * Allocates the next message id and timestamp.
   *
   * @returns `[id, ts]`, with `ts` in ms since the epoch.
   */
  stamp(): [number, number] {
    return [this.#options.history.nextId(), this.#options.now()];
  }

  /**
   * Broadcasts a chat line or action to a room the sender is in.
   *
   * @param session The sender; it does not receive its own line (it gets the ack).
   * @param room Target room.
   * @param kind `"msg"` or `"action"`.
   * @param rawText Unsanitized text from the client.
   * @param echo Whether the sender gets the line too (fun commands show it to everyone).
   * @returns `[id, ts]` of the new message.
   * @throws {ChatError} `muted`, `text_too_long`, or `bad_arguments` for empty text.
   */
  say(
    session: Session,
    room: Room<Session>,
    kind: "msg" | "action",
    rawText: string,
    echo = false,
  ): [number, number] {
    this.#options.moderation.checkCanSpeak(session);
    const text = this.#checkText(rawText);
    const cluster = this.#options.cluster;
    if (cluster !== undefined) {
      // The ack carries the stream's id once stored; the follower delivers the line.
      this.#options.history.defer(session, cluster.publishLine(session, room, kind, text, echo));
      return [0, this.#options.now()];
    }
    const [id, ts] = this.stamp();
    room.broadcastMessage(
      { type: kind, id, ts, room: room.name, from: session.nick, text } as
        | ChatMessage
        | ActionMessage,
      echo ? undefined : session,
    );
    this.#options.history.append({ id, ts, kind, room: room.name, from: session.nick, text });
    if (this.#options.logMessages) {
      log.info("{kind} {id} {room} <{nick}> {text}", {
        kind,
        id,
        room: room.name,
        nick: session.nick,
        text: logText(text, LOG_VALUE_CHARS),
      });
    }
    return [id, ts];
  }

  /**
   * Sends a private message.
   *
   * @param session The sender.
   * @param to Target nick.
   * @param rawText Unsanitized text.
   * @returns `[id, ts]` of the message.
   * @throws {ChatError} `no_such_nick`, `text_too_long`, `bad_arguments`.
   */
  privateMessage(session: Session, to: string, rawText: string): [number, number] {
    const cluster = this.#options.cluster;
    if (cluster !== undefined) {
      // Through the stream (a global id); the node holding the recipient delivers it.
      this.#options.moderation.checkCanSpeak(session);
      const text = this.#checkText(rawText);
      this.#options.history.defer(session, cluster.publishPrivate(session, to, text));
      return [0, this.#options.now()];
    }
    const target = this.#options.find(to);
    if (!target) throw new ChatError("no_such_nick", `No user is called ${sanitizeText(to)}`);
    this.#options.moderation.checkCanSpeak(session);
    const text = this.#checkText(rawText);
    const [id, ts] = this.stamp();
    // To oneself, the ack is the only echo: delivering it as well would show it twice.
    if (target !== session) {
      target.send(
        encodeMessage({ type: "privmsg", id, ts, from: session.nick, to: target.nick, text }),
      );
    }
    this.#replyAway(session, target, ts);
    // Kept by who the parties are, not by nick: a later holder of either nick inherits nothing.
    this.#options.history.append({
      id,
      ts,
      kind: "privmsg",
      from: session.nick,
      fromParty: session.party,
      to: target.nick,
      toParty: target.party,
      text,
    });
    if (this.#options.logMessages) {
      log.info("privmsg {id} <{nick}> -> {to} {text}", {
        id,
        nick: session.nick,
        to: target.nick,
        text: logText(text, LOG_VALUE_CHARS),
      });
    }
    return [id, ts];
  }

  /** Tells the sender that the recipient is away, at most once per {@linkcode AWAY_REPLY_INTERVAL_MS}. */
  #replyAway(sender: Session, target: Session, ts: number): void {
    if (target.away === undefined || target === sender) return;
    const last = target.lastAwayReply(sender.id);
    if (last !== undefined && ts - last < AWAY_REPLY_INTERVAL_MS) return;
    target.setAwayReply(sender.id, ts);
    const away = target.away.trim().toLowerCase() === "away" ? "" : `: ${target.away}`;
    sender.send(encodeMessage({ type: "notice", ts, text: `${target.nick} is away${away}` }));
  }

  #checkText(rawText: string): string {
    const max = this.#options.maxTextBytes;
    if (utf8LongerThan(rawText, max)) {
      throw new ChatError("text_too_long", `Message is longer than ${max} bytes`);
    }
    const text = sanitizeText(rawText, true);
    if (text.trim() === "") throw new ChatError("bad_arguments", "Message is empty");
    return text;
  }
}
