import { assertEqual } from "../../_helpers/assert.ts";
import { HistoryRequests } from "../../../client/core/history_requests.ts";

Deno.test("HistoryRequests is open from a /history command until its ack or error", () => {
  const requests = new HistoryRequests();
  requests.sent({ type: "msg", ref: 1, room: "#lobby", text: "/history is just text here" });
  requests.sent({ type: "command", ref: 2, name: "who", args: "" });
  assertEqual(requests.answering, false);
  requests.sent({ type: "command", ref: 3, name: "history", args: "3" });
  assertEqual(requests.answering, true);
  requests.settle({ type: "ack", ref: 2, id: 0, ts: 0 });
  assertEqual(requests.answering, true, "another command's ack does not close it");
  requests.settle({ type: "ack", ref: 3, id: 0, ts: 0 });
  assertEqual(requests.answering, false);
  requests.sent({ type: "command", ref: 4, name: "HISTORY", args: "" });
  requests.settle({ type: "error", ref: 4, code: "bad_arguments", message: "Usage" });
  assertEqual(requests.answering, false);
  requests.sent({ type: "command", ref: 5, name: "history", args: "" });
  requests.clear();
  assertEqual(requests.answering, false);
});

Deno.test("HistoryRequests.answers goes by the replay's ref when the server tags it", () => {
  const requests = new HistoryRequests();
  const line = { type: "msg", id: 1, ts: 0, room: "#lobby", from: "bob", text: "hi" } as const;
  requests.sent({ type: "command", ref: 9, name: "history", args: "" });
  assertEqual(requests.answers({ ...line, history: true, ref: 9 }), true);
  // The replay of a /join (another ref) and live lines are not answers.
  assertEqual(requests.answers({ ...line, history: true, ref: 3 }), false);
  assertEqual(requests.answers(line), false);
  // Untagged replays count while a request is open.
  assertEqual(requests.answers({ ...line, history: true }), true);
  requests.settle({ type: "ack", ref: 9, id: 0, ts: 0 });
  assertEqual(requests.answers({ ...line, history: true }), false);
});
