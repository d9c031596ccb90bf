import { assertEqual, assertThrows } from "../_helpers/assert.ts";
import { resolveConnectArgs } from "../../cli/connect_args.ts";

const NO_ENV = () => undefined;

Deno.test("resolveConnectArgs defaults to 127.0.0.1:5003 and takes --tls", () => {
  assertEqual(resolveConnectArgs({}, [], NO_ENV), {
    address: { hostname: "127.0.0.1", port: 5003, tls: false },
    addresses: [{ hostname: "127.0.0.1", port: 5003, tls: false }],
    password: undefined,
    caCerts: undefined,
    identityPath: undefined,
    knownServersFile: undefined,
    acceptNewFingerprint: false,
  });
  assertEqual(resolveConnectArgs({ tls: true }, ["chat.example.org:6000"], NO_ENV).address, {
    hostname: "chat.example.org",
    port: 6000,
    tls: true,
  });
});

Deno.test("resolveConnectArgs takes the password file over PARLEY_PASSWORD", async () => {
  const dir = await Deno.makeTempDir({ prefix: "parley-test-" });
  try {
    await Deno.writeTextFile(`${dir}/pw`, "from-file\n");
    const env = (name: string) => (name === "PARLEY_PASSWORD" ? "from-env" : undefined);
    assertEqual(
      resolveConnectArgs({ "password-file": `${dir}/pw` }, [], env).password,
      "from-file",
    );
    assertEqual(resolveConnectArgs({}, [], env).password, "from-env");
    // An empty PARLEY_PASSWORD means no password.
    assertEqual(resolveConnectArgs({}, [], () => "").password, undefined);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("resolveConnectArgs refuses a second address and an unreadable --ca", () => {
  assertThrows(
    () => resolveConnectArgs({}, ["a", "b"], NO_ENV),
    TypeError,
    /^Expected one address, got 2$/,
  );
  assertThrows(
    () => resolveConnectArgs({ ca: "/nonexistent/ca.pem" }, [], NO_ENV),
    TypeError,
    /^CA certificate file \/nonexistent\/ca\.pem does not exist$/,
  );
});

Deno.test("resolveConnectArgs takes several comma-separated addresses, --tls for each", () => {
  const args = resolveConnectArgs({ tls: true }, ["a.example:5003, b.example,[::1]:7"], NO_ENV);
  assertEqual(args.addresses, [
    { hostname: "a.example", port: 5003, tls: true },
    { hostname: "b.example", port: 5003, tls: true },
    { hostname: "::1", port: 7, tls: true },
  ]);
  assertEqual(args.address, args.addresses[0]);
  assertThrows(() => resolveConnectArgs({}, ["a.example,,b.example"], NO_ENV), TypeError, /empty/);
  assertThrows(() => resolveConnectArgs({}, ["a.example,b/x"], NO_ENV), TypeError);
});

Deno.test("resolveConnectArgs puts known_servers beside the identity file", () => {
  const env = (name: string) => (name === "HOME" ? "/home/alice" : undefined);
  const byDefault = resolveConnectArgs({}, [], env);
  assertEqual(byDefault.identityPath, "/home/alice/.config/parley/identity.json");
  assertEqual(byDefault.knownServersFile, "/home/alice/.config/parley/known_servers");
  const chosen = resolveConnectArgs({ identity: "/keys/work.json" }, [], env);
  assertEqual(chosen.identityPath, "/keys/work.json");
  assertEqual(chosen.knownServersFile, "/keys/known_servers");
});

Deno.test("resolveConnectArgs: --accept-new-fingerprint HOST:PORT is the address, with TLS", () => {
  const alone = resolveConnectArgs(
    { "accept-new-fingerprint": "chat.example.org:6000" },
    [],
    NO_ENV,
  );
  assertEqual(alone.address, { hostname: "chat.example.org", port: 6000, tls: true });
  assertEqual(alone.acceptNewFingerprint, true);
  const withAddress = resolveConnectArgs(
    { "accept-new-fingerprint": "[::1]:6000" },
    ["tls://[::1]:6000"],
    NO_ENV,
  );
  assertEqual(withAddress.address, { hostname: "::1", port: 6000, tls: true });
  assertThrows(
    () =>
      resolveConnectArgs(
        { "accept-new-fingerprint": "chat.example.org:6000" },
        ["other.example.org:6000"],
        NO_ENV,
      ),
    TypeError,
    /names another server than other\.example\.org:6000/,
  );
});

Deno.test("resolveConnectArgs: --accept-new-fingerprint with several addresses keeps only the one it names", () => {
  const args = resolveConnectArgs(
    { "accept-new-fingerprint": "b.example:6000" },
    ["a.example:6000,b.example:6000"],
    NO_ENV,
  );
  assertEqual(args.addresses, [{ hostname: "b.example", port: 6000, tls: true }]);
  assertEqual(args.address, args.addresses[0]);
});
