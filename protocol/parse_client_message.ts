/**
 * The validating parser for messages a client sends.
 *
 * @module
 */

import {
  type Json,
  mediaKind,
  optBool,
  optStr,
  parseObject,
  ping,
  str,
  uint,
} from "./json_fields.ts";
import type {
  ClientMessage,
  CommandMessage,
  HelloMessage,
  MediaUpload,
  SendMessage,
} from "./message_types.ts";

const clientParsers: Record<string, (o: Json) => ClientMessage> = {
  hello(o) {
    const m: HelloMessage = { type: "hello", version: uint(o, "version"), nick: str(o, "nick") };
    const password = optStr(o, "password");
    if (password !== undefined) m.password = password;
    const client = optStr(o, "client");
    if (client !== undefined) m.client = client;
    const probe = optBool(o, "probe");
    if (probe !== undefined) m.probe = probe;
    const resume = optStr(o, "resume");
    if (resume !== undefined) m.resume = resume;
    const key = optStr(o, "key");
    if (key !== undefined) m.key = key;
    return m;
  },
  msg(o) {
    const m: SendMessage = { type: "msg", ref: uint(o, "ref"), text: str(o, "text") };
    const r = optStr(o, "room");
    if (r !== undefined) m.room = r;
    return m;
  },
  command(o) {
    const m: CommandMessage = {
      type: "command",
      ref: uint(o, "ref"),
      name: str(o, "name"),
      args: optStr(o, "args") ?? "",
    };
    const r = optStr(o, "room");
    if (r !== undefined) m.room = r;
    return m;
  },
  ping,
  pong: ping,
  media(o) {
    const m: MediaUpload = {
      type: "media",
      ref: uint(o, "ref"),
      kind: mediaKind(o),
      mime: str(o, "mime"),
      durationMs: uint(o, "durationMs"),
      data: str(o, "data"),
    };
    const r = optStr(o, "room");
    if (r !== undefined) m.room = r;
    return m;
  },
  fetch_media: (o) => ({ type: "fetch_media", ref: uint(o, "ref"), token: str(o, "token") }),
  prove: (o) => ({ type: "prove", signature: str(o, "signature") }),
};

/**
 * Decodes and validates a frame payload sent by a client.
 *
 * @param payload UTF-8 JSON bytes (one frame's payload).
 * @returns The message, with only the documented fields.
 * @throws {SyntaxError} If the payload is not UTF-8 JSON.
 * @throws {TypeError} If it is not an object, has an unknown `type`, or a field
 *   has the wrong type; the message names the field.
 */
export function parseClientMessage(payload: Uint8Array): ClientMessage {
  const o = parseObject(payload);
  const parse = Object.hasOwn(clientParsers, o.type as string)
    ? clientParsers[o.type as string]
    : undefined;
  if (!parse) throw new TypeError(`Cannot decode message: unknown type "${o.type}"`);
  return parse(o);
}
