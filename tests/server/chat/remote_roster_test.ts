import { assertEqual } from "../../_helpers/assert.ts";
import type { ServerMessage } from "../../../protocol/messages.ts";
import { RemoteRoster } from "../../../server/chat/remote_roster.ts";
import { Room } from "../../../server/chat/room.ts";
import type { Session } from "../../../server/chat/session.ts";

const decoder = new TextDecoder();

/** A room with one local member that records what it is sent. */
function roomWithWatcher(name: string) {
  const room = new Room<Session>(name);
  const seen: ServerMessage[] = [];
  const watcher = {
    nick: "local",
    send(frame: Uint8Array) {
      seen.push(JSON.parse(decoder.decode(frame.subarray(4))));
      return true;
    },
    close() {},
  };
  room.add(watcher as unknown as Session);
  return { room, seen };
}

function setup() {
  const lobby = roomWithWatcher("#lobby");
  const owners = new Map<string, string>();
  let now = 10_000;
  const roster = new RemoteRoster({
    room: (name) => name.toLowerCase() === "#lobby" ? lobby.room : undefined,
    now: () => now,
    ownerOf: (nick) => owners.get(nick.toLowerCase()),
    nodeId: "here",
    topicOf: () => "",
  });
  return { roster, lobby, owners, advance: (ms: number) => (now += ms) };
}

Deno.test("RemoteRoster follows joins, away, renames and leaves of other nodes and tells the room", () => {
  const { roster, lobby } = setup();
  roster.apply({ type: "join", room: "#lobby", nick: "bob", node: "b", ts: 1 });
  roster.apply({ type: "join", room: "#lobby", nick: "bob", node: "b", ts: 2 });
  roster.apply({ type: "join", room: "#side", nick: "bob", node: "b", ts: 3 });
  assertEqual(roster.users(lobby.room), [{ nick: "bob" }]);
  assertEqual([roster.count("#LOBBY"), roster.userCount], [1, 1]);
  assertEqual(roster.remoteOnlyRooms(), [{ name: "#side", members: 1, topic: "" }]);
  roster.apply({ type: "away", room: "#lobby", nick: "bob", node: "b", ts: 4, away: "tea" });
  roster.apply({ type: "nick", room: "#lobby", nick: "rob", old: "bob", node: "b", ts: 5 });
  assertEqual(roster.users(lobby.room), [{ nick: "rob", away: "tea" }]);
  roster.apply({ type: "leave", room: "#lobby", nick: "rob", node: "b", ts: 6, reason: "quit" });
  assertEqual(roster.users(lobby.room), []);
  assertEqual(
    lobby.seen.map((m) => m.type),
    ["join", "away", "nick", "leave"],
    "a repeated join is not shown",
  );
});

Deno.test("RemoteRoster replaces a node's members with its snapshot: gone ones leave, new ones join, the rest stay quiet", () => {
  const { roster, lobby } = setup();
  roster.apply({ type: "join", room: "#lobby", nick: "ann", node: "b", ts: 1 });
  roster.apply({ type: "join", room: "#lobby", nick: "stale", node: "b", ts: 1 });
  roster.apply({ type: "join", room: "#lobby", nick: "cat", node: "c", ts: 1 });
  lobby.seen.length = 0;
  roster.replaceNode("b", [{ room: "#lobby", nick: "ann", away: "out" }, {
    room: "#lobby",
    nick: "dan",
  }], 9);
  assertEqual(
    roster.users(lobby.room).map((u) => u.nick).sort(),
    ["ann", "cat", "dan"],
    "another node's members are untouched",
  );
  assertEqual(
    lobby.seen.map((m) => `${m.type}:${"nick" in m ? m.nick : ""}`),
    ["leave:stale", "away:ann", "join:dan"],
  );
  assertEqual(roster.userCount, 3);
});

Deno.test("RemoteRoster prunes members whose node lost their nick, quietly when the user came back here", () => {
  const { roster, lobby, owners, advance } = setup();
  owners.set("bob", "b");
  owners.set("eve", "b");
  roster.apply({ type: "join", room: "#lobby", nick: "bob", node: "b", ts: 1 });
  roster.apply({ type: "join", room: "#lobby", nick: "eve", node: "b", ts: 1 });
  roster.prune();
  assertEqual(roster.count("#lobby"), 2, "held nicks stay");
  advance(5_000);
  owners.delete("bob"); // node b died and was swept
  owners.set("eve", "here"); // eve resumed on this node
  lobby.seen.length = 0;
  roster.prune();
  assertEqual(roster.count("#lobby"), 0);
  assertEqual(lobby.seen.map((m) => `${m.type}:${"nick" in m ? m.nick : ""}`), ["leave:bob"]);
});
