import { JOIN_PERMISSIONS, MAIN, startServe } from "../_helpers/serve_process.ts";
import { screenLines, Tmux } from "../_helpers/tmux.ts";
import { assert, assertEqual, assertMatch } from "../_helpers/assert.ts";

const hasTmux = await Tmux.available();
if (!hasTmux) {
  console.log("interactive tmux tests skipped: tmux is not installed (.ci/run installs it)");
}

function joinCommand(port: number, nick: string): string[] {
  return [
    Deno.execPath(),
    "run",
    ...JOIN_PERMISSIONS,
    MAIN,
    "join",
    `127.0.0.1:${port}`,
    "--nick",
    nick,
  ];
}

Deno.test({
  name: "interactive join keeps the half-typed line intact while messages arrive",
  ignore: !hasTmux,
  async fn() {
    await using server = await startServe();
    await using tmux = new Tmux(100, 20);
    await tmux.start("alice", joinCommand(server.port, "alice"), { NO_COLOR: "1" });
    await tmux.waitFor("alice", "[#lobby] alice>");
    await tmux.start("bob", joinCommand(server.port, "bob"), { NO_COLOR: "1" });
    await tmux.waitFor("bob", "[#lobby] bob>");
    await tmux.waitFor("alice", "bob joined #lobby");

    await tmux.type("alice", "half typed line");
    await tmux.waitFor("alice", "alice> half typed line");
    await tmux.type("bob", "hello from bob");
    await tmux.press("bob", "Enter");

    // Wait for the settled screen: the message row directly above the redrawn prompt.
    const screen = await tmux.waitFor(
      "alice",
      // (the status line, when present, sits between the messages and the prompt)
      /<bob> hello from bob *\n(?: tcp:\/\/\S+ \| #lobby \| alice \| connected *\n)?\[#lobby\] alice> half typed line/,
    );
    const lines = screenLines(screen);
    // The message is printed above the prompt, and the prompt still holds what alice typed.
    assertEqual(lines.at(-1), "[#lobby] alice> half typed line");
    const messageRow = lines.findIndex((l) => l.includes("<bob> hello from bob"));
    assert(messageRow >= 0 && messageRow < lines.length - 1, screen);
    assertMatch(lines[messageRow], /^\[\d\d:\d\d\] <bob> hello from bob$/);
    // The message line was not glued to the partial input.
    assert(!lines.some((l) => l.includes("half typed") && l.includes("hello from bob")), screen);

    // Finishing the line sends it; bob sees it and alice sees it acknowledged.
    await tmux.press("alice", "Enter");
    await tmux.waitFor("bob", "<alice> half typed line");
    await tmux.waitFor("alice", /\] <alice> half typed line/);

    // /quit leaves cleanly with exit status 0; bob sees the leave.
    await tmux.type("alice", "/quit");
    await tmux.press("alice", "Enter");
    await tmux.waitFor("bob", "alice left #lobby (quit)");
    assertEqual(await tmux.waitExit("alice"), 0);
  },
});

Deno.test({
  name: "interactive join leaves cleanly on Ctrl-D and shows /help from the server",
  ignore: !hasTmux,
  async fn() {
    await using server = await startServe();
    // Tall enough for the server's /help plus the client's own commands.
    await using tmux = new Tmux(100, 50);
    await tmux.start("carol", joinCommand(server.port, "carol"), { NO_COLOR: "1" });
    await tmux.waitFor("carol", "[#lobby] carol>");
    await tmux.type("carol", "/help");
    await tmux.press("carol", "Enter");
    const screen = await tmux.waitFor("carol", "/msg NICK TEXT");
    assertMatch(screen, /\/quit \[reason\]/);
    await tmux.press("carol", "C-d");
    assertEqual(await tmux.waitExit("carol"), 0);
    assertMatch(await server.log(), /leave carol \(127\.0\.0\.1:\d+\): quit/);
  },
});

Deno.test({
  name: "interactive join asks for a missing nick at a prompt",
  ignore: !hasTmux,
  async fn() {
    await using server = await startServe();
    await using tmux = new Tmux(100, 20);
    await tmux.start("dave", [
      Deno.execPath(),
      "run",
      ...JOIN_PERMISSIONS,
      MAIN,
      "join",
      `127.0.0.1:${server.port}`,
    ], {
      NO_COLOR: "1",
    });
    await tmux.waitFor("dave", "Nick:");
    await tmux.type("dave", "dave");
    await tmux.press("dave", "Enter");
    await tmux.waitFor("dave", "[#lobby] dave>");
  },
});

Deno.test({
  name:
    "interactive join asks for the password hidden when the server needs one, and Ctrl-C leaves",
  ignore: !hasTmux,
  async fn() {
    await using server = await startServe([], { env: { PARLEY_PASSWORD: "opensesame" } });
    await using tmux = new Tmux(100, 20);
    await tmux.start("erin", joinCommand(server.port, "erin"), { NO_COLOR: "1" });
    await tmux.waitFor("erin", "Password:");
    await tmux.type("erin", "opensesame");
    await tmux.press("erin", "Enter");
    const screen = await tmux.waitFor("erin", "[#lobby] erin>");
    assert(!screen.includes("opensesame"), `password was echoed:\n${screen}`);
    await tmux.press("erin", "C-c");
    assertEqual(await tmux.waitExit("erin"), 0);
  },
});
