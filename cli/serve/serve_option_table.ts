/**
 * The table of `parley serve` options: one typed row per option (flag,
 * environment variable, kind, default and help) and the types derived from
 * it. Resolving and help live in `serve_options.ts`.
 *
 * @module
 */

/** The value each kind of option resolves to. */
export interface OptionKindValue {
  /** Text as given. */
  string: string;
  /** `true`/`false`; text accepts `1|true|yes|on` and `0|false|no|off`. */
  boolean: boolean;
  /** A positive integer. */
  count: number;
  /** A positive integer, in bytes. */
  bytes: number;
  /** A duration such as `10s`, in ms (see `parseDuration`). */
  duration: number;
  /** A TCP port, 0 to 65535 (0: the OS picks one). */
  port: number;
  /** Comma-separated text, trimmed, empty items dropped. */
  list: string[];
}

/** How an option's text becomes a value. */
export type OptionKind = keyof OptionKindValue;

/** One `parley serve` option. */
export interface OptionSpec {
  /** Long flag without dashes, e.g. `"max-clients"`; also the config file key. */
  name: string;
  /** One-letter flag, if any. */
  short?: string;
  /** Environment variable, e.g. `"PARLEY_MAX_CLIENTS"`. */
  env?: string;
  /** Parsing, and the type of the resolved value. */
  kind: OptionKind;
  /**
   * Default value as text, parsed like a flag and shown in help. Without one
   * the resolved value may be `undefined` (booleans always have one).
   */
  default?: string;
  /** Placeholder in help, e.g. `"N"`. */
  arg?: string;
  /** One line of help. */
  help: string;
}

