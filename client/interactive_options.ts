/**
 * What the interactive `parley join` session is given: its options
 * ({@linkcode InteractiveOptions}), and the shapes of the connection and the
 * keyboard it runs on, so tests can pass fakes.
 *
 * @module
 */

import type { ServerMessage } from "../protocol/messages.ts";
import type { ServerAddress } from "./address.ts";
import type { BackoffOptions } from "./core/backoff.ts";
import type {
  ClientIdentity,
  ConnectError,
  ConnectOptions,
  ParleyClient,
} from "./client_connection.ts";
import type { HeartbeatTarget } from "./heartbeat.ts";
import type { ColorDepth } from "./render.ts";
import type { ScreenOutput } from "./terminal.ts";

/**
 * A handshaken connection as the session uses it; {@linkcode ParleyClient}
 * fits, and tests pass fakes.
 */
export interface SessionConnection extends HeartbeatTarget, AsyncIterable<ServerMessage> {
  /** Sends one message. */
  send: ParleyClient["send"];
  /** Closes the connection; idempotent. */
  close(): void;
}

/** Keyboard input: raw bytes, `null` at end of input; `Deno.stdin` fits. */
export interface SessionInput {
  /** Reads into `buffer`; resolves to the byte count, or `null` at EOF. */
  read(buffer: Uint8Array): Promise<number | null>;
  /** Switches raw mode, when the input is a terminal. */
  setRaw?(raw: boolean): void;
}

/** Options for `runInteractive` (`interactive_session.ts`). */
export interface InteractiveOptions {
  /** The server, for reconnecting and for the status line. */
  address: ServerAddress;
  /**
   * Every address of the chat (the nodes of a cluster), `address` among
   * them: after a drop the client reconnects to the next one, then the one
   * after, wrapping.
   * @default {[address]}
   */
  addresses?: ServerAddress[];
  /**
   * Index in `addresses` of the one the first connection went to.
   * @default {0}
   */
  addressIndex?: number;
  /** Server password, for reconnecting. */
  password?: string;
  /** Extra CA certificates for TLS, for reconnecting. */
  caCerts?: string[];
  /** Known-servers file, for reconnecting (see `ConnectOptions`). */
  knownServersFile?: string;
  /** The identity key, proven again on every reconnect (resume tokens belong to it). */
  identity?: ClientIdentity;
  /** Ring the terminal bell when the user is mentioned. */
  bell: boolean;
  /**
   * Reconnect automatically when the connection drops.
   * @default {true}
   */
  reconnect?: boolean;
  /** Reconnect delays; see `reconnectDelay`. */
  backoff?: BackoffOptions;
  /** Maps a refused reconnect to the process exit code. */
  exitCodeFor: (error: ConnectError) => number;
  /**
   * Keyboard input.
   * @default {Deno.stdin}
   */
  input?: SessionInput;
  /**
   * The screen.
   * @default {Deno.stdout}
   */
  output?: ScreenOutput;
  /**
   * Where the final "connection closed" line goes.
   * @default {Deno.stderr}
   */
  errorOutput?: ScreenOutput;
  /**
   * Terminal width, in columns.
   * @default {() => Deno.consoleSize().columns}
   */
  columns?: () => number;
  /**
   * Colour on or off.
   * @default {colorSupported()}
   */
  color?: boolean;
  /**
   * Colours the terminal shows, for nicks.
   * @default {terminalColorDepth()}
   */
  colorDepth?: ColorDepth;
  /**
   * Subscribes to terminal resizes; returns the unsubscribe function.
   * @default {a SIGWINCH listener where there is one}
   */
  onResize?: (listener: () => void) => () => void;
  /**
   * Opens a new connection when reconnecting; rejects with `ConnectError`.
   * @default {connect from client_connection.ts}
   */
  connect?: (options: ConnectOptions) => Promise<SessionConnection>;
}
