import { assert, assertEqual } from "../../_helpers/assert.ts";
import { ChatState } from "../../../client/core/chat_state.ts";
import type { WelcomeMessage } from "../../../protocol/messages.ts";

function welcome(nick: string, users: string[]): WelcomeMessage {
  return {
    type: "welcome",
    version: 1,
    server: "parley",
    software: "parley/test",
    nick,
    room: "#lobby",
    users: users.map((n) => ({ nick: n })),
    online: users.length,
    limits: { maxFrameBytes: 1 << 20, maxTextBytes: 8192, heartbeatMs: 30_000 },
    resume: "token",
  };
}

Deno.test("ChatState keeps the nicks of joined rooms for completion, dropping those who leave", () => {
  const state = new ChatState("alice");
  state.welcome(welcome("alice", ["alice", "bob"]));
  state.incoming({ type: "join", ts: 1, room: "#lobby", nick: "carol" });
  assertEqual([...state.nicks].sort(), ["alice", "bob", "carol"]);
  state.incoming({ type: "leave", ts: 2, room: "#lobby", nick: "bob", reason: "quit" });
  assertEqual([...state.nicks].sort(), ["alice", "carol"]);
  state.incoming({ type: "nick", ts: 3, old: "carol", nick: "caroline" });
  assertEqual([...state.nicks].sort(), ["alice", "caroline"]);
  state.incoming({ type: "join", ts: 4, room: "#dev", nick: "alice" });
  state.incoming({ type: "who", room: "#dev", users: [{ nick: "alice" }, { nick: "dave" }] });
  assertEqual([...state.nicks].sort(), ["alice", "caroline", "dave"]);
  state.incoming({ type: "leave", ts: 5, room: "#dev", nick: "alice", reason: "part" });
  assertEqual([...state.nicks].sort(), ["alice", "caroline"], "leaving a room forgets its members");
});

Deno.test("ChatState remembers rooms listed by /rooms for completion", () => {
  const state = new ChatState("alice");
  state.welcome(welcome("alice", ["alice"]));
  state.incoming({
    type: "rooms",
    rooms: [{ name: "#lobby", members: 1, topic: "" }, { name: "#Dev", members: 2, topic: "" }],
  });
  assertEqual([...state.knownRooms.values()], ["#lobby", "#Dev"]);
});

Deno.test("ChatState.resume keeps the rooms and active room and rejoins them quietly", () => {
  const state = new ChatState("alice");
  state.welcome(welcome("alice", ["alice"]));
  state.incoming({ type: "join", ts: 1, room: "#dev", nick: "alice" });
  state.incoming({ type: "join", ts: 2, room: "#ops", nick: "alice" });
  state.outgoing("/join #dev", 1); // switch back to #dev, locally
  assertEqual(state.activeRoom, "#dev");
  const rejoin = state.resume(welcome("alice", ["alice", "bob"]));
  assertEqual(rejoin, ["#ops", "#dev"], "every room but the lobby, the active one last");
  assertEqual(state.activeRoom, "#dev");
  assertEqual([...state.rooms.values()].sort(), ["#dev", "#lobby", "#ops"]);
  // The rejoin notices do not move the user out of #dev...
  state.incoming({ type: "join", ts: 3, room: "#ops", nick: "alice" });
  state.incoming({ type: "join", ts: 4, room: "#dev", nick: "alice" });
  assertEqual(state.activeRoom, "#dev");
  // ...but a later /join does.
  state.incoming({ type: "join", ts: 5, room: "#ops", nick: "alice" });
  assertEqual(state.activeRoom, "#ops");
});

Deno.test("ChatState.dropPending returns unacknowledged lines and frees their refs", () => {
  const state = new ChatState("alice");
  state.welcome(welcome("alice", ["alice"]));
  state.outgoing("one", 1);
  state.outgoing("/me waves", 2);
  state.outgoing("/msg bob psst", 3);
  state.outgoing("/who", 4);
  state.incoming({ type: "ack", ref: 1, id: 10, ts: 1 });
  assertEqual(state.unacknowledged, 3);
  assertEqual(state.dropPending(), ["/me waves", "/msg bob psst"]);
  assertEqual(state.unacknowledged, 0);
  assertEqual(state.incoming({ type: "ack", ref: 2, id: 11, ts: 2 }), []);
  assert(state.dropPending().length === 0);
});
