import { assertEqual } from "../../_helpers/assert.ts";
import { admitFake } from "../../_helpers/fake_peer.ts";
import { Hub } from "../../../server/chat/hub.ts";

Deno.test("/away marks a user away in who and tells their rooms; /back and bare /away return", () => {
  const hub = new Hub();
  const alice = admitFake(hub, "alice");
  const bob = admitFake(hub, "bob");
  const stranger = admitFake(hub, "zed");
  hub.receive(stranger.session, { type: "command", ref: 1, name: "join", args: "#else" });
  hub.receive(stranger.session, { type: "command", ref: 2, name: "part", args: "#lobby" });
  stranger.peer.clear();
  hub.receive(alice.session, { type: "command", ref: 3, name: "away", args: "lunch \x07break" });
  const notice = bob.peer.of("away").at(-1)!;
  assertEqual([notice.nick, notice.away], ["alice", "lunch break"]);
  assertEqual(alice.peer.of("away").length, 1, "the user is told too");
  assertEqual(stranger.peer.of("away").length, 0, "users sharing no room are not told");
  hub.receive(bob.session, { type: "command", ref: 4, name: "who", args: "" });
  assertEqual(bob.peer.of("who").at(-1)?.users, [
    { nick: "alice", away: "lunch break" },
    { nick: "bob" },
  ]);
  hub.receive(alice.session, { type: "command", ref: 5, name: "back", args: "" });
  assertEqual(bob.peer.of("away").at(-1)?.away, undefined);
  hub.receive(alice.session, { type: "command", ref: 6, name: "away", args: "" });
  assertEqual(bob.peer.of("away").at(-1)?.away, "away");
  hub.receive(alice.session, { type: "command", ref: 7, name: "away", args: "" });
  assertEqual(bob.peer.of("away").at(-1)?.away, undefined, "bare /away while away is back");
  assertEqual(alice.peer.of("ack").map((a) => a.ref), [3, 5, 6, 7]);
});
