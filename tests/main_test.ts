import { assertEqual, assertMatch } from "./_helpers/assert.ts";
import { PROTOCOL_VERSION } from "../protocol/messages.ts";
import { VERSION } from "../protocol/version.ts";

const MAIN = new URL("../main.ts", import.meta.url).pathname;

Deno.test("parley --version prints Parley, Deno and protocol versions with no permissions but env", async () => {
  const { code, stdout } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-env", MAIN, "--version"],
    stdin: "null",
  }).output();
  assertEqual(code, 0);
  assertEqual(
    new TextDecoder().decode(stdout),
    `parley ${VERSION}\ndeno ${Deno.version.deno}\nprotocol ${PROTOCOL_VERSION}\n`,
  );
});

Deno.test("VERSION matches deno.json's version", async () => {
  const config = JSON.parse(await Deno.readTextFile(new URL("../deno.json", import.meta.url)));
  assertEqual(config.version, VERSION);
  assertMatch(VERSION, /^\d+\.\d+\.\d+(-[\w.]+)?$/);
});

Deno.test("parley help lists ping", async () => {
  const { code, stdout } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-env", MAIN, "--help"],
    stdin: "null",
  }).output();
  assertEqual(code, 0);
  assertMatch(new TextDecoder().decode(stdout), /parley ping \[ADDRESS\]/);
});
