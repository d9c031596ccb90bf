import "npm:reflect-metadata@0.2.2";
import * as x509 from "npm:@peculiar/x509@2.2.0";
import tls from "node:tls";
import { X509Certificate } from "node:crypto";
import { assert, assertEqual } from "../../_helpers/assert.ts";
import {
  loadOrCreateSelfSignedCert,
  SELF_SIGNED_CERT_FILE,
  SELF_SIGNED_KEY_FILE,
} from "../../../cli/serve/self_signed_cert.ts";

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "parley-selfsigned-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** A node:tls server on 127.0.0.1:0 that answers every connection with "hi". */
async function serve(cert: string, key: string): Promise<{ port: number; close(): void }> {
  const server = tls.createServer({ cert, key }, (socket) => {
    socket.on("error", () => {});
    socket.end("hi");
  });
  server.on("tlsClientError", (_error: Error, socket: tls.TLSSocket) => socket?.destroy());
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { port: (server.address() as { port: number }).port, close: () => server.close() };
}

/** Connects with node:tls; resolves with the peer fingerprint or rejects with the TLS error. */
function connect(port: number, options: tls.ConnectionOptions): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: "127.0.0.1", port, ...options });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error("timed out"));
    }, 5000);
    socket.once("secureConnect", () => {
      clearTimeout(timer);
      const fingerprint = socket.getPeerCertificate().fingerprint256;
      socket.destroy();
      resolve(fingerprint);
    });
    socket.once("error", (error: Error) => {
      clearTimeout(timer);
      socket.destroy();
      reject(error);
    });
  });
}

Deno.test("loadOrCreateSelfSignedCert makes an end-entity certificate and reuses it", () =>
  withDir(async (dir) => {
    const first = await loadOrCreateSelfSignedCert(`${dir}/data`, {
      hostnames: ["chat.lan", "192.168.1.20", "[FE80::1]"],
    });
    assertEqual(first.created, true);
    assert(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/.test(first.fingerprint), first.fingerprint);
    assertEqual(first.certFile, `${dir}/data/${SELF_SIGNED_CERT_FILE}`);
    assertEqual(first.keyFile, `${dir}/data/${SELF_SIGNED_KEY_FILE}`);
    if (Deno.build.os !== "windows") {
      assertEqual((await Deno.stat(first.keyFile)).mode! & 0o777, 0o600);
    }
    assert(first.keyPem.startsWith("-----BEGIN PRIVATE KEY-----"));
    assertEqual(await Deno.readTextFile(first.certFile), first.certPem);

    const cert = new X509Certificate(first.certPem);
    assertEqual(cert.ca, false);
    assertEqual(cert.fingerprint256, first.fingerprint, "same format as node:tls prints");
    const parsed = new x509.X509Certificate(first.certPem);
    const basic = parsed.getExtension(x509.BasicConstraintsExtension)!;
    assertEqual([basic.ca, basic.critical], [false, true], "basicConstraints critical cA=false");
    const usage = parsed.getExtension(x509.KeyUsagesExtension)!;
    assertEqual(
      usage.usages,
      x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment,
    );
    assertEqual(
      [...parsed.getExtension(x509.ExtendedKeyUsageExtension)!.usages],
      [x509.ExtendedKeyUsage.serverAuth],
    );
    for (const name of ["DNS:localhost", "DNS:chat.lan", "IP Address:127.0.0.1"]) {
      assert(cert.subjectAltName!.includes(name), `${name} in ${cert.subjectAltName}`);
    }
    assert(/IP Address:(::1|0:0:0:0:0:0:0:1)\b/i.test(cert.subjectAltName!));
    assert(cert.checkIP("192.168.1.20") !== undefined);
    assert(cert.checkHost("chat.lan") !== undefined);
    assert(cert.verify(cert.publicKey), "self-signed");
    assertEqual(cert.publicKey.asymmetricKeyType, "ec");
    assertEqual(first.missingNames, []);
    for (const name of ["localhost", "127.0.0.1", "::1", "chat.lan", "192.168.1.20", "fe80::1"]) {
      assert(first.names.includes(name), `${name} in ${first.names}`);
    }

    const again = await loadOrCreateSelfSignedCert(`${dir}/data`, {
      hostnames: ["chat.lan", "other.lan"],
    });
    assertEqual(again.created, false);
    assertEqual(again.fingerprint, first.fingerprint);
    assertEqual(again.certPem, first.certPem);
    assertEqual(again.keyPem, first.keyPem);
    assertEqual(again.missingNames, ["other.lan"]);
  }));

Deno.test("loadOrCreateSelfSignedCert makes a new certificate when the kept one expires", () =>
  withDir(async (dir) => {
    const start = Date.now();
    const first = await loadOrCreateSelfSignedCert(dir, {
      validDays: 2,
      now: () => new Date(start),
    });
    const later = await loadOrCreateSelfSignedCert(dir, {
      now: () => new Date(start + 86_400_000 + 1000),
    });
    assertEqual(later.created, true);
    assert(later.fingerprint !== first.fingerprint);
  }));

Deno.test("loadOrCreateSelfSignedCert refuses a readable key and a key of another certificate", () =>
  withDir(async (dir) => {
    const first = await loadOrCreateSelfSignedCert(`${dir}/a`);
    const other = await loadOrCreateSelfSignedCert(`${dir}/b`);
    if (Deno.build.os !== "windows") {
      await Deno.chmod(first.keyFile, 0o644);
      const error = await loadOrCreateSelfSignedCert(`${dir}/a`).catch((e) => e);
      assert(error instanceof Deno.errors.InvalidData && error.message.includes("chmod 600"));
      await Deno.chmod(first.keyFile, 0o600);
    }
    await Deno.writeTextFile(first.keyFile, other.keyPem);
    const error = await loadOrCreateSelfSignedCert(`${dir}/a`).catch((e) => e);
    assert(error instanceof Deno.errors.InvalidData, String(error));
    assert(error.message.includes("does not belong"), error.message);
  }));

Deno.test("a self-signed certificate serves node:tls and verifies as its own CA and by pinning", () =>
  withDir(async (dir) => {
    const made = await loadOrCreateSelfSignedCert(dir);
    const reloaded = await loadOrCreateSelfSignedCert(dir);
    const server = await serve(reloaded.certPem, reloaded.keyPem);
    try {
      // Trusting the certificate itself as the only CA: chain and name check pass.
      assertEqual(
        await connect(server.port, { ca: [made.certPem], servername: "localhost" }),
        made.fingerprint,
      );
      assertEqual(await connect(server.port, { ca: [made.certPem] }), made.fingerprint, "by IP");
      // Trust on first use: no verification, the fingerprint is what the user pins.
      assertEqual(await connect(server.port, { rejectUnauthorized: false }), made.fingerprint);
      // Not trusted without the CA.
      const refused = await connect(server.port, { servername: "localhost" }).catch((e) => e);
      assert(refused instanceof Error && !("fingerprint" in refused), String(refused));
      // Deno's own TLS (rustls/webpki, what the client uses) accepts it too: no CaUsedAsEndEntity.
      for (const hostname of ["localhost", "127.0.0.1"]) {
        const conn = await Deno.connectTls({
          hostname,
          port: server.port,
          caCerts: [made.certPem],
        });
        try {
          const buffer = new Uint8Array(2);
          await conn.handshake();
          assertEqual(await conn.read(buffer), 2);
          assertEqual(new TextDecoder().decode(buffer), "hi");
        } finally {
          conn.close();
        }
      }
    } finally {
      server.close();
    }
  }));
