/**
 * A Parley client connection: connect, handshake, then a stream of server
 * messages and a way to send. Used by `parley join`, `parley ping` and tests.
 *
 * TLS goes through `trusted_tls.ts` (system roots and `--ca`, or trust on
 * first use through the known-servers file), decided before `hello` is sent.
 * With an identity key the `hello` offers it (`key`) and the client answers the
 * server's `challenge` with `prove`, signing the host name it dialled; a
 * server that answers `welcome` at once (one without identities) is fine, and
 * one that does not speak this protocol version is asked again in version 1,
 * as a guest.
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
import { fromBase64, signProof, toBase64 } from "../protocol/identity.ts";
import { VERSION } from "../protocol/version.ts";
import { formatAddress, type ServerAddress } from "./address.ts";
import { openTrustedTls, ServerFingerprintChangedError, type TlsTrust } from "./trusted_tls.ts";
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
  /**
   * Known-servers file for trust on first use of TLS certificates that do not
   * verify (ignored with `caCerts`); without it such certificates are refused.
   */
  knownServersFile?: string;
  /** Replace a different recorded fingerprint with this server's (`--accept-new-fingerprint`). */
  acceptNewFingerprint?: boolean;
  /** The key to prove in the handshake; without it the client is a guest. */
  identity?: ClientIdentity;
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

/** The identity a client proves; `IdentityKey` from `identity_key.ts` fits. */
export interface ClientIdentity {
  /** Ed25519 private key, usage `sign`. */
  privateKey: CryptoKey;
  /** Raw public key, 32 bytes. */
  publicKeyRaw: Uint8Array;
}

/** Category of a {@linkcode ConnectError}. */
export type ConnectErrorKind = "connect" | "trust" | "refused" | "closed";

/** Why a connection attempt failed; `kind` maps to an exit code. */
export class ConnectError extends Error {
  /**
   * `connect` (network, DNS, TLS), `trust` (the server's certificate changed
   * since it was recorded: retrying will not help), `refused` (server said
   * no), or `closed`.
   */
  readonly kind: ConnectErrorKind;
  /** The server's error code when `kind` is `refused`. */
  readonly code: ErrorCode | undefined;
  /**
   * @param kind Category.
   * @param message A sentence for the user.
   * @param code Server error code, when refused.
   */
  constructor(kind: ConnectErrorKind, message: string, code?: ErrorCode) {
    super(message);
    this.name = "ConnectError";
    this.kind = kind;
    this.code = code;
  }
}

/** A byte connection: `Deno.Conn` and `VerifiedTlsConn` fit. */
export interface ByteConnection {
  /** Bytes from the server. */
  readonly readable: ReadableStream<Uint8Array>;
  /** Bytes to the server. */
  readonly writable: WritableStream<Uint8Array>;
  /** Closes the connection. */
  close(): void;
}

/** An open, handshaken connection. */
export class ParleyClient {
  /** The server's welcome. */
  readonly welcome: WelcomeMessage;
  /** TLS peer certificate fingerprint (SHA-256, hex with colons), when TLS. */
  readonly fingerprint: string | undefined;
  /** Why the TLS certificate was trusted, when TLS. */
  readonly trust: TlsTrust | undefined;
  readonly #conn: ByteConnection;
  readonly #reader: ReadableStreamDefaultReader<ServerMessage>;
  readonly #writer: WritableStreamDefaultWriter<Uint8Array>;
  #nextRef = 1;
  #closed = false;

