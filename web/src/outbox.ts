/// <reference no-default-lib="true" />
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/// <reference lib="esnext" />
/**
 * What the web client sends over its socket. A message goes out only on a
 * socket the server has welcomed; lines typed while offline wait in the
 * composer's queue (`composer.ts`) instead.
 *
 * @module
 */

import type { ClientMessage } from "../../protocol/messages.ts";
import { nameKey } from "../../protocol/names.ts";
import { app, historyRequests, rooms } from "./app_state.ts";
import { switchRoom, systemLine } from "./room_view.ts";

/** The socket the server welcomed; messages go out only on it. */
let welcomed: WebSocket | undefined;

/**
 * Notes that the server welcomed the current socket.
 *
 * @param socket The socket the `welcome` came on.
 */
export function markWelcomed(socket: WebSocket | undefined): void {
  welcomed = socket;
}

/** Whether the page is connected and welcomed, so that a message can be sent now. */
export function isOnline(): boolean {
  return welcomed !== undefined && app.socket === welcomed &&
    welcomed.readyState === WebSocket.OPEN;
}

/**
 * Sends a message if the page is online, else shows why not.
 *
 * @returns Whether it was sent.
 */
export function send(message: ClientMessage): boolean {
  if (!isOnline()) {
    systemLine("Not connected; the message was not sent", "error");
    return false;
  }
  app.socket!.send(JSON.stringify(message));
  historyRequests.sent(message);
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
