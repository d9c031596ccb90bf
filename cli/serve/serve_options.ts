/**
 * The options of `parley serve`, resolved from the typed table in
 * `serve_option_table.ts`: flags, environment, config file and defaults
 * (flags > environment > file > defaults), and `--help` generated from it.
 * The type of the resolved options, {@linkcode ServeConfig}, is derived from
 * the table, so adding an option is one row there (and its use where the
 * server options are built). The table's exports are re-exported here,
 * and the settings that are environment variables only are listed here.
 *
 * @module
 */

import { parseCommandLine } from "../parse_command_line.ts";
import { parsePort } from "../port.ts";
import { parseDuration } from "../../protocol/duration.ts";
import { readConfigFile } from "./config_file.ts";
import { wrapText } from "../../client/wrap_text.ts";
import {
  type OptionKind,
  type OptionKindValue,
  type OptionSpec,
  SERVE_OPTIONS,
  type ServeOptionRow,
} from "./serve_option_table.ts";

export {
  type OptionKind,
  type OptionKindValue,
  type OptionSpec,
  SERVE_OPTIONS,
  type ServeOptionName,
  type ServeOptionRow,
} from "./serve_option_table.ts";

/**
 * The resolved value of one row: its kind's value, or `undefined` too when
 * the row has no default.
 */
export type ResolvedOption<R extends OptionSpec> = R extends { default: string }
  ? OptionKindValue[R["kind"]]
  : OptionKindValue[R["kind"]] | undefined;

/**
 * Resolved `parley serve` options by flag name, typed from the table
 * (`config.port` is a `number`, `config["tls-cert"]` a `string | undefined`),
 * and `help`, set when `--help` was given.
 */
export type ServeConfig =
  & { readonly [R in ServeOptionRow as R["name"]]: ResolvedOption<R> }
  & { readonly help: boolean };

/**
 * Converts an option's text to its value.
 *
 * @param spec The option (only its `kind` is read).
 * @param text The text from a flag, environment variable, config file or default.
 * @param source Where it came from, for the error (`--port`, `PARLEY_PORT`).
 * @returns The value, typed by the option's kind.
 * @throws {TypeError} With a sentence naming the source if the text is invalid.
 *
 * @example
 * ```ts
 * import { parseOptionValue } from "./serve_options.ts";
 * parseOptionValue({ kind: "duration" }, "5m", "--auth-lockout"); // 300000
 * parseOptionValue({ kind: "list" }, "a, b,", "--web-origin"); // ["a", "b"]
 * ```
 */
export function parseOptionValue<K extends OptionKind>(
  spec: { readonly kind: K },
  text: string | boolean,
  source: string,
): OptionKindValue[K] {
  return parseKind(spec.kind, text, source) as OptionKindValue[K];
}

function parseKind(
  kind: OptionKind,
  text: string | boolean,
  source: string,
): OptionKindValue[OptionKind] {
  if (kind === "boolean") {
    if (typeof text === "boolean") return text;
    if (/^(1|true|yes|on)$/i.test(text)) return true;
    if (/^(0|false|no|off|)$/i.test(text)) return false;
    throw new TypeError(`${source} must be true or false, got "${text}"`);
  }
  const value = String(text);
  try {
    switch (kind) {
      case "string":
        return value;
      case "list":
        return value.split(",").map((item) => item.trim()).filter(Boolean);
      case "port":
        return parsePort(value, true);
      case "duration":
        return parseDuration(value);
      case "count":
      case "bytes":
        if (!/^\d+$/.test(value) || Number(value) < 1 || !Number.isSafeInteger(Number(value))) {
          throw new TypeError(`must be a positive integer, got "${value}"`);
        }
        return Number(value);
    }
  } catch (error) {
    if (error instanceof TypeError) throw new TypeError(`${source}: ${error.message}`);
    throw error;
  }
}

/**
 * Resolves `parley serve` options: flags, then environment, then the config
 * file (`--config` or `PARLEY_CONFIG`), then defaults.
 *
 * @param args Command-line arguments after `serve`.
 * @param env Environment lookup, e.g. `(k) => Deno.env.get(k)`.
 * @returns Values by option name, plus `help: true` if `--help` was given.
 * @throws {TypeError} For an unknown flag, an invalid value, an unreadable or
 *   malformed config file, or an unknown key in it, naming it.
 *
 * @example
 * ```ts
 * import { resolveServeConfig } from "./serve_options.ts";
 * const env: Record<string, string> = { PARLEY_NAME: "team" };
 * const config = resolveServeConfig(["--port", "0"], (name) => env[name]);
 * config.port; // 0
 * config.name; // "team"
 * config.heartbeat; // 30000
 * ```
 */
