/// <reference no-default-lib="true" />
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/// <reference lib="esnext" />
/**
 * The web client's WebSocket: hello with the resume token and the identity
 * key (`browser_identity.ts`), the proof answering the server's challenge,
 * the welcome, refusals, routing of later messages, and reconnecting with the
 * shared backoff policy; also the transcript restored after a reload.
 *
 * @module
 */

import { ChatState } from "../../client/core/chat_state.ts";
import { reconnectsAfter } from "../../client/core/reconnect_policy.ts";
import {
  type ByeMessage,
  type ClientMessage,
  type ErrorCode,
  type MediaNotice,
  parseServerMessage,
  PROTOCOL_VERSION,
  type ServerMessage,
  type WelcomeMessage,
} from "../../protocol/messages.ts";
import { nameKey } from "../../protocol/names.ts";
import { fromBase64 } from "../../protocol/identity.ts";
import {
  type BrowserIdentity,
  helloKey,
  loadOrCreateBrowserIdentity,
  proveSignature,
} from "./browser_identity.ts";
import {
  app,
  fetching,
  historyRequests,
  ownMedia,
  policy,
  rooms,
  saveSession,
  SESSION_KEY,
  TRANSCRIPT_KEY,
} from "./app_state.ts";
import { show } from "./dom_render.ts";
import { chat, input, joinError, joinForm, nickInput, passwordInput } from "./elements.ts";
import { gotMedia, mediaItem } from "./media_ui.ts";
import { markWelcomed, send } from "./outbox.ts";
import { askForCommands, flushQueue } from "./composer.ts";
import { line, remember, room, setStatus, showRoom, systemLine } from "./room_view.ts";

/** Opens the WebSocket, says hello, and reconnects with backoff when it drops. */
export function connect(): void {
  clearTimeout(app.reconnectTimer);
  setStatus(
    app.everConnected ? "reconnecting" : "connecting",
    app.everConnected ? "reconnecting…" : "connecting…",
  );
  app.identity ??= loadOrCreateBrowserIdentity();
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const ws = new WebSocket(`${scheme}://${location.host}/ws`);
  let identity: BrowserIdentity | undefined;
  app.socket = ws;
  let welcomed = false;
  /** The server's `bye` on this socket: its code decides whether to reconnect. */
  let bye: ByeMessage | undefined;
  /** What a refusal of this socket's hello called for. */
  let refusal: "retry" | "stop" | undefined;
  ws.addEventListener("open", async () => {
    identity = await app.identity;
    if (ws.readyState !== WebSocket.OPEN) return;
    const hello: ClientMessage = {
      type: "hello",
      version: PROTOCOL_VERSION,
      nick: app.nick,
      client: "parley-web",
    };
    if (app.password) hello.password = app.password;
    // Our own ghost (a reload, a dropped network) still holds the nick: the token takes it back.
    if (policy.resume !== undefined && nameKey(policy.nick) === nameKey(app.nick)) {
      hello.resume = policy.resume;
    }
    if (identity) hello.key = helloKey(identity);
    ws.send(JSON.stringify(hello));
  });
  ws.addEventListener("message", (event) => {
    if (typeof event.data !== "string") return;
    let message: ServerMessage | null;
    try {
      message = parseServerMessage(new TextEncoder().encode(event.data));
    } catch (error) {
      console.warn("Ignoring a malformed server message", error);
      return;
    }
    if (!message) return;
    if (!welcomed) {
      if (message.type === "challenge" && identity) {
        void answerChallenge(ws, identity, message.nonce);
      } else if (message.type === "welcome") {
        welcomed = true;
        onWelcome(message);
      } else if (message.type === "error") refusal = onRefused(message.code, message.message);
      return;
    }
    if (message.type === "bye") bye = message;
    onMessage(message);
  });
  ws.addEventListener("close", () => {
    if (app.socket !== ws) return;
    app.socket = undefined;
    if (refusal === "stop") return;
    // Never reached, or refused on the form: the form shows why.
    if (!app.everConnected && !welcomed && refusal !== "retry") return;
    if (welcomed) {
      if (!reconnectsAfter(bye)) {
        setStatus("offline", "disconnected");
        systemLine(`Disconnected: ${bye!.reason}`, "error");
        return;
      }
      policy.dropped(app.nick);
    }
    const { delayMs } = policy.next();
    setStatus("offline", `offline — retrying in ${Math.round(delayMs / 1000)} s`);
    app.reconnectTimer = setTimeout(connect, delayMs);
  });
}

/** Signs the challenge for the host this page came from and sends `prove`. */
async function answerChallenge(
  ws: WebSocket,
  identity: BrowserIdentity,
  nonce: string,
): Promise<void> {
  let signature: string;
  try {
    signature = await proveSignature(identity, fromBase64(nonce), location.hostname);
  } catch (error) {
    // A malformed nonce: the server ends the handshake when no proof comes.
    console.warn("Cannot answer the identity challenge", error);
    return;
  }
  if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ type: "prove", signature }));
}

