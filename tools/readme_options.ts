/**
 * Generates README's table of `parley serve` options from `SERVE_OPTIONS`,
 * so the table and the code cannot drift. `deno run --allow-read --allow-write
 * tools/readme_options.ts --write` rewrites the table between the
 * `<!-- serve-options:start -->` and `<!-- serve-options:end -->` markers
 * (then run `deno fmt README.md` to align it); without `--write` it prints it.
 *
 * @module
 */

import { fileURLToPath } from "node:url";
import {
  type EnvironmentSpec,
  type OptionSpec,
  SERVE_ENVIRONMENT,
  SERVE_OPTIONS,
} from "../cli/serve/serve_options.ts";

/** Marker lines around the generated table in README.md. */
export const START_MARKER = "<!-- serve-options:start -->";
/** @see START_MARKER */
export const END_MARKER = "<!-- serve-options:end -->";

function defaultText(spec: OptionSpec): string {
  if (spec.kind === "boolean") return spec.default === "true" ? "on" : "off";
  return spec.default === undefined ? "none" : `\`${spec.default}\``;
}

/**
 * The options table in Markdown, one row per `SERVE_OPTIONS` entry, then one
 * per environment-only setting (`SERVE_ENVIRONMENT`, flag `—`), unpadded.
 *
 * @param options The option table (default: `SERVE_OPTIONS`).
 * @param environment Environment-only settings (default: `SERVE_ENVIRONMENT`).
 * @returns Markdown lines joined with `\n`, no trailing newline.
 */
export function serveOptionsMarkdown(
  options: readonly OptionSpec[] = SERVE_OPTIONS,
  environment: readonly EnvironmentSpec[] = SERVE_ENVIRONMENT,
): string {
  const rows = options.map((spec) => {
    const flag = `\`--${spec.name}${spec.arg ? ` ${spec.arg}` : ""}\``;
    const env = spec.env ? `\`${spec.env}\`` : "";
    return `| ${flag} | ${env} | ${defaultText(spec)} | ${spec.help.replaceAll("|", "\\|")} |`;
  });
  const envRows = environment.map((spec) =>
    `| — | \`${spec.env}\` | none | ${spec.help.replaceAll("|", "\\|")} |`
  );
  return [
    "| flag | environment | default | meaning |",
    "| --- | --- | --- | --- |",
    ...rows,
    ...envRows,
  ].join("\n");
}

/**
 * Normalizes a Markdown table for comparison: trims cells and shrinks
 * separator dashes, so `deno fmt`'s column padding does not matter.
 *
 * @param table Markdown table lines.
 * @returns One string per row, cells joined by `|`.
 */
export function normalizeTable(table: string): string[] {
  return table.trim().split("\n").map((line) =>
    line.trim().replace(/^\||\|$/g, "").split(/(?<!\\)\|/).map((cell) =>
      cell.trim().replace(/^-+$/, "-")
    ).join("|")
  );
}

/**
 * Extracts the table between the markers of a README.
 *
 * @param readme The README text.
 * @returns The text between the markers.
 * @throws {SyntaxError} If the markers are missing.
 */
export function readmeOptionsTable(readme: string): string {
  const start = readme.indexOf(START_MARKER);
  const end = readme.indexOf(END_MARKER);
  if (start < 0 || end < start) {
    throw new SyntaxError(`README.md has no ${START_MARKER} ... ${END_MARKER} section`);
  }
  return readme.slice(start + START_MARKER.length, end);
}

if (import.meta.main) {
  const path = fileURLToPath(new URL("../README.md", import.meta.url));
  const table = serveOptionsMarkdown();
  if (Deno.args.includes("--write")) {
    const readme = await Deno.readTextFile(path);
    const old = readmeOptionsTable(readme);
    await Deno.writeTextFile(path, readme.replace(old, `\n${table}\n`));
    console.log(`wrote the options table to ${path}; now run: deno fmt README.md`);
  } else console.log(table);
}
