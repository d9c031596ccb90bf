/// <reference no-default-lib="true" />
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/// <reference lib="esnext" />
/**
 * The Parley web client. Speaks the same protocol messages as the terminal
 * client over a WebSocket (one JSON message per text message) and shares the
 * client core with it (`client/core/`): `ChatState`, mention matching, nick
 * colours, emoji and the reconnect policy (backoff, resume token, and `bye`
 * codes deciding whether to reconnect). Nicks and rooms are keyed by the
 * protocol's `nameKey`. All user text reaches the page through `textContent`,
 * never as HTML.
 *
 * This module wires the page's forms and buttons and rejoins after a reload;
 * `connection.ts` owns the WebSocket, `dom_render.ts` renders server messages,
 * `room_view.ts` the rooms and lists, `media_ui.ts` recording and playback,
 * `composer.ts` the message field (local commands, Tab, recall, the offline
 * queue), `message_text.ts` links and preformatted text, `attention.ts` the
 * unread count in the title and mention alerts, `outbox.ts` what is sent, `app_state.ts` the shared state and `elements.ts`
 * the page's elements.
 *
 * Built into `web/app.gen.js` by `deno task web:build`.
 *
 * @module
 */

import { app, policy, SESSION_KEY } from "./app_state.ts";
import { connect } from "./connection.ts";
import {
  $,
  composer,
  input,
  joinError,
  joinForm,
  joinRoomForm,
  nickInput,
  passwordInput,
  recCancel,
  recSend,
  recStop,
  roomNameInput,
  sidebar,
} from "./elements.ts";
import { resetRecorder, sendRecording, startRecording, stopRecording } from "./media_ui.ts";
import { joinRoom } from "./outbox.ts";
import { submitLine } from "./composer.ts";
import { markRead } from "./room_view.ts";

joinForm.addEventListener("submit", (event) => {
  event.preventDefault();
  app.nick = nickInput.value.trim();
  app.password = passwordInput.value || undefined;
  joinError.textContent = "";
  if (!app.nick) return;
  connect();
});

composer.addEventListener("submit", (event) => {
  event.preventDefault();
  if (submitLine(input.value)) input.value = "";
});

joinRoomForm.addEventListener("submit", (event) => {
  event.preventDefault();
  const name = roomNameInput.value.trim();
  if (name) joinRoom(name);
  roomNameInput.value = "";
});

$<HTMLButtonElement>("toggle-sidebar").addEventListener("click", () => {
  sidebar.classList.toggle("open");
});
$<HTMLButtonElement>("record-voice").addEventListener("click", () => void startRecording("voice"));
$<HTMLButtonElement>("record-video").addEventListener("click", () => void startRecording("video"));
recStop.addEventListener("click", () => stopRecording());
recSend.addEventListener("click", () => void sendRecording());
recCancel.addEventListener("click", resetRecorder);
// Coming back to the page reads the room shown: its "new messages" line goes above what was missed.
document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "visible" && app.state) markRead();
});

// A reload in the same tab rejoins with the same nick and restores the transcript.
const session = sessionStorage.getItem(SESSION_KEY);
if (session) {
  try {
    const parsed = JSON.parse(session) as { nick?: unknown; password?: unknown; resume?: unknown };
    if (typeof parsed.nick === "string" && parsed.nick) {
      app.nick = parsed.nick;
      app.password = typeof parsed.password === "string" ? parsed.password : undefined;
      policy.remember(app.nick, typeof parsed.resume === "string" ? parsed.resume : undefined);
      nickInput.value = app.nick;
      app.autoJoin = true;
      connect();
    }
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    sessionStorage.removeItem(SESSION_KEY);
  }
}
