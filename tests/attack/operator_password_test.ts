/**
 * The operator password meets the same guard as the server password: each
 * wrong guess is answered late, guesses at both passwords count towards one
 * lockout of the address, and a right password by someone else from the same
 * address (everyone behind a tunnel) clears nothing.
 */

import { assert, assertEqual } from "../_helpers/assert.ts";
import { RawClient } from "../_helpers/raw_client.ts";
import type { ServerMessage } from "../../protocol/messages.ts";
import { startServer } from "../../server/server.ts";

async function opAnswer(client: RawClient, password: string): Promise<[ServerMessage, number]> {
  const started = Date.now();
  const ref = await client.command("op", password);
  const answer = await client.next((m) =>
    (m.type === "error" && m.ref === ref) || (m.type === "ack" && m.ref === ref)
  );
  return [answer, Date.now() - started];
}

async function serverPasswordAnswer(port: number, password: string): Promise<ServerMessage> {
  await using client = await RawClient.open(port);
  await client.send({
    type: "hello",
    version: 2,
    nick: `g${crypto.randomUUID().slice(0, 8)}`,
    password,
  });
  return await client.next(() => true, 15_000);
}

Deno.test("operator password: a wrong guess is answered late; reconnecting gives no fresh tries", async () => {
  const server = await startServer({
    hostname: "127.0.0.1",
    port: 0,
    adminPassword: "op secret",
    authDelayMs: 250,
    authMaxFailures: 3,
    authLockoutMs: 60_000,
  });
  try {
    const port = server.addr.port;
    const codes: string[] = [];
    for (let i = 0; i < 5; i++) {
      // A new connection for every guess, as the old attack did.
      const guesser = await RawClient.join(port, `guesser${i}`);
      const [answer, ms] = await opAnswer(guesser, `guess ${i}`);
      assert(answer.type === "error", JSON.stringify(answer));
      codes.push(answer.code);
      if (answer.code === "auth_failed") assert(ms >= 200, `guess ${i} answered after ${ms} ms`);
      guesser.close();
      await guesser.waitClosed();
    }
    assertEqual(codes, ["auth_failed", "auth_failed", "auth_failed", "locked_out", "locked_out"]);
    // Even the right password is refused from the locked-out address.
    const admin = await RawClient.join(port, "admin");
    const [locked] = await opAnswer(admin, "op secret");
    assert(locked.type === "error" && locked.code === "locked_out", JSON.stringify(locked));
    admin.close();
    await admin.waitClosed();
  } finally {
    await server.close("test over");
    await server.finished;
  }
});

Deno.test("secrets: a parallel burst on both passwords meets one lockout, and a success does not reset it", async () => {
  const server = await startServer({
    hostname: "127.0.0.1",
    port: 0,
    password: "server secret",
    adminPassword: "op secret",
    authDelayMs: 200,
    authMaxFailures: 4,
    authLockoutMs: 60_000,
  });
  try {
    const port = server.addr.port;
    // The legitimate operator logs in first, from the same address.
    const admin = await RawClient.join(port, "admin", "server secret");
    const guessers: RawClient[] = [];
    for (let i = 0; i < 6; i++) {
      guessers.push(await RawClient.join(port, `op${i}`, "server secret"));
    }
    // Two wrong operator guesses, then the right one by someone else: nothing is reset.
    assertEqual((await opAnswer(guessers[0], "nope 0"))[0].type, "error");
    assertEqual((await opAnswer(guessers[1], "nope 1"))[0].type, "error");
    const [granted] = await opAnswer(admin, "op secret");
    assertEqual(granted.type, "ack");
    // Now a burst, in parallel, at both passwords.
    const answers = await Promise.all([
      ...guessers.slice(2).map(async (g, i) => (await opAnswer(g, `burst ${i}`))[0]),
      ...Array.from({ length: 6 }, (_, i) => serverPasswordAnswer(port, `wrong ${i}`)),
    ]);
    const codes = answers.map((a) => a.type === "error" ? a.code : a.type);
    const failed = codes.filter((c) => c === "auth_failed").length;
    // Total failures across kinds stop at the guard's total (2 x 4 = 8), counting the
    // two before the success: at most 6 more could be checked at all.
    assert(failed <= 6, `too many guesses were checked: ${codes.join(",")}`);
    assert(codes.every((c) => c === "auth_failed" || c === "locked_out"), codes.join(","));
    // The address is now locked out of both secrets.
    const after = await serverPasswordAnswer(port, "server secret");
    assert(after.type === "error" && after.code === "locked_out", JSON.stringify(after));
    for (const client of [admin, ...guessers]) {
      client.close();
      await client.waitClosed();
    }
  } finally {
    await server.close("test over");
    await server.finished;
  }
});
