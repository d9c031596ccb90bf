import { assertEqual } from "../_helpers/assert.ts";
import { layoutStatusLine, type Status } from "../../client/status_line.ts";

const base: Status = {
  server: "tcp://127.0.0.1:5003",
  room: "#lobby",
  rooms: 1,
  nick: "alice",
  connection: "connected",
};

Deno.test("layoutStatusLine shows server, room, nick and state padded to the width", () => {
  const line = layoutStatusLine(base, 60);
  assertEqual(line, " tcp://127.0.0.1:5003 | #lobby | alice | connected".padEnd(59));
  assertEqual(line.length, 59);
});

Deno.test("layoutStatusLine shows other rooms and the reconnect detail", () => {
  assertEqual(
    layoutStatusLine(
      { ...base, room: "#dev", rooms: 3, connection: "reconnecting", detail: "attempt 2 in 0.8s" },
      80,
    ).trimEnd(),
    " tcp://127.0.0.1:5003 | #dev (+2) | alice | reconnecting: attempt 2 in 0.8s",
  );
});

Deno.test("layoutStatusLine shortens the server first, then the end, never wrapping", () => {
  const narrow = layoutStatusLine(base, 36);
  assertEqual(narrow, " tcp:… | #lobby | alice | connected");
  assertEqual(layoutStatusLine(base, 30), " #lobby | alice | connected".padEnd(29));
  assertEqual(layoutStatusLine(base, 45), " tcp://127.0.0… | #lobby | alice | connected");
  assertEqual([...narrow].length, 35);
  for (const columns of [1, 5, 10, 20, 25]) {
    const line = layoutStatusLine({ ...base, detail: "attempt 12 in 29.9s" }, columns);
    assertEqual([...line].length, Math.max(9, columns - 1), `width ${columns}: "${line}"`);
  }
});
