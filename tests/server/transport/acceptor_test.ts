import { assert, assertEqual } from "../../_helpers/assert.ts";
import { AddressLimiter } from "../../../server/guards/address_limiter.ts";
import {
  type AcceptedPeer,
  Acceptor,
  type AcceptorOptions,
  type Ticket,
} from "../../../server/transport/acceptor.ts";

/** A connection that records how it was closed; `stubborn` ones ignore a graceful close. */
class FakePeer implements AcceptedPeer {
  inHandshake = false;
  openedAt: number;
  lastSeen: number;
  pinged = false;
  ran = false;
  closedWith: string | undefined;
  abortedWith: string | undefined;
  readonly #closed = Promise.withResolvers<void>();
  readonly stubborn: boolean;
  constructor(now: number, stubborn = false) {
    this.openedAt = this.lastSeen = now;
    this.stubborn = stubborn;
  }
  get closed(): Promise<void> {
    return this.#closed.promise;
  }
  run(): Promise<void> {
    this.ran = true;
    return this.#closed.promise;
  }
  send(_frame: Uint8Array): boolean {
    return true;
  }
  close(reason: string): void {
    this.closedWith ??= reason;
    if (!this.stubborn) this.#closed.resolve();
  }
  abort(reason: string): void {
    this.abortedWith ??= reason;
    this.#closed.resolve();
  }
}

function acceptor(options: Partial<AcceptorOptions> = {}): Acceptor<FakePeer> {
  return new Acceptor<FakePeer>({
    maxClients: () => 1,
    maxPending: 1,
    addressLimiter: new AddressLimiter(10),
    handshakeTimeoutMs: 10_000,
    heartbeatMs: 60_000,
    now: () => 1000,
    closeGraceMs: 50,
    ...options,
  });
}

function ticket(admission: Ticket | string): Ticket {
  if (typeof admission === "string") throw new Error(`refused: ${admission}`);
  return admission;
}

Deno.test("Acceptor caps open and admitted connections at maxClients + maxPending", async () => {
  const gate = acceptor({ maxClients: () => 1, maxPending: 1 });
  const a = new FakePeer(1000);
  gate.add(a, ticket(gate.admit("10.0.0.1:1")));
  assert(a.ran, "an added connection is run");
  // Admitted but not added yet still holds a place.
  const held = ticket(gate.admit("10.0.0.2:1"));
  assertEqual(gate.admit("10.0.0.3:1"), "full");
  gate.release(held);
  const b = new FakePeer(1000);
  gate.add(b, ticket(gate.admit("10.0.0.3:1")));
  assertEqual(gate.connections.size, 2);
  assertEqual(gate.admit("10.0.0.4:1"), "full");
  a.close("bye");
  await a.closed;
  await Promise.resolve();
  assertEqual(gate.connections.size, 1, "a closed connection leaves the set");
  assert(typeof gate.admit("10.0.0.4:1") !== "string", "and frees its place");
  await gate.closeAll("test over");
});

Deno.test("Acceptor caps connections per address and frees the place when one closes", async () => {
  const gate = acceptor({ maxClients: () => 100, addressLimiter: new AddressLimiter(2) });
  const peers = [new FakePeer(1000), new FakePeer(1000)];
  gate.add(peers[0], ticket(gate.admit("10.0.0.1:1")));
  gate.add(peers[1], ticket(gate.admit("10.0.0.1:2")));
  assertEqual(gate.admit("10.0.0.1:3"), "address");
  assertEqual(gate.maxPerAddress, 2);
  const other = ticket(gate.admit("10.0.0.2:1"));
  gate.release(other);
  peers[0].abort("gone");
  await peers[0].closed;
  await Promise.resolve();
  assert(typeof gate.admit("10.0.0.1:3") !== "string", "the address has a free place again");
  await gate.closeAll("test over");
});

Deno.test("Acceptor's sweep drops a silent peer and keeps a talking one", async () => {
  let now = 10_000;
  const gate = acceptor({ maxClients: () => 10, heartbeatMs: 20, now: () => now });
  const silent = new FakePeer(now);
  const talking = new FakePeer(now);
  gate.add(silent, ticket(gate.admit("10.0.0.1:1")));
  gate.add(talking, ticket(gate.admit("10.0.0.2:1")));
  // Sweep period: min(1000, 10000 / 2, 20 / 2) = 10 ms; a loaded machine may run it late.
  for (let i = 0; i < 100 && silent.abortedWith === undefined; i++) {
    now += 10;
    talking.lastSeen = now;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  assert(silent.abortedWith?.startsWith("heartbeat timeout"), `${silent.abortedWith}`);
  assertEqual(talking.abortedWith, undefined);
  await Promise.resolve();
  assertEqual([...gate.connections], [talking]);
  await gate.closeAll("test over");
});

Deno.test("Acceptor.closeAll closes everything, aborts what does not close, and is idempotent", async () => {
  const gate = acceptor({ maxClients: () => 10, closeGraceMs: 50 });
  const polite = new FakePeer(1000);
  const stubborn = new FakePeer(1000, true);
  gate.add(polite, ticket(gate.admit("10.0.0.1:1")));
  gate.add(stubborn, ticket(gate.admit("10.0.0.2:1")));
  const first = gate.closeAll("server shutdown: bye");
  assertEqual(gate.accepting, false);
  assertEqual(gate.admit("10.0.0.3:1"), "closing");
  assert(gate.closeAll("again") === first, "a second call returns the first call's promise");
  await first;
  assertEqual(polite.closedWith, "server shutdown: bye");
  assertEqual(polite.abortedWith, undefined);
  assertEqual(stubborn.closedWith, "server shutdown: bye");
  assertEqual(stubborn.abortedWith, "server shutdown: bye", "aborted after the grace period");
  await Promise.resolve();
  assertEqual(gate.connections.size, 0);
  await gate.closeAll("again");
});
