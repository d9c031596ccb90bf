/**
 * The status line of the interactive client: server, active room, nick and
 * connection state, laid out to the terminal width. Pure.
 *
 * @module
 */

/** State of the connection, as shown to the user. */
export type ConnectionState = "connected" | "reconnecting" | "connecting" | "offline";

/** What the status line shows. */
export interface Status {
  /** Server address, e.g. `tcp://127.0.0.1:5003`. */
  server: string;
  /** The active room. */
  room: string;
  /** Number of rooms joined (shown as `+N` beside the active one when above 1). */
  rooms: number;
  /** Own nick. */
  nick: string;
  /** Connection state. */
  connection: ConnectionState;
  /** Extra detail for the connection state, e.g. `attempt 3, next in 2.0s`. */
  detail?: string;
}

/**
 * Lays out the status line as plain text exactly `columns - 1` characters wide
 * (one less than the width so that drawing it never wraps the terminal).
 * When it is too long, the server address is shortened (or left out) first,
 * then the end is cut with `…`.
 *
 * @param status What to show.
 * @param columns Terminal width in columns (at least 10 is assumed).
 * @returns The line, padded with spaces.
 *
 * @example
 * ```ts
 * import { layoutStatusLine } from "./status_line.ts";
 * layoutStatusLine(
 *   { server: "tcp://h:5003", room: "#lobby", rooms: 1, nick: "ann", connection: "connected" },
 *   50,
 * ); // " tcp://h:5003 | #lobby | ann | connected         "
 * ```
 */
export function layoutStatusLine(status: Status, columns: number): string {
  const width = Math.max(9, columns - 1);
  const room = status.rooms > 1 ? `${status.room} (+${status.rooms - 1})` : status.room;
  const state = status.detail ? `${status.connection}: ${status.detail}` : status.connection;
  const rest = `${room} | ${status.nick} | ${state}`;
  let server = status.server;
  const spare = width - 1 - rest.length - 3;
  if (server.length > spare) {
    server = spare > 4 ? server.slice(0, spare - 1) + "…" : "";
  }
  const line = [...` ${server ? `${server} | ` : ""}${rest}`];
  return line.length > width
    ? line.slice(0, width - 1).join("") + "…"
    : line.join("") + " ".repeat(width - line.length);
}
