/**
 * Search messages: the answer a server sends to `/search` and the hits it
 * carries (see `protocol/README.md`). Re-exported by `message_types.ts`, where
 * the answer joins the `ServerMessage` union.
 *
 * @module
 */

/** One `/search` result. */
export interface SearchHit {
  /** Message id. */
  id: number;
  /** Server time of the message, ms since the epoch. */
  ts: number;
  /** What the message was. */
  kind: "msg" | "action" | "privmsg";
  /** Room of a `msg` or `action`. */
  room?: string;
  /** Sender's nick. */
  from: string;
  /** Recipient of a `privmsg`. */
  to?: string;
  /** Message text. */
  text: string;
}

/** Answer to `/search`, sent to the searcher only; results newest first. */
export interface SearchResultsMessage {
  type: "search";
  /** The words searched for, as the server understood them. */
  query: string;
  /** The room searched; absent when every room (and the searcher's private messages) was. */
  room?: string;
  /** Matches, newest first. */
  results: SearchHit[];
  /** The request it answers: the `ref` of the `/search` this answers. */
  ref?: number;
}
