import { assertEqual, assertThrows } from "../_helpers/assert.ts";
import { encodeWithRawField, frameAroundField } from "../../protocol/encode_with_raw_field.ts";
import { encodeMessage, type ServerMessage } from "../../protocol/messages.ts";

const encoder = new TextEncoder();

Deno.test("encodeWithRawField gives the bytes of encodeMessage for welcome and who", () => {
  const users = [{ nick: "ann" }, { nick: "Zoë", away: 'lunch 🍜 "back" soon' }];
  const welcome: ServerMessage = {
    type: "welcome",
    version: 1,
    server: 'odd "name" \\',
    software: "parley/0.1.0",
    nick: "ann",
    room: "#lobby",
    users,
    online: 2,
    limits: { maxFrameBytes: 1048576, maxTextBytes: 8192, heartbeatMs: 30000 },
    resume: "tok",
  };
  const raw = encoder.encode(JSON.stringify(users));
  assertEqual([...encodeWithRawField({ ...welcome, users: [] }, "users", raw)], [
    ...encodeMessage(welcome),
  ]);
  const who: ServerMessage = { type: "who", room: "#dev", users };
  assertEqual([...encodeWithRawField({ ...who, users: [] }, "users", raw)], [
    ...encodeMessage(who),
  ]);
});

Deno.test("encodeWithRawField refuses a message without the field with TypeError", () => {
  assertThrows(
    () => encodeWithRawField({ type: "pong", token: 1 }, "users", encoder.encode("[]")),
    TypeError,
    /no field "users"/,
  );
});

Deno.test("frameAroundField head + raw JSON + tail is the frame of encodeMessage", () => {
  const users = [{ nick: "ann" }, { nick: "bob", away: "out" }];
  const who: ServerMessage = { type: "who", room: "#dev", users };
  const open = encoder.encode(JSON.stringify(users).slice(0, -1));
  const [head, tail] = frameAroundField({ ...who, users: [] }, "users", open.length, "]");
  assertEqual([...head, ...open, ...tail], [...encodeMessage(who)]);
});
