import { assertEqual } from "../../_helpers/assert.ts";
import { Database } from "../../../server/storage/database.ts";
import { RoomAccessStore } from "../../../server/storage/room_access_store.ts";

Deno.test("RoomAccessStore: invite-only rooms and invitations by party; -i forgets invitations", () => {
  const db = new Database(":memory:");
  const access = new RoomAccessStore(db);
  access.setInviteOnly("#Vault", true, { owner: "SHA256:a", by: "alice", ts: 1 });
  access.invite("#vault", "SHA256:b", 1);
  access.invite("#vault", "guest:g", 1);
  assertEqual(access.isInviteOnly("#VAULT"), true);
  assertEqual(access.privateRooms(), [{ room: "#Vault", owner: "SHA256:a" }]);
  assertEqual(access.isInvited("#vault", "SHA256:b"), true);
  access.forgetParty("guest:g");
  assertEqual(access.isInvited("#vault", "guest:g"), false);
  access.setInviteOnly("#vault", false, { owner: "SHA256:a", by: "alice", ts: 2 });
  assertEqual([access.isInviteOnly("#vault"), access.isInvited("#vault", "SHA256:b")], [
    false,
    false,
  ]);
  db.close();
});
