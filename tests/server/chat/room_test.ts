import fc from "npm:fast-check@4.10.2";
import { Room } from "../../../server/chat/room.ts";
import { encodeMessage } from "../../../protocol/messages.ts";
import { assert, assertEqual } from "../../_helpers/assert.ts";
import { payloadsOf } from "../../_helpers/fake_peer.ts";

function member(log: Uint8Array[], accept = true) {
  return { send: (f: Uint8Array) => accept && log.push(f) > 0, close() {} };
}

Deno.test("Room.broadcast hands the same bytes to every member except the sender", () => {
  const room = new Room("#lobby");
  const a: Uint8Array[] = [], b: Uint8Array[] = [], c: Uint8Array[] = [];
  const sender = member(a);
  room.add(sender);
  room.add(member(b));
  room.add(member(c));
  const frame = new Uint8Array([0, 0, 0, 1, 65]);
  assertEqual(room.broadcast(frame, sender), 2);
  assertEqual(a.length, 0);
  // Encode once: recipients share the very same bytes (one copy per message into the
  // room's arena, see frame_arena.ts), no per-recipient copy.
  assertEqual(b[0] === c[0], true);
  assertEqual([...b[0]], [...frame]);
  // Consecutive broadcasts lie end to end, so a member's queue can merge them.
  room.broadcast(new Uint8Array([0, 0, 0, 1, 66]), sender);
  assertEqual(b[1].buffer === b[0].buffer && b[1].byteOffset === b[0].byteOffset + 5, true);
});

Deno.test("Room.broadcast carries on past a member whose queue is full", () => {
  const room = new Room("#lobby");
  const before: Uint8Array[] = [], after: Uint8Array[] = [];
  room.add(member(before));
  room.add(member([], false));
  room.add(member(after));
  assertEqual(room.broadcast(new Uint8Array(4)), 2);
  assertEqual([before.length, after.length], [1, 1]);
});

Deno.test("Room.broadcast tolerates a member removed during fanout", () => {
  const room = new Room("#lobby");
  const got: Uint8Array[] = [];
  const leaver = { send: () => (room.remove(leaver), false), close() {} };
  room.add(leaver);
  room.add(member(got));
  room.broadcast(new Uint8Array(4));
  assertEqual([room.size, got.length], [1, 1]);
});

Deno.test("Room.add is idempotent", () => {
  const room = new Room("#x");
  const m = member([]);
  assertEqual([room.add(m), room.add(m), room.size], [true, false, 1]);
});

Deno.test("Room.broadcast starts at a different member each time, so no member is always handed a frame last", () => {
  const room = new Room("#lobby");
  const members = 50;
  const broadcasts = 40;
  const order: number[] = [];
  for (let id = 0; id < members; id++) {
    room.add({ send: () => order.push(id) > 0, close() {} });
  }
  const first = new Array<number>(members).fill(0);
  const last = new Array<number>(members).fill(0);
  for (let b = 0; b < broadcasts; b++) {
    order.length = 0;
    assertEqual(room.broadcast(new Uint8Array(4)), members);
    assertEqual(new Set(order).size, members, "every member once");
    // Join order from the start on, then round to the start.
    const start = order[0];
    assertEqual(order, Array.from({ length: members }, (_, i) => (start + i) % members));
    first[order[0]]++;
    last[order.at(-1)!]++;
  }
  // In join order the last member would be last every time (40 of 40).
  assert(Math.max(...last) <= broadcasts / 4, `a member was last ${Math.max(...last)} times`);
  assert(Math.max(...first) <= broadcasts / 4, `a member was first ${Math.max(...first)} times`);
});

