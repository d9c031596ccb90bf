/**
 * Voice and video messages: checks an upload against the limits,
 * stores it, announces it to the room, and answers `fetch_media`.
 * Called by the hub; knows no sockets.
 *
 * @module
 */

import { mediaToken, type StoredMedia } from "./media_store.ts";
import { getLogger } from "../log.ts";
import type {
  FetchMediaMessage,
  MediaKind,
  MediaNotice,
  MediaUpload,
} from "../../protocol/messages.ts";
import { ChatError } from "../chat/chat_error.ts";
import type { ChatOperations } from "../chat/chat_operations.ts";
import { measureDurationMs, type MediaContainer } from "./media_duration.ts";
import type { Session } from "../chat/session.ts";

const log = getLogger(["parley", "server"]);

/** Longest recording accepted per kind, in ms. */
export const MAX_MEDIA_DURATION_MS: Record<MediaKind, number> = { voice: 10_000, video: 15_000 };

/** Slack allowed over {@linkcode MAX_MEDIA_DURATION_MS} for timer jitter when recording stops, in ms. */
export const MEDIA_DURATION_GRACE_MS = 500;

/**
 * Largest recording accepted when its duration cannot be read from the
 * container, in bytes. At Opus's lowest bitrate (6 kbit/s, 750 bytes/s) this
 * holds about 5 s, so even an unreadable recording this small cannot run
 * past the voice limit; anything larger must have readable timing.
 */
export const MEDIA_UNMEASURED_MAX_BYTES = 4096;

/**
 * How far the claimed `durationMs` may be from the measured duration before
 * the upload is refused: the larger of 1000 ms and 20 % of the measurement.
 *
 * @param measuredMs The duration read from the container, in ms.
 * @returns The allowed difference, in ms.
 */
export function durationToleranceMs(measuredMs: number): number {
  return Math.max(1000, measuredMs * 0.2);
}

/** Default largest recording, in bytes (2 MiB). */
export const DEFAULT_MAX_MEDIA_BYTES = 2 * 1024 * 1024;

const MIME = /^(audio|video)\/(webm|ogg|mp4)(;\s*codecs="?[a-z0-9.,\s-]{1,60}"?)?$/i;

/**
 * The frame payload needed to carry a recording of `maxMediaBytes` as base64
 * inside a `media` or `media_data` message, in bytes.
 *
 * @param maxMediaBytes Largest recording, in bytes.
 */
export function mediaFrameBytes(maxMediaBytes: number): number {
  return Math.ceil(maxMediaBytes / 3) * 4 + 2048;
}

/**
 * Checks and stores an upload, announces it to the room (the sender gets the
 * `ack`, as for a chat line), and logs it.
 *
 * @param hub The chat.
 * @param session The sender.
 * @param upload The validated `media` message.
 * @returns `[id, ts]` of the new message; in a cluster, a promise of it that
 *   resolves once the recording and its notice are stored (every node then
 *   announces it from the cluster's stream).
 * @throws {ChatError} `not_in_room`, `media_invalid` (kind, type, duration or
 *   bytes that are not a recording) or `media_too_large`.
 */
export function receiveMedia(
  hub: ChatOperations,
  session: Session,
  upload: MediaUpload,
): [number, number] | Promise<[number, number]> {
  const room = hub.roomOf(session, upload.room);
  // A recording is speech: a mute covers it.
  hub.moderation.checkCanSpeak(session);
  const max = hub.limits.maxMediaBytes ?? DEFAULT_MAX_MEDIA_BYTES;
  const mime = MIME.exec(upload.mime);
  if (!mime || upload.mime.length > 100) {
    throw new ChatError(
      "media_invalid",
      "Media type must be audio or video in webm, ogg or mp4",
    );
  }
  if ((upload.kind === "voice") !== (mime[1].toLowerCase() === "audio")) {
    throw new ChatError(
      "media_invalid",
      `A ${upload.kind} message must have an ${upload.kind === "voice" ? "audio" : "video"} type`,
    );
  }
  const limitMs = MAX_MEDIA_DURATION_MS[upload.kind];
  if (upload.durationMs === 0 || upload.durationMs > limitMs + MEDIA_DURATION_GRACE_MS) {
    throw new ChatError(
      "media_invalid",
      `A ${upload.kind} message must last from 1 ms to ${
        limitMs / 1000
      } s, not ${upload.durationMs} ms`,
    );
  }
  // Refuse by size before decoding anything.
  const estimate = Math.floor(upload.data.length / 4) * 3;
  if (estimate - 2 > max) {
    throw new ChatError("media_too_large", `Recording is larger than ${max} bytes`);
  }
  let data: Uint8Array;
  try {
    data = Uint8Array.fromBase64(upload.data);
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    throw new ChatError("media_invalid", "Media data is not valid base64");
  }
  if (data.length > max) {
    throw new ChatError("media_too_large", `Recording is larger than ${max} bytes`);
  }
  const container = mime[2].toLowerCase() as MediaContainer;
  if (!hasContainerMagic(data, container)) {
    throw new ChatError("media_invalid", `Media data is not a ${container} file`);
  }
  const durationMs = checkDuration(session, upload, data, container);
  if (hub.cluster !== undefined) {
    return hub.cluster.publishMedia(session, room, {
      token: mediaToken(),
      kind: upload.kind,
      mime: upload.mime,
      durationMs,
      data,
    });
  }
  const [id, ts] = hub.stamp();
  const media: StoredMedia = {
    id,
    token: mediaToken(),
    ts,
    room: room.name,
    from: session.nick,
    kind: upload.kind,
    mime: upload.mime,
    durationMs,
    data,
  };
  try {
    // Durable before anyone hears of it: a recording that cannot be kept is not delivered.
    hub.media.put(media);
  } catch (error) {
    if (!(error instanceof Error) || error instanceof ChatError) throw error;
    log.error("could not store {kind} {id}: {error}", {
      kind: upload.kind,
      id,
      error: error.message,
    });
    throw new ChatError("internal", `The recording could not be saved: ${error.message}`);
  }
  const { data: _bytes, ...info } = media;
  const notice: MediaNotice = { type: "media", ...info, bytes: data.length };
  hub.broadcastTo(room, notice, session);
  log.info("{kind} {id} {room} from {nick}: {bytes} bytes, {durationMs} ms", {
    kind: upload.kind,
    id,
    room: room.name,
    nick: session.nick,
    bytes: data.length,
    durationMs,
  });
  return [id, ts];
}

