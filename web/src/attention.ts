/// <reference no-default-lib="true" />
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/// <reference lib="esnext" />
/**
 * What draws the user back to the page: the unread count in the tab title
 * (`(3) Parley`) while the page is hidden or messages wait in other rooms,
 * and, when the user turns it on with the bell button, a desktop notification
 * and a short sound for a mention or a private message that arrives while it
 * is not being read. Permission for notifications is asked only when the user
 * turns the bell on, never on load; the choice is kept in `localStorage`.
 *
 * @module
 */

import { app, rooms } from "./app_state.ts";
import { notifyToggle } from "./elements.ts";

/** `localStorage` key of the bell: `"on"` or `"off"`. */
export const NOTIFY_KEY = "parley.notify";

/** The page's title without a count. */
const BASE_TITLE = "Parley";

/** Shows the number of unread messages in all rooms in the tab title. */
export function updateTitle(): void {
  let unread = 0;
  for (const view of rooms.values()) unread += view.unread;
  const title = unread > 0 ? `(${unread}) ${BASE_TITLE}` : BASE_TITLE;
  if (document.title !== title) document.title = title;
}

/** Whether the user turned the bell on (kept across visits). */
export function notifyEnabled(): boolean {
  try {
    return localStorage.getItem(NOTIFY_KEY) === "on";
  } catch (error) {
    // Storage disabled: the bell stays off.
    if (error instanceof DOMException) return false;
    throw error;
  }
}

function renderToggle(): void {
  const on = notifyEnabled();
  notifyToggle.setAttribute("aria-pressed", String(on));
  notifyToggle.textContent = on ? "🔔" : "🔕";
  notifyToggle.title = on
    ? "Mentions notify you (desktop notification and sound); click to turn off"
    : "Click to be notified of mentions (desktop notification and sound)";
}

let audio: AudioContext | undefined;

/** A short two-tone chime, made with Web Audio (no sound file to fetch). */
function chime(): void {
  audio ??= new AudioContext();
  if (audio.state === "suspended") void audio.resume().catch(() => {});
  const start = audio.currentTime;
  for (const [offset, frequency] of [[0, 880], [0.12, 1320]]) {
    const oscillator = audio.createOscillator();
    const gain = audio.createGain();
    oscillator.frequency.value = frequency;
    gain.gain.setValueAtTime(0.08, start + offset);
    gain.gain.exponentialRampToValueAtTime(0.0001, start + offset + 0.2);
    oscillator.connect(gain).connect(audio.destination);
    oscillator.start(start + offset);
    oscillator.stop(start + offset + 0.2);
  }
}

/**
 * Tells the user about a mention or a private message, if the bell is on and
 * the line is not being read: a desktop notification (when permitted) and a
 * chime.
 *
 * @param title Who and where, e.g. `"bob in #lobby"`.
 * @param body The message text.
 * @param read Whether the user can see the line already.
 */
export function alertMention(title: string, body: string, read: boolean): void {
  if (read || app.restoring || !notifyEnabled()) return;
  if ("Notification" in globalThis && Notification.permission === "granted") {
    const notification = new Notification(title, { body, tag: "parley-mention" });
    notification.addEventListener("click", () => {
      globalThis.focus();
      notification.close();
    });
  }
  try {
    chime();
  } catch (error) {
    // No audio output (or Web Audio refused): the notification is enough.
    if (!(error instanceof DOMException)) throw error;
  }
}

notifyToggle.addEventListener("click", async () => {
  const on = !notifyEnabled();
  try {
    localStorage.setItem(NOTIFY_KEY, on ? "on" : "off");
  } catch (error) {
    if (!(error instanceof DOMException)) throw error;
  }
  renderToggle();
  if (!on) return;
  // Created during the click, so the browser lets it play later.
  audio ??= new AudioContext();
  if ("Notification" in globalThis && Notification.permission === "default") {
    await Notification.requestPermission();
  }
});

renderToggle();
