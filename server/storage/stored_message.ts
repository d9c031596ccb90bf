/**
 * The shape of a stored chat message, shared by the message log, its rings
 * and search.
 *
 * @module
 */

import type { Row } from "./database.ts";

/** What a stored message is. */
export type StoredKind = "msg" | "action" | "privmsg";

/** One stored message. */
export interface StoredMessage {
  /** Server-assigned id, unique and increasing across restarts. */
  id: number;
  /** Server time, ms since the epoch. */
  ts: number;
  /** `msg` and `action` belong to a room; `privmsg` to its two parties. */
  kind: StoredKind;
  /** Room name including `#` (room messages only). */
  room?: string;
  /** Sender's nick. */
  from: string;
  /**
   * Who the sender is, for private messages: the identity fingerprint
   * (`SHA256:...`) or the session's guest id (`guest:...`). Private messages
   * are found by these, never by nick. `nameKey(from)` when absent.
   */
  fromParty?: string;
  /** Recipient's nick (private messages only). */
  to?: string;
  /** Who the recipient is (private messages only), like {@linkcode StoredMessage.fromParty}. */
  toParty?: string;
  /** Sanitized text. */
  text: string;
}

/**
 * A `messages` row as a {@linkcode StoredMessage}.
 *
 * @param row A full row of the `messages` table.
 * @returns The message; `room` and `to` only when set.
 */
export function messageFromRow(row: Row): StoredMessage {
  const m: StoredMessage = {
    id: Number(row.id),
    ts: Number(row.ts),
    kind: row.kind as StoredKind,
    from: String(row.sender),
    text: String(row.text),
  };
  if (row.room !== null) m.room = String(row.room);
  if (row.recipient !== null) m.to = String(row.recipient);
  if (m.kind === "privmsg") {
    m.fromParty = String(row.sender_key);
    if (row.recipient_key !== null) m.toParty = String(row.recipient_key);
  }
  return m;
}
