/// <reference no-default-lib="true" />
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/// <reference lib="esnext" />
/**
 * The web client's state: the rooms as shown, the connection's nick and refs,
 * media waiting for an ack or for bytes, and the transcript saved for a reload.
 *
 * @module
 */

import type { ChatState } from "../../client/core/chat_state.ts";
import { ReconnectPolicy } from "../../client/core/reconnect_policy.ts";
import type { BrowserIdentity } from "./browser_identity.ts";
import type {
  MediaKind,
  ServerMessage,
  UserInfo,
  WelcomeMessage,
} from "../../protocol/messages.ts";
import { HistoryRequests } from "../../client/core/history_requests.ts";
import { IgnoreList } from "../../client/ignore_list.ts";

/** What one room shows. */
export interface RoomView {
  name: string;
  /** Rendered lines. */
  items: HTMLLIElement[];
  /** Members by `nameKey` of the nick. */
  users: Map<string, UserInfo>;
  topic: string;
  /** Messages (not joins, leaves or notices) that arrived while the room was not being read. */
  unread: number;
  /** Message ids already shown (history replay and the saved transcript overlap). */
  seen: Set<number>;
  /** Local day (`YYYY-MM-DD`) of the last dated line, for day separators. */
  lastDay?: string;
  /** The first message that arrived while the room was not being read. */
  firstUnread?: HTMLLIElement;
}

/** `sessionStorage` key of the nick, password and resume token. */
export const SESSION_KEY = "parley.session";

/** `sessionStorage` key of the saved transcript. */
export const TRANSCRIPT_KEY = "parley.transcript";

/** Lines kept per room. */
export const MAX_ITEMS = 500;

/** Messages kept in the saved transcript. */
export const MAX_SAVED = 300;

/** Longest recording of each kind, in ms. */
export const MEDIA_LIMIT_MS: Record<MediaKind, number> = { voice: 10_000, video: 15_000 };

/** The page's mutable state, shared by the modules of the web client. */
export const app: {
  socket: WebSocket | undefined;
  state: ChatState | undefined;
  welcome: WelcomeMessage | undefined;
  nick: string;
  password: string | undefined;
  /** The next `ref` for a message that wants an answer. */
  nextRef: number;
  reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  everConnected: boolean;
  /** Whether this page rejoined from the tab's saved session (a reload). */
  autoJoin: boolean;
  /** Saved transcript: displayable server messages, oldest first. */
  saved: ServerMessage[];
  /** Whether the saved transcript is being shown again (nothing is saved meanwhile). */
  restoring: boolean;
  /** The identity key, loaded (or made) once per page; `undefined` inside: a guest. */
  identity: Promise<BrowserIdentity | undefined> | undefined;
} = {
  socket: undefined,
  state: undefined,
  welcome: undefined,
  nick: "",
  password: undefined,
  nextRef: 1,
  reconnectTimer: undefined,
  everConnected: false,
  autoJoin: false,
  saved: [],
  restoring: false,
  identity: undefined,
};

/** Backoff, nick and resume token for reconnecting; shared with the terminal client. */
export const policy = new ReconnectPolicy();

/** Room views by `nameKey` of the room name. */
export const rooms = new Map<string, RoomView>();

/** Refs of own media uploads, to show them once acknowledged. */
export const ownMedia = new Map<
  number,
  { kind: MediaKind; mime: string; durationMs: number; url: string; bytes: number; room: string }
>();

/** Refs of `fetch_media` requests, to the element waiting for the bytes. */
export const fetching = new Map<number, HTMLMediaElement>();

/** Saves nick, password and resume token for a reload in the same tab. */
export function saveSession(): void {
  sessionStorage.setItem(
    SESSION_KEY,
    JSON.stringify({ nick: app.nick, password: app.password, resume: policy.resume }),
  );
}

/** Nicks whose messages this page hides (`/ignore`), as in the terminal client. */
export const ignores = new IgnoreList();

/** Open `/history` requests: what they replay is shown even if it was shown before. */
export const historyRequests = new HistoryRequests();
