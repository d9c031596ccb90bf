/**
 * Two and three in-process servers joined through a real nats-server: one
 * chat across nodes (delivery, order, acks, ids, nicks, presence, private
 * messages, history, topics, bans) and what clients see when NATS goes away.
 */

import type { ServerMessage } from "../../../protocol/messages.ts";
import { PROTOCOL_VERSION } from "../../../protocol/messages.ts";
import { startClusterNode } from "../../../server/cluster/cluster_node.ts";
import { type ParleyServer, startServer } from "../../../server/server.ts";
import { assert, assertEqual } from "../../_helpers/assert.ts";
import {
  type NatsServer,
  natsServerAvailable,
  startNatsServer,
} from "../../_helpers/nats_server.ts";
import { RawClient } from "../../_helpers/raw_client.ts";
import { joinWithKey, makeIdentity } from "../../_helpers/identity_client.ts";
import { spawnLines } from "../../_helpers/line_process.ts";

const ignore = !natsServerAvailable;
if (ignore) console.log("cluster_chat_test: nats-server is not installed; skipping the NATS tests");

/** Starts one node of cluster `name` on a free loopback port. */
async function startNode(
  nats: NatsServer,
  nodeId: string,
  options: {
    name?: string;
    heartbeatMs?: number;
    dataFile?: string;
    maxPerSubject?: number;
    followerDelayMs?: number;
  } = {},
): Promise<ParleyServer> {
  const cluster = await startClusterNode({
    servers: [nats.url],
    name: options.name ?? "t",
    nodeId,
    heartbeatMs: options.heartbeatMs ?? 300,
    publishTimeoutMs: 2_000,
    maxPerSubject: options.maxPerSubject,
  });
  if (options.followerDelayMs !== undefined) {
    // A node that reads the stream slower than the stream stores: one record
    // per `followerDelayMs`, by sequence, skipping what retention removed.
    const stream = cluster.stream;
    const delayMs = options.followerDelayMs;
    stream.follow = (callback, followOptions = {}) => {
      let stopped = false;
      const sleep = () => new Promise((resolve) => setTimeout(resolve, delayMs));
      const done = (async () => {
        let seq = (followOptions.afterSeq ?? await stream.lastSeq()) + 1;
        while (!stopped) {
          const record = await stream.get(seq);
          if (record !== undefined) {
            callback(record);
            seq++;
          } else if (seq <= await stream.lastSeq() && await stream.get(seq) === undefined) {
            // Stored (the stream is past it) yet not there: retention removed it.
            seq++;
          }
          await sleep();
        }
      })();
      return {
        done,
        ready: Promise.resolve(),
        stop: async () => {
          stopped = true;
          await done;
        },
      };
    };
  }
  return await startServer({
    hostname: "127.0.0.1",
    port: 0,
    cluster,
    adminPassword: "op-pw",
    dataFile: options.dataFile,
  });
}

