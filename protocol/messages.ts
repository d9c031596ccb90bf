/**
 * Parley protocol messages: the JSON payloads carried inside frames.
 *
 * Every message is a JSON object with a string `type`. Client-to-server and
 * server-to-client messages are separate discriminated unions; each has a
 * validating parser for untrusted input. `protocol/README.md` is the normative
 * description of every field.
 *
 * @module
 */

export * from "./message_types.ts";
export * from "./encode_message.ts";
export { parseClientMessage } from "./parse_client_message.ts";
export { parseServerMessage } from "./parse_server_message.ts";