/** Handles a refused hello; returns whether to try again (after backoff) or stop. */
export function onRefused(code: ErrorCode, text: string): "retry" | "stop" {
  if (app.everConnected || app.autoJoin) {
    const next = policy.refused(code);
    if (next.action === "retry") {
      if (next.nick !== undefined) app.nick = next.nick;
      return "retry";
    }
  }
  if (app.everConnected) {
    setStatus("offline", "offline");
    systemLine(`Reconnect refused: ${text}`, "error");
    return "stop";
  }
  app.socket?.close();
  app.socket = undefined;
  sessionStorage.removeItem(SESSION_KEY);
  chat.hidden = true;
  joinForm.hidden = false;
  joinError.textContent = text;
  if (code === "auth_failed") passwordInput.focus();
  else nickInput.focus();
  return "stop";
}

export function onWelcome(message: WelcomeMessage): void {
  const previousRooms = [...rooms.values()].map((v) => v.name);
  // Lines sent on the old connection that were never acknowledged: their fate is unknown.
  const unconfirmed = app.state?.dropPending() ?? [];
  const previousActive = app.state?.activeRoom;
  app.welcome = message;
  app.nick = message.nick;
  app.state = new ChatState(message.nick);
  app.state.welcome(message);
  markWelcomed(app.socket);
  historyRequests.clear();
  policy.welcomed(message);
  saveSession();
  setStatus("online", "online");
  joinForm.hidden = true;
  chat.hidden = false;
  const lobby = room(message.room);
  lobby.users = new Map(message.users.map((u) => [nameKey(u.nick), u]));
  if (!app.everConnected) {
    restoreTranscript();
    systemLine(`Connected to ${message.server} as ${message.nick}`, "", lobby);
    systemLine(
      message.identity
        ? `You are ${message.nick} (${message.identity})`
        : `You are ${message.nick} (guest: no identity key)`,
      "identity",
      lobby,
    );
  } else {
    systemLine("Reconnected", "", lobby);
    if (unconfirmed.length > 0) {
      systemLine(
        `${unconfirmed.length} line(s) sent just before the connection dropped were not ` +
          `confirmed and may not have arrived (Up recalls them): ${unconfirmed.join(" · ")}`,
        "error",
      );
    }
    // Fetch media whose bytes were still on the way when the connection dropped.
    for (const [ref, player] of [...fetching]) {
      fetching.delete(ref);
      const token = player.dataset.mediaToken ?? "";
      const again = app.nextRef++;
      fetching.set(again, player);
      send({ type: "fetch_media", ref: again, token });
    }
  }
  app.everConnected = true;
  for (const name of previousRooms) {
    if (nameKey(name) !== nameKey(message.room)) {
      send({ type: "command", ref: app.nextRef++, room: message.room, name: "join", args: name });
    }
  }
  if (previousActive) app.state.activeRoom = previousActive;
  flushQueue();
  askForCommands();
  showRoom();
  input.focus();
}

/** Handles one server message after `welcome`. */
export function onMessage(message: ServerMessage): void {
  if (!app.state) return;
  if (message.type === "ping") {
    send({ type: "pong", token: message.token });
    return;
  }
  // An explicit /history ends with its ack (or error), after everything it replayed.
  historyRequests.settle(message);
  if (message.type === "media_data") {
    gotMedia(message);
    return;
  }
  if (message.type === "ack" && ownMedia.has(message.ref)) {
    const own = ownMedia.get(message.ref)!;
    ownMedia.delete(message.ref);
    const notice: MediaNotice = {
      type: "media",
      id: message.id,
      // The ack carries no token; the sender plays its own recording from memory.
      token: "",
      ts: message.ts,
      room: own.room,
      from: app.state.me,
      kind: own.kind,
      mime: own.mime,
      durationMs: own.durationMs,
      bytes: own.bytes,
    };
    const view = room(own.room);
    view.seen.add(message.id);
    line(view, mediaItem(notice, own.url), message.ts);
    remember(notice);
    return;
  }
  if (message.type === "error" && message.ref !== undefined && ownMedia.has(message.ref)) {
    ownMedia.delete(message.ref);
  }
  const before = app.state.activeRoom;
  for (const item of app.state.incoming(message)) show(item);
  if (app.state.activeRoom !== before) showRoom();
}

/** Shows the transcript saved before a reload, validated like network input. */
export function restoreTranscript(): void {
  try {
    app.saved = JSON.parse(sessionStorage.getItem(TRANSCRIPT_KEY) ?? "[]");
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    app.saved = [];
  }
  if (!Array.isArray(app.saved) || app.saved.length === 0) {
    app.saved = [];
    return;
  }
  app.restoring = true;
  try {
    for (const message of app.saved) {
      // Re-validate what comes back from storage like anything from the network.
      const checked = parseServerMessage(new TextEncoder().encode(JSON.stringify(message)));
      if (checked) show(checked);
    }
  } catch (error) {
    if (!(error instanceof TypeError || error instanceof SyntaxError)) throw error;
  } finally {
    app.restoring = false;
  }
  for (const view of rooms.values()) {
    if (view.items.length > 0) systemLine("— earlier messages —", "", view);
  }
}
