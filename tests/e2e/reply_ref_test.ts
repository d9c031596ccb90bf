/**
 * Reply correlation over a real TCP connection, where member lists are
 * written as shared parts rather than one encoded frame.
 */

import { assertEqual } from "../_helpers/assert.ts";
import { RawClient } from "../_helpers/raw_client.ts";
import { startServe } from "../_helpers/serve_process.ts";
import type { ServerMessage } from "../../protocol/messages.ts";

const refOf = (m: ServerMessage) => ("ref" in m ? m.ref : undefined);

Deno.test("over TCP, /join's who and topic carry the ref, and the ack comes after them", async () => {
  await using server = await startServe();
  await using bob = await RawClient.join(server.port, "bob");
  await bob.command("join", "#dev");
  await bob.command("topic", "builds", "#dev");
  await bob.next((m) => m.type === "topic" && m.topic === "builds");
  await using alice = await RawClient.join(server.port, "alice");
  const ref = await alice.command("join", "#dev");
  await alice.next((m) => m.type === "ack" && m.ref === ref);
  const after = alice.received.slice(alice.received.findIndex((m) => m.type === "join"));
  assertEqual(
    after.map((m) => [m.type, refOf(m)]),
    [["join", undefined], ["who", ref], ["topic", ref], ["ack", ref]],
  );
  const who = after[1];
  assertEqual(who.type === "who" && who.users.map((u) => u.nick), ["bob", "alice"]);
});

Deno.test("over TCP, a malformed message with a readable ref gets bad_message with that ref", async () => {
  await using server = await startServe();
  await using alice = await RawClient.join(server.port, "alice");
  const payload = new TextEncoder().encode('{"type":"msg","ref":41,"room":"#lobby","text":7}');
  const frame = new Uint8Array(4 + payload.length);
  new DataView(frame.buffer).setUint32(0, payload.length);
  frame.set(payload, 4);
  await alice.sendBytes(frame);
  const error = await alice.next((m) => m.type === "error");
  assertEqual(error.type === "error" && [error.code, error.ref], ["bad_message", 41]);
});
