/**
 * Voice and video messages: the upload and the fetch a client sends, the
 * notice and the bytes a server sends (see "Voice and video messages" in
 * `protocol/README.md`). Recordings travel as base64 inside ordinary messages
 * and are fetched by a random token, never by their sequential id.
 *
 * @module
 */

/** Kinds of recorded media: voice (audio only, up to 10 s) and video (with audio, up to 15 s). */
export type MediaKind = "voice" | "video";

/** A recorded voice or video message for a room. */
export interface MediaUpload {
  type: "media";
  /** Client-chosen reference echoed in the `ack` or `error`. */
  ref: number;
  /** Target room; defaults to `#lobby`. */
  room?: string;
  /** `"voice"` or `"video"`. */
  kind: MediaKind;
  /** Container type as recorded, e.g. `"audio/webm;codecs=opus"`. */
  mime: string;
  /** Recorded length, in ms. */
  durationMs: number;
  /** The recording, standard base64 (RFC 4648 section 4, padded). */
  data: string;
}

/** Asks for the bytes of a media message by token; answered by `media_data` or `error`. */
export interface FetchMediaMessage {
  type: "fetch_media";
  /** Client-chosen reference echoed in the `media_data` or `error`. */
  ref: number;
  /** The recording's token (from its `media` notice): 32 lower-case hex digits. */
  token: string;
}

/** A voice or video message was posted to a room; fetch its bytes with `fetch_media`. */
export interface MediaNotice {
  type: "media";
  id: number;
  /** What `fetch_media` names it by: 128 random bits as 32 lower-case hex digits. */
  token: string;
  ts: number;
  room: string;
  from: string;
  kind: MediaKind;
  mime: string;
  /** Recorded length, in ms. */
  durationMs: number;
  /** Size of the recording, in bytes (decoded). */
  bytes: number;
  /** Present and `true` when replayed from history rather than sent live. */
  history?: boolean;
  /** The request it answers: the `ref` of the `/history` or `/join` whose replay this is; absent on live messages. */
  ref?: number;
}

/** The bytes of a media message, answering `fetch_media` by `ref`. */
export interface MediaDataMessage {
  type: "media_data";
  ref: number;
  id: number;
  token: string;
  kind: MediaKind;
  mime: string;
  durationMs: number;
  /** The recording, standard padded base64. */
  data: string;
}