/**
 * Measures the recording and compares it with the limit and the claim. The
 * server does not trust `durationMs`:
 * - measured longer than the limit plus {@linkcode MEDIA_DURATION_GRACE_MS}:
 *   refused;
 * - measured and claimed durations apart by more than
 *   {@linkcode durationToleranceMs}: refused (an honest client's claim is its
 *   recording clock, within a few hundred ms of the media);
 * - otherwise the measured duration is the one stored and announced;
 * - not measurable (timing unreadable): accepted with the claim only up to
 *   {@linkcode MEDIA_UNMEASURED_MAX_BYTES}, refused above.
 *
 * @returns The duration to store and announce, in ms.
 * @throws {ChatError} `media_invalid` with a sentence giving the numbers.
 */
function checkDuration(
  session: Session,
  upload: MediaUpload,
  data: Uint8Array,
  container: MediaContainer,
): number {
  const limitMs = MAX_MEDIA_DURATION_MS[upload.kind];
  const measured = measureDurationMs(data, container);
  const facts = {
    kind: upload.kind,
    nick: session.nick,
    claimed: upload.durationMs,
    measured: measured ?? "unknown",
    bytes: data.length,
  };
  if (measured === undefined) {
    if (data.length > MEDIA_UNMEASURED_MAX_BYTES) {
      log.warn("refused {kind} from {nick}: duration unreadable, {bytes} bytes", facts);
      throw new ChatError(
        "media_invalid",
        `Cannot read the duration of this ${container} recording, and unreadable recordings ` +
          `must be at most ${MEDIA_UNMEASURED_MAX_BYTES} bytes, not ${data.length}`,
      );
    }
    log.info("{kind} from {nick}: duration unreadable, small enough ({bytes} bytes)", facts);
    return upload.durationMs;
  }
  if (measured > limitMs + MEDIA_DURATION_GRACE_MS) {
    log.warn("refused {kind} from {nick}: lasts {measured} ms, claimed {claimed} ms", facts);
    throw new ChatError(
      "media_invalid",
      `A ${upload.kind} message must last at most ${limitMs / 1000} s, and this recording ` +
        `lasts ${measured} ms (claimed ${upload.durationMs} ms)`,
    );
  }
  if (Math.abs(measured - upload.durationMs) > durationToleranceMs(measured)) {
    log.warn("refused {kind} from {nick}: lasts {measured} ms, claimed {claimed} ms", facts);
    throw new ChatError(
      "media_invalid",
      `The recording lasts ${measured} ms, not the ${upload.durationMs} ms claimed`,
    );
  }
  return Math.max(1, measured);
}

/**
 * Answers `fetch_media` with the recording's bytes, to members of the room it
 * was posted in only. A recording is named by its random token (never by the
 * sequential message id); an unknown token and a room the asker is not in get
 * the same answer, so neither tells anything.
 *
 * @param hub The chat.
 * @param session Who asks.
 * @param request The validated request.
 * @throws {ChatError} `no_such_media` if the token is unknown, no longer kept,
 *   or of a room `session` is not in.
 */
export function fetchMedia(
  hub: ChatOperations,
  session: Session,
  request: FetchMediaMessage,
): void {
  const info = hub.cluster ? hub.media.info(request.token) : undefined;
  if (info !== undefined && hub.cluster !== undefined) {
    // The bytes are in the cluster's media bucket.
    const room = hub.room(info.room);
    if (!room || !room.has(session)) {
      throw new ChatError(
        "no_such_media",
        "No voice or video message you can fetch has that token",
      );
    }
    hub.cluster.fetchMedia(session, info, request.ref);
    return;
  }
  const media = hub.media.get(request.token);
  const room = media ? hub.room(media.room) : undefined;
  if (!media || !room || !room.has(session)) {
    throw new ChatError("no_such_media", "No voice or video message you can fetch has that token");
  }
  hub.sendTo(session, {
    type: "media_data",
    ref: request.ref,
    id: media.id,
    token: media.token,
    kind: media.kind,
    mime: media.mime,
    durationMs: media.durationMs,
    data: media.data.toBase64(),
  });
}

/**
 * Whether `data` starts like a file of the given container.
 *
 * @param data File bytes.
 * @param container `"webm"` (EBML header 1A 45 DF A3), `"ogg"` (`OggS`) or
 *   `"mp4"` (`ftyp` at offset 4), per the formats' specifications.
 */
export function hasContainerMagic(data: Uint8Array, container: string): boolean {
  const at = (offset: number, bytes: number[]) =>
    data.length >= offset + bytes.length && bytes.every((b, i) => data[offset + i] === b);
  switch (container) {
    case "webm":
      return at(0, [0x1a, 0x45, 0xdf, 0xa3]);
    case "ogg":
      return at(0, [0x4f, 0x67, 0x67, 0x53]);
    case "mp4":
      return at(4, [0x66, 0x74, 0x79, 0x70]);
    default:
      return false;
  }
}