export function resolveServeConfig(
  args: string[],
  env: (name: string) => string | undefined,
): ServeConfig {
  const options: Record<
    string,
    { type: "string" | "boolean"; short?: string; multiple?: boolean }
  > = {
    help: { type: "boolean", short: "h" },
  };
  for (const spec of SERVE_OPTIONS as readonly OptionSpec[]) {
    options[spec.name] = { type: spec.kind === "boolean" ? "boolean" : "string" };
    if (spec.short) options[spec.name].short = spec.short;
    // A list flag may be repeated; the values add up as if comma-separated.
    if (spec.kind === "list") options[spec.name].multiple = true;
  }
  const { values } = parseCommandLine(args, options, false);
  const config: Record<string, unknown> = { help: values.help === true };
  const configFlag = values.config;
  const configPath = (typeof configFlag === "string" ? configFlag : "") ||
    env("PARLEY_CONFIG") || undefined;
  const file = configPath === undefined || values.help ? new Map() : readConfigFile(
    configPath,
    SERVE_OPTIONS.map((spec) => spec.name).filter((name) => name !== "config"),
  );
  for (const spec of SERVE_OPTIONS as readonly OptionSpec[]) {
    const given = values[spec.name];
    const flag = Array.isArray(given) ? given.join(",") : given;
    const fromEnv = spec.env ? env(spec.env) : undefined;
    if (flag !== undefined) config[spec.name] = parseKind(spec.kind, flag, `--${spec.name}`);
    else if (spec.env && fromEnv !== undefined && fromEnv !== "") {
      config[spec.name] = parseKind(spec.kind, fromEnv, spec.env);
    } else if (file.has(spec.name)) {
      config[spec.name] = parseKind(
        spec.kind,
        file.get(spec.name)!,
        `${configPath}: "${spec.name}"`,
      );
    } else if (spec.default !== undefined) {
      config[spec.name] = parseKind(spec.kind, spec.default, `default of --${spec.name}`);
    }
  }
  // Every row was parsed by its kind above, which is what ServeConfig states.
  return config as ServeConfig;
}

/** A setting read only from the environment (no flag), for help and README. */
export interface EnvironmentSpec {
  /** The variable, e.g. `"PARLEY_ADMIN_PASSWORD"`. */
  env: string;
  /** One line of help. */
  help: string;
}

/** Settings that are environment variables only (secrets stay off the command line). */
export const SERVE_ENVIRONMENT: readonly EnvironmentSpec[] = [
  {
    env: "PARLEY_PASSWORD",
    help: "the password users need to join (or use --password-file or --password-prompt)",
  },
  {
    env: "PARLEY_ADMIN_PASSWORD",
    help: "lets users become operators with /op PASSWORD (kick, ban, mute); off when unset",
  },
];

/** Column where option help starts in `parley serve --help`. */
const HELP_INDENT = 33;

/**
 * The options part of `parley serve --help`, generated from the table, each
 * option's help wrapped at word boundaries under the help column.
 *
 * @param columns Width to wrap to, in columns.
 * @returns Lines joined with `\n`.
 */
export function serveOptionsHelp(columns = 80): string {
  return (SERVE_OPTIONS as readonly OptionSpec[]).map((spec) => {
    const flag = `${spec.short ? `-${spec.short}, ` : "    "}--${spec.name}${
      spec.arg ? ` ${spec.arg}` : ""
    }`;
    const extra = [
      spec.default !== undefined && spec.kind !== "boolean" ? `default ${spec.default}` : "",
      spec.env ? `env ${spec.env}` : "",
    ].filter(Boolean).join("; ");
    return wrapText(
      `  ${flag.padEnd(HELP_INDENT - 3)} ${spec.help}${extra ? ` (${extra})` : ""}`,
      columns,
      HELP_INDENT,
    );
  }).join("\n");
}

/**
 * The environment-only part of `parley serve --help`, wrapped like the options.
 *
 * @param columns Width to wrap to, in columns.
 * @returns Lines joined with `\n`.
 */
export function serveEnvironmentHelp(columns = 80): string {
  return SERVE_ENVIRONMENT.map((spec) =>
    wrapText(`  ${spec.env.padEnd(HELP_INDENT - 3)} ${spec.help}`, columns, HELP_INDENT)
  ).join("\n");
}
