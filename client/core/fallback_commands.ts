/**
 * The server commands a client offers for Tab completion before the server's
 * own list (the reply to `help`) arrives. Shared by the terminal and the
 * browser; no `Deno.*`, no `node:`.
 *
 * @module
 */

/** Server commands, with their slash, in the order `/help` lists the common ones. */
export const FALLBACK_COMMANDS: readonly string[] = [
  "/help",
  "/who",
  "/msg",
  "/me",
  "/nick",
  "/join",
  "/part",
  "/rooms",
  "/topic",
  "/history",
  "/quit",
];
