import { assertEqual } from "../../_helpers/assert.ts";
import { startServer } from "../../../server/server.ts";
import { connect } from "../../../client/client_connection.ts";

function hasIPv6Loopback(): boolean {
  try {
    Deno.listen({ hostname: "::1", port: 0 }).close();
    return true;
  } catch (error) {
    console.log(`IPv6 part skipped: cannot bind [::1] here (${error})`);
    return false;
  }
}

Deno.test("startServer on :: takes IPv4 and IPv6 clients on one port", async () => {
  const server = await startServer({ hostname: "::", port: 0 });
  try {
    const port = server.addr.port;
    // One dual-stack socket, or two sockets (:: and 0.0.0.0) on the same port.
    assertEqual(new Set(server.transports.map((t) => t.addr.port)), new Set([port]));
    const hosts = hasIPv6Loopback() ? ["127.0.0.1", "::1"] : ["127.0.0.1"];
    for (const [i, hostname] of hosts.entries()) {
      const client = await connect({
        address: { hostname, port, tls: false },
        nick: `user${i}`,
        timeoutMs: 5000,
      });
      assertEqual(client.welcome.nick, `user${i}`);
      client.close();
    }
  } finally {
    await server.close();
  }
});
