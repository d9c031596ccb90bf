import { assertEqual, assertMatch, assertThrows } from "../../_helpers/assert.ts";
import { spawnLines } from "../../_helpers/line_process.ts";
import { MAIN, SERVE_PERMISSIONS } from "../../_helpers/serve_process.ts";
import { parseConfigFile } from "../../../cli/serve/config_file.ts";
import { resolveServeConfig } from "../../../cli/serve/serve_options.ts";

const KNOWN = ["port", "name", "log-messages", "max-clients"];

Deno.test("parseConfigFile reads JSONC with comments and trailing commas", () => {
  const values = parseConfigFile(
    `{
      // team chat
      "port": 6000, /* numbers become text */
      "name": "team",
      "log-messages": true,
    }`,
    "parley.jsonc",
    KNOWN,
  );
  assertEqual([...values], [["port", "6000"], ["name", "team"], ["log-messages", true]]);
});

Deno.test("parseConfigFile names an unknown key", () => {
  assertThrows(
    () => parseConfigFile('{"port": 1, "prot": 2}', "parley.json", KNOWN),
    TypeError,
    /^Unknown key "prot" in config file parley\.json; known keys: port, name/,
  );
});

Deno.test("parseConfigFile reports malformed JSON with line and column", () => {
  assertThrows(
    () => parseConfigFile('{\n  "port": ,\n}', "bad.json", KNOWN),
    TypeError,
    /^Cannot parse config file bad\.json: ValueExpected at line 2, column 11$/,
  );
  assertThrows(
    () => parseConfigFile("[1]", "a.json", KNOWN),
    TypeError,
    /must hold one JSON object/,
  );
  assertThrows(() => parseConfigFile("", "a.json", KNOWN), TypeError, /Cannot parse config file/);
  assertThrows(
    () => parseConfigFile('{"name": {"x": 1}}', "a.json", KNOWN),
    TypeError,
    /Key "name" in config file a\.json must be a string, number or boolean/,
  );
});

Deno.test("resolveServeConfig layers flags over env over file over defaults", async () => {
  const dir = await Deno.makeTempDir({ prefix: "parley-test-" });
  const file = `${dir}/parley.json`;
  await Deno.writeTextFile(
    file,
    JSON.stringify({ port: 6001, name: "from-file", "max-clients": 7, heartbeat: "5s" }),
  );
  const env: Record<string, string> = { PARLEY_NAME: "from-env", PARLEY_MAX_CLIENTS: "8" };
  const config = resolveServeConfig(["--config", file, "--max-clients", "9"], (k) => env[k]);
  assertEqual(config["max-clients"], 9); // flag beats env and file
  assertEqual(config.name, "from-env"); // env beats file
  assertEqual(config.port, 6001); // file beats default
  assertEqual(config.heartbeat, 5000);
  assertEqual(config.host, "::"); // default
  // PARLEY_CONFIG names the file too.
  const viaEnv = resolveServeConfig(
    [],
    (k) => ({ PARLEY_CONFIG: file } as Record<string, string>)[k],
  );
  assertEqual(viaEnv.port, 6001);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("resolveServeConfig names the file and key of a bad value", async () => {
  const dir = await Deno.makeTempDir({ prefix: "parley-test-" });
  const file = `${dir}/parley.json`;
  await Deno.writeTextFile(file, '{"port": 70000}');
  assertThrows(
    () => resolveServeConfig(["--config", file], () => undefined),
    TypeError,
    new RegExp(`^${file.replaceAll(".", "\\.")}: "port": Port 70000 is out of range`),
  );
  assertThrows(
    () => resolveServeConfig(["--config", `${dir}/missing.json`], () => undefined),
    TypeError,
    /^Cannot read config file .*missing\.json/,
  );
  await Deno.remove(dir, { recursive: true });
});

Deno.test("serve --config with an unknown key exits 2 naming the key", async () => {
  const dir = await Deno.makeTempDir({ prefix: "parley-test-" });
  await Deno.writeTextFile(`${dir}/parley.jsonc`, '{ "prot": 5003 // typo\n}');
  await using serve = spawnLines(
    Deno.execPath(),
    ["run", ...SERVE_PERMISSIONS, MAIN, "serve", "--config", "parley.jsonc"],
    { cwd: dir },
  );
  assertEqual((await serve.end()).code, 2);
  assertMatch(await serve.stderr, /parley serve: Unknown key "prot" in config file parley\.jsonc/);
  await Deno.remove(dir, { recursive: true });
});
