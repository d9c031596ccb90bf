import { assertEqual } from "../../_helpers/assert.ts";
import { Database } from "../../../server/storage/database.ts";
import { NickRegistry } from "../../../server/storage/nick_registry.ts";

Deno.test("NickRegistry: first come keeps the skeleton; only the owner unregisters; it survives reopening", async () => {
  const dir = await Deno.makeTempDir({ prefix: "parley-nicks-" });
  try {
    {
      const db = new Database(`${dir}/n.db`);
      const nicks = new NickRegistry(db);
      assertEqual(nicks.register("alice", "Alice", "SHA256:a", 1).identity, "SHA256:a");
      assertEqual(nicks.register("alice", "alice", "SHA256:b", 2).identity, "SHA256:a");
      assertEqual(nicks.unregister("alice", "SHA256:b"), false);
      assertEqual(nicks.countOf("SHA256:a"), 1);
      db.close();
    }
    const db = new Database(`${dir}/n.db`);
    const nicks = new NickRegistry(db);
    assertEqual(nicks.find("alice"), { nick: "Alice", identity: "SHA256:a", ts: 1 });
    assertEqual(nicks.unregister("alice", "SHA256:a"), true);
    assertEqual(nicks.find("alice"), undefined);
    db.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
