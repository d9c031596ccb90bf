/**
 * Routes each message from an admitted session to what handles it: chat
 * lines, slash commands, heartbeats and media. Refusals go back to the sender
 * as `error` with the message's `ref`.
 *
 * @module
 */

import {
  type ClientMessage,
  encodeAck,
  encodeMessage,
  type SendMessage,
} from "../../protocol/messages.ts";
import { fetchMedia, receiveMedia } from "../media/media_handler.ts";
import { ChatError } from "./chat_error.ts";
import type { ChatHistory } from "./chat_history.ts";
import type { ChatOperations } from "./chat_operations.ts";
import type { CommandDispatch } from "./command_dispatch.ts";
import type { Session } from "./session.ts";

/** What {@linkcode MessageRouter} hands messages to. */
export interface MessageRouterOptions {
  /** The chat (the hub). */
  chat: ChatOperations;
  /** Runs slash commands. */
  commands: CommandDispatch;
  /** Acknowledges messages once they are durable. */
  history: ChatHistory;
}

/**
 * Handles one client message after the handshake.
 *
 * @example
 * ```ts ignore
 * const router = new MessageRouter({ chat: hub, commands, history });
 * router.route(session, { type: "ping", token: 1 }); // session gets pong 1
 * ```
 */
export class MessageRouter {
  readonly #options: MessageRouterOptions;

  /** @param options See {@linkcode MessageRouterOptions}. */
  constructor(options: MessageRouterOptions) {
    this.#options = options;
  }

  /**
   * Handles one message from an admitted session; a `ChatError` goes back to
   * the sender as `error` rather than being thrown.
   *
   * @param session The sender.
   * @param message A validated client message (not `hello`).
   */
  route(session: Session, message: ClientMessage): void {
    if (session.gone) return;
    try {
      switch (message.type) {
        case "msg":
          this.#chat(session, message);
          return;
        case "command": {
          const stamp = this.#options.commands.run(session, message);
          if (!session.gone) {
            const [id, ts] = stamp ?? [0, this.#options.chat.now()];
            this.#options.history.ack(session, message.ref, id, ts);
          }
          return;
        }
        case "ping":
          session.send(encodeMessage({ type: "pong", token: message.token }));
          return;
        case "pong":
          return;
        case "media": {
          const stamp = receiveMedia(this.#options.chat, session, message);
          if (stamp instanceof Promise) {
            // In a cluster: acknowledged once the cluster stored it.
            this.#options.history.defer(session, stamp);
            this.#options.history.ack(session, message.ref, 0, this.#options.chat.now());
            return;
          }
          // The recording is already durable (see media_archive.ts): acknowledge at once.
          session.send(encodeAck(message.ref, stamp[0], stamp[1]));
          return;
        }
        case "fetch_media":
          fetchMedia(this.#options.chat, session, message);
          return;
        case "hello":
        case "prove":
          throw new ChatError("bad_message", "Handshake already done");
      }
    } catch (error) {
      if (!(error instanceof ChatError)) throw error;
      this.#options.history.dropDeferred();
      const ref = refOf(message);
      const send = () =>
        this.#options.chat.sendTo(
          session,
          ref === undefined
            ? { type: "error", code: error.code, message: error.message }
            : { type: "error", code: error.code, message: error.message, ref },
        );
      if (error.delayMs <= 0) {
        send();
        return;
      }
      // A wrong secret is answered late, to this session only; the session's
      // end cancels the timer (see Hub.disconnect).
      const timer = setTimeout(() => {
        session.deleteTimer(timer);
        if (!session.gone) send();
      }, error.delayMs);
      session.addTimer(timer);
    }
  }

  #chat(session: Session, message: SendMessage): void {
    const room = this.#options.chat.roomOf(session, message.room);
    const [id, ts] = this.#options.chat.say(session, room, "msg", message.text);
    this.#options.history.ack(session, message.ref, id, ts);
  }
}

function refOf(message: ClientMessage): number | undefined {
  return "ref" in message ? message.ref : undefined;
}
