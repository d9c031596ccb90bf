import { assertEqual, assertMatch } from "../_helpers/assert.ts";
import { sniffForeignProtocol } from "../../client/foreign_protocol.ts";
import { connect, ConnectError } from "../../client/client_connection.ts";
import { startServer } from "../../server/server.ts";
import { makeTestCerts } from "../_helpers/tls_certs.ts";
import { MAIN } from "../_helpers/serve_process.ts";

const bytes = (...b: number[]) => new Uint8Array(b);

Deno.test("sniffForeignProtocol knows HTTP and TLS and leaves Parley frames alone", () => {
  assertEqual(
    sniffForeignProtocol(new TextEncoder().encode("HTTP/1.1 400 Bad Request\r\n")),
    "http",
  );
  // 0x48545450 is how a frame length of ASCII "HTTP" reads.
  assertEqual(sniffForeignProtocol(bytes(0x48, 0x54, 0x54, 0x50)), "http");
  assertEqual(sniffForeignProtocol(bytes(0x15, 0x03, 0x01, 0x00, 0x02, 0x02, 0x46)), "tls");
  assertEqual(sniffForeignProtocol(bytes(0x16, 0x03, 0x03, 0x00, 0x40)), "tls");
  assertEqual(sniffForeignProtocol(bytes(0, 0, 0, 42, 0x7b)), undefined);
  assertEqual(sniffForeignProtocol(bytes(0x15)), undefined);
});

async function connectError(port: number): Promise<ConnectError> {
  try {
    const client = await connect({
      address: { hostname: "127.0.0.1", port, tls: false },
      nick: "ann",
      timeoutMs: 5000,
    });
    client.close();
  } catch (error) {
    if (error instanceof ConnectError) return error;
    throw error;
  }
  throw new Error("expected the connection to fail");
}

Deno.test("join to the web port says it speaks HTTP, not 'Cannot decode frame'", async () => {
  const server = await startServer({ hostname: "127.0.0.1", port: 0, web: { port: 0 } });
  try {
    const port = server.web!.addr.port;
    const error = await connectError(port);
    assertEqual(error.kind, "connect");
    assertEqual(
      error.message,
      `that port speaks HTTP: open http://127.0.0.1:${port} in a browser, or join the TCP port`,
    );
    // The same for `parley ping`, from the command line.
    const { code, stderr } = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--allow-net",
        "--allow-env",
        "--allow-read",
        MAIN,
        "ping",
        `127.0.0.1:${port}`,
      ],
      stdin: "null",
      stdout: "null",
    }).output();
    assertEqual(code, 3);
    assertMatch(
      new TextDecoder().decode(stderr),
      /that port speaks HTTP: open http:\/\/127\.0\.0\.1:\d+ in a browser/,
    );
  } finally {
    await server.close();
  }
});

Deno.test("a plaintext join to a TLS port says to use tls://", async () => {
  await using certs = await makeTestCerts(["IP:127.0.0.1"]);
  const server = await startServer({
    hostname: "127.0.0.1",
    port: 0,
    tlsCert: await Deno.readTextFile(certs.certFile),
    tlsKey: await Deno.readTextFile(certs.keyFile),
  });
  try {
    const error = await connectError(server.addr.port);
    assertEqual(
      error.message,
      `that port speaks TLS: use tls://127.0.0.1:${server.addr.port}`,
    );
  } finally {
    await server.close();
  }
});
