import { assert, assertEqual, assertMatch } from "../../_helpers/assert.ts";
import { admitFake } from "../../_helpers/fake_peer.ts";
import { Hub } from "../../../server/chat/hub.ts";
import { HistoryStore } from "../../../server/storage/history_store.ts";
import type { Session } from "../../../server/chat/session.ts";
import type { FakePeer } from "../../_helpers/fake_peer.ts";

let ref = 1;
function command(hub: Hub, session: Session, name: string, args = "", room?: string) {
  hub.receive(session, { type: "command", ref: ref++, name, args, room });
}
const lastError = (peer: FakePeer) => peer.of("error").at(-1);

Deno.test("rooms: one user is in at most maxRoomsPerUser rooms at once", () => {
  const hub = new Hub({ maxRoomsPerUser: 3 });
  const alice = admitFake(hub, "alice");
  command(hub, alice.session, "join", "#a");
  command(hub, alice.session, "join", "#b");
  command(hub, alice.session, "join", "#c");
  assertEqual(lastError(alice.peer)?.code, "too_many_rooms");
  assertMatch(lastError(alice.peer)!.message, /in 3 rooms/);
  assertEqual(alice.session.rooms.size, 3, "#lobby, #a and #b");
  command(hub, alice.session, "part", "#a");
  command(hub, alice.session, "join", "#c");
  assertEqual([...alice.session.rooms].map((r) => r.name).sort(), ["#b", "#c", "#lobby"]);
});

Deno.test("rooms: the server holds at most maxRooms rooms; existing ones can still be joined", () => {
  const hub = new Hub({ maxRooms: 3, roomCreatesPerMinute: 1000 });
  const alice = admitFake(hub, "alice");
  const bob = admitFake(hub, "bob", "10.0.0.2:1");
  command(hub, alice.session, "join", "#a");
  command(hub, alice.session, "join", "#b");
  command(hub, bob.session, "join", "#c");
  assertEqual(lastError(bob.peer)?.code, "too_many_rooms");
  assertEqual([...hub.rooms()].length, 3);
  command(hub, bob.session, "join", "#a");
  assert(hub.room("#a")!.has(bob.session), "an existing room is joined as before");
});

Deno.test("rooms: one address creates at most roomCreatesPerMinute rooms, reconnecting or not", () => {
  const clock = { now: 1_700_000_000_000 };
  const hub = new Hub({ now: () => clock.now, maxRoomsPerUser: 5, roomCreatesPerMinute: 6 });
  let created = 0;
  for (let n = 0; n < 4; n++) {
    const user = admitFake(hub, `churn${n}`, `203.0.113.9:${5000 + n}`);
    for (let i = 0; i < 10; i++) {
      command(hub, user.session, "join", `#r${n}x${i}`);
      if (user.session.rooms.size > 1) {
        created++;
        command(hub, user.session, "part", `#r${n}x${i}`);
      }
    }
    user.peer.close("quit");
  }
  assertEqual(created, 5, "the burst (maxRoomsPerUser), then refused");
  clock.now += 10_000;
  const later = admitFake(hub, "later", "203.0.113.9:6000");
  command(hub, later.session, "join", "#again");
  assert(hub.room("#again")?.has(later.session), "one room back after 10 s at 6 per minute");
});

Deno.test("rooms: 20,000 rooms created and emptied leave nothing behind", () => {
  const history = new HistoryStore(":memory:");
  const hub = new Hub({ history, roomCreatesPerMinute: 1_000_000_000, maxRoomsPerUser: 1_000_000 });
  const alice = admitFake(hub, "alice");
  command(hub, alice.session, "join", "#kept");
  hub.receive(alice.session, { type: "msg", ref: ref++, room: "#kept", text: "history" });
  const ringsBefore = [...history.messages.rings()].length;
  for (let i = 0; i < 20_000; i++) {
    command(hub, alice.session, "join", `#tmp${i}`);
    command(hub, alice.session, "part", `#tmp${i}`);
  }
  assertEqual([...hub.rooms()].map((r) => r.name).sort(), ["#kept", "#lobby"]);
  assertEqual([...history.messages.rings()].length, ringsBefore, "no ring per emptied room");
  assertEqual(alice.peer.of("error").length, 0);
  // A room with history keeps it when emptied (in memory the ring is the history).
  command(hub, alice.session, "part", "#kept");
  command(hub, alice.session, "join", "#kept");
  assert(alice.peer.of("msg").some((m) => m.history && m.text === "history"));
  history.close();
});

Deno.test("rooms: with a file, an emptied room's ring is freed and reloads whole", async () => {
  const dir = await Deno.makeTempDir({ prefix: "parley-rooms-" });
  const history = new HistoryStore(`${dir}/h.db`);
  try {
    const hub = new Hub({ history });
    const alice = admitFake(hub, "alice");
    command(hub, alice.session, "join", "#dev");
    hub.receive(alice.session, { type: "msg", ref: ref++, room: "#dev", text: "kept" });
    command(hub, alice.session, "part", "#dev");
    assert(![...history.messages.rings()].some(([key]) => key === "#dev"), "ring freed");
    command(hub, alice.session, "join", "#dev");
    assert(alice.peer.of("msg").some((m) => m.history && m.text === "kept"), "reloaded");
  } finally {
    history.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("rooms: in memory, the history of rooms nobody is in is kept for the most recent only", () => {
  const history = new HistoryStore(":memory:", { maxIdleRooms: 100 });
  const hub = new Hub({
    history,
    roomCreatesPerMinute: 1_000_000_000,
    maxRoomsPerUser: 1_000_000,
  });
  const alice = admitFake(hub, "alice");
  for (let i = 0; i < 3000; i++) {
    command(hub, alice.session, "join", `#tmp${i}`);
    hub.receive(alice.session, { type: "msg", ref: ref++, room: `#tmp${i}`, text: `line ${i}` });
    command(hub, alice.session, "part", `#tmp${i}`);
  }
  const rings = [...history.messages.rings()].map(([key]) => key);
  assertEqual(rings.length, 100, "one ring per recently left room, no more");
  assert(rings.includes("#tmp2999") && !rings.includes("#tmp0"));
  // A room that is joined again is in use: its history is back and it is not idle.
  command(hub, alice.session, "join", "#tmp2950");
  assert(alice.peer.of("msg").some((m) => m.history && m.text === "line 2950"));
  history.close();
});
