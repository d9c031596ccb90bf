import { assert, assertEqual, assertMatch } from "../_helpers/assert.ts";
import { setupLogging } from "../../cli/logging.ts";
import { getLogger } from "../../server/log.ts";
import { LOG_VALUE_CHARS } from "../../server/log_text.ts";

Deno.test("setupLogging appends one timestamped line per parley event, without control characters", async () => {
  const dir = await Deno.makeTempDir({ prefix: "parley-test-" });
  try {
    const path = `${dir}/chat.log`;
    await Deno.writeTextFile(path, "earlier line\n");
    const close = await setupLogging({ logFile: path });
    try {
      getLogger(["parley", "test"]).info("joined {nick}", { nick: "eve\x1b[2J" });
      getLogger(["parley", "test"]).debug("below the level");
    } finally {
      await close();
    }
    const lines = (await Deno.readTextFile(path)).split("\n");
    assertMatch(lines[0], /^earlier line$/);
    assertMatch(
      lines[1],
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z \[INFO\] parley\.test: joined .*eve/,
    );
    assert(!lines[1].includes("\x1b"), JSON.stringify(lines[1]));
    assert(lines.length === 3 && lines[2] === "", JSON.stringify(lines));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("setupLogging fails at once for a log file it cannot open", async () => {
  let failed = false;
  try {
    await setupLogging({ logFile: "/nonexistent-dir/chat.log" });
  } catch (error) {
    failed = error instanceof Deno.errors.NotFound;
  }
  assert(failed);
});

Deno.test("setupLogging creates the log readable by its owner only (0600)", async () => {
  const dir = await Deno.makeTempDir({ prefix: "parley-test-" });
  try {
    const close = await setupLogging({ logFile: `${dir}/chat.log` });
    await close();
    assertEqual((Deno.statSync(`${dir}/chat.log`).mode! & 0o777).toString(8), "600");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("setupLogging rotates chat.log by size and keeps only the newest files", async () => {
  const dir = await Deno.makeTempDir({ prefix: "parley-test-" });
  try {
    const close = await setupLogging({ logFile: `${dir}/chat.log`, maxBytes: 4096, keep: 2 });
    const log = getLogger(["parley", "test"]);
    try {
      for (let i = 0; i < 400; i++) {
        log.info("line {i} {pad}", { i, pad: "x".repeat(80) });
        if (i % 50 === 0) await new Promise((r) => setTimeout(r, 20));
      }
    } finally {
      await close();
    }
    const names = [...Deno.readDirSync(dir)].map((e) => e.name).sort();
    assertEqual(names, ["chat.log", "chat.log.1", "chat.log.2"]);
    let total = 0;
    for (const name of names) {
      const { size, mode } = Deno.statSync(`${dir}/${name}`);
      assertEqual((mode! & 0o777).toString(8), "600", `${name} is private after rotation`);
      total += size;
      // Records that waited for a sync are written as one block, which may pass the limit.
      assert(size <= 4096 * 4, `${name}: ${size}`);
    }
    assert(total < 400 * 120, "old lines were dropped");
    assertMatch(await Deno.readTextFile(`${dir}/chat.log`), /line 399 /);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("setupLogging cuts any one value to LOG_VALUE_CHARS characters", async () => {
  const dir = await Deno.makeTempDir({ prefix: "parley-test-" });
  try {
    const close = await setupLogging({ logFile: `${dir}/chat.log` });
    try {
      getLogger(["parley", "test"]).info("got {value}", { value: "y".repeat(3_000_000) });
    } finally {
      await close();
    }
    const text = await Deno.readTextFile(`${dir}/chat.log`);
    assert(text.length < LOG_VALUE_CHARS + 200, `${text.length} characters`);
    assertMatch(text, /y…\(3000000 bytes\)/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("setupLogging writes events about one address in a burst, then a trickle", async () => {
  const dir = await Deno.makeTempDir({ prefix: "parley-test-" });
  try {
    const close = await setupLogging({
      logFile: `${dir}/chat.log`,
      perAddressBurst: 10,
      perAddressPerMinute: 60,
    });
    const log = getLogger(["parley", "test"]);
    try {
      for (let i = 0; i < 100; i++) {
        log.info("connect from {address}", { address: `203.0.113.5:${1000 + i}` });
        log.info("connect from {address}", { address: `[2001:db8::${i}]:1` }); // one /64
      }
      log.info("another address {address}", { address: "198.51.100.1:1" });
      for (let i = 0; i < 20; i++) log.info("not about an address {i}", { i });
    } finally {
      await close();
    }
    const lines = (await Deno.readTextFile(`${dir}/chat.log`)).split("\n").filter(Boolean);
    assertEqual(lines.filter((l) => l.includes("connect from 203.0.113.5")).length, 10);
    assertEqual(lines.filter((l) => l.includes("2001:db8")).length, 10);
    assertEqual(lines.filter((l) => l.includes("198.51.100.1")).length, 1);
    assertEqual(lines.filter((l) => l.includes("not about an address")).length, 20);
    // Once the address may write again, a line says how many events were left out.
    const later = await setupLogging({
      logFile: `${dir}/later.log`,
      perAddressBurst: 1,
      perAddressPerMinute: 60,
    });
    try {
      const connect = () => log.info("connect from {address}", { address: "203.0.113.9:1" });
      for (let i = 0; i < 5; i++) connect();
      // One event a second refills: wait for one.
      await new Promise((r) => setTimeout(r, 1100));
      connect();
    } finally {
      await later();
    }
    const text = await Deno.readTextFile(`${dir}/later.log`);
    assertMatch(text, /4 events about 203\.0\.113\.9 were not written/);
    assertEqual(text.split("\n").filter((l) => l.includes("connect from")).length, 2);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
