/**
 * The client's own `/history` requests, so that what they replay is shown in
 * full even when the same lines were seen before (a client otherwise hides
 * replayed lines it already showed, for the replay after a reconnect). The
 * server answers a command with its replay, each line carrying the command's
 * `ref`, then the command's `ack` (or an `error`), so a request is open from
 * sending it until that answer. Pure and browser-safe.
 *
 * @module
 */

import type { ClientMessage, ServerMessage } from "../../protocol/messages.ts";

/**
 * Open `/history` requests by `ref`.
 *
 * @example
 * ```ts
 * import { HistoryRequests } from "./history_requests.ts";
 * const requests = new HistoryRequests();
 * requests.sent({ type: "command", ref: 4, name: "history", args: "3" });
 * requests.answering; // true: replayed lines now are the answer
 * requests.answers({ type: "msg", id: 1, ts: 0, room: "#lobby", from: "bob", text: "hi", history: true, ref: 4 }); // true
 * requests.settle({ type: "ack", ref: 4, id: 0, ts: 0 });
 * requests.answering; // false
 * ```
 */
export class HistoryRequests {
  readonly #refs = new Set<number>();

  /** Whether a `/history` answer is arriving: replayed lines belong to it. */
  get answering(): boolean {
    return this.#refs.size > 0;
  }

  /**
   * Whether a replayed line answers one of our `/history` requests: by its
   * `ref` when it has one (servers that tag replies), otherwise by arriving
   * while a request is open.
   *
   * @param message A server message.
   */
  answers(message: ServerMessage): boolean {
    if (!("history" in message) || message.history !== true) return false;
    const ref = "ref" in message ? message.ref : undefined;
    return typeof ref === "number" ? this.#refs.has(ref) : this.answering;
  }

  /**
   * Notes a message being sent; only `/history` commands count.
   *
   * @param message A client message.
   */
  sent(message: ClientMessage): void {
    if (message.type === "command" && message.name.toLowerCase() === "history") {
      this.#refs.add(message.ref);
    }
  }

  /**
   * Closes the request an `ack` or `error` answers.
   *
   * @param message A server message.
   */
  settle(message: ServerMessage): void {
    if ((message.type === "ack" || message.type === "error") && message.ref !== undefined) {
      this.#refs.delete(message.ref);
    }
  }

  /** Forgets every request (the connection dropped). */
  clear(): void {
    this.#refs.clear();
  }
}
