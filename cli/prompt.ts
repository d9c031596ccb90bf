/**
 * Terminal input and output shared by `parley serve` and `parley join`.
 *
 * @module
 */

const encoder = new TextEncoder();

/**
 * Writes all of `text` to a synchronous writer (handles partial writes to pipes).
 *
 * @param writer `Deno.stdout` or `Deno.stderr`, or anything with `writeSync`.
 * @param text Text to write, as UTF-8.
 */
export function writeAllSync(writer: { writeSync(p: Uint8Array): number }, text: string): void {
  const bytes = encoder.encode(text);
  let offset = 0;
  while (offset < bytes.length) offset += writer.writeSync(bytes.subarray(offset));
}

/**
 * Asks for a line on the terminal (echoed).
 *
 * @param question The prompt.
 * @returns The trimmed answer, or `undefined` if empty or stdin closed.
 */
export function askLine(question: string): string | undefined {
  const answer = prompt(question);
  return answer === null || answer.trim() === "" ? undefined : answer.trim();
}

/**
 * Asks for a secret on the terminal without echoing it.
 *
 * @param question The prompt.
 * @returns The line, or `undefined` on Ctrl-C, Ctrl-D or an empty answer.
 */
export function askSecret(question: string): string | undefined {
  writeAllSync(Deno.stdout, question);
  Deno.stdin.setRaw(true);
  const chars: string[] = [];
  const buffer = new Uint8Array(64);
  const decoder = new TextDecoder();
  try {
    while (true) {
      const n = Deno.stdin.readSync(buffer);
      if (n === null) return chars.join("") || undefined;
      for (const ch of decoder.decode(buffer.subarray(0, n), { stream: true })) {
        if (ch === "\r" || ch === "\n") return chars.join("") || undefined;
        if (ch === "\x03" || ch === "\x04") return undefined;
        if (ch === "\x7f" || ch === "\b") chars.pop();
        else if (ch >= " ") chars.push(ch);
      }
    }
  } finally {
    Deno.stdin.setRaw(false);
    writeAllSync(Deno.stdout, "\n");
  }
}

/**
 * Reads a UTF-8 text file for a command-line option.
 *
 * @param path File path.
 * @param what What the file holds, for the error ("Password", "CA certificate").
 * @returns The contents.
 * @throws {TypeError} With a sentence if the file is missing or unreadable.
 */
export function readOptionFile(path: string, what: string): string {
  try {
    return Deno.readTextFileSync(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new TypeError(`${what} file ${path} does not exist`);
    }
    if (error instanceof Deno.errors.PermissionDenied || error instanceof Deno.errors.NotCapable) {
      throw new TypeError(`Cannot read ${what} file ${path}: permission denied`);
    }
    if (error instanceof Deno.errors.IsADirectory) {
      throw new TypeError(`${what} file ${path} is a directory`);
    }
    throw error;
  }
}

/**
 * Reads a secret from a file, dropping one trailing newline.
 *
 * @param path File path.
 * @throws {TypeError} If the file is missing or unreadable.
 */
export function readSecretFile(path: string): string {
  return readOptionFile(path, "Password").replace(/\r?\n$/, "");
}

/**
 * Whether `error` is a usage error: a `TypeError` we threw with a sentence, or
 * one from `node:util` `parseArgs` (unknown option, missing value).
 *
 * @param error Anything caught.
 */
export function isUsageError(error: unknown): error is Error {
  return error instanceof TypeError ||
    (error instanceof Error &&
      String((error as { code?: unknown }).code).startsWith("ERR_PARSE_ARGS"));
}
