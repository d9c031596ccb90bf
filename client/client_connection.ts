/**
 * A Parley client connection: connect, handshake, then a stream of server
 * messages and a way to send. Used by `parley join`, `parley ping` and tests.
 *
 * @module
 */

import { DEFAULT_MAX_FRAME_BYTES } from "../protocol/frame.ts";
import { FrameDecoderStream } from "../protocol/frame_decoder_stream.ts";
import {
  type ClientMessage,
  encodeMessage,
  type ErrorCode,
  parseServerMessage,
  PROTOCOL_VERSION,
  type ServerMessage,
  type WelcomeMessage,
} from "../protocol/messages.ts";
import { VERSION } from "../protocol/version.ts";
import { formatAddress, type ServerAddress } from "./address.ts";
import { tlsFingerprint } from "./tls_fingerprint.ts";
import {
  describeForeignProtocol,
  ForeignProtocolError,
  foreignProtocolGuard,
} from "./foreign_protocol.ts";

/** Options for {@linkcode connect}. */
export interface ConnectOptions {
  /** Where to connect. */
  address: ServerAddress;
  /** Nick to register (ignored by probes, which may pass any). */
  nick: string;
  /** Server password, if any. */
  password?: string;
  /** PEM CA certificates to trust for TLS, beside the system roots. */
  caCerts?: string[];
  /** Ask for a health probe: the server answers `welcome` and closes. */
  probe?: boolean;
  /** Resume token from an earlier `welcome`, to take the nick back from a ghost. */
  resume?: string;
  /**
   * Longest to wait for the TCP connection and the welcome, in ms.
   * @default {10000}
   */
  timeoutMs?: number;
}

/** Why a connection attempt failed; `kind` maps to an exit code. */
export class ConnectError extends Error {
  /** `connect` (network, DNS, TLS), `refused` (server said no), or `closed`. */
  readonly kind: "connect" | "refused" | "closed";
  /** The server's error code when `kind` is `refused`. */
  readonly code: ErrorCode | undefined;
  /**
   * @param kind Category.
   * @param message A sentence for the user.
   * @param code Server error code, when refused.
   */
  constructor(kind: "connect" | "refused" | "closed", message: string, code?: ErrorCode) {
    super(message);
    this.name = "ConnectError";
    this.kind = kind;
    this.code = code;
  }
}

/** An open, handshaken connection. */
export class ParleyClient {
  /** The server's welcome. */
  readonly welcome: WelcomeMessage;
  /** TLS peer certificate fingerprint (SHA-256, hex with colons), when TLS. */
  readonly fingerprint: string | undefined;
  readonly #conn: Deno.Conn;
  readonly #reader: ReadableStreamDefaultReader<ServerMessage>;
  readonly #writer: WritableStreamDefaultWriter<Uint8Array>;
  #nextRef = 1;
  #closed = false;

  /** @internal Use {@linkcode connect}. */
  constructor(
    conn: Deno.Conn,
    reader: ReadableStreamDefaultReader<ServerMessage>,
    welcome: WelcomeMessage,
    fingerprint: string | undefined,
  ) {
    this.#conn = conn;
    this.#reader = reader;
    this.#writer = conn.writable.getWriter();
    this.welcome = welcome;
    this.fingerprint = fingerprint;
  }

  /** A fresh `ref` for the next `msg` or `command`. */
  nextRef(): number {
    return this.#nextRef++;
  }

  /**
   * Sends one message as one frame.
   *
   * @param message Any client message.
   * @throws {Deno.errors.BrokenPipe | Deno.errors.ConnectionReset} If the connection is gone.
   */
  async send(message: ClientMessage): Promise<void> {
    await this.#writer.write(encodeMessage(message));
  }

