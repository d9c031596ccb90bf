/**
 * Throwaway TLS material for tests, made at run time with `openssl`.
 *
 * @module
 */

/** Paths of a generated CA and a server certificate signed by it. */
export interface TestCerts extends AsyncDisposable {
  /** Directory holding the files. */
  dir: string;
  /** CA certificate (PEM). */
  caFile: string;
  /** Server certificate chain (PEM). */
  certFile: string;
  /** Server private key (PEM). */
  keyFile: string;
  /** SHA-256 fingerprint of the server certificate, as `openssl` prints it. */
  fingerprint: string;
}

async function openssl(args: string[], cwd: string): Promise<string> {
  const { code, stdout, stderr } = await new Deno.Command("openssl", {
    args,
    cwd,
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (code !== 0) {
    throw new Error(`openssl ${args[0]} failed: ${new TextDecoder().decode(stderr)}`);
  }
  return new TextDecoder().decode(stdout);
}

/**
 * Makes a one-day CA and a server certificate for `altNames`.
 *
 * @param altNames subjectAltName entries, e.g. `["DNS:localhost", "IP:127.0.0.1"]`.
 * @throws {Error} If `openssl` is missing or fails.
 */
export async function makeTestCerts(altNames: string[]): Promise<TestCerts> {
  const dir = await Deno.makeTempDir({ prefix: "parley-tls-" });
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  await openssl(
    [
      "req",
      "-x509",
      ...ec,
      "-keyout",
      "ca.key",
      "-out",
      "ca.pem",
      "-days",
      "1",
      "-subj",
      "/CN=Parley Test CA",
    ],
    dir,
  );
  await openssl(
    ["req", ...ec, "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=parley-test"],
    dir,
  );
  await Deno.writeTextFile(
    `${dir}/ext.cnf`,
    `subjectAltName=${altNames.join(",")}\nbasicConstraints=CA:FALSE\n` +
      "keyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n",
  );
  await openssl(
    [
      "x509",
      "-req",
      "-in",
      "server.csr",
      "-CA",
      "ca.pem",
      "-CAkey",
      "ca.key",
      "-CAcreateserial",
      "-out",
      "server.pem",
      "-days",
      "1",
      "-extfile",
      "ext.cnf",
    ],
    dir,
  );
  const printed = await openssl(
    ["x509", "-in", "server.pem", "-noout", "-fingerprint", "-sha256"],
    dir,
  );
  return {
    dir,
    caFile: `${dir}/ca.pem`,
    certFile: `${dir}/server.pem`,
    keyFile: `${dir}/server.key`,
    fingerprint: printed.trim().split("=")[1],
    async [Symbol.asyncDispose]() {
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    },
  };
}