/** Every `parley serve` option, in help order. */
export const SERVE_OPTIONS = [
  {
    name: "host",
    env: "PARLEY_HOST",
    kind: "string",
    default: "::",
    arg: "HOST",
    help: "address to bind (:: every interface, IPv4 and IPv6; 0.0.0.0 IPv4 only; " +
      "127.0.0.1 this machine only)",
  },
  {
    name: "port",
    short: "p",
    env: "PARLEY_PORT",
    kind: "port",
    default: "5003",
    arg: "PORT",
    help: "TCP port; 0 picks a free one",
  },
  {
    name: "name",
    env: "PARLEY_NAME",
    kind: "string",
    default: "parley",
    arg: "NAME",
    help: "server name shown to clients",
  },
  {
    name: "log-file",
    env: "PARLEY_LOG_FILE",
    kind: "string",
    default: "chat.log",
    arg: "FILE",
    help: "connection log",
  },
  {
    name: "log-messages",
    env: "PARLEY_LOG_MESSAGES",
    kind: "boolean",
    default: "false",
    help: "also log message bodies",
  },
  {
    name: "log-max-bytes",
    env: "PARLEY_LOG_MAX_BYTES",
    kind: "bytes",
    default: "10485760",
    arg: "N",
    help: "rotate the log file when it reaches N bytes",
  },
  {
    name: "log-keep",
    env: "PARLEY_LOG_KEEP",
    kind: "count",
    default: "5",
    arg: "N",
    help: "rotated log files kept (FILE.1 … FILE.N); older ones are deleted",
  },
  {
    name: "max-clients",
    env: "PARLEY_MAX_CLIENTS",
    kind: "count",
    default: "1000",
    arg: "N",
    help: "most users online at once",
  },
  {
    name: "max-frame-bytes",
    env: "PARLEY_MAX_FRAME_BYTES",
    kind: "bytes",
    default: "1048576",
    arg: "N",
    help:
      "largest frame accepted, in bytes; raised to fit one recording as base64 (2798252 with the default --max-media-bytes)",
  },
  {
    name: "max-text-bytes",
    env: "PARLEY_MAX_TEXT_BYTES",
    kind: "bytes",
    default: "8192",
    arg: "N",
    help: "largest message text, in bytes",
  },
  {
    name: "max-queue-bytes",
    env: "PARLEY_MAX_QUEUE_BYTES",
    kind: "bytes",
    default: "1048576",
    arg: "N",
    help:
      "outbound queue per client before it is dropped as a slow consumer, in bytes; raised to one largest frame + 65536 (2863788 by default)",
  },
  {
    name: "handshake-timeout",
    env: "PARLEY_HANDSHAKE_TIMEOUT",
    kind: "duration",
    default: "10s",
    arg: "D",
    help: "time a new connection has to send hello",
  },
  {
    name: "heartbeat",
    env: "PARLEY_HEARTBEAT",
    kind: "duration",
    default: "30s",
    arg: "D",
    help: "ping clients idle for D; drop them after 2×D",
  },
  {
    name: "password-file",
    env: "PARLEY_PASSWORD_FILE",
    kind: "string",
    arg: "FILE",
    help: "require the password in FILE (or set PARLEY_PASSWORD)",
  },
  {
    name: "password-prompt",
    kind: "boolean",
    default: "false",
    help: "ask for the password, hidden (needs a terminal)",
  },
  // The web client and its voice and video messages.
  {
    name: "http",
    env: "PARLEY_HTTP",
    kind: "port",
    arg: "PORT",
    help: "also serve the web client and its WebSocket on PORT (0 picks one); off by default",
  },
  {
    name: "web-origin",
    env: "PARLEY_WEB_ORIGIN",
    kind: "list",
    arg: "LIST",
    help: "comma-separated extra origins allowed to open the WebSocket (* for any); " +
      "pages from this server's addresses, host name, --public-name and localhost always are",
  },
  {
    name: "public-url",
    env: "PARLEY_PUBLIC_URL",
    kind: "string",
    arg: "URL",
    help: "the URL users open when the web client is behind a reverse proxy or tunnel " +
      "(e.g. https://chat.example.org/); pages from it may open the WebSocket",
  },
  {
    name: "max-media-bytes",
    env: "PARLEY_MAX_MEDIA_BYTES",
    kind: "bytes",
    default: "2097152",
    arg: "N",
    help: "largest voice or video message, in bytes (the frame limit grows to fit it)",
  },
  {
    name: "max-rooms",
    env: "PARLEY_MAX_ROOMS",
    kind: "count",
    default: "1000",
    arg: "N",
    help: "most rooms on the server, #lobby included (too_many_rooms beyond)",
  },
  {
    name: "max-rooms-per-user",
    env: "PARLEY_MAX_ROOMS_PER_USER",
    kind: "count",
    default: "20",
    arg: "N",
    help: "most rooms one user is in at once, #lobby included",
  },
  {
    name: "room-create-rate",
    env: "PARLEY_ROOM_CREATE_RATE",
    kind: "count",
    default: "30",
    arg: "N",
    help: "rooms one IP address may create per minute (--max-rooms-per-user at once)",
  },
  // History and its storage.
  {
    name: "data",
    env: "PARLEY_DATA",
    kind: "string",
    arg: "FILE",
    help:
      "SQLite file for history, topics and bans; :memory: keeps nothing (default parley.db beside the log file)",
  },
  {
    name: "history",
    env: "PARLEY_HISTORY",
    kind: "count",
    default: "50",
    arg: "N",
    help: "messages replayed when joining a room",
  },
  {
    name: "retain-days",
    env: "PARLEY_RETAIN_DAYS",
    kind: "count",
    arg: "N",
    help: "delete messages older than N days (default: keep)",
  },
  {
    name: "retain-messages",
    env: "PARLEY_RETAIN_MESSAGES",
    kind: "count",
    default: "10000",
    arg: "N",
    help: "keep at most N messages per room",
  },
  // Scripted starts and tunnels.
  {
    name: "config",
    env: "PARLEY_CONFIG",
    kind: "string",
    arg: "FILE",
    help: "read options from a JSON/JSONC file (keys are these flag names)",
  },
  {
    name: "json",
    env: "PARLEY_JSON",
    kind: "boolean",
    default: "false",
    help: "print JSON Lines events on stdout instead of text (for supervisors)",
  },
  {
    name: "tunnel",
    env: "PARLEY_TUNNEL",
    kind: "string",
    arg: "ngrok",
    help: "share the server on the internet through ngrok (needs ngrok installed and logged in)",
  },
  // Identity keys.
  {
    name: "op-key",
    env: "PARLEY_OP_KEYS",
    kind: "list",
    arg: "LIST",
    help: "comma-separated key fingerprints (SHA256:...) that are operators; " +
      "beside or instead of PARLEY_ADMIN_PASSWORD",
  },
  {
    name: "public-name",
    env: "PARLEY_PUBLIC_NAME",
    kind: "list",
    arg: "LIST",
    help: "comma-separated host names clients dial to reach this server (identity proofs " +
      "name it); loopback, this host's name and addresses and the tunnel are always accepted",
  },
  // Limits against hostile input, floods and password guessing; TLS.
  {
    name: "max-per-address",
    env: "PARLEY_MAX_PER_ADDRESS",
    kind: "count",
    default: "50",
    arg: "N",
    help: "most connections from one IP address (IPv6: one /64), handshaking or joined",
  },
  {
    name: "flood-rate",
    env: "PARLEY_FLOOD_RATE",
    kind: "count",
    default: "10",
    arg: "N",
    help: "messages per second a client may keep sending",
  },
  {
    name: "flood-burst",
    env: "PARLEY_FLOOD_BURST",
    kind: "count",
    default: "60",
    arg: "N",
    help: "messages a client may send at once above the rate (pastes, fast typing)",
  },
  {
    name: "flood-bytes",
    env: "PARLEY_FLOOD_BYTES",
    kind: "bytes",
    default: "65536",
    arg: "N",
    help: "bytes per second a client may keep sending",
  },
  {
    name: "flood-burst-bytes",
    env: "PARLEY_FLOOD_BURST_BYTES",
    kind: "bytes",
    default: "1048576",
    arg: "N",
    help: "bytes a client may send at once (at least --max-frame-bytes)",
  },
  {
    name: "flood-strikes",
    env: "PARLEY_FLOOD_STRIKES",
    kind: "count",
    default: "30",
    arg: "N",
    help: "messages refused as rate_limited (forgiven 1/s) before a disconnect",
  },
  {
    name: "auth-delay",
    env: "PARLEY_AUTH_DELAY",
    kind: "duration",
    default: "1s",
    arg: "D",
    help: "wait before answering a wrong password (that connection only)",
  },
  {
    name: "auth-max-failures",
    env: "PARLEY_AUTH_MAX_FAILURES",
    kind: "count",
    default: "5",
    arg: "N",
    help: "wrong passwords from one address before it is locked out",
  },
  {
    name: "auth-lockout",
    env: "PARLEY_AUTH_LOCKOUT",
    kind: "duration",
    default: "5m",
    arg: "D",
    help: "how long a locked-out address is refused with locked_out",
  },
  {
    name: "tls-cert",
    env: "PARLEY_TLS_CERT",
    kind: "string",
    arg: "FILE",
    help: "serve TLS with this PEM certificate chain (needs --tls-key)",
  },
  {
    name: "tls-key",
    env: "PARLEY_TLS_KEY",
    kind: "string",
    arg: "FILE",
    help: "PEM private key for --tls-cert",
  },
  {
    name: "tls-self-signed",
    env: "PARLEY_TLS_SELF_SIGNED",
    kind: "boolean",
    default: "false",
    help: "serve TLS with a certificate made on first start and kept beside --data " +
      "(in the config directory with :memory:); prints its fingerprint",
  },
  {
    name: "cluster",
    env: "PARLEY_CLUSTER",
    kind: "string",
    arg: "URLS",
    help:
      "join a cluster: NATS servers with JetStream, nats://HOST:PORT[,nats://...]; off by default (one process)",
  },
  {
    name: "cluster-name",
    env: "PARLEY_CLUSTER_NAME",
    kind: "string",
    default: "parley",
    arg: "NAME",
    help: "cluster name: nodes with the same NATS servers and name are one chat",
  },
  {
    name: "cluster-node",
    env: "PARLEY_CLUSTER_NODE",
    kind: "string",
    arg: "ID",
    help: "this node's id, unique in the cluster (letters, digits, _ and -; default: random)",
  },
  {
    name: "cluster-replicas",
    env: "PARLEY_CLUSTER_REPLICAS",
    kind: "count",
    default: "1",
    arg: "N",
    help: "JetStream replicas of the history and state (1, 3 or 5; at most the NATS servers)",
  },
  {
    name: "cluster-heartbeat",
    env: "PARLEY_CLUSTER_HEARTBEAT",
    kind: "duration",
    default: "2s",
    arg: "D",
    help:
      "node liveness beat: a dead node's users are freed and shown as left within about 4×D + 3s",
  },
  {
    name: "cluster-user",
    env: "PARLEY_CLUSTER_USER",
    kind: "string",
    arg: "USER",
    help: "NATS user name (the password from PARLEY_CLUSTER_PASSWORD or --cluster-password-file)",
  },
  {
    name: "cluster-password-file",
    env: "PARLEY_CLUSTER_PASSWORD_FILE",
    kind: "string",
    arg: "FILE",
    help: "NATS password in FILE (or set PARLEY_CLUSTER_PASSWORD)",
  },
  {
    name: "cluster-creds",
    env: "PARLEY_CLUSTER_CREDS",
    kind: "string",
    arg: "FILE",
    help: "NATS .creds file (JWT and nkey seed) instead of user and password",
  },
  {
    name: "cluster-ca",
    env: "PARLEY_CLUSTER_CA",
    kind: "string",
    arg: "FILE",
    help: "PEM CA that signed the NATS servers' certificates (tls://)",
  },
  // Operations: several nodes on one machine, metrics.
  {
    name: "reuse-port",
    env: "PARLEY_REUSE_PORT",
    kind: "boolean",
    default: "false",
    help: "let several servers on this machine listen on the same --port (and --http) and " +
      "share the connections (Linux; needs Deno's --unstable-net, which the tasks and " +
      "compiled binaries have)",
  },
  {
    name: "metrics",
    env: "PARLEY_METRICS",
    kind: "string",
    arg: "HOST:PORT",
    help:
      "serve Prometheus metrics at http://HOST:PORT/metrics (port alone: 127.0.0.1); off by default",
  },
  {
    name: "web-metrics",
    env: "PARLEY_WEB_METRICS",
    kind: "boolean",
    default: "false",
    help: "also serve /metrics on the --http port (public if that port is)",
  },
] as const satisfies readonly OptionSpec[];

/** One row of {@linkcode SERVE_OPTIONS}. */
export type ServeOptionRow = typeof SERVE_OPTIONS[number];

/** The long flag names of `parley serve`, e.g. `"max-clients"`. */
export type ServeOptionName = ServeOptionRow["name"];
