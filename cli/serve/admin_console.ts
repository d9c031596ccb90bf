/**
 * The operator's console: admin commands typed into the server's terminal.
 *
 * @module
 */

import { localizeTimes } from "../../client/core/local_times.ts";
import { createInterface } from "node:readline";
import process from "node:process";
import { splitArgs } from "../../server/chat/command_dispatch.ts";
import type { ParleyServer } from "../../server/server.ts";
import { ChatError } from "../../server/chat/chat_error.ts";
import {
  moderate,
  MODERATION_USAGE,
  type ModerationVerb,
} from "../../server/chat/commands_moderation.ts";

/** One console command. */
interface AdminCommand {
  usage: string;
  help: string;
  run(server: ParleyServer, args: string): string | Promise<string>;
}

/** The console's command table; `help` is generated from it. */
export const ADMIN_COMMANDS: Record<string, AdminCommand> = {
  who: {
    usage: "who",
    help: "List users online with their rooms, addresses and identities (key or guest).",
    run(server) {
      const lines = [...server.hub.sessions()].map((s) =>
        `  ${s.nick.padEnd(20)} ${
          [...s.rooms].map((r) => r.name).join(",").padEnd(20)
        } ${s.remoteAddr} ${s.identity ?? "guest"}`
      );
      return `${lines.length} online${lines.length ? "\n" + lines.join("\n") : ""}`;
    },
  },
  say: {
    usage: "say TEXT",
    help: "Send a server notice to everyone.",
    run(server, args) {
      if (!args) return "usage: say TEXT";
      server.hub.announce(args);
      return "sent";
    },
  },
  kick: {
    usage: "kick NICK [reason]",
    help: "Disconnect a user.",
    run(server, args) {
      const [nick, reason] = splitArgs(args, 2);
      if (!nick) return "usage: kick NICK [reason]";
      return server.hub.kick(nick, reason ?? "", "server")
        ? `kicked ${nick}`
        : `no user is called ${nick}`;
    },
  },
  // ban, unban, mute, unmute and bans: the same acts as operators' chat commands.
  ...moderationConsoleCommands(),
  shutdown: {
    usage: "shutdown [reason]",
    help: "Tell everyone and stop the server.",
    async run(server, args) {
      // `parley serve` prints the one "parley stopped" line once it has stopped.
      await server.close(args || "server shutting down");
      return "";
    },
  },
  help: {
    usage: "help",
    help: "List console commands.",
    run() {
      return Object.values(ADMIN_COMMANDS).map((c) => `  ${c.usage.padEnd(20)} ${c.help}`).join(
        "\n",
      );
    },
  },
};

/**
 * Runs one console line.
 *
 * @param server The running server.
 * @param line What the operator typed.
 * @returns The reply to print.
 */
export async function runAdminLine(server: ParleyServer, line: string): Promise<string> {
  const [name, args] = splitArgs(line.trim(), 2);
  if (!name) return "";
  const command = ADMIN_COMMANDS[name.toLowerCase()];
  if (!command) return `unknown command "${name}"; type help`;
  return await command.run(server, args ?? "");
}

/**
 * Reads console commands from the terminal until the server stops.
 *
 * @param server The running server.
 * @param onInterrupt Called for Ctrl-C typed at the console (readline keeps the
 *   terminal in raw mode, so no SIGINT reaches the process).
 * @returns A writer for other output (one line, newline included): it prints
 *   above the prompt and redraws the prompt with what was typed so far.
 */
export function startAdminConsole(
  server: ParleyServer,
  onInterrupt: () => void,
): (line: string) => void {
  const rl = createInterface({ input: process.stdin, output: process.stdout, prompt: "parley> " });
  let closed = false;
  rl.on("close", () => closed = true);
  rl.on("SIGINT", onInterrupt);
  rl.on("line", async (line: string) => {
    const reply = localizeTimes(await runAdminLine(server, line));
    if (reply) process.stdout.write(reply + "\n");
    // After `shutdown` the console is already closed: prompting again would throw.
    if (!closed) rl.prompt();
  });
  void server.finished.then(() => {
    rl.close();
    // Take the prompt off its line, so what follows starts on a clean one.
    process.stdout.write("\r\x1b[2K");
  });
  rl.prompt();
  return (line) => {
    if (closed) {
      process.stdout.write(line);
      return;
    }
    process.stdout.write("\r\x1b[2K" + line);
    rl.prompt(true);
  };
}

function moderationConsoleCommands(): Record<string, AdminCommand> {
  const help: Record<Exclude<ModerationVerb, "kick">, string> = {
    ban: "Ban a nick or address (10m, 2h, 7d; permanent without); disconnects them.",
    unban: "Lift a ban.",
    mute: "Stop a user from speaking, for DURATION or until unmuted.",
    unmute: "Let a muted user speak again.",
    bans: "List bans.",
  };
  const commands: Record<string, AdminCommand> = {};
  for (const [verb, text] of Object.entries(help) as [ModerationVerb, string][]) {
    commands[verb] = {
      usage: MODERATION_USAGE[verb],
      help: text,
      run(server, args) {
        try {
          return moderate(server.hub, verb, args, "server");
        } catch (error) {
          if (error instanceof ChatError) return error.message;
          throw error;
        }
      },
    };
  }
  return commands;
}
