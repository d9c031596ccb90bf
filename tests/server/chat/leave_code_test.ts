/**
 * The `leave` code travels with the close that caused it; the server never
 * derives it from the wording of the reason.
 */

import { Hub } from "../../../server/chat/hub.ts";
import { admitFake } from "../../_helpers/fake_peer.ts";
import { assertEqual } from "../../_helpers/assert.ts";

function setup() {
  let now = 1_700_000_000_000;
  const hub = new Hub({ now: () => now++ });
  const watcher = admitFake(hub, "watcher");
  const codeOf = (nick: string) => watcher.peer.of("leave").find((m) => m.nick === nick)?.code;
  return { hub, watcher, codeOf };
}

Deno.test("Hub.disconnect announces the code it is given, whatever the reason says", () => {
  const { hub, codeOf } = setup();
  const cases: [string, string, Parameters<Hub["disconnect"]>[2]][] = [
    ["a", "kicked by op: looks like a kick", undefined],
    ["b", "server shutdown: but it is not", "disconnected"],
    ["c", "connection reset", "timeout"],
    ["d", "anything at all", "slow_consumer"],
  ];
  for (const [nick, reason, code] of cases) {
    const { session } = admitFake(hub, nick, `127.0.0.1:${41000 + nick.charCodeAt(0)}`);
    hub.disconnect(session, reason, code);
  }
  assertEqual(codeOf("a"), "disconnected");
  assertEqual(codeOf("b"), "disconnected");
  assertEqual(codeOf("c"), "timeout");
  assertEqual(codeOf("d"), "slow_consumer");
});

Deno.test("kick, /quit and shutdown close with their own codes", () => {
  const { hub, codeOf } = setup();
  const kicked = admitFake(hub, "kicked", "127.0.0.1:42001");
  hub.kick("kicked", "spam", "op");
  assertEqual(kicked.peer.closedCode, "kicked");
  assertEqual(codeOf("kicked"), "kicked");
  const quitter = admitFake(hub, "quitter", "127.0.0.1:42002");
  hub.receive(quitter.session, {
    type: "command",
    ref: 1,
    room: "#lobby",
    name: "quit",
    args: "kicked by nobody",
  });
  assertEqual(quitter.peer.closedCode, "quit");
  assertEqual(codeOf("quitter"), "quit");
  const stayer = admitFake(hub, "stayer", "127.0.0.1:42003");
  const watcher = hub.find("watcher")!;
  hub.shutdown("maintenance");
  assertEqual(stayer.peer.closedCode, "shutdown");
  assertEqual(watcher.gone, true);
});
