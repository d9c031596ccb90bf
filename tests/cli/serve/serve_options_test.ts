import { assertEqual, assertMatch, assertThrows } from "../../_helpers/assert.ts";
import {
  type OptionKind,
  parseOptionValue,
  resolveServeConfig,
  SERVE_OPTIONS,
  type ServeConfig,
  type ServeOptionName,
  serveOptionsHelp,
} from "../../../cli/serve/serve_options.ts";

/** One option of each kind, with a value for each source and the default. */
const CASES: {
  name: ServeOptionName;
  env: string;
  kind: OptionKind;
  flag: string[];
  fromEnv: string;
  fromFile: unknown;
  expect: { flag: unknown; env: unknown; file: unknown; default: unknown };
}[] = [
  {
    name: "name",
    env: "PARLEY_NAME",
    kind: "string",
    flag: ["--name", "flag"],
    fromEnv: "env",
    fromFile: "file",
    expect: { flag: "flag", env: "env", file: "file", default: "parley" },
  },
  {
    name: "log-messages",
    env: "PARLEY_LOG_MESSAGES",
    kind: "boolean",
    flag: ["--log-messages"],
    fromEnv: "no",
    fromFile: true,
    expect: { flag: true, env: false, file: true, default: false },
  },
  {
    name: "max-clients",
    env: "PARLEY_MAX_CLIENTS",
    kind: "count",
    flag: ["--max-clients", "3"],
    fromEnv: "4",
    fromFile: 5,
    expect: { flag: 3, env: 4, file: 5, default: 1000 },
  },
  {
    name: "max-text-bytes",
    env: "PARLEY_MAX_TEXT_BYTES",
    kind: "bytes",
    flag: ["--max-text-bytes", "100"],
    fromEnv: "200",
    fromFile: "300",
    expect: { flag: 100, env: 200, file: 300, default: 8192 },
  },
  {
    name: "heartbeat",
    env: "PARLEY_HEARTBEAT",
    kind: "duration",
    flag: ["--heartbeat", "500ms"],
    fromEnv: "2s",
    fromFile: "1m",
    expect: { flag: 500, env: 2000, file: 60_000, default: 30_000 },
  },
  {
    name: "port",
    env: "PARLEY_PORT",
    kind: "port",
    flag: ["-p", "0"],
    fromEnv: "6001",
    fromFile: 6002,
    expect: { flag: 0, env: 6001, file: 6002, default: 5003 },
  },
  {
    name: "web-origin",
    env: "PARLEY_WEB_ORIGIN",
    kind: "list",
    flag: ["--web-origin", "https://a.test, https://b.test"],
    fromEnv: "*",
    fromFile: "https://c.test,",
    expect: {
      flag: ["https://a.test", "https://b.test"],
      env: ["*"],
      file: ["https://c.test"],
      default: undefined,
    },
  },
];

Deno.test("resolveServeConfig takes flags over env over config file over defaults, for each kind", async () => {
  const dir = await Deno.makeTempDir({ prefix: "parley-test-" });
  try {
    for (const c of CASES) {
      const spec = SERVE_OPTIONS.find((row) => row.name === c.name)!;
      assertEqual([spec.kind, "env" in spec ? spec.env : undefined], [c.kind, c.env]);
      const file = `${dir}/${c.name}.jsonc`;
      await Deno.writeTextFile(
        file,
        `{\n  // ${c.kind}\n  "${c.name}": ${JSON.stringify(c.fromFile)},\n}`,
      );
      const env: Record<string, string> = { [c.env]: c.fromEnv };
      const none = () => undefined;
      const at = (args: string[], lookup: (k: string) => string | undefined) =>
        resolveServeConfig(args, lookup)[c.name];
      assertEqual(
        at([...c.flag, "--config", file], (k) => env[k]),
        c.expect.flag,
        `${c.name}: flag`,
      );
      assertEqual(at(["--config", file], (k) => env[k]), c.expect.env, `${c.name}: env`);
      assertEqual(at(["--config", file], none), c.expect.file, `${c.name}: file`);
      assertEqual(at([], none), c.expect.default, `${c.name}: default`);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("resolveServeConfig treats an empty environment variable as unset", () => {
  assertEqual(resolveServeConfig([], (k) => (k === "PARLEY_PORT" ? "" : undefined)).port, 5003);
});

Deno.test("resolveServeConfig names an unknown config file key", async () => {
  const dir = await Deno.makeTempDir({ prefix: "parley-test-" });
  try {
    await Deno.writeTextFile(`${dir}/parley.json`, '{"port": 6000, "max-client": 5}');
    assertThrows(
      () => resolveServeConfig(["--config", `${dir}/parley.json`], () => undefined),
      TypeError,
      /^Unknown key "max-client" in config file .*parley\.json; known keys: host, port, /,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("resolveServeConfig names the source of a bad value", () => {
  assertThrows(
    () => resolveServeConfig([], (k) => (k === "PARLEY_HEARTBEAT" ? "soon" : undefined)),
    TypeError,
    /^PARLEY_HEARTBEAT: "soon" is not a duration/,
  );
  assertThrows(
    () => resolveServeConfig(["--max-clients", "0"], () => undefined),
    TypeError,
    /^--max-clients: must be a positive integer, got "0"$/,
  );
  assertThrows(
    () => resolveServeConfig(["--json=maybe"], () => undefined),
    TypeError,
  );
});

Deno.test("ServeConfig types each option by its kind and default", () => {
  const config: ServeConfig = resolveServeConfig(["--tls-cert", "c.pem"], () => undefined);
  // These assignments are the test: they compile only with the derived types.
  const port: number = config.port;
  const json: boolean = config.json;
  const origins: string[] | undefined = config["web-origin"];
  const cert: string | undefined = config["tls-cert"];
  // @ts-expect-error an option without a default may be undefined
  const key: string = config["tls-key"];
  // @ts-expect-error a duration is a number of ms, not text
  const heartbeat: string = config.heartbeat;
  assertEqual([port, json, origins, cert, key, heartbeat], [
    5003,
    false,
    undefined,
    "c.pem",
    undefined,
    30_000,
  ]);
});

Deno.test("parseOptionValue reads booleans and lists", () => {
  assertEqual(parseOptionValue({ kind: "boolean" }, "ON", "x"), true);
  assertEqual(parseOptionValue({ kind: "boolean" }, "", "x"), false);
  assertEqual(parseOptionValue({ kind: "list" }, " a ,, b ", "x"), ["a", "b"]);
  assertThrows(
    () => parseOptionValue({ kind: "boolean" }, "2", "--json"),
    TypeError,
    /^--json must be true or false, got "2"$/,
  );
});

Deno.test("serveOptionsHelp has one line per option with its default and env when wide enough", () => {
  const lines = serveOptionsHelp(1000).split("\n");
  assertEqual(lines.length, SERVE_OPTIONS.length);
  assertMatch(
    serveOptionsHelp(1000),
    /^ {2}-p, --port PORT +TCP port; 0 picks a free one \(default 5003; env PARLEY_PORT\)$/m,
  );
});
