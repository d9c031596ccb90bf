import { assert, assertEqual } from "../../_helpers/assert.ts";
import { RawClient } from "../../_helpers/raw_client.ts";
import { startServe } from "../../_helpers/serve_process.ts";
import { parseMetricsAddress } from "../../../cli/serve/to_server_options.ts";
import { resolveServeConfig } from "../../../cli/serve/serve_options.ts";
import { toServerOptions } from "../../../cli/serve/to_server_options.ts";

Deno.test("parseMetricsAddress takes HOST:PORT, [IPv6]:PORT and a bare port on loopback", () => {
  assertEqual(parseMetricsAddress("0.0.0.0:9464"), { hostname: "0.0.0.0", port: 9464 });
  assertEqual(parseMetricsAddress("[::1]:9464"), { hostname: "::1", port: 9464 });
  assertEqual(parseMetricsAddress("9464"), { hostname: "127.0.0.1", port: 9464 });
  assertEqual(parseMetricsAddress("localhost:0"), { hostname: "localhost", port: 0 });
  for (const bad of ["", "http://x:1", "x:", "x:99999", "a b:1"]) {
    let threw = false;
    try {
      parseMetricsAddress(bad);
    } catch (error) {
      threw = error instanceof TypeError;
    }
    assert(threw, `"${bad}" should be refused`);
  }
});

Deno.test("metrics are off by default and --web-metrics needs --http", () => {
  const plain = toServerOptions(resolveServeConfig([], () => undefined), undefined);
  assertEqual(plain.metrics, undefined);
  assertEqual(plain.metricsListen, undefined);
  let message = "";
  try {
    toServerOptions(resolveServeConfig(["--web-metrics"], () => undefined), undefined);
  } catch (error) {
    message = (error as Error).message;
  }
  assert(/--http/.test(message), message);
});

Deno.test("serve --metrics prints its URL and /metrics counts a message", async () => {
  await using server = await startServe(["--metrics", "127.0.0.1:0", "--data", ":memory:"]);
  const line = server.stdout.find((l) => l.startsWith("parley metrics on "));
  // The metrics line follows the listening line; wait for it briefly.
  const deadline = Date.now() + 5000;
  let url = line?.slice("parley metrics on ".length);
  while (url === undefined && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 20));
    url = server.stdout.find((l) => l.startsWith("parley metrics on "))
      ?.slice("parley metrics on ".length);
  }
  assert(url?.endsWith("/metrics"), JSON.stringify(server.stdout));
  await using alice = await RawClient.join(server.port, "alice");
  const ref = await alice.say("counted");
  await alice.next((m) => m.type === "ack" && m.ref === ref);
  const text = await (await fetch(url!)).text();
  assert(/^parley_messages_received_total [1-9]/m.test(text), text);
  assert(/^parley_users 1$/m.test(text), text);
});
