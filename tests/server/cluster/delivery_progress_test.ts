/**
 * The cross-node publish window (`server/cluster/delivery_progress.ts`), on a
 * loopback stand-in for the NATS connection that delivers every publish to
 * every subscriber of the subject, as core NATS does.
 */

import { DeliveryProgress } from "../../../server/cluster/delivery_progress.ts";
import type { NatsLink } from "../../../server/cluster/nats_link.ts";
import { assert, assertEqual } from "../../_helpers/assert.ts";

type Callback = (error: Error | null, message: { data: Uint8Array }) => void;

/** A bus shared by fake links: publish calls every subscriber of the subject at once. */
function fakeBus() {
  const subscribers = new Map<string, Set<Callback>>();
  const link = (nodeId: string) =>
    ({
      name: "t",
      nodeId,
      state: "connected",
      connection: {
        subscribe(subject: string, options: { callback: Callback }) {
          const set = subscribers.get(subject) ?? new Set();
          subscribers.set(subject, set);
          set.add(options.callback);
          return { unsubscribe: () => set.delete(options.callback) };
        },
        publish(subject: string, data: Uint8Array) {
          for (const callback of subscribers.get(subject) ?? []) callback(null, { data });
        },
      },
    }) as unknown as NatsLink;
  return { link };
}

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

Deno.test("DeliveryProgress: a publish waits while another node is a window behind, then goes", async () => {
  const bus = fakeBus();
  const fast = new DeliveryProgress(bus.link("fast"), { window: 10, intervalMs: 5, waitMs: 2_000 });
  const slow = new DeliveryProgress(bus.link("slow"), { window: 10, intervalMs: 5, waitMs: 2_000 });
  const stops = [fast.listen(), slow.listen()];
  try {
    slow.delivered(0);
    fast.published(9);
    fast.delivered(9);
    await tick(20);
    assertEqual(fast.lag(), 9, "slow is 9 behind");
    let admitted = false;
    await fast.admit(); // 9 < 10: open
    fast.published(10);
    fast.delivered(10);
    const waiting = fast.admit().then(() => admitted = true);
    await tick(30);
    assert(!admitted, "the 11th publish waits for the slow node");
    slow.delivered(5);
    await tick(30);
    assert(admitted, "the slow node's report reopened the window");
    await waiting;
  } finally {
    for (const stop of stops) stop();
  }
});

Deno.test("DeliveryProgress: a silent node stops holding publishes; a waiting publish gives up after waitMs", async () => {
  const bus = fakeBus();
  const fast = new DeliveryProgress(bus.link("fast"), {
    window: 2,
    intervalMs: 5,
    staleMs: 150,
    waitMs: 60,
  });
  const silent = new DeliveryProgress(bus.link("silent"), { window: 2, intervalMs: 5 });
  const stopSilent = silent.listen();
  const stopFast = fast.listen();
  try {
    silent.delivered(0);
    await tick(20);
    stopSilent(); // it says nothing from now on
    fast.published(5);
    fast.delivered(5);
    const started = Date.now();
    await fast.admit();
    const waited = Date.now() - started;
    assert(waited >= 50, `waited ${waited} ms for the slow node before going ahead`);
    await tick(200);
    assertEqual(fast.lag(), 0, "a node silent for staleMs is left out");
    const again = Date.now();
    await fast.admit();
    assert(Date.now() - again < 50, "no wait once the silent node is left out");
  } finally {
    stopFast();
  }
});

Deno.test("DeliveryProgress: with no per-room limit (window Infinity) nothing waits", async () => {
  const bus = fakeBus();
  const a = new DeliveryProgress(bus.link("a"), { window: Infinity });
  const b = new DeliveryProgress(bus.link("b"), { window: Infinity });
  const stops = [a.listen(), b.listen()];
  try {
    b.delivered(0);
    a.published(1_000_000);
    await a.admit();
  } finally {
    for (const stop of stops) stop();
  }
});
