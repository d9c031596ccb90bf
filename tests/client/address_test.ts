import { assertEqual, assertMatch, assertThrows } from "../_helpers/assert.ts";
import { spawnJoin, startServe } from "../_helpers/serve_process.ts";
import { formatAddress, parseAddress, parsePort } from "../../client/address.ts";

Deno.test("parseAddress accepts every form users paste", () => {
  const cases: [string, { hostname: string; port: number; tls: boolean }][] = [
    ["", { hostname: "127.0.0.1", port: 5003, tls: false }],
    ["chat.example.org", { hostname: "chat.example.org", port: 5003, tls: false }],
    ["chat.example.org:6000", { hostname: "chat.example.org", port: 6000, tls: false }],
    ["192.168.1.20:7000", { hostname: "192.168.1.20", port: 7000, tls: false }],
    ["tcp://0.tcp.ngrok.io:12345", { hostname: "0.tcp.ngrok.io", port: 12345, tls: false }],
    ["tcp://0.tcp.ngrok.io:12345/", { hostname: "0.tcp.ngrok.io", port: 12345, tls: false }],
    ["TCP://host:1", { hostname: "host", port: 1, tls: false }],
    ["tls://chat.example.org:6697", { hostname: "chat.example.org", port: 6697, tls: true }],
    ["tls://chat.example.org", { hostname: "chat.example.org", port: 5003, tls: true }],
    ["[::1]:5004", { hostname: "::1", port: 5004, tls: false }],
    ["[::1]", { hostname: "::1", port: 5003, tls: false }],
    ["tcp://[::1]:5004", { hostname: "::1", port: 5004, tls: false }],
    ["tls://[2001:db8::1]:443", { hostname: "2001:db8::1", port: 443, tls: true }],
    ["::1", { hostname: "::1", port: 5003, tls: false }],
    ["  localhost:5003  ", { hostname: "localhost", port: 5003, tls: false }],
  ];
  for (const [input, expected] of cases) {
    assertEqual(parseAddress(input), expected, `parseAddress(${JSON.stringify(input)})`);
  }
});

Deno.test("parseAddress rejects what is not an address, naming the problem", () => {
  assertThrows(() => parseAddress("http://host:80"), TypeError, /Unsupported scheme "http:\/\/"/);
  assertThrows(() => parseAddress("host:99999"), TypeError, /Port 99999 is out of range/);
  assertThrows(() => parseAddress("host:0"), TypeError, /Port 0 is out of range/);
  assertThrows(() => parseAddress("host:abc"), TypeError, /Port "abc" is not a number/);
  assertThrows(() => parseAddress("[::1:5003"), TypeError, /Missing "]"/);
  assertThrows(() => parseAddress("[::1]x"), TypeError, /Expected ":port" after "]"/);
  assertThrows(() => parseAddress("[nothost]:1"), TypeError, /is not an IPv6 address/);
  assertThrows(() => parseAddress("user@host"), TypeError, /is not a host or host:port/);
  assertThrows(() => parseAddress("host/path"), TypeError, /is not a host or host:port/);
  assertThrows(() => parseAddress("bad_host!:1"), TypeError, /is not a valid host name/);
  // A scheme alone is a mistake, not the default address.
  assertThrows(
    () => parseAddress("tcp://"),
    TypeError,
    /^"tcp:\/\/" has no host; use tcp:\/\/HOST:PORT$/,
  );
  assertThrows(() => parseAddress("tls:///"), TypeError, /has no host; use tls:\/\/HOST:PORT/);
  assertEqual(parseAddress(""), { hostname: "127.0.0.1", port: 5003, tls: false });
});

Deno.test("parsePort allows 0 only for servers", () => {
  assertEqual(parsePort("0", true), 0);
  assertEqual(parsePort("65535"), 65535);
  assertThrows(() => parsePort("0"), TypeError, /out of range; use 1 to 65535/);
});

Deno.test("formatAddress round-trips through parseAddress", () => {
  for (const input of ["tcp://h:1", "tls://[::1]:5003", "tcp://10.0.0.1:80"]) {
    assertEqual(formatAddress(parseAddress(input)), input);
  }
});

function ipv6Loopback(): boolean {
  try {
    Deno.listen({ hostname: "::1", port: 0 }).close();
    return true;
  } catch (error) {
    console.log(`skipped IPv6 end-to-end check: cannot bind [::1] here (${error})`);
    return false;
  }
}

Deno.test({
  name: "parley join [::1]:port reaches a server bound to ::1",
  ignore: !ipv6Loopback(),
  async fn() {
    await using server = await startServe(["--host", "::1"]);
    assertMatch(server.listeningLine, /^parley listening on \[::1\]:\d+$/);
    await using bob = spawnJoin([`[::1]:${server.port}`, "--nick", "bob"]);
    await bob.waitFor("connected to");
    await using carol = spawnJoin([`tcp://[::1]:${server.port}`, "--nick", "carol"]);
    await carol.waitFor("connected to");
    await bob.waitFor("carol joined #lobby");
    assertMatch(await server.log(), /join carol from \[::1\]:\d+/);
  },
});

Deno.test({
  name: "a server on the default host (::) takes both 127.0.0.1 and [::1]",
  ignore: !ipv6Loopback(),
  async fn() {
    // `--host ::` is the default; startServe binds 127.0.0.1 unless told otherwise.
    await using server = await startServe(["--host", "::"]);
    assertMatch(server.listeningLine, /^parley listening on \[::\]:\d+$/);
    await using bob = spawnJoin([`[::1]:${server.port}`, "--nick", "bob"]);
    await bob.waitFor("connected to");
    await using carol = spawnJoin([`127.0.0.1:${server.port}`, "--nick", "carol"]);
    await carol.waitFor("connected to");
    await bob.waitFor("carol joined #lobby");
  },
});
