import {
  makeColors,
  type RenderContext,
  renderMessage,
  terminalColorDepth,
} from "../../client/render.ts";
import { nickColorIndex, nickRgb, xterm256 } from "../../client/core/nick_color.ts";
import { localizeTimes, localTime } from "../../client/core/local_times.ts";
import { shutdownText } from "../../client/core/shutdown_text.ts";
import { assert, assertEqual, assertMatch } from "../_helpers/assert.ts";

const ctx: RenderContext = {
  colors: makeColors(false),
  me: "alice",
  activeRoom: "#lobby",
  clock: () => "12:34",
};

Deno.test("renderMessage shows the shutdown reason once, without a doubled prefix", () => {
  assertEqual(
    renderMessage({ type: "shutdown", ts: 0, reason: "SIGINT" }, ctx),
    "[12:34] -!- server shutting down (SIGINT)",
  );
  // What older servers sent as the reason.
  assertEqual(shutdownText("server shutting down (SIGINT)"), "server shutting down (SIGINT)");
  assertEqual(shutdownText(""), "server shutting down");
});

Deno.test("renderMessage shows /away without text as 'is away', in events and /who", () => {
  assertEqual(
    renderMessage({ type: "away", ts: 0, nick: "bob", away: "away" }, ctx),
    "[12:34] --- bob is away",
  );
  assertEqual(
    renderMessage({ type: "away", ts: 0, nick: "bob", away: "lunch" }, ctx),
    "[12:34] --- bob is away: lunch",
  );
  assertEqual(
    renderMessage({
      type: "who",
      room: "#lobby",
      users: [{ nick: "bob", away: "away" }, { nick: "carol", away: "lunch" }],
    }, ctx),
    "--- #lobby (2): bob (away), carol (away: lunch)",
  );
});

Deno.test("renderMessage shows times inside notices and errors in local time", () => {
  const until = Date.now() + 10 * 60_000;
  const iso = new Date(until).toISOString();
  const text = renderMessage({ type: "notice", ts: 0, text: `banned until ${iso}` }, ctx)!;
  assertEqual(text, `[12:34] -!- banned until ${localTime(until)}`);
  const error = renderMessage(
    { type: "error", code: "banned", message: `You are banned from this server until ${iso}` },
    ctx,
  )!;
  assert(!error.includes("Z"), error);
  assertMatch(
    localizeTimes("at 2020-01-02T03:04:05.000Z", Date.UTC(2026, 0, 1)),
    /^at 2020-01-0\d \d\d:\d\d$/,
  );
});

Deno.test("renderMessage wraps long lines at spaces under the message text", () => {
  const text = "the quick brown fox jumps over the lazy dog and keeps on running";
  const lines = renderMessage(
    { type: "msg", id: 1, ts: 0, room: "#lobby", from: "bob", text },
    { ...ctx, columns: 41 },
  )!.split("\n");
  assertEqual(lines, [
    "[12:34] <bob> the quick brown fox jumps",
    "              over the lazy dog and",
    "              keeps on running",
  ]);
});

Deno.test("nick colours: many hues with 256 colours or true colour, six otherwise, none with NO_COLOR", () => {
  const color = makeColors(true);
  const msg = { type: "join", ts: 0, room: "#lobby", nick: "bob" } as const;
  const rgb = nickRgb("bob");
  assertMatch(
    renderMessage(msg, { ...ctx, colors: color, colorDepth: 24 })!,
    new RegExp(`\\x1b\\[38;2;${rgb.join(";")}mbob\\x1b\\[39m`),
  );
  assertMatch(
    renderMessage(msg, { ...ctx, colors: color, colorDepth: 8 })!,
    new RegExp(`\\x1b\\[38;5;${xterm256(rgb)}mbob`),
  );
  // Colour off (NO_COLOR): no escape codes at all, whatever the depth.
  assertEqual(renderMessage(msg, { ...ctx, colorDepth: 24 }), "[12:34] --> bob joined #lobby");
  // The six basic colours gave bob and carol the same one; the hues tell them apart.
  assertEqual(nickColorIndex("bob"), nickColorIndex("carol"));
  assert(xterm256(nickRgb("bob")) !== xterm256(nickRgb("carol")));
  const names = ["alice", "bob", "carol", "dave", "eve", "frank", "grace", "heidi", "ivan", "judy"];
  const distinct = new Set(names.map((n) => xterm256(nickRgb(n)))).size;
  assert(distinct >= 7, `only ${distinct} colours for ten nicks`);
});

Deno.test("terminalColorDepth reads COLORTERM and TERM", () => {
  const env = (vars: Record<string, string>) => (name: string) => vars[name];
  assertEqual(terminalColorDepth(env({ COLORTERM: "truecolor", TERM: "xterm" })), 24);
  assertEqual(terminalColorDepth(env({ COLORTERM: "24bit" })), 24);
  assertEqual(terminalColorDepth(env({ TERM: "tmux-256color" })), 8);
  assertEqual(terminalColorDepth(env({ TERM: "xterm" })), 4);
  assertEqual(terminalColorDepth(env({})), 4);
});