  /**
   * Reads the next server message.
   *
   * @returns The message, or `null` when the server closed the connection.
   * @throws {SyntaxError | TypeError | RangeError} If the server sent a malformed frame.
   */
  async read(): Promise<ServerMessage | null> {
    try {
      const { value, done } = await this.#reader.read();
      return done ? null : value;
    } catch (error) {
      if (this.#closed || isConnectionGone(error)) return null;
      throw error;
    }
  }

  /** Iterates server messages until the connection closes. */
  async *[Symbol.asyncIterator](): AsyncIterator<ServerMessage> {
    while (true) {
      const message = await this.read();
      if (message === null) return;
      yield message;
    }
  }

  /** Closes the connection. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#reader.cancel().catch(() => {});
    try {
      this.#conn.close();
    } catch (error) {
      if (!(error instanceof Deno.errors.BadResource)) throw error;
    }
  }
}

/**
 * Connects, sends `hello`, and waits for `welcome`.
 *
 * @param options See {@linkcode ConnectOptions}.
 * @returns The connected client.
 * @throws {ConnectError} `connect` for network, DNS and TLS failures and for
 *   a port that speaks HTTP or TLS instead (saying so), `refused`
 *   with the server's code (`nick_taken`, `auth_failed`, ...), `closed` if the
 *   server hung up without answering. Messages are sentences for the user.
 */
export async function connect(options: ConnectOptions): Promise<ParleyClient> {
  const { address } = options;
  const where = formatAddress(address);
  const timeoutMs = options.timeoutMs ?? 10_000;
  const timeout = AbortSignal.timeout(timeoutMs);
  let conn: Deno.Conn;
  try {
    conn = await withTimeout<Deno.Conn>(
      address.tls
        ? Deno.connectTls({
          hostname: address.hostname,
          port: address.port,
          caCerts: options.caCerts,
        })
        : Deno.connect({ hostname: address.hostname, port: address.port }),
      timeout,
    );
  } catch (error) {
    throw new ConnectError("connect", describeConnectError(error, where, timeoutMs));
  }
  if ("setNoDelay" in conn) (conn as Deno.TcpConn).setNoDelay(true);
  let fingerprint: string | undefined;
  const reader = conn.readable
    .pipeThrough(foreignProtocolGuard())
    .pipeThrough(new FrameDecoderStream({ maxFrameBytes: DEFAULT_MAX_FRAME_BYTES * 64 }))
    .pipeThrough(
      new TransformStream<Uint8Array, ServerMessage>({
        transform(payload, controller) {
          const message = parseServerMessage(payload);
          if (message) controller.enqueue(message);
        },
      }),
    ).getReader();
  const fail = (error: ConnectError): never => {
    reader.cancel().catch(() => {});
    try {
      conn.close();
    } catch { /* already closed by the peer */ }
    throw error;
  };
  try {
    const hello: ClientMessage = {
      type: "hello",
      version: PROTOCOL_VERSION,
      nick: options.nick,
      client: `parley/${VERSION}`,
    };
    if (options.password !== undefined) hello.password = options.password;
    if (options.probe) hello.probe = true;
    if (options.resume !== undefined) hello.resume = options.resume;
    const writer = conn.writable.getWriter();
    await withTimeout(writer.write(encodeMessage(hello)), timeout);
    writer.releaseLock();
    const first = await withTimeout(reader.read(), timeout);
    if (first.done) {
      return fail(
        new ConnectError("closed", `${where} closed the connection during the handshake`),
      );
    }
    const message = first.value;
    if (message.type === "error") {
      return fail(new ConnectError("refused", message.message, message.code));
    }
    if (message.type !== "welcome") {
      return fail(
        new ConnectError("closed", `${where} sent "${message.type}" instead of a welcome`),
      );
    }
    if (address.tls && !options.probe) {
      // The chain and name were verified by Deno.connectTls above; read the fingerprint to show.
      fingerprint = await tlsFingerprint({ ...address, caCerts: options.caCerts, timeoutMs })
        .catch(() => undefined);
    }
    return new ParleyClient(conn, reader, message, fingerprint);
  } catch (error) {
    if (error instanceof ConnectError) throw error;
    if (error instanceof ForeignProtocolError) {
      const host = address.hostname.includes(":") ? `[${address.hostname}]` : address.hostname;
      return fail(
        new ConnectError(
          "connect",
          describeForeignProtocol(error.protocol, `${host}:${address.port}`),
        ),
      );
    }
    return fail(new ConnectError("connect", describeConnectError(error, where, timeoutMs)));
  }
}

function withTimeout<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

/**
 * Whether `error` means the connection is gone (reset, closed, aborted, a
 * write after close) rather than a bug.
 *
 * @param error Anything caught from a read or write.
 */
export function isConnectionGone(error: unknown): boolean {
  return error instanceof Deno.errors.ConnectionReset ||
    error instanceof Deno.errors.BrokenPipe ||
    error instanceof Deno.errors.BadResource ||
    error instanceof Deno.errors.ConnectionAborted ||
    error instanceof Deno.errors.UnexpectedEof ||
    error instanceof Deno.errors.NotConnected ||
    error instanceof Deno.errors.Interrupted ||
    // A write after the writable stream was closed.
    (error instanceof TypeError && /closed|errored/i.test(error.message));
}

/**
 * Turns a connection failure into a sentence for the user.
 *
 * @param error What `Deno.connect` or the handshake threw.
 * @param where The address, as `tcp://host:port`.
 * @param timeoutMs The timeout in force, in ms.
 */
export function describeConnectError(error: unknown, where: string, timeoutMs: number): string {
  if (error instanceof Deno.errors.ConnectionRefused) {
    return `Connection refused by ${where}: is the server running, and is that the right port?`;
  }
  if (error instanceof DOMException && error.name === "TimeoutError") {
    return `No answer from ${where} within ${timeoutMs} ms: is the address right, and is a firewall in the way?`;
  }
  const text = error instanceof Error ? error.message : String(error);
  if (/lookup|resolve|name or service|nodename|No address/i.test(text)) {
    return `Unknown host in ${where}: the name could not be resolved`;
  }
  if (/certificate|tls|handshake|UnknownIssuer|NotValidForName/i.test(text)) {
    return `TLS handshake with ${where} failed: ${text}`;
  }
  if (isConnectionGone(error)) return `${where} closed the connection during the handshake`;
  if (error instanceof Deno.errors.PermissionDenied) {
    return `Not allowed to connect to ${where}: run with --allow-net`;
  }
  return `Cannot connect to ${where}: ${text}`;
}
