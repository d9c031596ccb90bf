/**
 * Full-text search over the message log: FTS5 with a file, a scan of the
 * rings with `":memory:"`. Both read the user's words with the one tokenizer
 * in `search_words.ts`, so they find the same messages.
 *
 * @module
 */

import { nameKey } from "../../protocol/names.ts";
import type { Database, Row } from "./database.ts";
import { type MessageLog, PRIVATE_KEY } from "./message_log.ts";
import { searchWords } from "./search_words.ts";
import { messageFromRow, type StoredMessage } from "./stored_message.ts";

/** Most words of a query that are used; the rest are ignored. */
const MAX_QUERY_WORDS = 16;

/**
 * Most messages one search reads without SQLite (`:memory:`), over every
 * room: the newest of each room first, each room an equal share.
 */
export const MAX_SCANNED_MESSAGES = 20_000;

/** Most bytes of message text one search reads without SQLite (`:memory:`). */
export const MAX_SCANNED_CHARS = 4 * 1024 * 1024;

/** Options for {@linkcode MessageSearch.search}. */
export interface SearchOptions {
  /**
   * Only this room (name including `#`); every room in `rooms` when absent.
   * It must be one of `rooms`, or nothing is found.
   */
  room?: string;
  /**
   * The rooms the searcher may read (names including `#`, any case): room
   * messages of other rooms are never found.
   */
  rooms: readonly string[];
  /**
   * Who searches, as stored in {@linkcode StoredMessage.fromParty}: private
   * messages are found only when it is one of their two parties. Absent: none.
   */
  party?: string;
  /**
   * Most results.
   * @default {20}
   */
  limit?: number;
}

/**
 * Search over a {@linkcode MessageLog}.
 *
 * @example
 * ```ts
 * import { Database } from "./database.ts";
 * import { MessageLog } from "./message_log.ts";
 * import { MessageSearch } from "./message_search.ts";
 * const db = new Database(":memory:");
 * const log = new MessageLog(db);
 * log.append({ id: log.nextId(), ts: 0, kind: "msg", room: "#a", from: "bob", text: "Café" });
 * new MessageSearch(db, log).search("cafe", { rooms: ["#a"] }).length; // 1
 * ```
 */
export class MessageSearch {
  readonly #db: Database;
  readonly #log: MessageLog;
  /** Messages the last search read without SQLite, for tests and measurements. */
  lastScanned = 0;

  /**
   * @param db The open database.
   * @param log The message log on `db`.
   */
  constructor(db: Database, log: MessageLog) {
    this.#db = db;
    this.#log = log;
  }

  /**
   * Finds messages, newest first. Every word of `query` must occur (prefix
   * match on the last word); FTS5 operators in `query` are treated as plain
   * words, so any input is safe. Pending messages are committed first.
   *
   * @param query Words to find.
   * @param options Room filter, searcher, limit.
   * @returns Matching messages, newest first; `[]` when `query` has no words.
   */
  search(query: string, options: SearchOptions): StoredMessage[] {
    if (!this.#db.persistent) return this.#searchRings(query, options);
    this.#log.flush();
    const match = ftsQuery(query);
    if (!match) return [];
    const rooms = readableRooms(options);
    // No party matches a key nobody has: the empty string is never a party.
    const me = options.party ?? "";
    const limit = options.limit ?? 20;
    const rows = options.room === undefined
      ? this.#db.prepare(
        `SELECT m.* FROM messages_fts f JOIN messages m ON m.id = f.rowid
         WHERE messages_fts MATCH ? AND (
           m.room_key IN (SELECT value FROM json_each(?))
           OR (m.kind = 'privmsg' AND ? <> '' AND (m.sender_key = ? OR m.recipient_key = ?)))
         ORDER BY m.id DESC LIMIT ?`,
      ).all(match, JSON.stringify([...rooms]), me, me, me, limit)
      : this.#db.prepare(
        `SELECT m.* FROM messages_fts f JOIN messages m ON m.id = f.rowid
         WHERE messages_fts MATCH ? AND m.room_key IN (SELECT value FROM json_each(?))
         ORDER BY m.id DESC LIMIT ?`,
      ).all(match, JSON.stringify([...rooms]), limit);
    return (rows as Row[]).map(messageFromRow);
  }

  /**
   * Search without SQLite (`:memory:`): the same matching as FTS5, over the
   * rings, reading at most {@linkcode MAX_SCANNED_MESSAGES} messages and
   * {@linkcode MAX_SCANNED_CHARS} characters of text, so older matches in a
   * very full store may be missed.
   */
  #searchRings(query: string, options: SearchOptions): StoredMessage[] {
    const words = searchWords(query).slice(0, MAX_QUERY_WORDS);
    if (words.length === 0) return [];
    const last = words.pop()!;
    const limit = options.limit ?? 20;
    const me = options.party;
    const rooms = readableRooms(options);
    const matches = (m: StoredMessage) => {
      const tokens = searchWords(m.text);
      return words.every((w) => tokens.includes(w)) && tokens.some((t) => t.startsWith(last));
    };
    const rings = [...this.#log.rings()].filter(([key]) =>
      key === PRIVATE_KEY ? options.room === undefined && !!me : rooms.has(key)
    );
    // A hard cap on the work: each room's newest messages first, an equal share each.
    const share = Math.max(1, Math.floor(MAX_SCANNED_MESSAGES / Math.max(1, rings.length)));
    const charShare = Math.max(1, Math.floor(MAX_SCANNED_CHARS / Math.max(1, rings.length)));
    const found: StoredMessage[] = [];
    let scanned = 0;
    for (const [key, ring] of rings) {
      let n = 0;
      let read = 0;
      let chars = 0;
      for (const m of ring.newestFirst()) {
        if (n >= limit || read >= share || chars >= charShare) break;
        read++;
        if (key === PRIVATE_KEY && m.fromParty !== me && m.toParty !== me) continue;
        chars += m.text.length;
        if (matches(m)) {
          found.push(m);
          n++;
        }
      }
      scanned += read;
    }
    this.lastScanned = scanned;
    return found.sort((a, b) => b.id - a.id).slice(0, limit);
  }
}

/** The room keys a search may read: `room` alone when given (if readable), else `rooms`. */
function readableRooms(options: SearchOptions): Set<string> {
  const rooms = new Set(options.rooms.map(nameKey));
  if (options.room === undefined) return rooms;
  const only = nameKey(options.room);
  return rooms.has(only) ? new Set([only]) : new Set();
}

/**
 * Turns user text into a safe FTS5 query: each word (as
 * {@linkcode searchWords} reads it) becomes a quoted string, so `AND`,
 * `NEAR`, `*`, `:` and quotes are plain text, and the last word matches as a
 * prefix. At most 16 words are used.
 *
 * @param text What the user typed.
 * @returns The MATCH expression, or `""` when there are no words.
 * @example
 * ```ts
 * import { ftsQuery } from "./message_search.ts";
 * ftsQuery('say "HI"'); // '"say" "hi"*'
 * ```
 */
export function ftsQuery(text: string): string {
  const words = searchWords(text).slice(0, MAX_QUERY_WORDS);
  return words.map((w, i) => `"${w}"${i === words.length - 1 ? "*" : ""}`).join(" ");
}
