/// <reference no-default-lib="true" />
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/// <reference lib="esnext" />
/**
 * Voice and video messages in the web client: recording with `MediaRecorder`,
 * the preview, the upload, and players for posted messages.
 *
 * @module
 */

import type { MediaDataMessage, MediaKind, MediaNotice } from "../../protocol/messages.ts";
import { app, fetching, MEDIA_LIMIT_MS, ownMedia } from "./app_state.ts";
import {
  recAudio,
  recLive,
  recorderEl,
  recSend,
  recStatus,
  recStop,
  recVideo,
} from "./elements.ts";
import { isOnline, send } from "./outbox.ts";
import { el, nickSpan, systemLine } from "./room_view.ts";

/** A duration as `m:ss`, the way media players show it. */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
}

/**
 * Makes a player show the length of a recording before it plays. A WebM from
 * `MediaRecorder` has no duration in its header, so the player reads it as
 * unknown (`Infinity`) and shows `0:00` until the end; seeking far past the
 * end makes the browser scan the file and learn the real duration, after
 * which the player goes back to the start.
 */
function learnDuration(player: HTMLMediaElement): void {
  player.addEventListener("loadedmetadata", () => {
    if (Number.isFinite(player.duration)) return;
    const back = () => {
      if (!Number.isFinite(player.duration)) return;
      player.removeEventListener("durationchange", back);
      player.currentTime = 0;
    };
    player.addEventListener("durationchange", back);
    player.currentTime = Number.MAX_SAFE_INTEGER;
  });
}

/**
 * The line for a voice or video message, with its length (as the server
 * knows it) beside the player; fetches its bytes unless `url` plays them already.
 */
export function mediaItem(message: MediaNotice, url?: string): HTMLLIElement {
  const item = el("li", `media ${message.kind}`);
  const me = app.state?.me ?? app.nick;
  item.dataset.mediaId = String(message.id);
  if (message.history) item.classList.add("history");
  item.append(nickSpan(message.from));
  item.append(
    el("span", "media-label", `${message.kind === "voice" ? "🎤" : "🎥"} ${message.kind}`),
  );
  const length = el("time", "media-duration", formatDuration(message.durationMs));
  length.dateTime = `PT${(message.durationMs / 1000).toFixed(3)}S`;
  length.title = "length";
  item.append(length);
  const player = message.kind === "voice" ? el("audio") : el("video");
  player.controls = true;
  player.preload = "metadata";
  if (player instanceof HTMLVideoElement) player.playsInline = true;
  player.dataset.mediaId = String(message.id);
  player.dataset.mediaToken = message.token;
  learnDuration(player);
  item.append(player);
  if (url) player.src = url;
  else {
    const ref = app.nextRef++;
    fetching.set(ref, player);
    // Offline, the request is made again once reconnected (see connection.ts).
    if (isOnline()) {
      send({ type: "fetch_media", ref, token: message.token });
    }
  }
  if (message.from === me) item.classList.add("own");
  return item;
}

/** Plays the bytes of a fetched media message in the element waiting for them. */
export function gotMedia(message: MediaDataMessage): void {
  const player = fetching.get(message.ref);
  fetching.delete(message.ref);
  if (!player) return;
  const bytes = Uint8Array.fromBase64(message.data);
  player.src = URL.createObjectURL(new Blob([bytes], { type: message.mime }));
}

let recorder: MediaRecorder | undefined;

let recording: {
  kind: MediaKind;
  blob?: Blob;
  url?: string;
  durationMs: number;
  stream?: MediaStream;
} | undefined;

let recordTimer: ReturnType<typeof setInterval> | undefined;

function pickMime(kind: MediaKind): string | undefined {
  const candidates = kind === "voice"
    ? ["audio/webm;codecs=opus", "audio/ogg;codecs=opus", "audio/webm", "audio/mp4"]
    : ["video/webm;codecs=vp8,opus", "video/webm", "video/mp4"];
  return candidates.find((m) => MediaRecorder.isTypeSupported(m));
}

