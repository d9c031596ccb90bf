import { DatabaseSync } from "node:sqlite";
import { assert, assertEqual } from "../_helpers/assert.ts";
import { RawClient } from "../_helpers/raw_client.ts";
import { startServe } from "../_helpers/serve_process.ts";
import type { ServerMessage } from "../../protocol/messages.ts";

const SENDERS = 3;
const PER_SENDER = 400;
const KILL_AFTER_ACKS = 300;

Deno.test("every acknowledged message survives SIGKILL mid-traffic and is replayed after restart", async () => {
  const dir = await Deno.makeTempDir({ prefix: "parley-kill-" });
  const data = `${dir}/parley.db`;
  try {
    const acked = new Map<number, string>(); // id -> text
    {
      // Machine-speed senders: lift flood control, which would rightly throttle them.
      const unthrottled = ["--flood-rate", "1000000", "--flood-burst", "1000000"];
      await using server = await startServe(["--data", data, ...unthrottled], { dir });
      const clients: RawClient[] = [];
      for (let i = 0; i < SENDERS; i++) clients.push(await RawClient.join(server.port, `s${i}`));
      const texts = clients.map(() => new Map<number, string>()); // ref -> text
      const sentIndex = clients.map(() => new Map<number, number>()); // ref -> n
      const ackCount = () =>
        clients.reduce((n, c) => n + c.received.filter((m) => m.type === "ack").length, 0);
      // Senders pipeline messages in small bursts so traffic is flowing when the kill lands.
      const sending = clients.map(async (client, i) => {
        for (let n = 0; n < PER_SENDER && !client.closed; n++) {
          const text = `s${i} message ${n} ${"x".repeat(n % 50)}`;
          const ref = client.ref();
          texts[i].set(ref, text);
          sentIndex[i].set(ref, n);
          try {
            await client.send({ type: "msg", ref, room: "#lobby", text });
          } catch (error) {
            if (
              error instanceof Deno.errors.BrokenPipe ||
              error instanceof Deno.errors.ConnectionReset
            ) break;
            throw error;
          }
          // Pacing, not waiting for a commit: a short pause per burst keeps traffic flowing
          // until the kill instead of everything being queued at once.
          if (n % 10 === 9) await new Promise((r) => setTimeout(r, 1));
        }
      });
      // Acks come in order and only once a message is committed: wait for each sender's
      // share of them (the ack of its message number acksEach - 1), not for a clock.
      const acksEach = Math.ceil(KILL_AFTER_ACKS / SENDERS);
      await Promise.all(clients.map((client, i) =>
        client.next(
          (m) => m.type === "ack" && (sentIndex[i].get(m.ref) ?? -1) >= acksEach - 1,
          20_000,
        )
      ));
      assert(ackCount() >= KILL_AFTER_ACKS, `only ${ackCount()} acks before the kill`);
      const status = await server.stop("SIGKILL");
      assertEqual(status.signal, "SIGKILL");
      await Promise.all(sending);
      for (const client of clients) await client.waitClosed(5000);
      clients.forEach((client, i) => {
        for (const m of client.received) {
          if (m.type === "ack") acked.set(m.id, texts[i].get(m.ref)!);
        }
      });
      for (const client of clients) await client[Symbol.asyncDispose]();
      const sent = texts.reduce((n, t) => n + t.size, 0);
      console.log(`sent ${sent}, acknowledged ${acked.size} before SIGKILL`);
      assert(acked.size < SENDERS * PER_SENDER, "the kill should land mid-traffic");
    }

    // The database opens cleanly and holds every acknowledged message.
    {
      const db = new DatabaseSync(data);
      try {
        assertEqual(
          (db.prepare("PRAGMA integrity_check").get() as Record<string, unknown>).integrity_check,
          "ok",
        );
      } finally {
        db.close();
      }
    }

    // Restart on the same file: acknowledged messages are replayed with their ids and texts.
    await using server = await startServe(["--data", data, "--history", "50"], { dir });
    await using reader = await RawClient.join(server.port, "reader");
    const replayed = new Map<number, string>();
    const ids = [...acked.keys()].sort((a, b) => a - b);
    await reader.command("history", "500");
    await reader.next((m) => m.type === "notice" && m.text.startsWith("End of history"));
    for (const m of reader.received) {
      if (m.type === "msg" && m.history) replayed.set(m.id, m.text);
    }
    // /history is capped at 500: check the newest acknowledged ones by replay, all of them in the file.
    for (const id of ids.slice(-Math.min(ids.length, 300))) {
      assertEqual(replayed.get(id), acked.get(id), `acked message ${id} not replayed`);
    }
    const db = new DatabaseSync(data, { readOnly: true });
    try {
      const get = db.prepare("SELECT text FROM messages WHERE id = ?");
      for (const [id, text] of acked) {
        assertEqual((get.get(id) as { text: string } | undefined)?.text, text, `id ${id}`);
      }
    } finally {
      db.close();
    }
    // New ids keep increasing past everything handed out before the crash.
    const ref = await reader.say("after restart");
    const ack = await reader.next((m: ServerMessage) => m.type === "ack" && m.ref === ref);
    assert(ack.type === "ack" && ack.id > ids.at(-1)!, `new id ${JSON.stringify(ack)}`);
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
});
