/**
 * The hostile side of `deno task soak --attack`: clients that flood, read
 * nothing, leave HTTP requests half-sent, close with long CJK reasons,
 * churn rooms, and another process that holds the database's write lock,
 * all running beside the soak's healthy clients until a deadline.
 *
 * @module
 */

import { DatabaseSync } from "node:sqlite";
import { type ClientMessage, encodeMessage, PROTOCOL_VERSION } from "../protocol/messages.ts";
import { RawClient } from "../tests/_helpers/raw_client.ts";
import { RawWs } from "../tests/_helpers/raw_ws.ts";

/** Where the attackers aim. */
export interface AttackTargets {
  /** The TCP port. */
  tcpPort: number;
  /** The web port. */
  webPort: number;
  /** The server's database file, for lock contention. */
  dataFile: string;
  /** When to stop, ms since the epoch. */
  until: number;
}

/** What the attackers did. */
export interface AttackCounts {
  /** Messages sent by flooders. */
  floodMessages: number;
  /** WebSocket and TCP readers that never read, joined. */
  slowReaders: number;
  /** Half-sent HTTP requests opened. */
  halfOpenHttp: number;
  /** WebSocket sessions ended with a long CJK reason or nick. */
  cjkCloses: number;
  /** Room joins and parts. */
  roomChurn: number;
  /** Times the database write lock was held by another connection. */
  lockHolds: number;
  /** Attack steps that failed on the attacker's side (refused, reset): expected. */
  refused: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const hello = (nick: string) => ({ type: "hello", version: PROTOCOL_VERSION, nick });

/**
 * Runs every kind of attacker until `targets.until`.
 *
 * @param targets Ports, database file and deadline.
 * @returns What was done, once every attacker stopped.
 */
export async function runAttackers(targets: AttackTargets): Promise<AttackCounts> {
  const counts: AttackCounts = {
    floodMessages: 0,
    slowReaders: 0,
    halfOpenHttp: 0,
    cjkCloses: 0,
    roomChurn: 0,
    lockHolds: 0,
    refused: 0,
  };
  const running = () => Date.now() < targets.until;
  /** Runs `step` again and again; an error on the attacker's side counts as refused. */
  const loop = async (step: () => Promise<void>, pauseMs: number) => {
    while (running()) {
      try {
        await step();
      } catch {
        counts.refused++;
      }
      await sleep(pauseMs);
    }
  };
  let serial = 0;

  const flood = async () => {
    await using client = await RawClient.join(targets.tcpPort, `flood${serial++}`);
    // As fast as the socket takes it, until the server disconnects us.
    for (let i = 0; i < 2000 && !client.closed && running(); i++) {
      await client.say(`flood ${i} ${"x".repeat(200)}`);
      counts.floodMessages++;
    }
  };

  const slowWs = async () => {
    const { ws } = await RawWs.open(targets.webPort);
    if (!ws) throw new Error("refused");
    await ws.sendJson(hello(`sloth${serial++}`));
    counts.slowReaders++;
    // Never reads; the server drops it once its queue is full or its heartbeat lapses.
    await sleep(10_000);
    ws.close();
  };

  const slowTcp = async () => {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port: targets.tcpPort });
    try {
      await conn.write(encodeMessage(hello(`snail${serial++}`) as ClientMessage));
      counts.slowReaders++;
      // Never reads.
      await sleep(10_000);
    } finally {
      try {
        conn.close();
      } catch { /* closed by the server */ }
    }
  };

  const halfOpen = async () => {
    const conns: Deno.Conn[] = [];
    for (let i = 0; i < 20; i++) {
      const conn = await Deno.connect({ hostname: "127.0.0.1", port: targets.webPort });
      await conn.write(new TextEncoder().encode("GET / HTTP/1.1\r\nHost: x\r\n")).catch(() => 0);
      conns.push(conn);
      counts.halfOpenHttp++;
    }
    await sleep(3000);
    for (const conn of conns) {
      try {
        conn.close();
      } catch { /* closed by the server */ }
    }
  };

  const cjk = async () => {
    const { ws } = await RawWs.open(targets.webPort);
    if (!ws) throw new Error("refused");
    const nick = "漢".repeat(31) + String(serial++ % 10);
    await ws.sendJson(hello(nick));
    await ws.next((opcode) => opcode === 0x1, 2000);
    // A duplicate hello with the same nick, refused with a long reason.
    const { ws: twin } = await RawWs.open(targets.webPort);
    await twin?.sendJson(hello(nick));
    await ws.sendJson({
      type: "command",
      ref: 1,
      room: "#lobby",
      name: "quit",
      args: "再見".repeat(30),
    });
    counts.cjkCloses++;
    // Neither answers the close: the server must close them itself.
    await sleep(6000);
    ws.close();
    twin?.close();
  };

  const rooms = async () => {
    await using client = await RawClient.join(targets.tcpPort, `rooms${serial++}`);
    for (let i = 0; i < 20 && running(); i++) {
      const room = `#churn${Math.floor(Math.random() * 1000)}`;
      await client.command("join", room);
      await client.command("part", room, room);
      counts.roomChurn += 2;
      await sleep(100);
    }
  };

  const lock = async () => {
    const db = new DatabaseSync(targets.dataFile);
    try {
      db.exec("PRAGMA busy_timeout = 1000");
      db.exec("BEGIN EXCLUSIVE");
      counts.lockHolds++;
      await sleep(1500);
      db.exec("ROLLBACK");
    } finally {
      db.close();
    }
  };

  await Promise.all([
    loop(flood, 500),
    ...Array.from({ length: 4 }, () => loop(slowWs, 500)),
    ...Array.from({ length: 2 }, () => loop(slowTcp, 1000)),
    loop(halfOpen, 500),
    ...Array.from({ length: 3 }, () => loop(cjk, 300)),
    loop(rooms, 200),
    loop(lock, 5000),
  ]);
  return counts;
}