Deno.test("Room.broadcast's starts of any four consecutive fanouts are an eighth of the room apart, whatever its size", () => {
  // A fixed stride modulo the size repeats for some sizes (40,503 in a room of
  // 1,000: +503, then +6), and the same members are then written last again.
  for (const members of [7, 50, 200, 999, 1000, 1024, 4096]) {
    const room = new Room("#lobby");
    let first = -1;
    for (let id = 0; id < members; id++) {
      room.add({ send: () => (first < 0 && (first = id), true), close() {} });
    }
    const starts: number[] = [];
    for (let b = 0; b < 200; b++) {
      first = -1;
      room.broadcast(new Uint8Array(4));
      starts.push(first);
    }
    for (let b = 0; b + 3 < starts.length; b++) {
      for (let i = b; i < b + 4; i++) {
        for (let j = i + 1; j < b + 4; j++) {
          const apart = Math.abs(starts[i] - starts[j]);
          const distance = Math.min(apart, members - apart);
          assert(
            distance >= Math.floor(members / 8),
            `room of ${members}: fanouts ${i} and ${j} start ${distance} members apart`,
          );
        }
      }
    }
  }
});

Deno.test("Room.broadcastMessage encodes once and hands every member but the sender the frame encodeMessage gives", () => {
  for (const size of [2, 5]) {
    const room = new Room("#lobby");
    const logs = Array.from({ length: size }, () => [] as Uint8Array[]);
    const members = logs.map((log) => member(log));
    for (const m of members) room.add(m);
    const message = {
      type: "msg" as const,
      id: 7,
      ts: 1_700_000_000_000,
      room: "#lobby",
      from: "ann",
      text: "héllo 🎉",
    };
    room.broadcastMessage(message, members[0]);
    Room.handOutRun();
    assertEqual(logs[0].length, 0, "not the sender");
    for (const log of logs.slice(1)) {
      assertEqual(log.length, 1);
      assertEqual([...log[0]], [...encodeMessage(message)]);
      assert(log[0] === logs[1][0], "the same bytes for every member");
    }
  }
});

/** The messages in what a member was handed, frame by frame (a run's span holds several). */
function decoded(log: Uint8Array[]): unknown[] {
  return payloadsOf(log).map((payload) => JSON.parse(new TextDecoder().decode(payload)));
}

function line(id: number) {
  return {
    type: "msg" as const,
    id,
    ts: 1_700_000_000_000 + id,
    room: "#r",
    from: "ann",
    text: `${id}`,
  };
}

Deno.test("Room.broadcastMessage hands a run of one sender's lines to each member as one span", () => {
  const room = new Room("#r");
  const logs = Array.from({ length: 4 }, () => [] as Uint8Array[]);
  const members = logs.map((log) => member(log));
  for (const m of members) room.add(m);
  for (const id of [1, 2, 3]) room.broadcastMessage(line(id), members[0]);
  assertEqual(logs.map((l) => l.length), [0, 0, 0, 0], "held until the run is handed out");
  Room.beforeSendTo(members[0]);
  assertEqual(logs[1].length, 0, "the sender's own frames (its acks) do not end its run");
  Room.handOutRun();
  assertEqual(logs[0].length, 0, "not the sender");
  const bytes = [1, 2, 3].flatMap((id) => [...encodeMessage(line(id))]);
  for (const log of logs.slice(1)) {
    assertEqual(log.length, 1, "one queue entry for the run");
    assertEqual([...log[0]], bytes);
    assert(log[0] === logs[1][0], "one span shared by every member");
  }
});

Deno.test("Room: a run is handed out before a frame for another member, a join, a leave or another fanout", () => {
  const setup = () => {
    const room = new Room("#r");
    const logs = Array.from({ length: 4 }, () => [] as Uint8Array[]);
    const members = logs.map((log) => member(log));
    for (const m of members.slice(0, 3)) room.add(m);
    room.broadcastMessage(line(1), members[0]);
    return { room, logs, members };
  };
  let t = setup();
  Room.beforeSendTo(t.members[2]);
  assertEqual(t.logs[1].length, 1, "a frame for a recipient ends the run");
  t = setup();
  t.room.add(t.members[3]);
  Room.handOutRun();
  assertEqual([t.logs[1].length, t.logs[3].length], [1, 0], "a member who joins after the line");
  t = setup();
  t.room.remove(t.members[2]);
  assertEqual(t.logs[2].length, 1, "a member who leaves after the line still gets it");
  t = setup();
  t.room.broadcast(encodeMessage({ type: "notice", ts: 1, text: "n" }));
  assertEqual(decoded(t.logs[1]).map((m) => (m as { type: string }).type), ["msg", "notice"]);
  t = setup();
  t.room.broadcastMessage(line(2), t.members[1]);
  assertEqual(t.logs[1].length, 1, "a line from another sender ends the run");
  Room.handOutRun();
});

