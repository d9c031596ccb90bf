import { makeColors, type RenderContext, renderMessage } from "../../client/render.ts";
import { mentions } from "../../client/core/mentions.ts";
import { nickColorIndex } from "../../client/core/nick_color.ts";
import { assert, assertEqual } from "../_helpers/assert.ts";

const ctx: RenderContext = {
  colors: makeColors(false),
  me: "alice",
  activeRoom: "#lobby",
  clock: () => "12:34",
};

Deno.test("renderMessage shows chat lines with time and nick", () => {
  assertEqual(
    renderMessage({ type: "msg", id: 1, ts: 0, room: "#lobby", from: "bob", text: "hi" }, ctx),
    "[12:34] <bob> hi",
  );
});

Deno.test("renderMessage prefixes messages from rooms other than the active one", () => {
  assertEqual(
    renderMessage({ type: "msg", id: 1, ts: 0, room: "#dev", from: "bob", text: "hi" }, ctx),
    "[12:34] #dev <bob> hi",
  );
});

Deno.test("renderMessage indents continuation lines of a multi-line message under the text", () => {
  assertEqual(
    renderMessage(
      { type: "msg", id: 1, ts: 0, room: "#lobby", from: "bob", text: "one\ntwo" },
      ctx,
    ),
    "[12:34] <bob> one\n              two",
  );
});

Deno.test("renderMessage renders actions, private messages and notices", () => {
  assertEqual(
    renderMessage(
      { type: "action", id: 1, ts: 0, room: "#lobby", from: "bob", text: "waves" },
      ctx,
    ),
    "[12:34] * bob waves",
  );
  assertEqual(
    renderMessage({ type: "privmsg", id: 1, ts: 0, from: "bob", to: "alice", text: "psst" }, ctx),
    "[12:34] *bob* psst",
  );
  assertEqual(
    renderMessage({ type: "privmsg", id: 1, ts: 0, from: "alice", to: "bob", text: "psst" }, ctx),
    "[12:34] -> *bob* psst",
  );
  assertEqual(
    renderMessage({ type: "join", ts: 0, room: "#lobby", nick: "bob" }, ctx),
    "[12:34] --> bob joined #lobby",
  );
  assertEqual(
    renderMessage({ type: "leave", ts: 0, room: "#lobby", nick: "bob", reason: "quit" }, ctx),
    "[12:34] <-- bob left #lobby (quit)",
  );
  assertEqual(
    renderMessage({ type: "shutdown", ts: 0, reason: "bye" }, ctx),
    "[12:34] -!- server shutting down (bye)",
  );
  assertEqual(
    renderMessage(
      { type: "error", code: "nick_taken", message: "Nick bob is already in use" },
      ctx,
    ),
    "!!! Nick bob is already in use (nick_taken)",
  );
  assertEqual(renderMessage({ type: "ack", ref: 1, id: 1, ts: 0 }, ctx), null);
});

Deno.test("renderMessage shows away status in who lists", () => {
  assertEqual(
    renderMessage({
      type: "who",
      room: "#lobby",
      users: [{ nick: "a" }, { nick: "b", away: "lunch" }],
    }, ctx),
    "--- #lobby (2): a, b (away: lunch)",
  );
});

Deno.test("renderMessage strips escape sequences from every user-controlled field", () => {
  const out = renderMessage(
    {
      type: "msg",
      id: 1,
      ts: 0,
      room: "#lobby\x1b[2J",
      from: "ev\x1b]0;x\x07il",
      text: "\x1b[1Ahi\x1b[31m",
    },
    ctx,
  )!;
  assert(!out.includes("\x1b"), JSON.stringify(out));
  assertEqual(out, "[12:34] #lobby <evil> hi");
});

Deno.test("renderMessage colours nicks stably when colour is on", () => {
  const colored = { ...ctx, colors: makeColors(true) };
  const a = renderMessage(
    { type: "msg", id: 1, ts: 0, room: "#lobby", from: "bob", text: "x" },
    colored,
  )!;
  const b = renderMessage(
    { type: "msg", id: 2, ts: 0, room: "#lobby", from: "bob", text: "y" },
    colored,
  )!;
  assert(a.includes("\x1b["));
  assertEqual(a.split("bob")[0].slice(-5), b.split("bob")[0].slice(-5));
  assertEqual(nickColorIndex("Bob"), nickColorIndex("bob"));
});

Deno.test("mentions finds @nick and the nick as a word only", () => {
  assert(mentions("hey @alice look", "alice"));
  assert(mentions("Alice: ping", "alice"));
  assert(!mentions("malice aforethought", "alice"));
  assert(!mentions("alices", "alice"));
  assert(mentions("ok a.b", "a.b"));
  assert(!mentions("ok axb", "a.b"));
});

Deno.test("renderMessage highlights a mention of me when colour is on", () => {
  const colored = { ...ctx, colors: makeColors(true) };
  const plain = renderMessage({
    type: "msg",
    id: 1,
    ts: 0,
    room: "#lobby",
    from: "bob",
    text: "hello",
  }, colored)!;
  const mention = renderMessage({
    type: "msg",
    id: 1,
    ts: 0,
    room: "#lobby",
    from: "bob",
    text: "hello alice",
  }, colored)!;
  assert(mention.includes("\x1b[1m") && !plain.includes("\x1b[1m"));
});
