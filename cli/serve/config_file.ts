/**
 * The optional `parley serve --config FILE`: a JSON or JSONC object whose keys
 * are the long flag names of `parley serve` (`"port"`, `"max-clients"`, ...).
 * Values may be strings, numbers or booleans, as the flag would take them.
 *
 * @module
 */

import { parse, type ParseError, printParseErrorCode } from "npm:jsonc-parser@3.3.1";

/** A config file's values by option name, as written in the file. */
export type ConfigFileValues = Map<string, string | boolean>;

/**
 * Parses the text of a config file (JSON, or JSON with comments and trailing
 * commas).
 *
 * @param text The file's contents.
 * @param path The file's path, for error messages.
 * @param known Option names the file may set (long flag names).
 * @returns The values by option name; numbers are turned into their decimal text.
 * @throws {TypeError} If the text is not JSON/JSONC or not an object (naming the
 *   line and column), for an unknown key (naming it), or for a value that is not
 *   a string, number or boolean. A bad config file is a usage error (exit 2).
 *
 * @example
 * ```ts
 * import { parseConfigFile } from "./config_file.ts";
 * parseConfigFile('{ "port": 6000 // comment\n}', "parley.json", ["port"]);
 * // Map { "port" => "6000" }
 * ```
 */
export function parseConfigFile(
  text: string,
  path: string,
  known: readonly string[],
): ConfigFileValues {
  const errors: ParseError[] = [];
  const data: unknown = parse(text, errors, {
    allowTrailingComma: true,
    disallowComments: false,
    allowEmptyContent: false,
  });
  if (errors.length > 0) {
    const { error, offset } = errors[0];
    const before = text.slice(0, offset).split("\n");
    throw new TypeError(
      `Cannot parse config file ${path}: ${
        printParseErrorCode(error)
      } at line ${before.length}, column ${before.at(-1)!.length + 1}`,
    );
  }
  if (data === null || typeof data !== "object" || Array.isArray(data)) {
    throw new TypeError(`Config file ${path} must hold one JSON object`);
  }
  const values: ConfigFileValues = new Map();
  for (const [key, value] of Object.entries(data)) {
    if (key === "$schema") continue;
    if (!known.includes(key)) {
      throw new TypeError(
        `Unknown key "${key}" in config file ${path}; known keys: ${known.join(", ")}`,
      );
    }
    if (typeof value === "string" || typeof value === "boolean") values.set(key, value);
    else if (typeof value === "number" && Number.isFinite(value)) values.set(key, String(value));
    else {
      throw new TypeError(
        `Key "${key}" in config file ${path} must be a string, number or boolean, got ${
          JSON.stringify(value)
        }`,
      );
    }
  }
  return values;
}

/**
 * Reads and parses a config file.
 *
 * @param path Path of the file.
 * @param known Option names the file may set.
 * @returns The values by option name.
 * @throws {TypeError} If the file cannot be read (missing, not allowed), or as
 *   {@linkcode parseConfigFile} does.
 */
export function readConfigFile(path: string, known: readonly string[]): ConfigFileValues {
  let text: string;
  try {
    text = Deno.readTextFileSync(path);
  } catch (error) {
    if (
      error instanceof Deno.errors.NotFound || error instanceof Deno.errors.PermissionDenied ||
      error instanceof Deno.errors.NotCapable || error instanceof Deno.errors.IsADirectory ||
      error instanceof TypeError
    ) {
      throw new TypeError(`Cannot read config file ${path}: ${(error as Error).message}`);
    }
    throw error;
  }
  return parseConfigFile(text, path, known);
}
