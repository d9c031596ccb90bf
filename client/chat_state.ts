/**
 * What the client knows about its own chat: nick, rooms, active room, and the
 * messages sent but not yet acknowledged. Pure: turns typed lines into
 * protocol messages and server messages into things to show.
 *
 * @module
 */

import {
  type ClientMessage,
  DEFAULT_ROOM,
  type ServerMessage,
  type WelcomeMessage,
} from "../protocol/messages.ts";

/** A sent message waiting for its ack. */
interface Pending {
  kind: "msg" | "action" | "privmsg" | "command" | "save";
  text: string;
  room: string;
  to?: string;
  name?: string;
}

/** What a typed line turns into. */
export type Outgoing =
  | { kind: "send"; message: ClientMessage }
  | { kind: "quit"; message: ClientMessage }
  | { kind: "local"; text: string }
  | { kind: "none" };

/**
 * Client-side chat state for one connection.
 *
 * @example
 * ```ts
 * import { ChatState } from "./chat_state.ts";
 * const state = new ChatState("alice");
 * state.outgoing("hello", 1); // { kind: "send", message: { type: "msg", ref: 1, room: "#lobby", text: "hello" } }
 * ```
 */
export class ChatState {
  /** Own nick, updated on `welcome` and own `nick` notices. */
  me: string;
  /** The room plain lines go to. */
  activeRoom = DEFAULT_ROOM;
  /** Rooms joined, by lower-case name to display name. */
  readonly rooms = new Map<string, string>([[DEFAULT_ROOM, DEFAULT_ROOM]]);
  /** Nicks seen in the active rooms, for completion. */
  readonly nicks = new Set<string>();
  readonly #pending = new Map<number, Pending>();
  readonly #saves = new Map<number, string | undefined>();

  /** @param nick The nick asked for. */
  constructor(nick: string) {
    this.me = nick;
  }

  /** Number of sent messages not yet acknowledged. */
  get unacknowledged(): number {
    return this.#pending.size;
  }

  /**
   * Applies the server's welcome.
   *
   * @param welcome The welcome message.
   */
  welcome(welcome: WelcomeMessage): void {
    this.me = welcome.nick;
    this.activeRoom = welcome.room || DEFAULT_ROOM;
    this.rooms.clear();
    this.rooms.set(this.activeRoom.toLowerCase(), this.activeRoom);
    for (const user of welcome.users) this.nicks.add(user.nick);
  }

  /**
   * Turns a typed line into a protocol message.
   *
   * Lines starting with `/` are commands (`//text` sends `/text` as a message);
   * `/me` becomes an action command, `/join` of a room already joined just switches.
   *
   * @param line The line as typed (may contain newlines from a paste).
   * @param ref The `ref` to use.
   */
  outgoing(line: string, ref: number): Outgoing {
    if (line.trim() === "") return { kind: "none" };
    if (line.startsWith("/") && !line.startsWith("//")) {
      const match = /^\/(\S+)\s*([\s\S]*)$/.exec(line)!;
      const name = match[1].toLowerCase();
      const args = match[2].trim();
      if (name === "join" && args) {
        const room = args.startsWith("#") ? args : `#${args}`;
        const known = this.rooms.get(room.toLowerCase());
        if (known && !args.includes(" ")) {
          this.activeRoom = known;
          return { kind: "local", text: `--- now talking in ${known}` };
        }
      }
      if (name === "save") return this.#save(args, ref);
      const message: ClientMessage = { type: "command", ref, room: this.activeRoom, name, args };
      if (name === "me") {
        this.#pending.set(ref, { kind: "action", text: args, room: this.activeRoom });
      } else if (name === "msg") {
        const to = args.split(/\s+/)[0];
        const text = /^\S+\s+([\s\S]*)$/.exec(args)?.[1] ?? "";
        this.#pending.set(ref, { kind: "privmsg", text, room: "", to });
      } else this.#pending.set(ref, { kind: "command", text: args, room: this.activeRoom, name });
      return { kind: name === "quit" ? "quit" : "send", message };
    }
    const text = line.startsWith("//") ? line.slice(1) : line;
    this.#pending.set(ref, { kind: "msg", text, room: this.activeRoom });
    return { kind: "send", message: { type: "msg", ref, room: this.activeRoom, text } };
  }

  /**
   * The file a `/save` asked for, once its `media_data` arrived (issue 7).
   *
   * @param ref The `ref` of the `fetch_media` request.
   * @returns The path typed after the id, or `undefined` for the default name.
   */
  takeSaveTarget(ref: number): string | undefined {
    const file = this.#saves.get(ref);
    this.#saves.delete(ref);
    return file;
  }

  /** `/save ID [FILE]`: asks the server for a media message's bytes. */
  #save(args: string, ref: number): Outgoing {
    const match = /^(\d{1,15})(?:\s+([\s\S]+))?$/.exec(args);
    if (!match) return { kind: "local", text: "--- usage: /save ID [FILE]" };
    this.#pending.set(ref, { kind: "save", text: args, room: this.activeRoom });
    this.#saves.set(ref, match[2]?.trim());
    return { kind: "send", message: { type: "fetch_media", ref, id: Number(match[1]) } };
  }

  /**
   * Applies a server message and returns what to show: the message itself, or
   * for an `ack` of own text, the own line with the server's id and time.
   *
   * @param message A server message.
   * @returns Messages to render, in order.
   */
  incoming(message: ServerMessage): ServerMessage[] {
    switch (message.type) {
      case "ack": {
        const sent = this.#pending.get(message.ref);
        this.#pending.delete(message.ref);
        if (!sent || message.id === 0) return [];
        if (sent.kind === "privmsg") {
          return [{
            type: "privmsg",
            id: message.id,
            ts: message.ts,
            from: this.me,
            to: sent.to ?? "",
            text: sent.text,
          }];
        }
        if (sent.kind === "msg" || sent.kind === "action") {
          return [{
            type: sent.kind,
            id: message.id,
            ts: message.ts,
            room: sent.room,
            from: this.me,
            text: sent.text,
          }];
        }
        return [];
      }
      case "error":
        if (message.ref !== undefined) {
          this.#pending.delete(message.ref);
          this.#saves.delete(message.ref);
        }
        return [message];
      case "media_data":
        this.#pending.delete(message.ref);
        return [message];
      case "join":
        if (message.nick === this.me) {
          this.rooms.set(message.room.toLowerCase(), message.room);
          this.activeRoom = message.room;
        } else this.nicks.add(message.nick);
        return [message];
      case "leave":
        if (message.nick === this.me) {
          this.rooms.delete(message.room.toLowerCase());
          if (this.activeRoom.toLowerCase() === message.room.toLowerCase()) {
            this.activeRoom = this.rooms.values().next().value ?? DEFAULT_ROOM;
          }
        }
        return [message];
      case "nick":
        if (message.old === this.me) this.me = message.nick;
        this.nicks.delete(message.old);
        this.nicks.add(message.nick);
        return [message];
      case "who":
        for (const user of message.users) this.nicks.add(user.nick);
        return [message];
      default:
        return [message];
    }
  }
}
