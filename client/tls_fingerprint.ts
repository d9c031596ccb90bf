/**
 * Reads the SHA-256 fingerprint of a TLS server's certificate.
 *
 * Deno's `TlsConn` does not expose the peer certificate, so this opens a
 * short second connection with `node:tls`, verified against `--ca` when given
 * (otherwise Node's default roots), reads `getPeerCertificate().fingerprint256`,
 * and closes it before sending anything. The chat connection itself is
 * verified by `Deno.connectTls`; when this probe cannot verify, no fingerprint
 * is shown.
 *
 * @module
 */

import tls from "node:tls";
import { isIP } from "node:net";

/** Options for {@linkcode tlsFingerprint}. */
export interface TlsFingerprintOptions {
  /** Server host name or IP address. */
  hostname: string;
  /** Server port. */
  port: number;
  /** PEM CA certificates to trust instead of the default roots. */
  caCerts?: string[];
  /**
   * Longest to wait, in ms.
   * @default {5000}
   */
  timeoutMs?: number;
}

/**
 * Connects with TLS, verifies the certificate chain and name, and returns the
 * leaf certificate's SHA-256 fingerprint.
 *
 * @param options See {@linkcode TlsFingerprintOptions}.
 * @returns Upper-case hex pairs joined by colons, as `openssl x509 -fingerprint
 *   -sha256` prints them.
 * @throws {Error} If the connection or verification fails or times out.
 *
 * @example
 * ```ts
 * import { tlsFingerprint } from "./tls_fingerprint.ts";
 * // Needs a TLS server, so the example defines the call and does not make it.
 * async function show(): Promise<void> {
 *   console.log(await tlsFingerprint({ hostname: "chat.example.org", port: 5003 })); // "91:2F:...:29"
 * }
 * ```
 */
export function tlsFingerprint(options: TlsFingerprintOptions): Promise<string> {
  const { promise, resolve, reject } = Promise.withResolvers<string>();
  const socket = tls.connect({
    host: options.hostname,
    port: options.port,
    servername: isIP(options.hostname) ? undefined : options.hostname,
    ca: options.caCerts,
    rejectUnauthorized: true,
  });
  const timer = setTimeout(() => {
    socket.destroy();
    reject(new Error(`No TLS answer from ${options.hostname}:${options.port}`));
  }, options.timeoutMs ?? 5000);
  socket.once("secureConnect", () => {
    clearTimeout(timer);
    const fingerprint = socket.getPeerCertificate().fingerprint256;
    socket.destroy();
    if (fingerprint) resolve(fingerprint);
    else reject(new Error("The server sent no certificate"));
  });
  socket.once("error", (error: Error) => {
    clearTimeout(timer);
    socket.destroy();
    reject(error);
  });
  return promise;
}
