import { assertEqual, assertMatch } from "../_helpers/assert.ts";
import { editDistance, nearestOption, parseCommandLine } from "../../cli/parse_command_line.ts";
import { MAIN } from "../_helpers/serve_process.ts";

const OPTIONS = {
  nick: { type: "string", short: "n" },
  json: { type: "boolean" },
  "no-reconnect": { type: "boolean" },
} as const;

function messageOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    return error.message;
  }
  throw new Error("expected a TypeError");
}

Deno.test("editDistance counts insertions, deletions, substitutions and swaps", () => {
  assertEqual(editDistance("nik", "nick"), 1);
  assertEqual(editDistance("nikc", "nick"), 1);
  assertEqual(editDistance("jsno", "json"), 1);
  assertEqual(editDistance("", "abc"), 3);
  assertEqual(editDistance("same", "same"), 0);
});

Deno.test("nearestOption suggests a close option and nothing for a far one", () => {
  assertEqual(nearestOption("--nik", OPTIONS), "--nick");
  assertEqual(nearestOption("--no-reconect", OPTIONS), "--no-reconnect");
  assertEqual(nearestOption("-nick", OPTIONS), "--nick");
  assertEqual(nearestOption("--password", OPTIONS), undefined);
  assertEqual(nearestOption("-x", OPTIONS), undefined);
});

Deno.test("parseCommandLine rewrites parseArgs errors as sentences", () => {
  assertEqual(
    messageOf(() => parseCommandLine(["--nik", "ann"], OPTIONS, true)),
    "unknown option --nik; did you mean --nick?",
  );
  assertEqual(messageOf(() => parseCommandLine(["--zzz"], OPTIONS, true)), "unknown option --zzz");
  assertEqual(
    messageOf(() => parseCommandLine(["--nick"], OPTIONS, true)),
    "option --nick needs a value",
  );
  assertEqual(
    messageOf(() => parseCommandLine(["--json=1"], OPTIONS, true)),
    "option --json takes no value",
  );
  assertEqual(messageOf(() => parseCommandLine(["x"], OPTIONS, false)), 'unexpected argument "x"');
  const { values, positionals } = parseCommandLine(["-n", "ann", "host"], OPTIONS, true);
  assertEqual(values.nick, "ann");
  assertEqual(positionals, ["host"]);
});

Deno.test("every subcommand answers a mistyped option with the nearest one and exit code 2", async () => {
  const cases: [string[], RegExp][] = [
    [["join", "--nik", "ann"], /^parley join: unknown option --nik; did you mean --nick\?$/m],
    [["ping", "--jsn"], /^parley ping: unknown option --jsn; did you mean --json\?$/m],
    [["serve", "--prot", "0"], /^parley serve: unknown option --prot; did you mean --port\?$/m],
  ];
  for (const [args, expected] of cases) {
    const { code, stderr } = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-env", "--allow-read", MAIN, ...args],
      stdin: "null",
      stdout: "null",
    }).output();
    const text = new TextDecoder().decode(stderr);
    assertEqual(code, 2, text);
    assertMatch(text, expected);
    if (/positional|'--'/.test(text)) throw new Error(`parseArgs advice leaked: ${text}`);
  }
});
