/// <reference no-default-lib="true" />
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/// <reference lib="esnext" />
/**
 * What the web client sends over its socket, refusing with a line on the page
 * when it is not connected.
 *
 * @module
 */

import type { ClientMessage } from "../../protocol/messages.ts";
import { nameKey } from "../../protocol/names.ts";
import { app, rooms } from "./app_state.ts";
import { switchRoom, systemLine } from "./room_view.ts";

/**
 * Sends a message if the socket is open, else shows why not.
 *
 * @returns Whether it was sent.
 */
export function send(message: ClientMessage): boolean {
  if (!app.socket || app.socket.readyState !== WebSocket.OPEN) {
    systemLine("Not connected; the message was not sent", "error");
    return false;
  }
  app.socket.send(JSON.stringify(message));
  return true;
}

/** Switches to a room already joined, else asks the server to join it. */
export function joinRoom(name: string): void {
  const target = name.startsWith("#") ? name : `#${name}`;
  if (rooms.has(nameKey(target))) {
    switchRoom(target);
    return;
  }
  send({
    type: "command",
    ref: app.nextRef++,
    room: app.state?.activeRoom,
    name: "join",
    args: target,
  });
}
