import { assertEqual, assertThrows } from "../_helpers/assert.ts";
import { resolveConnectArgs } from "../../cli/connect_args.ts";

const NO_ENV = () => undefined;

Deno.test("resolveConnectArgs defaults to 127.0.0.1:5003 and takes --tls", () => {
  assertEqual(resolveConnectArgs({}, [], NO_ENV), {
    address: { hostname: "127.0.0.1", port: 5003, tls: false },
    addresses: [{ hostname: "127.0.0.1", port: 5003, tls: false }],
    password: undefined,
    caCerts: undefined,
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
