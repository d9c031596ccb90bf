/**
 * The certificate behind `serve --tls-self-signed`: an ECDSA P-256 end-entity
 * certificate signed by its own key, made once and kept in the data directory,
 * so its fingerprint stays the same across restarts and clients can pin it (trust
 * on first use, as SSH host keys).
 *
 * Why an end-entity certificate (basicConstraints `cA=false`, keyUsage
 * `digitalSignature, keyEncipherment`, extKeyUsage `serverAuth`) and not what
 * `openssl req -x509` makes by default: OpenSSL's default config marks such a
 * certificate `CA:TRUE`, and rustls/webpki, which `Deno.connectTls` uses,
 * refuses a CA certificate presented as the server's own (`CaUsedAsEndEntity`),
 * even when the client trusts exactly that certificate with `--ca`. A
 * self-signed `cA=false` certificate is accepted by webpki as its own trust
 * anchor, and by OpenSSL-based clients alike.
 *
 * Built with `@peculiar/x509` on Web Crypto rather than hand-written ASN.1 or a
 * call to `openssl`: it is maintained, typed, and runs in Deno's `npm:` support.
 * It resolves services through `tsyringe`, which needs the `reflect-metadata`
 * polyfill loaded first (it adds `Reflect.metadata` and friends globally).
 *
 * @module
 */

import "npm:reflect-metadata@0.2.2";
import * as x509 from "npm:@peculiar/x509@2.2.0";
import { isIP } from "node:net";
import { join } from "node:path";

/** File names inside the data directory. */
export const SELF_SIGNED_CERT_FILE = "tls-self-signed.crt";
/** File name of the private key (mode 0600) inside the data directory. */
export const SELF_SIGNED_KEY_FILE = "tls-self-signed.key";

/** Names every self-signed certificate covers, so local clients always match. */
const LOCAL_NAMES = ["localhost", "127.0.0.1", "::1"];

/** Options for {@linkcode loadOrCreateSelfSignedCert}. */
export interface SelfSignedCertOptions {
  /**
   * Host names and IP addresses to put in subjectAltName, beside `localhost`,
   * `127.0.0.1` and `::1` (e.g. the LAN addresses and the machine name).
   * @default {[]}
   */
  hostnames?: string[];
  /**
   * Validity of a new certificate, in days.
   * @default {3650}
   */
  validDays?: number;
  /** Clock, for tests. @default {() => new Date()} */
  now?: () => Date;
}

/** A certificate and key ready for `node:tls`. */
export interface SelfSignedCert {
  /** PEM certificate. */
  certPem: string;
  /** PEM PKCS#8 private key. */
  keyPem: string;
  /**
   * SHA-256 of the certificate's DER bytes as upper-case hex pairs joined by
   * colons, as `client/tls_verify.ts` and `openssl x509 -fingerprint -sha256` print it.
   */
  fingerprint: string;
  /** Path of the certificate file. */
  certFile: string;
  /** Path of the key file. */
  keyFile: string;
  /** Whether this call made a new certificate. */
  created: boolean;
  /** The subjectAltName entries of the certificate, DNS names and IP addresses. */
  names: string[];
  /**
   * Requested names the kept certificate does not cover (it is not remade for
   * them, since that would change its fingerprint); empty for a new one.
   */
  missingNames: string[];
}

const ALGORITHM = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as const;

/**
 * Loads the self-signed certificate kept in `dir`, or makes one. A kept
 * certificate is reused unless it expires within a day (then a new one is made,
 * and clients will see a new fingerprint).
 *
 * @param dir The server's data directory; created when missing.
 * @param options See {@linkcode SelfSignedCertOptions}.
 * @returns The PEMs, fingerprint and paths.
 * @throws {Deno.errors.InvalidData} If the kept files are not a certificate and
 *   its key, or the key file may be read by group or others (the message names
 *   `chmod 600`).
 * @throws {Deno.errors.PermissionDenied} If the directory cannot be read or written.
 *
 * @example
 * ```ts ignore
 * import { loadOrCreateSelfSignedCert } from "./self_signed_cert.ts";
 * const tls = await loadOrCreateSelfSignedCert("./data", { hostnames: ["chat.lan"] });
 * tls.fingerprint; // "3A:9F:...:C2"
 * ```
 */
export async function loadOrCreateSelfSignedCert(
  dir: string,
  options: SelfSignedCertOptions = {},
): Promise<SelfSignedCert> {
  const now = options.now ?? (() => new Date());
  const wanted = uniqueNames([...LOCAL_NAMES, ...(options.hostnames ?? [])]);
  const certFile = join(dir, SELF_SIGNED_CERT_FILE);
  const keyFile = join(dir, SELF_SIGNED_KEY_FILE);
  const kept = await readKept(certFile, keyFile);
  if (kept) {
    const cert = new x509.X509Certificate(kept.certPem);
    if (cert.notAfter.getTime() - now().getTime() > 86_400_000) {
      await checkKeyMatches(cert, kept.keyPem, keyFile);
      const names = certNames(cert);
      return {
        ...kept,
        fingerprint: await certFingerprint(cert),
        certFile,
        keyFile,
        created: false,
        names,
        missingNames: wanted.filter((name) => !names.includes(name)),
      };
    }
  }
  const made = await makeCert(wanted, options.validDays ?? 3650, now());
  await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
  await writeAtomic(keyFile, made.keyPem);
  await writeAtomic(certFile, made.certPem, 0o644);
  return {
    certPem: made.certPem,
    keyPem: made.keyPem,
    fingerprint: await certFingerprint(made.cert),
    certFile,
    keyFile,
    created: true,
    names: certNames(made.cert),
    missingNames: [],
  };
}

