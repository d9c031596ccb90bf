/**
 * What the client knows about its own chat: nick, rooms, active room, and the
 * messages sent but not yet acknowledged. Pure and browser-safe: turns typed
 * lines into protocol messages and server messages into things to show. Nicks
 * and rooms are compared by the protocol's `nameKey` (NFKC, lower case), the
 * same rule the server uses for uniqueness.
 *
 * @module
 */

import {
  type ClientMessage,
  DEFAULT_ROOM,
  type ServerMessage,
  type WelcomeMessage,
} from "../../protocol/messages.ts";
import { nameKey } from "../../protocol/names.ts";

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
  /** Rooms joined, by `nameKey` to display name. */
  readonly rooms = new Map<string, string>([[DEFAULT_ROOM, DEFAULT_ROOM]]);
  /** Nicks in the rooms joined (kept from `welcome`, `who`, `join`, `leave`, `nick`), for completion. */
  readonly nicks = new Set<string>();
  /** Rooms seen in `/rooms` listings or joined, by `nameKey`, for completion. */
  readonly knownRooms = new Map<string, string>([[DEFAULT_ROOM, DEFAULT_ROOM]]);
  /** Members of each joined room: room key to (nick key to display nick). */
  readonly #members = new Map<string, Map<string, string>>();
  readonly #pending = new Map<number, Pending>();
  readonly #saves = new Map<number, string | undefined>();
  /** Fetch tokens of the recordings announced to this client, by message id (for `/save ID`). */
  readonly #mediaTokens = new Map<number, string>();
  /** Rooms being rejoined after a reconnect, by `nameKey`. */
  readonly #rejoining = new Set<string>();

  /** @param nick The nick asked for. */
  constructor(nick: string) {
    this.me = nick;
  }

  /** Number of sent messages not yet acknowledged. */
  get unacknowledged(): number {
    return this.#pending.size;
  }

  /**
   * Whether `nick` is the user's own nick under the protocol's `nameKey`.
   *
   * @param nick Any nick.
   * @returns True for any spelling of {@linkcode ChatState.me}.
   */
  isMe(nick: string): boolean {
    return nameKey(nick) === nameKey(this.me);
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
    this.rooms.set(nameKey(this.activeRoom), this.activeRoom);
    this.#members.clear();
    this.#setMembers(this.activeRoom, welcome.users.map((u) => u.nick));
  }

  /**
   * Applies the welcome of a new connection after a reconnect: keeps the
   * rooms and the active room the user had, and returns the rooms to rejoin
   * (every room but the one the server put the client in). Their `join`
   * notices then do not switch the active room.
   *
   * @param welcome The new connection's welcome.
   * @returns Room names to send `/join` for, active room last.
   */
  resume(welcome: WelcomeMessage): string[] {
    const rooms = [...this.rooms.values()];
    const active = this.activeRoom;
    this.welcome(welcome);
    const rejoin = rooms.filter((r) => nameKey(r) !== nameKey(this.activeRoom))
      .sort((a, b) => Number(a === active) - Number(b === active));
    for (const room of rejoin) {
      this.rooms.set(nameKey(room), room);
      this.#rejoining.add(nameKey(room));
    }
    if (this.rooms.has(nameKey(active))) this.activeRoom = active;
    return rejoin;
  }

  /**
   * Forgets every message sent but not acknowledged (the connection dropped;
   * their fate is unknown) so that a new connection starts clean.
   *
   * @returns The texts of chat lines, actions and private messages among them, oldest first.
   */
  dropPending(): string[] {
    const lost = [...this.#pending.values()].filter((p) => p.kind !== "command").map((p) =>
      p.kind === "privmsg"
        ? `/msg ${p.to} ${p.text}`
        : p.kind === "action"
        ? `/me ${p.text}`
        : p.text
    );
    this.#pending.clear();
    return lost;
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
        const known = this.rooms.get(nameKey(room));
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
   * The file a `/save` asked for, once its `media_data` arrived.
   *
   * @param ref The `ref` of the `fetch_media` request.
   * @returns The path typed after the id, or `undefined` for the default name.
   */
  takeSaveTarget(ref: number): string | undefined {
    const file = this.#saves.get(ref);
    this.#saves.delete(ref);
    return file;
  }

  /**
   * `/save ID [FILE]`: asks the server for a media message's bytes, by the
   * token its `media` notice carried (the server does not take ids).
   */
  #save(args: string, ref: number): Outgoing {
    const match = /^(\d{1,15})(?:\s+([\s\S]+))?$/.exec(args);
    if (!match) return { kind: "local", text: "--- usage: /save ID [FILE]" };
    const token = this.#mediaTokens.get(Number(match[1]));
    if (token === undefined) {
      return { kind: "local", text: `--- no voice or video message ${match[1]} was shown here` };
    }
    this.#pending.set(ref, { kind: "save", text: args, room: this.activeRoom });
    this.#saves.set(ref, match[2]?.trim());
    return { kind: "send", message: { type: "fetch_media", ref, token } };
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
      case "media":
        this.#mediaTokens.set(message.id, message.token);
        return [message];
      case "join":
        if (this.isMe(message.nick)) {
          this.rooms.set(nameKey(message.room), message.room);
          this.knownRooms.set(nameKey(message.room), message.room);
          if (!this.#rejoining.delete(nameKey(message.room))) this.activeRoom = message.room;
        } else {
          this.#members.get(nameKey(message.room))?.set(nameKey(message.nick), message.nick);
          this.nicks.add(message.nick);
        }
        return [message];
      case "leave":
        this.#members.get(nameKey(message.room))?.delete(nameKey(message.nick));
        if (this.isMe(message.nick)) {
          this.#members.delete(nameKey(message.room));
          this.rooms.delete(nameKey(message.room));
          if (nameKey(this.activeRoom) === nameKey(message.room)) {
            this.activeRoom = this.rooms.values().next().value ?? DEFAULT_ROOM;
          }
        }
        this.#recountNicks();
        return [message];
      case "nick":
        if (this.isMe(message.old)) this.me = message.nick;
        for (const members of this.#members.values()) {
          if (members.delete(nameKey(message.old))) {
            members.set(nameKey(message.nick), message.nick);
          }
        }
        this.nicks.delete(message.old);
        this.nicks.add(message.nick);
        return [message];
      case "who":
        if (this.rooms.has(nameKey(message.room))) {
          this.#setMembers(message.room, message.users.map((u) => u.nick));
        } else for (const user of message.users) this.nicks.add(user.nick);
        return [message];
      case "rooms":
        for (const room of message.rooms) this.knownRooms.set(nameKey(room.name), room.name);
        return [message];
      default:
        return [message];
    }
  }

  #setMembers(room: string, nicks: string[]): void {
    this.#members.set(nameKey(room), new Map(nicks.map((n) => [nameKey(n), n])));
    this.#recountNicks();
  }

  #recountNicks(): void {
    this.nicks.clear();
    for (const members of this.#members.values()) {
      for (const nick of members.values()) this.nicks.add(nick);
    }
  }
}
