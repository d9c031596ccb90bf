/**
 * The interactive session driven end to end with fakes: keyboard bytes in,
 * screen bytes out, and connections that the test feeds server messages to.
 */

import { assert, assertEqual } from "../_helpers/assert.ts";
import {
  type InteractiveOptions,
  runInteractive,
  type SessionConnection,
  type SessionInput,
} from "../../client/interactive_session.ts";
import { ConnectError, type ConnectOptions } from "../../client/client_connection.ts";
import { EXIT_CLOSED, EXIT_OK } from "../../cli/exit_codes.ts";
import type { ClientMessage, ServerMessage, WelcomeMessage } from "../../protocol/messages.ts";

/** Keyboard bytes the test types; `end()` is Ctrl-D at the OS level (EOF). */
class FakeInput implements SessionInput {
  #chunks: (string | null)[] = [];
  #wake: (() => void) | undefined;
  raw: boolean[] = [];

  type(text: string): void {
    this.#chunks.push(text);
    this.#wake?.();
  }

  end(): void {
    this.#chunks.push(null);
    this.#wake?.();
  }

  async read(buffer: Uint8Array): Promise<number | null> {
    while (this.#chunks.length === 0) await new Promise<void>((r) => this.#wake = r);
    const chunk = this.#chunks.shift()!;
    if (chunk === null) return null;
    const bytes = new TextEncoder().encode(chunk);
    buffer.set(bytes);
    return bytes.length;
  }

  setRaw(raw: boolean): void {
    this.raw.push(raw);
  }
}

/** Everything written, as text. */
class FakeOutput {
  text = "";
  writeSync(p: Uint8Array): number {
    this.text += new TextDecoder().decode(p);
    return p.length;
  }
}

function welcome(nick: string, resume = "token-1"): WelcomeMessage {
  return {
    type: "welcome",
    version: 1,
    server: "test",
    software: "parley test",
    nick,
    room: "#lobby",
    users: [{ nick }, { nick: "bob" }],
    online: 2,
    limits: { maxFrameBytes: 1 << 20, maxTextBytes: 8192, heartbeatMs: 30_000 },
    resume,
  };
}

/** A connection whose server side is the test: `push` delivers, `end` closes from the server. */
class FakeConnection implements SessionConnection {
  readonly welcome: WelcomeMessage;
  readonly sent: ClientMessage[] = [];
  #inbox: (ServerMessage | null)[] = [];
  #wake: (() => void) | undefined;
  closed = false;

  constructor(welcomeMessage: WelcomeMessage) {
    this.welcome = welcomeMessage;
  }

  push(message: ServerMessage): void {
    this.#inbox.push(message);
    this.#wake?.();
  }

  end(): void {
    this.#inbox.push(null);
    this.#wake?.();
  }

  send(message: ClientMessage): Promise<void> {
    if (this.closed) return Promise.reject(new Deno.errors.BrokenPipe("closed"));
    this.sent.push(message);
    // A real server acknowledges /quit and closes.
    if (message.type === "command" && message.name === "quit") this.end();
    return Promise.resolve();
  }