async function makeCert(
  names: string[],
  validDays: number,
  now: Date,
): Promise<{ cert: x509.X509Certificate; certPem: string; keyPem: string }> {
  const keys = await crypto.subtle.generateKey(ALGORITHM, true, ["sign", "verify"]);
  const serial = crypto.getRandomValues(new Uint8Array(16));
  serial[0] &= 0x7f; // a positive INTEGER (RFC 5280 section 4.1.2.2)
  serial[0] |= 0x01; // and 16 bytes long, with no leading zero byte to strip
  const dns = names.filter((name) => isIP(name) === 0);
  const cert = await x509.X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: [...serial].map((b) => b.toString(16).padStart(2, "0")).join(""),
      name: [{ CN: [dns[0] ?? "localhost"] }, { O: ["Parley self-signed"] }],
      notBefore: new Date(now.getTime() - 3_600_000), // an hour of slack for clock skew
      notAfter: new Date(now.getTime() + validDays * 86_400_000),
      signingAlgorithm: ALGORITHM,
      keys,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(
          x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment,
          true,
        ),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
        new x509.SubjectAlternativeNameExtension(
          names.map((name): x509.JsonGeneralName => ({
            type: isIP(name) === 0 ? "dns" : "ip",
            value: name,
          })),
        ),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      ],
    },
    crypto,
  );
  const pkcs8 = await crypto.subtle.exportKey("pkcs8", keys.privateKey);
  return {
    cert,
    certPem: cert.toString("pem") + "\n",
    keyPem: x509.PemConverter.encode(pkcs8, "PRIVATE KEY") + "\n",
  };
}

async function readKept(
  certFile: string,
  keyFile: string,
): Promise<{ certPem: string; keyPem: string } | undefined> {
  let keyInfo: Deno.FileInfo;
  try {
    keyInfo = await Deno.stat(keyFile);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
  if (Deno.build.os !== "windows" && keyInfo.mode !== null && (keyInfo.mode & 0o077) !== 0) {
    const mode = (keyInfo.mode & 0o777).toString(8).padStart(4, "0");
    throw new Deno.errors.InvalidData(
      `TLS key ${keyFile} is accessible by other users (mode ${mode}); ` +
        `run "chmod 600 ${keyFile}" and start again`,
    );
  }
  try {
    return { certPem: await Deno.readTextFile(certFile), keyPem: await Deno.readTextFile(keyFile) };
  } catch (error) {
    // A key without its certificate: an interrupted first start; make both anew.
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}

async function checkKeyMatches(
  cert: x509.X509Certificate,
  keyPem: string,
  keyFile: string,
): Promise<void> {
  const invalid = () =>
    new Deno.errors.InvalidData(
      `TLS key ${keyFile} does not belong to its certificate; remove both files to make new ones`,
    );
  let privateKey: CryptoKey;
  try {
    const der = x509.PemConverter.decodeFirst(keyPem);
    privateKey = await crypto.subtle.importKey("pkcs8", der, ALGORITHM, false, ["sign"]);
  } catch {
    throw invalid();
  }
  const publicKey = await cert.publicKey.export(ALGORITHM, ["verify"], crypto);
  const probe = new TextEncoder().encode("parley-tls-self-check");
  const signature = await crypto.subtle.sign(ALGORITHM, privateKey, probe);
  if (!await crypto.subtle.verify(ALGORITHM, publicKey, signature, probe)) throw invalid();
}

/** Writes a file under a temporary name with `mode`, then renames it into place. */
async function writeAtomic(path: string, text: string, mode = 0o600): Promise<void> {
  const temp = `${path}.${crypto.randomUUID()}.tmp`;
  try {
    await Deno.writeTextFile(temp, text, { mode });
    if (Deno.build.os !== "windows") await Deno.chmod(temp, mode);
    await Deno.rename(temp, path);
  } finally {
    await Deno.remove(temp).catch(() => {});
  }
}

async function certFingerprint(cert: x509.X509Certificate): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", cert.rawData));
  return [...digest].map((b) => b.toString(16).padStart(2, "0").toUpperCase()).join(":");
}

function certNames(cert: x509.X509Certificate): string[] {
  const san = cert.getExtension(x509.SubjectAlternativeNameExtension);
  if (!san) return [];
  return san.names.items.map((item) => normalizeName(item.value));
}

function uniqueNames(names: string[]): string[] {
  return [...new Set(names.map(normalizeName).filter((name) => name !== ""))];
}

/** Lower case, brackets dropped from IPv6, IPv6 in the compressed form `node:net` parses. */
function normalizeName(name: string): string {
  const bare = name.trim().replace(/^\[(.*)\]$/, "$1").toLowerCase();
  if (isIP(bare) !== 6) return bare;
  return new URL(`http://[${bare}]/`).hostname.slice(1, -1);
}
