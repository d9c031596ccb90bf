/**
 * Why `parley join --ca server.pem` failed for a certificate made with the
 * usual `openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=localhost
 * -addext subjectAltName=...`, and the connection that works.
 */

import tls from "node:tls";
import { assert, assertEqual } from "../_helpers/assert.ts";
import { connectVerifiedTls } from "../../client/tls_verify.ts";

async function openssl(args: string[], cwd: string): Promise<string> {
  const { code, stdout, stderr } = await new Deno.Command("openssl", {
    args,
    cwd,
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (code !== 0) throw new Error(`openssl failed: ${new TextDecoder().decode(stderr)}`);
  return new TextDecoder().decode(stdout);
}

interface OpensslCert {
  certPem: string;
  keyPem: string;
  fingerprint: string;
  text: string;
}

/** The certificate exactly as the usual one-liner makes it (with `altNames`). */
async function opensslSelfSigned(dir: string, altNames: string): Promise<OpensslCert> {
  await openssl([
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-subj",
    "/CN=localhost",
    "-addext",
    `subjectAltName=${altNames}`,
    "-days",
    "1",
    "-keyout",
    "server.key",
    "-out",
    "server.pem",
  ], dir);
  const printed = await openssl(
    ["x509", "-in", "server.pem", "-noout", "-fingerprint", "-sha256"],
    dir,
  );
  return {
    certPem: await Deno.readTextFile(`${dir}/server.pem`),
    keyPem: await Deno.readTextFile(`${dir}/server.key`),
    fingerprint: printed.trim().split("=")[1],
    text: await openssl(["x509", "-in", "server.pem", "-noout", "-ext", "basicConstraints"], dir),
  };
}

/** A node:tls echo server on 127.0.0.1:0. */
async function echoServer(cert: OpensslCert): Promise<{ port: number; close(): void }> {
  const server = tls.createServer({ cert: cert.certPem, key: cert.keyPem }, (socket) => {
    socket.on("error", () => {});
    socket.on("data", (data: Uint8Array) => socket.write(data));
  });
  server.on("tlsClientError", (_error: Error, socket: tls.TLSSocket) => socket?.destroy());
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { port: (server.address() as { port: number }).port, close: () => server.close() };
}

async function echo(
  conn: { readable: ReadableStream<Uint8Array>; writable: WritableStream<Uint8Array> },
) {
  const writer = conn.writable.getWriter();
  await writer.write(new TextEncoder().encode("ping"));
  writer.releaseLock();
  const reader = conn.readable.getReader();
  const { value } = await reader.read();
  reader.releaseLock();
  return new TextDecoder().decode(value);
}

const hasOpenssl = await new Deno.Command("openssl", {
  args: ["version"],
  stdout: "null",
  stderr: "null",
})
  .output().then((o) => o.success, () => false);
if (!hasOpenssl) console.log("tls_openssl_ca_test: skipped, no openssl on PATH");

Deno.test({
  name:
    "an openssl req -x509 certificate is CA:TRUE, which Deno.connectTls refuses as the server's own",
  ignore: !hasOpenssl,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "parley-openssl-ca-" });
    const cert = await opensslSelfSigned(dir, "DNS:localhost,IP:127.0.0.1");
    const server = await echoServer(cert);
    try {
      assert(/CA:TRUE/.test(cert.text), cert.text);
      let error: unknown;
      try {
        const conn = await Deno.connectTls({
          hostname: "localhost",
          port: server.port,
          caCerts: [cert.certPem],
        });
        try {
          await conn.handshake();
        } finally {
          conn.close();
        }
      } catch (e) {
        error = e;
      }
      assert(error instanceof Error && /CaUsedAsEndEntity/.test(error.message), String(error));
    } finally {
      server.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name:
    "connectVerifiedTls trusts that certificate with --ca, checks it, and reads its fingerprint",
  ignore: !hasOpenssl,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "parley-openssl-ca-" });
    const cert = await opensslSelfSigned(dir, "DNS:localhost,IP:127.0.0.1");
    const server = await echoServer(cert);
    try {
      for (const hostname of ["localhost", "127.0.0.1"]) {
        const conn = await connectVerifiedTls({
          hostname,
          port: server.port,
          caCerts: [cert.certPem],
          timeoutMs: 5000,
        });
        try {
          assertEqual(conn.verified, true);
          assertEqual(conn.fingerprint, cert.fingerprint, "the same format openssl prints");
          assertEqual(await echo(conn), "ping");
        } finally {
          conn.close();
          conn.close();
        }
      }
      // Without --ca the certificate is not trusted.
      const untrusted = await connectVerifiedTls({ hostname: "localhost", port: server.port })
        .then(() => "connected", (e: Error) => e.message);
      assert(/self.signed|certificate/i.test(untrusted), untrusted);
      // Trust on first use: accepted unverified, the caller pins the fingerprint.
      const tofu = await connectVerifiedTls({
        hostname: "127.0.0.1",
        port: server.port,
        verify: false,
      });
      try {
        assertEqual(tofu.verified, false);
        assertEqual(tofu.fingerprint, cert.fingerprint);
      } finally {
        tofu.close();
      }
    } finally {
      server.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "connectVerifiedTls still refuses a trusted certificate for another name",
  ignore: !hasOpenssl,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "parley-openssl-ca-" });
    const cert = await opensslSelfSigned(dir, "DNS:chat.example.org");
    const server = await echoServer(cert);
    try {
      const message = await connectVerifiedTls({
        hostname: "127.0.0.1",
        port: server.port,
        caCerts: [cert.certPem],
        timeoutMs: 5000,
      }).then((conn) => {
        conn.close();
        return "connected";
      }, (e: Error) => e.message);
      assert(/altnames|does not match/i.test(message), message);
    } finally {
      server.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test("connectVerifiedTls reports a refused connection as Deno.errors.ConnectionRefused", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr;
  listener.close();
  const error = await connectVerifiedTls({ hostname: "127.0.0.1", port, timeoutMs: 5000 })
    .then((conn) => {
      conn.close();
      return undefined;
    }, (e: unknown) => e);
  assert(error instanceof Deno.errors.ConnectionRefused, String(error));
});