async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) {
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function lines(client: RawClient, room = "#lobby"): { id: number; text: string }[] {
  return client.received
    .filter((m): m is Extract<ServerMessage, { type: "msg" }> =>
      m.type === "msg" && m.room === room && !m.history
    )
    .map((m) => ({ id: m.id, text: m.text }));
}

/** The `ack` or `error` answering `ref`. */
function answerTo(ref: number): (m: ServerMessage) => boolean {
  return (m) => (m.type === "ack" || m.type === "error") && m.ref === ref;
}

/**
 * Sends `count` lines `s<sender> <seq>` from `client`, keeping up to
 * `window` of them unacknowledged, and checks every ack.
 */
async function sendPipelined(
  client: RawClient,
  sender: number,
  count: number,
  window: number,
  timeoutMs = 10_000,
): Promise<void> {
  const refs: number[] = [];
  const acked = async (ref: number) => {
    const answer = await client.next(answerTo(ref), timeoutMs);
    assert(answer.type === "ack", `ack ${JSON.stringify(answer)}`);
  };
  for (let seq = 0; seq < count; seq++) {
    if (seq >= window) await acked(refs[seq - window]);
    refs.push(await client.say(`s${sender} ${seq}`));
  }
  for (const ref of refs.slice(-window)) await acked(ref);
}

/** The sequence numbers of each sender's `s<sender> <seq>` lines `client` received, in order. */
function linesBySender(client: RawClient): Map<number, number[]> {
  const bySender = new Map<number, number[]>();
  for (const { text } of lines(client)) {
    const [from, seq] = text.slice(1).split(" ").map(Number);
    bySender.set(from, [...(bySender.get(from) ?? []), seq]);
  }
  return bySender;
}

async function stopAll(...servers: ParleyServer[]): Promise<void> {
  await Promise.all(servers.map((server) => server.close("test over")));
}

Deno.test({
  name: "cluster: pipelined senders reach every member in order, with a small per-room retention",
  ignore,
  async fn() {
    await using nats = await startNatsServer();
    // A room keeps only 6 messages in the stream, one per sender, and the
    // node delivers slower than the stream stores: an ack that ran ahead of
    // the node's delivery would let retention drop stored lines before the
    // node's follower read them.
    const a = await startNode(nats, "a", { maxPerSubject: 6, followerDelayMs: 2 });
    const clients: RawClient[] = [];
    try {
      for (let i = 0; i < 6; i++) clients.push(await RawClient.join(a.addr.port, `p${i}`));
      for (const client of clients.slice(0, -1)) {
        await client.next((m) => m.type === "join" && m.nick === "p5");
      }
      const perSender = 30;
      const window = 4;
      // Each sender keeps up to `window` lines unacknowledged.
      await Promise.all(
        clients.map((client, sender) => sendPipelined(client, sender, perSender, window)),
      );
      const expected = perSender * (clients.length - 1);
      for (const [receiver, client] of clients.entries()) {
        // On a timeout the comparison below names what is missing.
        await until(() => lines(client).length >= expected, 5_000, `${expected} lines`)
          .catch(() => {});
        const bySender = linesBySender(client);
        for (let sender = 0; sender < clients.length; sender++) {
          if (sender === receiver) continue;
          assertEqual(
            bySender.get(sender) ?? [],
            Array.from({ length: perSender }, (_, seq) => seq),
            `p${receiver} got every line of p${sender}, in order`,
          );
        }
      }
    } finally {
      for (const client of clients) client.close();
      await stopAll(a);
    }
  },
});

Deno.test({
  name:
    "cluster: lines reach members on three nodes once, in the same order, acked with stream ids",
  ignore,
  async fn() {
    await using nats = await startNatsServer();
    const a = await startNode(nats, "a");
    const b = await startNode(nats, "b");
    const c = await startNode(nats, "c");
    try {
      const ann = await RawClient.join(a.addr.port, "ann");
      const bob = await RawClient.join(b.addr.port, "bob");
      const cat = await RawClient.join(c.addr.port, "cat");
      const welcome = ann.received[0];
      assert(welcome.type === "welcome" && welcome.node === "a", "welcome names the node");
      // ann (node a) sees bob and cat join from node b.
      await ann.next((m) => m.type === "join" && m.nick === "cat");
      await bob.next((m) => m.type === "join" && m.nick === "cat");
      const refs: { client: RawClient; ref: number; text: string }[] = [];
      for (let i = 0; i < 30; i++) {
        const client = [ann, bob, cat][i % 3];
        const text = `line ${i}`;
        refs.push({ client, ref: await client.say(text), text });
      }
      const acks = await Promise.all(
        refs.map(({ client, ref }) =>
          client.next((m) => (m.type === "ack" || m.type === "error") && m.ref === ref)
        ),
      );
      const ids = new Map<string, number>();
      for (const [i, ack] of acks.entries()) {
        assert(ack.type === "ack" && ack.id > 0, `ack ${JSON.stringify(ack)}`);
        ids.set(refs[i].text, ack.id);
      }
      assertEqual(new Set(ids.values()).size, 30, "ids are unique");
      // Each member sees every line but its own, once, in stream order.
      for (const client of [ann, bob, cat]) {
        await until(() => lines(client).length === 20, 5_000, "20 lines");
        const seen = lines(client);
        assertEqual(seen.map((l) => l.id), [...seen.map((l) => l.id)].sort((x, y) => x - y));
        for (const line of seen) assertEqual(line.id, ids.get(line.text));
      }
      // The same order everywhere: merge each client's view with its own acks.
      const orderOf = (client: RawClient) =>
        [
          ...lines(client),
          ...refs.filter((r) => r.client === client).map((r) => ({
            id: ids.get(r.text)!,
            text: r.text,
          })),
        ].sort((x, y) => x.id - y.id).map((l) => l.text);
      assertEqual(orderOf(ann), orderOf(bob));
      assertEqual(orderOf(bob), orderOf(cat));
      ann.close();
      bob.close();
      cat.close();
    } finally {
      await stopAll(a, b, c);
    }
  },
});

Deno.test({
  name: "cluster: a nick is unique across nodes, also when two nodes race for it",
  ignore,
  async fn() {
    await using nats = await startNatsServer();
    const a = await startNode(nats, "a");
    const b = await startNode(nats, "b");
    try {
      const ann = await RawClient.join(a.addr.port, "ann");
      const dup = await RawClient.open(b.addr.port);
      await dup.send({ type: "hello", version: PROTOCOL_VERSION, nick: "ANN" });
      const refused = await dup.next(() => true);
      assert(refused.type === "error" && refused.code === "nick_taken", JSON.stringify(refused));
      // A look-alike (Cyrillic "а") is the same nick, as on one server.
      const alike = await RawClient.open(b.addr.port);
      await alike.send({ type: "hello", version: PROTOCOL_VERSION, nick: "\u0430nn" });
      const refusedAlike = await alike.next(() => true);
      assert(
        refusedAlike.type === "error" && refusedAlike.code === "nick_taken",
        JSON.stringify(refusedAlike),
      );
      alike.close();
      // Race: ten clients per node want the same nick at once; exactly one gets it.
      const racers = await Promise.all(
        Array.from({ length: 20 }, (_, i) => RawClient.open((i % 2 ? a : b).addr.port)),
      );
      await Promise.all(
        racers.map((c) => c.send({ type: "hello", version: PROTOCOL_VERSION, nick: "zed" })),
      );
      const answers = await Promise.all(racers.map((c) => c.next(() => true)));
      assertEqual(answers.filter((m) => m.type === "welcome").length, 1, "one winner");
      assert(
        answers.every((m) =>
          m.type === "welcome" || (m.type === "error" && m.code === "nick_taken")
        ),
        JSON.stringify(answers),
      );
      // A nick is free again cluster-wide once its holder leaves.
      ann.close();
      // (Not `a.hub.size === 0`: the race's winner may be on node a.)
      await until(() => a.hub.find("ann") === undefined, 5_000, "ann gone");
      await until(
        () => b.hub.cluster!.node.registry.owner("ann") === undefined,
        5_000,
        "ann freed",
      );
      const again = await RawClient.join(b.addr.port, "ann");
      // And /nick to a nick held on the other node is refused.
      const winner = racers[answers.findIndex((m) => m.type === "welcome")];
      const ref = await winner.command("nick", "ann");
      const answer = await winner.next((m) => m.type === "error" && m.ref === ref);
      assert(answer.type === "error" && answer.code === "nick_taken");
      const ok = await winner.command("nick", "zora");
      await winner.next((m) => m.type === "ack" && m.ref === ok);
      await until(() => a.hub.cluster!.node.registry.owner("zora") !== undefined, 5_000, "zora");
      await until(
        () => a.hub.cluster!.node.registry.owner("zed") === undefined,
        5_000,
        "the old nick freed",
      );
      dup.close();
      again.close();
      for (const c of racers) c.close();
    } finally {
      await stopAll(a, b);
    }
  },
});

Deno.test({
  name: "cluster: joins, leaves and away travel between nodes; who and welcome list remote members",
  ignore,
  async fn() {
    await using nats = await startNatsServer();
    const a = await startNode(nats, "a");
    const b = await startNode(nats, "b");
    try {
      const ann = await RawClient.join(a.addr.port, "ann");
      const bob = await RawClient.join(b.addr.port, "bob");
      await ann.next((m) => m.type === "join" && m.nick === "bob");
      const welcome = bob.received[0];
      assert(welcome.type === "welcome");
      assertEqual(welcome.users.map((u) => u.nick).sort(), ["ann", "bob"]);
      // A third node started later learns the existing members.
      const c = await startNode(nats, "c");
      try {
        const cat = await RawClient.join(c.addr.port, "cat");
        await until(
          () => c.hub.users(c.hub.room("#lobby")!).length === 3,
          5_000,
          "node c sees ann and bob",
        );
        // welcome.online counts the users of every node.
        const dan = await RawClient.join(c.addr.port, "dan");
        const danWelcome = dan.received[0];
        assert(danWelcome.type === "welcome");
        assertEqual(danWelcome.online, 4);
        dan.close();
        await until(() => c.hub.size === 1, 5_000, "dan gone");
        const ref = await cat.command("who");
        const who = await cat.next((m) => m.type === "who" && m.ref === ref);
        assert(who.type === "who");
        assertEqual(who.users.map((u) => u.nick).sort(), ["ann", "bob", "cat"]);
        await bob.command("join", "#side");
        await cat.command("join", "#side");
        await bob.next((m) => m.type === "join" && m.room === "#side" && m.nick === "cat");
        await bob.command("away", "lunch");
        await cat.next((m) => m.type === "away" && m.nick === "bob" && m.away === "lunch");
        // A rename on node b reaches node c as a nick change, and its member lists.
        await bob.next(answerTo(await bob.command("nick", "bobby")));
        await cat.next((m) => m.type === "nick" && m.old === "bob" && m.nick === "bobby");
        const whoRef = await cat.command("who", "#side");
        const whoSide = await cat.next((m) => m.type === "who" && m.ref === whoRef);
        assert(whoSide.type === "who");
        assertEqual(whoSide.users.map((u) => u.nick).sort(), ["bobby", "cat"]);
        const roomsRef = await ann.command("rooms");
        const rooms = await ann.next((m) => m.type === "rooms" && m.ref === roomsRef);
        assert(rooms.type === "rooms");
        assertEqual(rooms.rooms.find((r) => r.name === "#lobby")?.members, 3);
        // #side has members on nodes b and c only: ann on a still sees it listed.
        assertEqual(rooms.rooms.find((r) => r.name === "#side")?.members, 2);
        cat.close();
        await ann.next((m) => m.type === "leave" && m.nick === "cat");
        await bob.next((m) => m.type === "leave" && m.nick === "cat" && m.room === "#side");
        assertEqual(
          b.hub.users(b.hub.room("#side")!).map((u) => u.nick),
          ["bobby"],
          "cat is gone from #side on node b",
        );
      } finally {
        await c.close("test over");
      }
      ann.close();
      bob.close();
    } finally {
      await stopAll(a, b);
    }
  },
});

Deno.test({
  name: "cluster: NATS lost refuses sends with unavailable and tells users; back, the chat resumes",
  ignore,
  async fn() {
    await using nats = await startNatsServer();
    const a = await startNode(nats, "a");
    const b = await startNode(nats, "b");
    try {
      const ann = await RawClient.join(a.addr.port, "ann");
      const bob = await RawClient.join(b.addr.port, "bob");
      await ann.next((m) => m.type === "join" && m.nick === "bob");
      await nats.stop();
      await ann.next((m) => m.type === "notice" && /lost its cluster link/.test(m.text));
      const ref = await ann.say("while down");
      const refused = await ann.next(answerTo(ref));
      assert(refused.type === "error" && refused.code === "unavailable", JSON.stringify(refused));
      await nats.restart();
      await ann.next((m) => m.type === "notice" && /cluster link is back/.test(m.text), 15_000);
      await until(() => b.hub.cluster!.node.link.state === "connected", 10_000, "b reconnected");
      const again = await ann.say("after");
      const ack = await ann.next(answerTo(again));
      assert(ack.type === "ack" && ack.id > 0, JSON.stringify(ack));
      const line = await bob.next((m) => m.type === "msg" && m.text === "after", 15_000);
      assert(line.type === "msg" && line.id === ack.id);
      assert(!bob.received.some((m) => m.type === "msg" && m.text === "while down"));
      ann.close();
      bob.close();
    } finally {
      await stopAll(a, b);
    }
  },
});

Deno.test({
  name: "cluster: private messages cross nodes and history replays lines sent on another node",
  ignore,
  async fn() {
    await using nats = await startNatsServer();
    const a = await startNode(nats, "a");
    const b = await startNode(nats, "b");
    try {
      const ann = await RawClient.join(a.addr.port, "ann");
      const bob = await RawClient.join(b.addr.port, "bob");
      const ref = await ann.command("msg", "Bob psst");
      const ack = await ann.next(answerTo(ref));
      assert(ack.type === "ack" && ack.id > 0, JSON.stringify(ack));
      const pm = await bob.next((m) => m.type === "privmsg");
      assert(pm.type === "privmsg" && pm.from === "ann" && pm.to === "bob", JSON.stringify(pm));
      assertEqual(pm.text, "psst");
      assertEqual(pm.id, ack.id);
      const nobody = await ann.command("msg", "nobody hi");
      const refused = await ann.next((m) => m.type === "error" && m.ref === nobody);
      assert(refused.type === "error" && refused.code === "no_such_nick");
      for (let i = 0; i < 5; i++) {
        const r = await ann.say(`old ${i}`);
        await ann.next((m) => m.type === "ack" && m.ref === r);
      }
      // A node started afterwards replays the lobby's history from the stream.
      const c = await startNode(nats, "c");
      try {
        const cat = await RawClient.join(c.addr.port, "cat");
        await until(
          () => cat.received.filter((m) => m.type === "msg" && m.history).length === 5,
          5_000,
          "5 replayed lines",
        );
        const replayed = cat.received.flatMap((m) => m.type === "msg" && m.history ? [m.text] : []);
        assertEqual(replayed, ["old 0", "old 1", "old 2", "old 3", "old 4"]);
        assert(!cat.received.some((m) => m.type === "privmsg"), "private messages stay private");
        // Search runs on the node's index of the stream.
        const s = await cat.command("search", "old");
        const hits = await cat.next((m) => m.type === "search" && m.ref === s);
        assert(hits.type === "search");
        assertEqual(hits.results.length, 5);
        cat.close();
      } finally {
        await c.close("test over");
      }
      ann.close();
      bob.close();
    } finally {
      await stopAll(a, b);
    }
  },
});

Deno.test({
  name: "cluster: topics and bans set on one node hold on the others",
  ignore,
  async fn() {
    await using nats = await startNatsServer();
    const a = await startNode(nats, "a");
    const b = await startNode(nats, "b");
    try {
      const ann = await RawClient.join(a.addr.port, "ann");
      const bob = await RawClient.join(b.addr.port, "bob");
      const troll = await RawClient.join(b.addr.port, "troll");
      const t = await ann.command("topic", "release day");
      await ann.next(answerTo(t));
      const topic = await bob.next((m) => m.type === "topic");
      assert(topic.type === "topic" && topic.topic === "release day" && topic.by === "ann");
      // A node started later knows the topic too.
      const c = await startNode(nats, "c");
      try {
        const cat = await RawClient.join(c.addr.port, "cat");
        const ref = await cat.command("topic");
        const shown = await cat.next((m) => m.type === "topic" && m.ref === ref);
        assert(shown.type === "topic" && shown.topic === "release day", JSON.stringify(shown));
        cat.close();
      } finally {
        await c.close("test over");
      }
      const op = await ann.command("op", "op-pw");
      await ann.next(answerTo(op));
      const ban = await ann.command("ban", "troll spam");
      const banned = await ann.next(answerTo(ban));
      assert(banned.type === "ack", JSON.stringify(banned));
      // The banned user is on the other node: that node disconnects them.
      assert(await troll.waitClosed(5_000), "troll was disconnected on node b");
      await bob.next((m) => m.type === "leave" && m.nick === "troll");
      // And cannot come back on either node.
      for (const node of [a, b]) {
        await until(
          () => node.hub.cluster!.node.registry.owner("troll") === undefined,
          5_000,
          "troll freed",
        );
        const again = await RawClient.open(node.addr.port);
        await again.send({ type: "hello", version: PROTOCOL_VERSION, nick: "troll" });
        const refused = await again.next(() => true);
        assert(refused.type === "error" && refused.code === "banned", JSON.stringify(refused));
        again.close();
      }
      const unban = await ann.command("unban", "troll");
      await ann.next(answerTo(unban));
      await until(() => b.hub.moderation.bans().length === 0, 5_000, "unban reached node b");
      ann.close();
      bob.close();
    } finally {
      await stopAll(a, b);
    }
  },
});

Deno.test({
  name: "cluster: a client resumes its nick on another node with its resume token, not without",
  ignore,
  async fn() {
    await using nats = await startNatsServer();
    const a = await startNode(nats, "a");
    const b = await startNode(nats, "b");
    try {
      const ann = await RawClient.join(a.addr.port, "ann");
      const welcome = ann.received[0];
      assert(welcome.type === "welcome" && welcome.resume !== undefined);
      await until(
        () => b.hub.cluster!.node.registry.owner("ann") !== undefined,
        5_000,
        "claim seen",
      );
      const thief = await RawClient.open(b.addr.port);
      await thief.send({ type: "hello", version: PROTOCOL_VERSION, nick: "ann", resume: "wrong" });
      const refused = await thief.next(() => true);
      assert(refused.type === "error" && refused.code === "nick_taken", JSON.stringify(refused));
      const back = await RawClient.open(b.addr.port);
      await back.send({
        type: "hello",
        version: PROTOCOL_VERSION,
        nick: "ann",
        resume: welcome.resume,
      });
      const resumed = await back.next(() => true);
      assert(resumed.type === "welcome" && resumed.node === "b", JSON.stringify(resumed));
      const bye = await ann.next((m) => m.type === "bye");
      assert(bye.type === "bye" && bye.code === "replaced");
      thief.close();
      back.close();
      ann.close();
    } finally {
      await stopAll(a, b);
    }
  },
});

Deno.test({
  name: "cluster: an operator mutes, unmutes and kicks a user on another node",
  ignore,
  async fn() {
    await using nats = await startNatsServer();
    const a = await startNode(nats, "a");
    const b = await startNode(nats, "b");
    try {
      const ann = await RawClient.join(a.addr.port, "ann");
      const bob = await RawClient.join(b.addr.port, "bob");
      await until(() => a.hub.cluster!.node.registry.owner("bob") !== undefined, 5_000, "bob seen");
      await ann.next(answerTo(await ann.command("op", "op-pw")));
      const mute = await ann.command("mute", "bob");
      const muted = await ann.next(answerTo(mute));
      assert(muted.type === "ack", JSON.stringify(muted));
      await bob.next((m) => m.type === "notice" && /muted by ann/.test(m.text));
      const said = await bob.say("let me speak");
      const refused = await bob.next(answerTo(said));
      assert(refused.type === "error" && refused.code === "muted", JSON.stringify(refused));
      await ann.next(answerTo(await ann.command("unmute", "bob")));
      await bob.next((m) => m.type === "notice" && /unmuted by ann/.test(m.text));
      const again = await bob.say("thanks");
      const ack = await bob.next(answerTo(again));
      assert(ack.type === "ack", JSON.stringify(ack));
      const kick = await ann.command("kick", "bob enough");
      const kicked = await ann.next(answerTo(kick));
      assert(kicked.type === "ack", JSON.stringify(kicked));
      assert(await bob.waitClosed(5_000), "bob was disconnected on node b");
      const left = await ann.next((m) => m.type === "leave" && m.nick === "bob");
      assert(left.type === "leave" && left.code === "kicked", JSON.stringify(left));
      ann.close();
      bob.close();
    } finally {
      await stopAll(a, b);
    }
  },
});

Deno.test({
  name:
    "cluster: a node's history file indexes the stream, reads on after a restart, and searches it all",
  ignore,
  async fn() {
    await using nats = await startNatsServer();
    const dir = await Deno.makeTempDir({ prefix: "parley-index-" });
    const b = await startNode(nats, "b");
    try {
      let a = await startNode(nats, "a", { dataFile: `${dir}/a.db` });
      const bob = await RawClient.join(b.addr.port, "bob");
      for (let i = 0; i < 3; i++) await bob.next(answerTo(await bob.say(`before ${i}`)));
      await until(() => a.hub.cluster!.delivered >= 3, 5_000, "a indexed 3");
      await a.close("restart");
      for (let i = 0; i < 3; i++) await bob.next(answerTo(await bob.say(`while away ${i}`)));
      a = await startNode(nats, "a", { dataFile: `${dir}/a.db` });
      try {
        const ann = await RawClient.join(a.addr.port, "ann");
        await until(
          () => ann.received.filter((m) => m.type === "msg" && m.history).length === 6,
          5_000,
          "6 replayed lines",
        );
        const replayed = ann.received.flatMap((m) => m.type === "msg" && m.history ? [m.id] : []);
        assertEqual(new Set(replayed).size, 6, "no line indexed twice");
        assertEqual(replayed, [...replayed].sort((x, y) => x - y));
        const s = await ann.command("search", "away");
        const hits = await ann.next((m) => m.type === "search" && m.ref === s);
        assert(hits.type === "search");
        assertEqual(hits.results.length, 3);
        ann.close();
      } finally {
        await a.close("test over");
      }
      bob.close();
    } finally {
      await b.close("test over");
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "cluster: a recording is announced on every node, fetched from any, and replayed in order",
  ignore,
  async fn() {
    const recording = await Deno.readFile(
      new URL("../../fixtures/media/chromium_voice_2s.webm", import.meta.url),
    );
    await using nats = await startNatsServer();
    const a = await startNode(nats, "a");
    const b = await startNode(nats, "b");
    try {
      const ann = await RawClient.join(a.addr.port, "ann");
      const bob = await RawClient.join(b.addr.port, "bob");
      await ann.next(answerTo(await ann.say("before")));
      const ref = ann.ref();
      await ann.send({
        type: "media",
        ref,
        room: "#lobby",
        kind: "voice",
        mime: "audio/webm;codecs=opus",
        durationMs: 1980,
        data: recording.toBase64(),
      });
      const ack = await ann.next(answerTo(ref));
      assert(ack.type === "ack" && ack.id > 0, JSON.stringify(ack));
      await ann.next(answerTo(await ann.say("after")));
      const notice = await bob.next((m) => m.type === "media");
      assert(notice.type === "media" && notice.id === ack.id && notice.from === "ann");
      assertEqual(notice.bytes, recording.length);
      assert(!ann.received.some((m) => m.type === "media"), "the sender gets the ack only");
      const fetchRef = bob.ref();
      await bob.send({ type: "fetch_media", ref: fetchRef, token: notice.token });
      const data = await bob.next((m) => m.type === "media_data" && m.ref === fetchRef);
      assert(data.type === "media_data");
      assertEqual(Uint8Array.fromBase64(data.data), recording);
      // A node started later replays it between the lines around it.
      const c = await startNode(nats, "c");
      try {
        const cat = await RawClient.join(c.addr.port, "cat");
        await cat.next((m) => m.type === "msg" && m.text === "after");
        const order = cat.received
          .filter((m) => (m.type === "msg" || m.type === "media") && m.history)
          .map((m) => m.type === "msg" ? m.text : "[voice]");
        assertEqual(order, ["before", "[voice]", "after"]);
        cat.close();
      } finally {
        await c.close("test over");
      }
      ann.close();
      bob.close();
    } finally {
      await stopAll(a, b);
    }
  },
});

Deno.test({
  name: "cluster: an invite-only room is closed on every node, and an invitation opens it anywhere",
  ignore,
  async fn() {
    await using nats = await startNatsServer();
    const a = await startNode(nats, "a");
    const b = await startNode(nats, "b");
    const clients: RawClient[] = [];
    try {
      const ann = await RawClient.join(a.addr.port, "ann");
      const bob = await RawClient.join(b.addr.port, "bob");
      const cat = await RawClient.join(b.addr.port, "cat");
      clients.push(ann, bob, cat);
      await ann.next(answerTo(await ann.command("join", "#secret")));
      // ann created #secret; bob joining it on another node does not own it.
      await until(() => b.hub.cluster!.remoteCount("#secret") === 1, 5_000, "ann seen on b");
      await bob.next(answerTo(await bob.command("join", "#secret")));
      const notOwner = await bob.next(answerTo(await bob.command("mode", "+i #secret")));
      assert(notOwner.type === "error" && notOwner.code === "forbidden", JSON.stringify(notOwner));
      const made = await ann.next(answerTo(await ann.command("mode", "+i #secret")));
      assert(made.type === "ack", JSON.stringify(made));
      // bob, on node b, hears of it from his node.
      await bob.next((m) => m.type === "notice" && /invite-only/.test(m.text));
      await until(() => b.hub.access.isPrivate("#secret"), 5_000, "#secret private on b");
      // cat (node b, not invited) cannot join, nor see it listed.
      const refused = await cat.next(answerTo(await cat.command("join", "#secret")));
      assert(refused.type === "error" && refused.code === "not_invited", JSON.stringify(refused));
      const listRef = await cat.command("rooms");
      const list = await cat.next((m) => m.type === "rooms" && m.ref === listRef);
      assert(
        list.type === "rooms" && !list.rooms.some((r) => r.name === "#secret"),
        JSON.stringify(list),
      );
      // bob was a member when it closed: he may leave and come back.
      await bob.next(answerTo(await bob.command("part", "#secret")));
      const back = await bob.next(answerTo(await bob.command("join", "#secret")));
      assert(back.type === "ack", JSON.stringify(back));
      // ann (node a) invites cat (node b): node b invites and tells her.
      const invited = await ann.next(answerTo(await ann.command("invite", "cat #secret")));
      assert(invited.type === "ack", JSON.stringify(invited));
      await cat.next((m) => m.type === "notice" && /invites you to #secret/.test(m.text));
      const joined = await cat.next(answerTo(await cat.command("join", "#secret")));
      assert(joined.type === "ack", JSON.stringify(joined));
      // A node started later knows the room is private.
      const c = await startNode(nats, "c");
      try {
        const dan = await RawClient.join(c.addr.port, "dan");
        clients.push(dan);
        const no = await dan.next(answerTo(await dan.command("join", "#secret")));
        assert(no.type === "error" && no.code === "not_invited", JSON.stringify(no));
      } finally {
        await c.close("test over");
      }
      // Public again, everywhere.
      const open = await ann.next(answerTo(await ann.command("mode", "-i #secret")));
      assert(open.type === "ack", JSON.stringify(open));
      await until(() => !b.hub.access.isPrivate("#secret"), 5_000, "#secret public on b");
    } finally {
      for (const client of clients) client.close();
      await stopAll(a, b);
    }
  },
});

Deno.test({
  name: "cluster: senders wait for a slow node instead of retention dropping its lines",
  ignore,
  async fn() {
    await using nats = await startNatsServer();
    // The stream keeps 10 lines per room; node b reads one line per 10 ms. The
    // senders on node a are acked as fast as node a delivers, so without
    // flow control they run more than 10 lines ahead of node b.
    const a = await startNode(nats, "a", { maxPerSubject: 10 });
    const b = await startNode(nats, "b", { maxPerSubject: 10, followerDelayMs: 10 });
    const clients: RawClient[] = [];
    try {
      const bob = await RawClient.join(b.addr.port, "bob");
      clients.push(bob);
      for (let i = 0; i < 3; i++) clients.push(await RawClient.join(a.addr.port, `s${i}`));
      await until(() => a.hub.cluster!.remoteCount("#lobby") === 1, 5_000, "bob seen on a");
      await bob.next((m) => m.type === "join" && m.nick === "s2");
      const perSender = 40;
      const window = 4;
      await Promise.all(
        clients.slice(1).map((client, sender) =>
          sendPipelined(client, sender, perSender, window, 20_000)
        ),
      );
      await until(() => lines(bob).length >= 3 * perSender, 10_000, "every line at bob")
        .catch(() => {});
      const bySender = linesBySender(bob);
      for (let sender = 0; sender < 3; sender++) {
        assertEqual(
          bySender.get(sender) ?? [],
          Array.from({ length: perSender }, (_, seq) => seq),
          `bob (slow node) got every line of s${sender}, in order`,
        );
      }
    } finally {
      for (const client of clients) client.close();
      await stopAll(a, b);
    }
  },
});

Deno.test({
  name:
    "cluster: lines are stored by a plain publish; one that does not come back is stored with an ack, once",
  ignore,
  async fn() {
    await using nats = await startNatsServer();
    const a = await startNode(nats, "a");
    const b = await startNode(nats, "b");
    const clients: RawClient[] = [];
    try {
      const stream = a.hub.cluster!.node.stream;
      let acked = 0;
      const publish = stream.publish.bind(stream);
      stream.publish = (...args) => (acked++, publish(...args));
      const ann = await RawClient.join(a.addr.port, "ann");
      const bob = await RawClient.join(b.addr.port, "bob");
      clients.push(ann, bob);
      await ann.next((m) => m.type === "join" && m.nick === "bob");
      for (let i = 0; i < 5; i++) {
        const answer = await ann.next(answerTo(await ann.say(`plain ${i}`)));
        assert(answer.type === "ack", JSON.stringify(answer));
      }
      assertEqual(acked, 0, "no JetStream request while plain publishes come back");
      // Plain publishes lost on the way (as when a NATS server fails over): each
      // line is published again with JetStream's ack and the same id.
      const send = stream.send.bind(stream);
      stream.send = () => {};
      const refs = [await ann.say("lost 0"), await ann.say("lost 1")];
      for (const ref of refs) {
        const answer = await ann.next(answerTo(ref), 15_000);
        assert(answer.type === "ack", JSON.stringify(answer));
      }
      assertEqual(acked, 2, "each lost line stored with an acknowledged publish");
      stream.send = send;
      await until(() => lines(bob).length === 7, 5_000, "7 lines at bob");
      assertEqual(
        lines(bob).map((l) => l.text),
        ["plain 0", "plain 1", "plain 2", "plain 3", "plain 4", "lost 0", "lost 1"],
      );
      // Plain publishes work again: the next line is stored and delivered once.
      const again = await ann.next(answerTo(await ann.say("after")));
      assert(again.type === "ack", JSON.stringify(again));
      await until(() => lines(bob).length === 8, 5_000, "8 lines at bob");
    } finally {
      for (const client of clients) client.close();
      await stopAll(a, b);
    }
  },
});

Deno.test({
  name: "cluster: a nick registered on one node is refused to other keys on every node",
  ignore,
  async fn() {
    await using nats = await startNatsServer();
    const a = await startNode(nats, "a");
    const b = await startNode(nats, "b");
    try {
      const owner = await makeIdentity();
      const alice = await joinWithKey(a.addr.port, "alice", owner);
      const ref = await alice.command("register");
      const registered = await alice.next(answerTo(ref));
      assert(registered.type === "ack", JSON.stringify(registered));
      alice.close();
      await until(() => b.hub.nicks.find("alice") !== undefined, 5_000, "registration on b");
      await until(() => b.hub.cluster!.node.registry.owner("alice") === undefined, 5_000, "freed");
      const intruder = await RawClient.open(b.addr.port);
      await intruder.send({ type: "hello", version: PROTOCOL_VERSION, nick: "Alice" });
      const refused = await intruder.next(() => true);
      assert(
        refused.type === "error" && refused.code === "nick_registered",
        JSON.stringify(refused),
      );
      intruder.close();
      // The owner gets in on the other node, and unregistering frees it everywhere.
      const back = await joinWithKey(b.addr.port, "alice", owner);
      await back.next(answerTo(await back.command("unregister")));
      await until(() => a.hub.nicks.find("alice") === undefined, 5_000, "unregistered on a");
      back.close();
    } finally {
      await stopAll(a, b);
    }
  },
});

Deno.test({
  name:
    "cluster: resuming a nick whose node does not answer says try again, not nick_taken, until it is freed",
  ignore,
  async fn() {
    await using nats = await startNatsServer();
    // A node that holds "bob" and answers nothing, then dies.
    const holder = spawnLines(Deno.execPath(), [
      "run",
      "--allow-all",
      new URL("../../_helpers/cluster_node_process.ts", import.meta.url).pathname,
      nats.url,
      "silent",
      "300",
      "bob",
    ]);
    const a = await startNode(nats, "a", { name: "parley" });
    try {
      await holder.waitFor("claimed bob", 15_000);
      await until(() => a.hub.cluster!.node.registry.owner("bob") !== undefined, 5_000, "claim");
      const hello = async (resume?: string) => {
        const client = await RawClient.open(a.addr.port);
        await client.send(
          resume === undefined
            ? { type: "hello", version: PROTOCOL_VERSION, nick: "bob" }
            : { type: "hello", version: PROTOCOL_VERSION, nick: "bob", resume },
        );
        const answer = await client.next(() => true);
        client.close();
        return answer;
      };
      const plain = await hello();
      assert(plain.type === "error" && plain.code === "nick_taken", JSON.stringify(plain));
      const waiting = await hello("a-token-the-silent-node-never-answers-for");
      assert(waiting.type === "error" && waiting.code === "unavailable", JSON.stringify(waiting));
      await holder.stop("SIGKILL");
      let answer: ServerMessage = waiting;
      const deadline = Date.now() + 10_000;
      while (answer.type !== "welcome" && Date.now() < deadline) {
        assert(answer.type === "error" && answer.code === "unavailable", JSON.stringify(answer));
        await new Promise((resolve) => setTimeout(resolve, 200));
        answer = await hello("a-token-the-silent-node-never-answers-for");
      }
      assert(answer.type === "welcome" && answer.nick === "bob", JSON.stringify(answer));
    } finally {
      await holder.stop("SIGKILL");
      await a.close("test over");
    }
  },
});

Deno.test({
  name: "cluster: resuming on the same node keeps the nick claimed in the cluster",
  ignore,
  async fn() {
    await using nats = await startNatsServer();
    const a = await startNode(nats, "a");
    const b = await startNode(nats, "b");
    try {
      for (let round = 0; round < 5; round++) {
        const ann = await RawClient.join(a.addr.port, "ann");
        const welcome = ann.received[0];
        assert(welcome.type === "welcome" && welcome.resume !== undefined);
        const back = await RawClient.open(a.addr.port);
        await back.send({
          type: "hello",
          version: PROTOCOL_VERSION,
          nick: "ann",
          resume: welcome.resume,
        });
        const resumed = await back.next(() => true);
        assert(resumed.type === "welcome", JSON.stringify(resumed));
        await new Promise((resolve) => setTimeout(resolve, 300));
        assertEqual((await a.hub.cluster!.node.registry.lookup("ann"))?.node, "a");
        // So nobody on another node can take it.
        const thief = await RawClient.open(b.addr.port);
        await thief.send({ type: "hello", version: PROTOCOL_VERSION, nick: "ann" });
        const refused = await thief.next(() => true);
        assert(refused.type === "error" && refused.code === "nick_taken", JSON.stringify(refused));
        thief.close();
        ann.close();
        back.close();
        await until(() => a.hub.size === 0, 5_000, "both gone");
        await until(() => b.hub.cluster!.node.registry.owner("ann") === undefined, 5_000, "freed");
      }
    } finally {
      await stopAll(a, b);
    }
  },
});
