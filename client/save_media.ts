/**
 * The terminal side of `/save ID [FILE]`: writes a fetched voice or
 * video message to a file.
 *
 * @module
 */

import type { MediaDataMessage } from "../protocol/messages.ts";

/**
 * The default file name for a media message, e.g. `parley-voice-42.webm`.
 *
 * @param media The fetched media.
 * @returns A name in the current directory, the extension taken from the type.
 */
export function mediaFileName(media: MediaDataMessage): string {
  const ext = /^[a-z]+\/(webm|ogg|mp4)/i.exec(media.mime)?.[1].toLowerCase() ?? "bin";
  return `parley-${media.kind}-${media.id}.${ext}`;
}

/**
 * Writes fetched media to `file` (or the default name) and describes the result.
 *
 * @param media The `media_data` answer.
 * @param file Target path; {@linkcode mediaFileName} when absent.
 * @returns A line for the user, e.g. `--- saved voice 42 to parley-voice-42.webm (40213 bytes)`,
 *   or a sentence saying why it could not be written.
 */
export function saveMedia(media: MediaDataMessage, file?: string): string {
  const path = file || mediaFileName(media);
  let data: Uint8Array;
  try {
    data = Uint8Array.fromBase64(media.data);
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    return `!!! Cannot save ${media.kind} ${media.id}: the server sent invalid base64`;
  }
  try {
    Deno.writeFileSync(path, data);
  } catch (error) {
    if (error instanceof Deno.errors.PermissionDenied || error instanceof Deno.errors.NotCapable) {
      return `!!! Cannot save to ${path}: not allowed (run with --allow-write)`;
    }
    if (error instanceof Error) return `!!! Cannot save to ${path}: ${error.message}`;
    throw error;
  }
  return `--- saved ${media.kind} ${media.id} to ${path} (${data.length} bytes)`;
}
