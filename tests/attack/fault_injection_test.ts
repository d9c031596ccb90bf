/**
 * Fault injection: every storage statement the server uses is made to fail
 * (and, separately, to block) in turn, under TCP and WebSocket traffic. The
 * server must keep serving a healthy client, answer the faulty request with
 * `internal` and its `ref`, and never end the process (an uncaught error in
 * an event listener or timer fails the test run).
 *
 * @module
 */

import { PROTOCOL_VERSION, type ServerMessage } from "../../protocol/messages.ts";
import { startServer } from "../../server/server.ts";
import { HistoryStore } from "../../server/storage/history_store.ts";
import { assert, assertEqual } from "../_helpers/assert.ts";
import { RawClient } from "../_helpers/raw_client.ts";
import { keyedHello, makeIdentity, proveMessage } from "../_helpers/identity_client.ts";

/** A storage fault armed on one SQL statement (or on `BEGIN` for transactions). */
interface Fault {
  sql: string | undefined;
  mode: "throw" | "block";
  hits: number;
}

/** Wraps the store's database so that an armed statement throws or blocks. */
function instrument(store: HistoryStore): { seen: Set<string>; fault: Fault } {
  const seen = new Set<string>();
  const fault: Fault = { sql: undefined, mode: "throw", hits: 0 };
  const db = store.database;
  const strike = (sql: string) => {
    seen.add(sql);
    if (fault.sql !== sql) return;
    fault.hits++;
    if (fault.mode === "throw") throw new Error("disk I/O error (injected)");
    // Blocks the event loop, as a busy SQLite call does.
    const until = performance.now() + 150;
    while (performance.now() < until) { /* busy */ }
  };
  const prepare = db.prepare.bind(db);
  db.prepare = (sql: string) => {
    strike(sql);
    return prepare(sql);
  };
  const transaction = db.transaction.bind(db);
  db.transaction = <T>(body: () => T): T => {
    strike("BEGIN");
    return transaction(body);
  };
  return { seen, fault };
}