/** Records voice or video from the camera/microphone, up to the kind's limit. */
export async function startRecording(kind: MediaKind): Promise<void> {
  if (recorder) return;
  if (!navigator.mediaDevices?.getUserMedia) {
    systemLine("Recording needs HTTPS (or localhost) and a browser with a microphone", "error");
    return;
  }
  let stream: MediaStream;
  try {
    stream = await navigator.mediaDevices.getUserMedia(
      kind === "voice"
        ? { audio: true }
        : { audio: true, video: { width: { ideal: 320 }, height: { ideal: 240 } } },
    );
  } catch (error) {
    systemLine(`Cannot record: ${(error as Error).message}`, "error");
    return;
  }
  const mimeType = pickMime(kind);
  const rec = new MediaRecorder(stream, {
    ...(mimeType ? { mimeType } : {}),
    audioBitsPerSecond: 32_000,
    ...(kind === "video" ? { videoBitsPerSecond: 400_000 } : {}),
  });
  recorder = rec;
  recording = { kind, durationMs: 0, stream };
  const chunks: Blob[] = [];
  rec.addEventListener("dataavailable", (event) => {
    if (event.data.size > 0) chunks.push(event.data);
  });
  const started = performance.now();
  const limit = MEDIA_LIMIT_MS[kind];
  rec.addEventListener("stop", () => {
    clearInterval(recordTimer);
    const durationMs = Math.min(limit, Math.max(1, Math.round(performance.now() - started)));
    for (const track of stream.getTracks()) track.stop();
    recLive.hidden = true;
    recLive.srcObject = null;
    recorder = undefined;
    if (!recording) return;
    const blob = new Blob(chunks, { type: rec.mimeType || mimeType || "" });
    recording.blob = blob;
    recording.durationMs = durationMs;
    recording.url = URL.createObjectURL(blob);
    const preview = kind === "voice" ? recAudio : recVideo;
    preview.src = recording.url;
    preview.hidden = false;
    recStatus.textContent = `${kind} ${(durationMs / 1000).toFixed(1)} s, ${
      Math.ceil(blob.size / 1024)
    } KiB`;
    recStop.hidden = true;
    recSend.disabled = false;
  });
  recorderEl.hidden = false;
  recStop.hidden = false;
  recSend.disabled = true;
  recAudio.hidden = true;
  recVideo.hidden = true;
  if (kind === "video") {
    recLive.srcObject = stream;
    recLive.hidden = false;
    void recLive.play().catch(() => {});
  }
  rec.start(250);
  const tick = () => {
    const left = Math.max(0, limit - (performance.now() - started));
    recStatus.textContent = `recording ${kind}… ${(left / 1000).toFixed(0)} s left`;
    if (left <= 0 && rec.state === "recording") rec.stop();
  };
  tick();
  recordTimer = setInterval(tick, 100);
}

/** Stops the recording in progress; its preview then waits to be sent. */
export function stopRecording(): void {
  recorder?.stop();
}

/** Stops and discards the recording in progress or waiting to be sent. */
export function resetRecorder(): void {
  if (recorder && recorder.state !== "inactive") recorder.stop();
  for (const track of recording?.stream?.getTracks() ?? []) track.stop();
  recording = undefined;
  recorderEl.hidden = true;
  recAudio.removeAttribute("src");
  recVideo.removeAttribute("src");
  recStatus.textContent = "";
}

/** Uploads the finished recording to the active room. */
export async function sendRecording(): Promise<void> {
  if (!recording?.blob || !app.state) return;
  const { kind, blob, durationMs, url } = recording;
  const max = app.welcome?.limits.maxMediaBytes;
  if (max !== undefined && blob.size > max) {
    systemLine(`The recording is ${blob.size} bytes; this server accepts up to ${max}`, "error");
    return;
  }
  const bytes = new Uint8Array(await blob.arrayBuffer());
  const ref = app.nextRef++;
  const target = app.state.activeRoom;
  ownMedia.set(ref, {
    kind,
    mime: blob.type,
    durationMs,
    url: url!,
    bytes: bytes.length,
    room: target,
  });
  send({
    type: "media",
    ref,
    room: target,
    kind,
    mime: blob.type,
    durationMs,
    data: bytes.toBase64(),
  });
  recording = undefined;
  recorderEl.hidden = true;
}
