/**
 * Parley: a chat relay (`parley serve`) and terminal client (`parley join`)
 * speaking a length-prefixed frame protocol over TCP.
 *
 * @module
 */

import { EXIT_CODES, EXIT_ERROR, EXIT_OK, EXIT_USAGE } from "./cli/exit_codes.ts";
import { writeAllSync } from "./cli/prompt.ts";
import { joinCommand } from "./cli/join_command.ts";
import { pingCommand } from "./cli/ping_command.ts";
import { PROTOCOL_VERSION } from "./protocol/messages.ts";
import { VERSION } from "./protocol/version.ts";
import { serveCommand } from "./cli/serve/serve_command.ts";

/** Top-level usage text. */
export const USAGE = `Parley ${VERSION}: a private chat room in one command.

Usage:
  parley serve [options]            run a chat server (default port 5003)
  parley join [ADDRESS] [options]   join a server from this terminal
  parley ping [ADDRESS] [--json]    check that a server answers, without joining
  parley --version                  print versions
  parley --help                     print this help

Run 'parley serve --help' or 'parley join --help' for their options.

Exit codes:
${EXIT_CODES.map(([code, meaning]) => `  ${code}  ${meaning}`).join("\n")}`;

/**
 * Runs the Parley command line.
 *
 * @param args Command-line arguments, e.g. `["serve", "--port", "0"]`.
 * @returns The process exit code; see `USAGE` for the list.
 */
export async function main(args: string[]): Promise<number> {
  const [command, ...rest] = args;
  try {
    switch (command) {
      case "serve":
        return await serveCommand(rest);
      case "join":
        return await joinCommand(rest);
      case "ping":
        return await pingCommand(rest);
      case "--version":
      case "-V":
      case "version":
        writeAllSync(
          Deno.stdout,
          `parley ${VERSION}\ndeno ${Deno.version.deno}\nprotocol ${PROTOCOL_VERSION}\n`,
        );
        return EXIT_OK;
      case undefined:
      case "--help":
      case "-h":
      case "help":
        writeAllSync(Deno.stdout, USAGE + "\n");
        return EXIT_OK;
      default:
        writeAllSync(Deno.stderr, `parley: unknown command "${command}"\n\n${USAGE}\n`);
        return EXIT_USAGE;
    }
  } catch (error) {
    writeAllSync(
      Deno.stderr,
      `parley: unexpected error: ${
        error instanceof Error ? error.stack ?? error.message : error
      }\n`,
    );
    return EXIT_ERROR;
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
