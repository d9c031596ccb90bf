import { ChatState } from "../../../client/core/chat_state.ts";
import { completeLine } from "../../../client/completion.ts";
import { assertEqual } from "../../_helpers/assert.ts";

Deno.test("ChatState turns plain lines into msg and slash lines into commands", () => {
  const state = new ChatState("alice");
  assertEqual(state.outgoing("hi", 1), {
    kind: "send",
    message: { type: "msg", ref: 1, room: "#lobby", text: "hi" },
  });
  assertEqual(state.outgoing("/msg bob  hello there", 2), {
    kind: "send",
    message: { type: "command", ref: 2, room: "#lobby", name: "msg", args: "bob  hello there" },
  });
  assertEqual(state.outgoing("//not a command", 3), {
    kind: "send",
    message: { type: "msg", ref: 3, room: "#lobby", text: "/not a command" },
  });
  assertEqual(state.outgoing("/QUIT bye", 4).kind, "quit");
  assertEqual(state.outgoing("   ", 5).kind, "none");
});

Deno.test("ChatState shows own messages when the server acknowledges them", () => {
  const state = new ChatState("alice");
  state.outgoing("hello", 1);
  state.outgoing("/msg bob secret stuff", 2);
  state.outgoing("/me waves", 3);
  state.outgoing("/who", 4);
  assertEqual(state.unacknowledged, 4);
  assertEqual(state.incoming({ type: "ack", ref: 1, id: 10, ts: 5 }), [
    { type: "msg", id: 10, ts: 5, room: "#lobby", from: "alice", text: "hello" },
  ]);
  assertEqual(state.incoming({ type: "ack", ref: 2, id: 11, ts: 6 }), [
    { type: "privmsg", id: 11, ts: 6, from: "alice", to: "bob", text: "secret stuff" },
  ]);
  assertEqual(state.incoming({ type: "ack", ref: 3, id: 12, ts: 7 })[0].type, "action");
  assertEqual(state.incoming({ type: "ack", ref: 4, id: 0, ts: 8 }), []);
  assertEqual(state.unacknowledged, 0);
});

Deno.test("ChatState follows own joins, parts and nick changes", () => {
  const state = new ChatState("alice");
  state.incoming({ type: "join", ts: 0, room: "#dev", nick: "alice" });
  assertEqual(state.activeRoom, "#dev");
  assertEqual(state.outgoing("x", 1), {
    kind: "send",
    message: { type: "msg", ref: 1, room: "#dev", text: "x" },
  });
  assertEqual(state.outgoing("/join #lobby", 2).kind, "local");
  assertEqual(state.activeRoom, "#lobby");
  state.incoming({ type: "leave", ts: 0, room: "#lobby", nick: "alice", reason: "part" });
  assertEqual(state.activeRoom, "#dev");
  state.incoming({ type: "nick", ts: 0, old: "alice", nick: "alicia" });
  assertEqual(state.me, "alicia");
});

Deno.test("completeLine completes nicks, commands and rooms", () => {
  assertEqual(completeLine("al", ["alice", "bob"]), "alice: ");
  assertEqual(completeLine("hi @b", ["alice", "bob"]), "hi @bob ");
  assertEqual(completeLine("/wh", ["/who", "/msg"]), "/who ");
  assertEqual(completeLine("/join #d", ["#dev", "#lobby"]), "/join #dev ");
  assertEqual(completeLine("hi c", ["carol", "carl"]), "hi car");
  assertEqual(completeLine("hi z", ["carol"]), "hi z");
});
