import { assertEqual } from "../../_helpers/assert.ts";
import { admitFake, FakePeer } from "../../_helpers/fake_peer.ts";
import { PROTOCOL_VERSION } from "../../../protocol/messages.ts";
import { Hub } from "../../../server/chat/hub.ts";
import * as RosterModule from "../../../server/chat/roster_cache.ts";
import * as RoomModule from "../../../server/chat/room.ts";

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

/** A peer that takes frames in parts, as a TCP connection does, and keeps them unjoined. */
class PartsPeer extends FakePeer {
  readonly parts: Uint8Array[][] = [];
  sendParts(parts: Uint8Array[]): boolean {
    this.parts.push(parts);
    return true;
  }
  /** The frames sent in parts, joined now (after everything else happened). */
  joined(): unknown[] {
    return this.parts.map((parts) => {
      const bytes = parts.flatMap((p) => [...p]);
      return JSON.parse(decoder.decode(new Uint8Array(bytes).subarray(4)));
    });
  }
}

Deno.test("Hub sends welcome as parts to transports that take them; queued parts are never changed later", () => {
  const hub = new Hub();
  const peers: PartsPeer[] = [];
  for (const nick of ["ann", "bob", "carl", "dave"]) {
    const peer = new PartsPeer();
    hub.admit({ type: "hello", version: PROTOCOL_VERSION, nick }, peer);
    peers.push(peer);
  }
  hub.disconnect(hub.find("bob")!, "bye");
  admitFake(hub, "erin");
  const lists = peers.map((p) => (p.joined()[0] as { users: { nick: string }[] }).users);
  assertEqual(lists.map((users) => users.map((u) => u.nick)), [
    ["ann"],
    ["ann", "bob"],
    ["ann", "bob", "carl"],
    ["ann", "bob", "carl", "dave"],
  ]);
});

Deno.test("RosterCache lists remote members first and still appends local joins", () => {
  const { RosterCache } = RosterModule;
  const remote: { nick: string; away?: string }[] = [{ nick: "far" }];
  const cache = new RosterCache(() => remote);
  const room = new RoomModule.Room<never>("#lobby");
  const member = (nick: string) => ({ nick, away: undefined, send: () => true, close() {} });
  const json = () => JSON.parse(decoder.decode(cache.json(room as never)));
  assertEqual(json(), [{ nick: "far" }]);
  const ann = member("ann");
  room.add(ann as never);
  cache.added(room as never, ann as never);
  assertEqual(json(), [{ nick: "far" }, { nick: "ann" }]);
  // A remote change bumps the version: the list is rebuilt.
  remote.push({ nick: "away-one", away: "lunch" });
  room.version++;
  assertEqual(json(), [{ nick: "far" }, { nick: "away-one", away: "lunch" }, { nick: "ann" }]);
});