/** A WebSocket client speaking the protocol. */
class WsClient {
  readonly received: ServerMessage[] = [];
  readonly socket: WebSocket;
  readonly opened: Promise<void>;
  readonly closed: Promise<void>;
  #ref = 1000;
  constructor(url: string) {
    this.socket = new WebSocket(url);
    this.opened = new Promise((resolve, reject) => {
      this.socket.onopen = () => resolve();
      this.socket.onerror = () => reject(new Error("websocket failed"));
    });
    this.closed = new Promise((resolve) => this.socket.addEventListener("close", () => resolve()));
    this.socket.onmessage = (e) => this.received.push(JSON.parse(e.data as string));
  }
  ref(): number {
    return this.#ref++;
  }
  send(message: unknown): void {
    if (this.socket.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(message));
  }
  close(): Promise<void> {
    this.socket.close();
    return this.closed;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Requests that touch storage: topic, message, search, history, ban, bans, rooms. */
function traffic(send: (message: unknown) => void, ref: () => number): number[] {
  const refs: number[] = [];
  const command = (name: string, args: string, room = "#lobby") => {
    const r = ref();
    refs.push(r);
    send({ type: "command", ref: r, room, name, args });
  };
  const r = ref();
  refs.push(r);
  send({ type: "msg", ref: r, room: "#lobby", text: "hello under faults" });
  command("topic", `faulty topic ${r}`);
  command("join", `#fault${r}`);
  command("search", "faults");
  command("history", "");
  command("op", "secret");
  command("ban", `nobody${r} 1m spam`);
  command("bans", "");
  command("unban", `nobody${r}`);
  return refs;
}

/** Checks that every error answering one of `refs` is a proper one, and internal ones carry the ref. */
function checkErrors(received: ServerMessage[], refs: number[], label: string): void {
  for (const m of received) {
    if (m.type !== "error") continue;
    if (m.code === "internal") {
      assert(
        m.ref === undefined ? true : refs.includes(m.ref),
        `${label}: internal error with an unknown ref ${JSON.stringify(m)}`,
      );
    }
  }
}

/** The healthy client can still ping and chat. */
async function assertHealthy(healthy: RawClient, label: string): Promise<void> {
  const token = Date.now();
  await healthy.send({ type: "ping", token });
  await healthy.next((m) => m.type === "pong" && m.token === token, 5000).catch((error) => {
    throw new Error(`${label}: no pong: ${error.message}`);
  });
  const ref = await healthy.command("who", "");
  await healthy.next((m) => (m.type === "ack" || m.type === "error") && m.ref === ref, 5000)
    .catch((error) => {
      throw new Error(`${label}: no answer to /who: ${error.message}`);
    });
}

for (const mode of ["throw", "block"] as const) {
  Deno.test(`server keeps serving while each storage statement ${mode}s in turn`, async () => {
    const dir = await Deno.makeTempDir();
    // Every message reserves its id in the database, so faults cross that write too.
    const store = new HistoryStore(`${dir}/parley.db`, { idBlock: 1 });
    const { seen, fault } = instrument(store);
    const server = await startServer({
      hostname: "127.0.0.1",
      port: 0,
      history: store,
      adminPassword: "secret",
      web: { port: 0 },
      floodBurst: 1000,
      floodRate: 1000,
    });
    const wsUrl = `ws://127.0.0.1:${server.web!.addr.port}/ws`;
    let serial = 0;
    const run = async (label: string): Promise<{ internal: number }> => {
      serial++;
      // A browser joins and sends traffic...
      const ws = new WsClient(wsUrl);
      await ws.opened;
      ws.send({ type: "hello", version: PROTOCOL_VERSION, nick: `web${serial}` });
      await sleep(50);
      const wsRefs = traffic((m) => ws.send(m), () => ws.ref());
      // ...and a terminal user over TCP.
      const tcp = await RawClient.open(server.addr.port);
      await tcp.send({ type: "hello", version: PROTOCOL_VERSION, nick: `tcp${serial}` });
      await sleep(50);
      const tcpRefs = traffic((m) => void tcp.send(m as never).catch(() => {}), () => tcp.ref());
      await sleep(300);
      checkErrors(ws.received, wsRefs, `${label} (websocket)`);
      checkErrors(tcp.received, tcpRefs, `${label} (tcp)`);
      const internal = [...ws.received, ...tcp.received].filter((m) =>
        m.type === "error" && m.code === "internal"
      ).length;
      await ws.close();
      await tcp[Symbol.asyncDispose]();
      return { internal };
    };
    try {
      await using healthy = await RawClient.join(server.addr.port, "healthy");
      // A clean run records which statements the traffic uses.
      await run("clean run");
      const statements = [...seen];
      assert(statements.length >= 8, `too few statements seen: ${statements.join(" | ")}`);
      let internalSeen = 0;
      for (const sql of statements) {
        fault.sql = sql;
        fault.mode = mode;
        fault.hits = 0;
        const label = `${mode} on ${sql.replace(/\s+/g, " ").slice(0, 60)}`;
        const { internal } = await run(label);
        fault.sql = undefined;
        internalSeen += internal;
        await assertHealthy(healthy, label);
      }
      if (mode === "throw") assert(internalSeen > 0, "no request was answered with internal");
      assertEqual(healthy.closed, false, "the healthy client stayed connected");
    } finally {
      await server.close();
      await server.finished;
      await Deno.remove(dir, { recursive: true });
    }
  });
}

Deno.test("a failing storage call answers the request with internal and its ref", async () => {
  const dir = await Deno.makeTempDir();
  const store = new HistoryStore(`${dir}/parley.db`);
  const server = await startServer({
    hostname: "127.0.0.1",
    port: 0,
    history: store,
    web: { port: 0 },
  });
  try {
    const ws = new WsClient(`ws://127.0.0.1:${server.web!.addr.port}/ws`);
    await ws.opened;
    ws.send({ type: "hello", version: PROTOCOL_VERSION, nick: "webtopic" });
    await sleep(100);
    // A full disk, then one /topic from the web page.
    store.database.prepare = ((prepare) => (sql: string) => {
      if (/topics/i.test(sql) && /insert|delete/i.test(sql)) {
        throw new Error("database or disk is full (injected)");
      }
      return prepare(sql);
    })(store.database.prepare.bind(store.database));
    ws.send({ type: "command", ref: 77, room: "#lobby", name: "topic", args: "new topic" });
    for (let i = 0; i < 100 && !ws.received.some((m) => m.type === "error"); i++) await sleep(20);
    const error = ws.received.find((m) => m.type === "error");
    assertEqual(error?.type === "error" ? [error.code, error.ref] : undefined, ["internal", 77]);
    // The same connection goes on: a ping is answered.
    ws.send({ type: "ping", token: 5 });
    for (let i = 0; i < 100 && !ws.received.some((m) => m.type === "pong"); i++) await sleep(20);
    assert(ws.received.some((m) => m.type === "pong"), "the web client is still served");
    await ws.close();
  } finally {
    await server.close();
    await server.finished;
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a storage failure while admitting a proven key answers internal, and the server goes on", async () => {
  const dir = await Deno.makeTempDir();
  const store = new HistoryStore(`${dir}/parley.db`);
  const server = await startServer({ hostname: "127.0.0.1", port: 0, history: store });
  try {
    await using healthy = await RawClient.join(server.addr.port, "healthy");
    const identity = await makeIdentity();
    await using keyed = await RawClient.open(server.addr.port);
    await keyed.send(keyedHello("keyed", identity));
    const challenge = await keyed.next(() => true);
    // The disk fails between the challenge and the proof: the statements run once the proof
    // (checked asynchronously) is valid all throw.
    const prepare = store.database.prepare.bind(store.database);
    store.database.prepare = () => {
      throw new Error("disk I/O error (injected)");
    };
    await keyed.send(await proveMessage(challenge, identity));
    const answer = await keyed.next((m) => m.type === "welcome" || m.type === "error");
    store.database.prepare = prepare;
    assert(
      answer.type === "error" && answer.code === "internal",
      `a proven key is answered internal: ${JSON.stringify(keyed.received)}`,
    );
    await assertHealthy(healthy, "after a keyed join under faults");
  } finally {
    await server.close();
    await server.finished;
    await Deno.remove(dir, { recursive: true });
  }
});
