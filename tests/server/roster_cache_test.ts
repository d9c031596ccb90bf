import { assertEqual } from "../_helpers/assert.ts";
import { admitFake } from "../_helpers/fake_peer.ts";
import { Hub } from "../../server/hub.ts";

const decoder = new TextDecoder();

function listed(hub: Hub, name: string): unknown {
  return JSON.parse(decoder.decode(hub.roster.json(hub.room(name)!)));
}

Deno.test("RosterCache follows joins, leaves, nick and away changes like hub.users", () => {
  let now = 1;
  const hub = new Hub({ now: () => now++ });
  const check = () => assertEqual(listed(hub, "#lobby"), hub.users(hub.room("#lobby")!));
  const ann = admitFake(hub, "ann");
  check();
  const bob = admitFake(hub, "bob");
  const eve = admitFake(hub, "Ève");
  check();
  hub.receive(bob.session, { type: "command", name: "away", args: "at lunch", ref: 1 });
  check();
  hub.receive(ann.session, { type: "command", name: "nick", args: "anna", ref: 2 });
  check();
  hub.disconnect(bob.session, "bye");
  check();
  admitFake(hub, "carl");
  check();
  assertEqual(hub.users(hub.room("#lobby")!).map((u) => u.nick), ["anna", "Ève", "carl"]);
  // The joiner's welcome carries the list as it was when it joined, itself included.
  const dave = admitFake(hub, "dave");
  assertEqual(dave.peer.of("welcome")[0].users.map((u) => u.nick), [
    "anna",
    "Ève",
    "carl",
    "dave",
  ]);
  // A /join sends the room's list as who.
  hub.receive(eve.session, { type: "command", name: "join", args: "#dev", ref: 3 });
  hub.receive(dave.session, { type: "command", name: "join", args: "#dev", ref: 4 });
  assertEqual(dave.peer.of("who").at(-1)?.users, [{ nick: "Ève" }, { nick: "dave" }]);
});
