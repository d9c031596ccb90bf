/**
 * Exit codes of `parley`, listed in `parley --help`.
 *
 * @module
 */

/** Finished normally (stdin ended, `/quit`, Ctrl-D). */
export const EXIT_OK = 0;
/** An unexpected error (a bug); the message says what. */
export const EXIT_ERROR = 1;
/**
 * Bad command line or configuration: unknown flag, bad address, missing nick
 * without a terminal; for `serve`, a host it cannot bind, a port in use, unusable TLS files.
 */
export const EXIT_USAGE = 2;
/** Could not connect: refused, unknown host, timeout, TLS failure. */
export const EXIT_CONNECT = 3;
/** The nick was refused: taken, registered to another identity key, or invalid. */
export const EXIT_NICK = 4;
/** The password was refused, missing, or the address is locked out. */
export const EXIT_AUTH = 5;
/** The server closed the connection or shut down. */
export const EXIT_CLOSED = 6;
/** The server refused the client for another reason: full, banned, other version. */
export const EXIT_REFUSED = 7;
/**
 * A scripted join finished, and the server refused some of its lines (too
 * long, muted, an unknown command...); the summary on stderr counts them by code.
 */
export const EXIT_LINES_REFUSED = 8;

/**
 * `parley serve --cluster`: the NATS servers were not reachable at start,
 * refused the credentials, or the cluster's state could not be read.
 */
export const EXIT_CLUSTER = 9;

/** `[code, meaning]` pairs for `--help`. */
export const EXIT_CODES: [number, string][] = [
  [EXIT_OK, "finished normally"],
  [EXIT_ERROR, "unexpected error"],
  [EXIT_USAGE, "bad command line or configuration (serve: host or port unusable)"],
  [EXIT_CONNECT, "could not connect (refused, unknown host, TLS)"],
  [EXIT_NICK, "nick taken, registered to another key, or invalid"],
  [EXIT_AUTH, "password wrong or missing, or locked out"],
  [EXIT_CLOSED, "server closed the connection or shut down"],
  [EXIT_REFUSED, "refused: server full, banned, or protocol version mismatch"],
  [EXIT_LINES_REFUSED, "scripted: some lines were refused (summary on stderr)"],
  [
    EXIT_CLUSTER,
    "serve --cluster: cannot reach or join the cluster (NATS down, credentials refused)",
  ],
];
