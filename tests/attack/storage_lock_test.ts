/**
 * Another process holding the database's write lock must not freeze the
 * server: pings keep being answered, a browser can join, and a write that
 * cannot happen fails that request only.
 *
 * @module
 */

import { DatabaseSync } from "node:sqlite";
import { PROTOCOL_VERSION, type ServerMessage } from "../../protocol/messages.ts";
import { startServer } from "../../server/server.ts";
import { BUSY_TIMEOUT_MS } from "../../server/storage/database.ts";
import { assert } from "../_helpers/assert.ts";
import { RawClient } from "../_helpers/raw_client.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

Deno.test("a database locked by another process does not stall pings or joins", async () => {
  const dir = await Deno.makeTempDir();
  const file = `${dir}/parley.db`;
  const server = await startServer({
    hostname: "127.0.0.1",
    port: 0,
    dataFile: file,
    web: { port: 0 },
    floodRate: 1000,
    floodBurst: 1000,
  });
  const other = new DatabaseSync(file);
  try {
    await using healthy = await RawClient.join(server.addr.port, "healthy");
    await using talker = await RawClient.join(server.addr.port, "talker");
    other.exec("BEGIN EXCLUSIVE");
    // A browser joins while the lock is held.
    const received: ServerMessage[] = [];
    const ws = new WebSocket(`ws://127.0.0.1:${server.web!.addr.port}/ws`);
    const closed = new Promise<void>((resolve) => ws.addEventListener("close", () => resolve()));
    ws.onmessage = (e) => received.push(JSON.parse(e.data as string));
    await new Promise((resolve, reject) => {
      ws.onopen = resolve;
      ws.onerror = reject;
    });
    ws.send(JSON.stringify({ type: "hello", version: PROTOCOL_VERSION, nick: "browser" }));
    // Messages keep trying to commit while pings are timed.
    let worst = 0;
    for (let i = 0; i < 20; i++) {
      await talker.say(`line ${i}`);
      const started = performance.now();
      await healthy.send({ type: "ping", token: i });
      await healthy.next((m) => m.type === "pong" && m.token === i, 10_000);
      worst = Math.max(worst, performance.now() - started);
      await sleep(50);
    }
    assert(
      worst < 4 * BUSY_TIMEOUT_MS,
      `a ping waited ${Math.round(worst)} ms while the database was locked`,
    );
    for (let i = 0; i < 100 && !received.some((m) => m.type === "welcome"); i++) await sleep(20);
    assert(
      received.some((m) => m.type === "welcome"),
      `the browser joined: ${JSON.stringify(received)}`,
    );
    // Unsaved lines were reported to their sender as internal errors, with their refs.
    const errors = talker.received.filter((m) => m.type === "error");
    assert(errors.length > 0, "some lines could not be saved while locked");
    assert(errors.every((m) => m.type === "error" && m.code === "internal" && m.ref !== undefined));
    other.exec("ROLLBACK");
    // Once the lock is gone, lines are saved again.
    await sleep(1100);
    const ref = await talker.say("after the lock");
    const answer = await talker.next((m) =>
      (m.type === "ack" || m.type === "error") && m.ref === ref
    );
    assert(answer.type === "ack", `saved after the lock: ${JSON.stringify(answer)}`);
    ws.close();
    await closed;
  } finally {
    other.close();
    await server.close();
    await server.finished;
    await Deno.remove(dir, { recursive: true });
  }
});
