/**
 * A TLS client connection opened with `node:tls`, verified as OpenSSL verifies,
 * with the peer certificate's fingerprint read from that same connection.
 *
 * Why not `Deno.connectTls`: rustls/webpki, behind `Deno.connectTls`, refuses a
 * certificate marked `CA:TRUE` as the server's own (`CaUsedAsEndEntity`), even
 * when the client trusts exactly that certificate with `caCerts`. The usual
 * `openssl req -x509 ... -subj /CN=localhost` makes such a certificate (OpenSSL's
 * default config adds `basicConstraints=critical,CA:TRUE`), so self-hosters'
 * certificates fail with `--ca`. Deno's `node:tls` accepts a self-signed
 * certificate that is in its `ca` list, as OpenSSL and browsers with a pinned
 * certificate do, and still checks the signature, validity and the host name.
 * `Deno.TlsConn` also cannot show the peer certificate, so the fingerprint came
 * from a second connection, which need not reach the same server; here it is
 * the certificate of the connection that carries the chat.
 *
 * @module
 */

import tls from "node:tls";
import { isIP } from "node:net";
import { Duplex } from "node:stream";

/** Options for {@linkcode connectVerifiedTls}. */
export interface VerifiedTlsOptions {
  /** Server host name or IP address; also the name the certificate must carry. */
  hostname: string;
  /** Server port. */
  port: number;
  /**
   * PEM certificates to trust beside Node's default roots (`--ca`); the roots
   * are kept only with `--allow-sys` (reading them needs it).
   */
  caCerts?: string[];
  /**
   * Check the chain and the name. With `false` any certificate is accepted,
   * {@linkcode VerifiedTlsConn.verified} says whether it would have been, and
   * the caller must compare {@linkcode VerifiedTlsConn.fingerprint} with what
   * it trusts (e.g. `known_servers`) before sending anything.
   * @default {true}
   */
  verify?: boolean;
  /**
   * Longest to wait for the TCP connection and the TLS handshake, in ms.
   * @default {10000}
   */
  timeoutMs?: number;
}

/** An open TLS connection, shaped like the parts of `Deno.Conn` the client uses. */
export interface VerifiedTlsConn {
  /** Bytes from the server. */
  readonly readable: ReadableStream<Uint8Array>;
  /** Bytes to the server. */
  readonly writable: WritableStream<Uint8Array>;
  /** SHA-256 of the server certificate, upper-case hex pairs joined by colons. */
  readonly fingerprint: string;
  /**
   * Whether the chain and name verify against the trusted roots (and
   * `caCerts`); always `true` with `verify: true`, which refuses otherwise.
   */
  readonly verified: boolean;
  /** Why the certificate did not verify (e.g. `"DEPTH_ZERO_SELF_SIGNED_CERT"`), when it did not. */
  readonly verifyError: string | undefined;
  /** Closes the connection at once. Idempotent. */
  close(): void;
}

/**
 * Opens a TLS connection and completes the handshake.
 *
 * @param options See {@linkcode VerifiedTlsOptions}.
 * @returns The connection, after a successful handshake.
 * @throws {Deno.errors.ConnectionRefused} If nothing listens on the port.
 * @throws {Deno.errors.NotFound} If the host name does not resolve (the message says "lookup").
 * @throws {Error} If the connection fails or times out, or (with `verify`) the
 *   certificate is not trusted or not valid for `hostname`; the message comes
 *   from the TLS library (e.g. "self-signed certificate", "Hostname/IP does not
 *   match certificate's altnames: ...") and `code` is set when it gives one.
 *
 * @example
 * ```ts ignore
 * import { connectVerifiedTls } from "./tls_verify.ts";
 * const caCerts = [await Deno.readTextFile("server.pem")]; // even a CA:TRUE self-signed one
 * const conn = await connectVerifiedTls({ hostname: "localhost", port: 5003, caCerts });
 * conn.fingerprint; // "FF:EB:...:0E"
 * ```
 */
export function connectVerifiedTls(options: VerifiedTlsOptions): Promise<VerifiedTlsConn> {
  const verify = options.verify ?? true;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const { promise, resolve, reject } = Promise.withResolvers<VerifiedTlsConn>();
  const socket = tls.connect({
    host: options.hostname,
    port: options.port,
    servername: isIP(options.hostname) ? undefined : options.hostname,
    ca: options.caCerts?.length ? withSystemRoots(options.caCerts) : undefined,
    rejectUnauthorized: verify,
  });
  const timer = setTimeout(() => {
    socket.destroy();
    reject(
      new Error(`No TLS handshake with ${options.hostname}:${options.port} in ${timeoutMs} ms`),
    );
  }, timeoutMs);
  const onError = (error: Error) => {
    clearTimeout(timer);
    socket.destroy();
    reject(toDenoError(error));
  };
  socket.once("error", onError);
  socket.once("secureConnect", () => {
    clearTimeout(timer);
    socket.off("error", onError);
    const fingerprint = socket.getPeerCertificate().fingerprint256;
    if (!fingerprint) {
      socket.destroy();
      reject(new Error("The server sent no certificate"));
      return;
    }
    const web = Duplex.toWeb(socket) as {
      readable: ReadableStream<Uint8Array>;
      writable: WritableStream<Uint8Array>;
    };
    // From here on errors reach the caller through the two streams; without a
    // listener node would throw them at the process.
    socket.on("error", () => {});
    resolve({
      readable: web.readable,
      writable: web.writable,
      fingerprint,
      verified: socket.authorized,
      verifyError: socket.authorized ? undefined : String(socket.authorizationError),
      close: () => {
        socket.destroy();
      },
    });
  });
  return promise;
}

/**
 * `ca` replaces the default roots in node:tls; keep them, as Deno.connectTls
 * does. Reading them needs `--allow-sys`; without it only `caCerts` are trusted.
 */
function withSystemRoots(caCerts: string[]): string[] {
  try {
    return [...tls.rootCertificates, ...caCerts];
  } catch (error) {
    if (error instanceof Deno.errors.NotCapable) return caCerts;
    throw error;
  }
}

/**
 * Node's connection errors as the `Deno.errors` classes that
 * `describeConnectError` and the exit codes already understand; TLS
 * verification errors are kept (their messages name the certificate problem).
 */
function toDenoError(error: Error & { code?: string }): Error {
  switch (error.code) {
    case "ECONNREFUSED":
      return new Deno.errors.ConnectionRefused(error.message);
    case "ENOTFOUND":
    case "EAI_AGAIN":
    case "EAI_NONAME":
      return new Deno.errors.NotFound(`Host name lookup failed: ${error.message}`);
    case "ECONNRESET":
      return new Deno.errors.ConnectionReset(error.message);
    default:
      return error;
  }
}
