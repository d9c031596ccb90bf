import { assertEqual } from "../../_helpers/assert.ts";
import { Database } from "../../../server/storage/database.ts";
import { NickRegistry } from "../../../server/storage/nick_registry.ts";
import { RoomAccessStore } from "../../../server/storage/room_access_store.ts";

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

Deno.test("RoomAccessStore: invite-only rooms and invitations by party; -i forgets invitations", () => {
  const db = new Database(":memory:");
  const access = new RoomAccessStore(db);
  access.setInviteOnly("#Vault", true, "alice", 1);
  access.invite("#vault", "SHA256:b", 1);
  access.invite("#vault", "guest:g", 1);
  assertEqual(access.isInviteOnly("#VAULT"), true);
  assertEqual(access.privateRooms(), ["#Vault"]);
  assertEqual(access.isInvited("#vault", "SHA256:b"), true);
  access.forgetParty("guest:g");
  assertEqual(access.isInvited("#vault", "guest:g"), false);
  access.setInviteOnly("#vault", false, "alice", 2);
  assertEqual([access.isInviteOnly("#vault"), access.isInvited("#vault", "SHA256:b")], [
    false,
    false,
  ]);
  db.close();
});