Deno.test("Room: a run is handed out when the write queues are flushed, in the same turn", async () => {
  const room = new Room("#r");
  const logs = Array.from({ length: 3 }, () => [] as Uint8Array[]);
  const members = logs.map((log) => member(log));
  for (const m of members) room.add(m);
  room.broadcastMessage(line(1), members[0]);
  await Promise.resolve();
  assertEqual(logs[1].length, 1);
});

Deno.test("Room: every member receives what immediate fanouts would give it, in order (property)", () => {
  type Op =
    | { op: "line"; room: number; sender: number }
    | { op: "direct"; to: number }
    | { op: "join" | "leave"; room: number; who: number }
    | { op: "announce"; room: number }
    | { op: "turn" };
  const op: fc.Arbitrary<Op> = fc.oneof(
    {
      weight: 6,
      arbitrary: fc.record({
        op: fc.constant("line" as const),
        room: fc.nat(1),
        sender: fc.nat(6),
      }),
    },
    fc.record({ op: fc.constant("direct" as const), to: fc.nat(5) }),
    fc.record({
      op: fc.constantFrom("join" as const, "leave" as const),
      room: fc.nat(1),
      who: fc.nat(5),
    }),
    fc.record({ op: fc.constant("announce" as const), room: fc.nat(1) }),
    fc.record({ op: fc.constant("turn" as const) }),
  );
  fc.assert(
    fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
      const logs = Array.from({ length: 6 }, () => [] as Uint8Array[]);
      const members = logs.map((log) => member(log));
      const rooms = [new Room("#a"), new Room("#b")];
      const model = Array.from({ length: 6 }, () => [] as unknown[]);
      const inRoom = [new Set<number>(), new Set<number>()];
      for (let i = 0; i < 6; i++) {
        rooms[i % 2].add(members[i]);
        inRoom[i % 2].add(i);
      }
      let id = 0;
      for (const o of ops) {
        if (o.op === "line") {
          const message = line(++id);
          // Sender 6 stands for none (a line every member gets, e.g. a fun command's echo).
          const sender = o.sender < 6 && inRoom[o.room].has(o.sender) ? o.sender : undefined;
          rooms[o.room].broadcastMessage(
            message,
            sender === undefined ? undefined : members[sender],
          );
          for (const m of inRoom[o.room]) if (m !== sender) model[m].push(message);
        } else if (o.op === "direct") {
          const message = { type: "notice" as const, ts: ++id, text: "direct" };
          Room.beforeSendTo(members[o.to]);
          members[o.to].send(encodeMessage(message));
          model[o.to].push(message);
        } else if (o.op === "join") {
          rooms[o.room].add(members[o.who]);
          inRoom[o.room].add(o.who);
        } else if (o.op === "leave") {
          rooms[o.room].remove(members[o.who]);
          inRoom[o.room].delete(o.who);
        } else if (o.op === "announce") {
          const message = { type: "notice" as const, ts: ++id, text: "announce" };
          rooms[o.room].announce(encodeMessage(message));
          for (const m of inRoom[o.room]) model[m].push(message);
        } else {
          Room.handOutRun();
        }
      }
      Room.handOutRun();
      for (let i = 0; i < 6; i++) assertEqual(decoded(logs[i]), model[i], `member ${i}`);
    }),
    { numRuns: 300 },
  );
});