  close(): void {
    this.closed = true;
    this.end();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<ServerMessage> {
    while (true) {
      while (this.#inbox.length === 0) await new Promise<void>((r) => this.#wake = r);
      const message = this.#inbox.shift()!;
      if (message === null) return;
      yield message;
    }
  }
}

/** Runs a session on fakes; `connects` records every reconnect attempt. */
function start(options: Partial<InteractiveOptions> = {}) {
  const input = new FakeInput();
  const output = new FakeOutput();
  const errors = new FakeOutput();
  const first = new FakeConnection(welcome("alice"));
  const connects: ConnectOptions[] = [];
  const later: FakeConnection[] = [];
  const done = runInteractive(first, {
    address: { hostname: "127.0.0.1", port: 7777, tls: false },
    bell: false,
    exitCodeFor: () => 99,
    input,
    output,
    errorOutput: errors,
    columns: () => 80,
    color: false,
    backoff: { baseMs: 1, maxMs: 1 },
    connect: (opts) => {
      connects.push(opts);
      const next = new FakeConnection(welcome(opts.nick, "token-2"));
      later.push(next);
      return Promise.resolve(next);
    },
    ...options,
  });
  return { input, output, errors, first, connects, later, done };
}

/** Waits (bounded) until `check` holds. */
async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`Timed out waiting for ${what}`);
}

Deno.test("interactive session sends a typed line as a msg frame to the active room", async () => {
  const s = start();
  s.input.type("hello there\r");
  await until(() => s.first.sent.some((m) => m.type === "msg"), "the msg frame");
  const msg = s.first.sent.find((m) => m.type === "msg");
  assertEqual(msg, {
    type: "msg",
    ref: msg!.type === "msg" ? msg!.ref : 0,
    room: "#lobby",
    text: "hello there",
  });
  s.input.type("\x04");
  assertEqual(await s.done, EXIT_OK);
  assert(s.first.sent.some((m) => m.type === "command" && m.name === "quit"), "Ctrl-D sends /quit");
  assertEqual(s.input.raw, [true, false]);
});

Deno.test("interactive session renders a server message on the screen", async () => {
  const s = start();
  s.first.push({ type: "msg", id: 7, ts: 0, room: "#lobby", from: "bob", text: "hi alice" });
  await until(() => s.output.text.includes("<bob> hi alice"), "the rendered line");
  s.input.type("\x04");
  assertEqual(await s.done, EXIT_OK);
});

for (const code of ["kicked", "replaced"]) {
  Deno.test(`interactive session does not reconnect after bye ${code}`, async () => {
    const s = start();
    s.first.push({ type: "notice", ts: 0, text: "Something happened" });
    s.first.push({ type: "bye", code, reason: `Because: ${code}` });
    s.first.end();
    assertEqual(await s.done, EXIT_CLOSED);
    assertEqual(s.connects.length, 0);
    assert(s.errors.text.includes(`closed (${code}: Because: ${code})`), s.errors.text);
  });
}

Deno.test("interactive session reconnects after an operator says 'You were kicked' and the link drops", async () => {
  const s = start();
  s.first.push({ type: "notice", ts: 0, text: "You were kicked by x: just kidding" });
  s.first.push({ type: "notice", ts: 0, text: "Your session was resumed from 10.0.0.1" });
  s.first.end();
  await until(() => s.later.length === 1, "a reconnect");
  assertEqual(s.connects[0].nick, "alice");
  assertEqual(s.connects[0].resume, "token-1", "the welcome's resume token is presented");
  await until(() => s.output.text.includes("reconnected to"), "the reconnected line");
  s.input.type("\x04");
  assertEqual(await s.done, EXIT_OK);
});

Deno.test("interactive session reconnects after bye shutdown and after an unknown bye code", async () => {
  for (const code of ["shutdown", "some_future_code"]) {
    const s = start();
    s.first.push({ type: "bye", code, reason: "later" });
    s.first.end();
    await until(() => s.later.length === 1, `a reconnect after ${code}`);
    s.input.type("\x04");
    assertEqual(await s.done, EXIT_OK);
  }
});

Deno.test("interactive session stops reconnecting on a permanent refusal", async () => {
  const s = start({
    connect: () => Promise.reject(new ConnectError("refused", "You are banned", "banned")),
  });
  s.first.end();
  assertEqual(await s.done, 99);
  assert(s.output.text.includes("was refused: You are banned"), s.output.text);
});

Deno.test("interactive session stops reconnecting when the server's certificate changed", async () => {
  let attempts = 0;
  const s = start({
    connect: () => {
      attempts++;
      return Promise.reject(new ConnectError("trust", "The TLS certificate has CHANGED"));
    },
  });
  s.first.end();
  assertEqual(await s.done, 99);
  assertEqual(attempts, 1, "a changed certificate is not retried");
  assert(s.output.text.includes("CHANGED"), s.output.text);
});

Deno.test("interactive session shows an explicit /history in full, even lines already shown", async () => {
  const s = start();
  const line = {
    type: "msg",
    id: 7,
    ts: 5,
    room: "#lobby",
    from: "bob",
    text: "seen before",
  } as const;
  s.first.push(line);
  await until(() => s.output.text.includes("<bob> seen before"), "the live line");
  // Replayed without being asked (as after a reconnect): not shown again.
  s.first.push({ ...line, history: true });
  s.first.push({ type: "notice", ts: 5, text: "marker" });
  await until(() => s.output.text.includes("marker"), "the unasked replay to be handled");
  s.input.type("/history 1\r");
  await until(
    () => s.first.sent.some((m) => m.type === "command" && m.name === "history"),
    "the /history command",
  );
  const sent = s.first.sent.find((m) => m.type === "command" && m.name === "history")!;
  const ref = sent.type === "command" ? sent.ref : 0;
  s.first.push({ ...line, history: true });
  s.first.push({
    type: "notice",
    ts: 6,
    room: "#lobby",
    text: "End of history: 1 message of #lobby",
  });
  s.first.push({ type: "ack", ref, id: 0, ts: 6 });
  await until(() => s.output.text.includes("End of history"), "the footer");
  assertEqual(s.output.text.split("<bob> seen before").length - 1, 2);
  s.input.type("\x04");
  assertEqual(await s.done, EXIT_OK);
});

Deno.test("interactive session keeps one line for an outage and says so when Ctrl-D gives up", async () => {
  let attempts = 0;
  const s = start({
    connect: () => {
      attempts++;
      return Promise.reject(
        new ConnectError("connect", "Connection refused by tcp://x:1: is it on?"),
      );
    },
  });
  s.first.end();
  await until(() => attempts >= 5, "several attempts");
  const lines = s.output.text.split(/\r?\n/).filter((l) => /reconnect|attempt/.test(l));
  assert(!s.output.text.includes("attempt 3 failed"), "no line per attempt");
  assert(s.output.text.includes("(Connection refused)"), "the status line says why");
  s.input.type("\x04");
  assertEqual(await s.done, EXIT_OK);
  assert(s.output.text.includes("--- gave up reconnecting to tcp://127.0.0.1:7777; bye"));
  assert(lines.length > 0);
});