  /** @internal Use {@linkcode connect}. */
  constructor(
    conn: ByteConnection,
    reader: ReadableStreamDefaultReader<ServerMessage>,
    welcome: WelcomeMessage,
    tls?: { fingerprint: string; trust: TlsTrust },
  ) {
    this.#conn = conn;
    this.#reader = reader;
    this.#writer = conn.writable.getWriter();
    this.welcome = welcome;
    this.fingerprint = tls?.fingerprint;
    this.trust = tls?.trust;
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
 * Connects, sends `hello` (and answers the identity `challenge`), and waits
 * for `welcome`.
 *
 * @param options See {@linkcode ConnectOptions}.
 * @returns The connected client.
 * @throws {ConnectError} `connect` for network, DNS and TLS failures and for
 *   a port that speaks HTTP or TLS instead (saying so), `trust` when the
 *   server's certificate changed since it was recorded, `refused`
 *   with the server's code (`nick_taken`, `auth_failed`, ...), `closed` if the
 *   server hung up without answering. Messages are sentences for the user.
 */
export async function connect(options: ConnectOptions): Promise<ParleyClient> {
  try {
    return await connectOnce(options, PROTOCOL_VERSION);
  } catch (error) {
    // A server from before identities speaks version 1 only: be its guest.
    if (
      error instanceof ConnectError && error.code === "bad_version" && PROTOCOL_VERSION > 1 &&
      options.identity !== undefined
    ) {
      return await connectOnce({ ...options, identity: undefined }, 1);
    }
    throw error;
  }
}

async function connectOnce(options: ConnectOptions, version: number): Promise<ParleyClient> {
  const { address } = options;
  const where = formatAddress(address);
  const timeoutMs = options.timeoutMs ?? 10_000;
  const timeout = AbortSignal.timeout(timeoutMs);
  let conn: ByteConnection;
  let tls: { fingerprint: string; trust: TlsTrust } | undefined;
  try {
    if (address.tls) {
      const opened = await withTimeout(
        openTrustedTls(address, {
          caCerts: options.caCerts,
          knownServersFile: options.knownServersFile,
          acceptNewFingerprint: options.acceptNewFingerprint,
          timeoutMs,
        }),
        timeout,
      );
      conn = opened.conn;
      tls = { fingerprint: opened.fingerprint, trust: opened.trust };
    } else {
      const tcp = await withTimeout(
        Deno.connect({ hostname: address.hostname, port: address.port }),
        timeout,
      );
      tcp.setNoDelay(true);
      conn = tcp;
    }
  } catch (error) {
    if (error instanceof ServerFingerprintChangedError) {
      throw new ConnectError("trust", error.message);
    }
    throw new ConnectError("connect", describeConnectError(error, where, timeoutMs));
  }
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
      version,
      nick: options.nick,
      client: `parley/${VERSION}`,
    };
    if (options.password !== undefined) hello.password = options.password;
    if (options.probe) hello.probe = true;
    if (options.resume !== undefined) hello.resume = options.resume;
    const identity = options.probe ? undefined : options.identity;
    if (identity) hello.key = toBase64(identity.publicKeyRaw);
    const writer = conn.writable.getWriter();
    await withTimeout(writer.write(encodeMessage(hello)), timeout);
    let first = await withTimeout(reader.read(), timeout);
    if (!first.done && first.value.type === "challenge" && identity) {
      const nonce = decodeNonce(first.value.nonce);
      if (nonce === undefined) {
        return fail(
          new ConnectError("closed", `${where} sent a challenge that is not 32 bytes of base64`),
        );
      }
      const signature = await signProof(
        identity.privateKey,
        nonce,
        serverName(address.hostname),
        identity.publicKeyRaw,
      );
      await withTimeout(
        writer.write(encodeMessage({ type: "prove", signature: toBase64(signature) })),
        timeout,
      );
      first = await withTimeout(reader.read(), timeout);
    }
    writer.releaseLock();
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
    return new ParleyClient(conn, reader, message, tls);
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

/**
 * The name signed in an identity proof: the host as dialled, lower case,
 * without brackets or a trailing dot (see "Identity" in `protocol/README.md`).
 *
 * @param hostname The host from the address.
 * @returns e.g. `"chat.example.org"`, `"::1"`.
 */
export function serverName(hostname: string): string {
  return hostname.toLowerCase().replace(/^\[(.*)\]$/, "$1").replace(/\.$/, "");
}

function decodeNonce(nonce: string): Uint8Array | undefined {
  try {
    const bytes = fromBase64(nonce);
    return bytes.length === 32 ? bytes : undefined;
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    return undefined;
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
