import { assert, assertEqual } from "../../_helpers/assert.ts";
import { admitFake } from "../../_helpers/fake_peer.ts";
import { Hub } from "../../../server/chat/hub.ts";
import {
  durationToleranceMs,
  hasContainerMagic,
  mediaFrameBytes,
} from "../../../server/media/media_handler.ts";
import { HistoryStore } from "../../../server/storage/history_store.ts";

const FIXTURES = new URL("../../fixtures/media/", import.meta.url);
/** Ogg Opus, 2000 ms, 926 bytes. */
const VOICE = await Deno.readFile(new URL("opus_2s.ogg", FIXTURES));

function upload(ref: number, data: Uint8Array, durationMs = 2000) {
  return {
    type: "media" as const,
    ref,
    room: "#lobby",
    kind: "voice" as const,
    mime: "audio/ogg;codecs=opus",
    durationMs,
    data: data.toBase64(),
  };
}

Deno.test("media handler stores a recording, announces it without bytes and serves fetch_media", () => {
  const hub = new Hub();
  const amy = admitFake(hub, "amy");
  const bob = admitFake(hub, "bob");
  hub.receive(amy.session, upload(1, VOICE));
  const ack = amy.peer.of("ack").at(-1);
  assert(ack !== undefined && ack.ref === 1, JSON.stringify(amy.peer.messages));
  const notice = bob.peer.of("media").at(-1);
  assert(notice !== undefined);
  assertEqual([notice.id, notice.from, notice.kind, notice.durationMs, notice.bytes], [
    ack.id,
    "amy",
    "voice",
    2000,
    VOICE.length,
  ]);
  assert(!("data" in notice), "the notice carries no bytes");
  assert(/^[0-9a-f]{32}$/.test(notice.token), notice.token);
  assertEqual(hub.media.get(notice.token)?.data, VOICE);
  hub.receive(bob.session, { type: "fetch_media", ref: 9, token: notice.token });
  const fetched = bob.peer.of("media_data").at(-1);
  assert(fetched !== undefined && fetched.ref === 9 && fetched.token === notice.token);
  assertEqual(Uint8Array.fromBase64(fetched.data), VOICE);
});

Deno.test("media handler serves fetch_media only to members of the recording's room", () => {
  const hub = new Hub();
  const amy = admitFake(hub, "amy");
  const bob = admitFake(hub, "bob");
  const eve = admitFake(hub, "eve");
  hub.receive(amy.session, { type: "command", ref: 1, name: "join", args: "#secret" });
  hub.receive(bob.session, { type: "command", ref: 1, name: "join", args: "#secret" });
  hub.receive(amy.session, { ...upload(2, VOICE), room: "#secret" });
  const notice = bob.peer.of("media").at(-1)!;
  hub.receive(eve.session, { type: "fetch_media", ref: 3, token: notice.token });
  assertEqual(eve.peer.of("error").at(-1)?.code, "no_such_media");
  assertEqual(eve.peer.of("media_data").length, 0);
  // Leaving the room ends access too.
  hub.receive(bob.session, { type: "command", ref: 4, name: "part", args: "#secret" });
  hub.receive(bob.session, { type: "fetch_media", ref: 5, token: notice.token });
  assertEqual(bob.peer.of("error").at(-1)?.code, "no_such_media");
});

Deno.test("media handler refuses a recording over maxMediaBytes with media_too_large and stores nothing", () => {
  const hub = new Hub({ maxMediaBytes: VOICE.length - 1 });
  const amy = admitFake(hub, "amy");
  const bob = admitFake(hub, "bob");
  hub.receive(amy.session, upload(2, VOICE));
  const error = amy.peer.of("error").at(-1);
  assertEqual([error?.code, error?.ref], ["media_too_large", 2]);
  assertEqual(hub.media.size, 0);
  assertEqual(bob.peer.of("media").length, 0, "nothing announced");
});

Deno.test("media handler refuses bytes that are not the claimed container, and a false duration", () => {
  const hub = new Hub();
  const amy = admitFake(hub, "amy");
  hub.receive(amy.session, upload(3, new Uint8Array(64)));
  assertEqual(amy.peer.of("error").at(-1)?.code, "media_invalid");
  hub.receive(amy.session, upload(4, VOICE, 9000));
  const error = amy.peer.of("error").at(-1);
  assertEqual(error?.code, "media_invalid");
  assert(error?.message.includes("2000 ms"), error?.message);
  assertEqual(hub.media.size, 0);
});

Deno.test("media handler answers fetch_media for an unknown token with no_such_media", () => {
  const hub = new Hub();
  const amy = admitFake(hub, "amy");
  hub.receive(amy.session, { type: "fetch_media", ref: 5, token: "0".repeat(32) });
  assertEqual(amy.peer.of("error").at(-1)?.code, "no_such_media");
});

Deno.test("media handler with a file store keeps the recording in the archive on the history connection", async () => {
  const dir = await Deno.makeTempDir({ prefix: "parley-media-" });
  try {
    const store = new HistoryStore(`${dir}/h.db`);
    let token = "";
    try {
      const hub = new Hub({ history: store, mediaArchive: store.mediaArchive });
      const amy = admitFake(hub, "amy");
      const bob = admitFake(hub, "bob");
      hub.receive(amy.session, upload(1, VOICE));
      token = bob.peer.of("media").at(-1)!.token;
      assertEqual(store.mediaArchive.get(token)?.data, VOICE, "durable before the ack");
    } finally {
      store.close();
    }
    const reopened = new HistoryStore(`${dir}/h.db`);
    try {
      const hub = new Hub({ history: reopened, mediaArchive: reopened.mediaArchive });
      const bob = admitFake(hub, "bob");
      hub.receive(bob.session, { type: "fetch_media", ref: 2, token });
      assertEqual(Uint8Array.fromBase64(bob.peer.of("media_data").at(-1)!.data), VOICE);
    } finally {
      reopened.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("hasContainerMagic, durationToleranceMs and mediaFrameBytes", () => {
  assert(hasContainerMagic(VOICE, "ogg"));
  assert(!hasContainerMagic(VOICE, "webm"));
  assert(hasContainerMagic(Uint8Array.from([0, 0, 0, 0, 0x66, 0x74, 0x79, 0x70]), "mp4"));
  assert(!hasContainerMagic(new Uint8Array(2), "mkv"));
  assertEqual(durationToleranceMs(2000), 1000);
  assertEqual(durationToleranceMs(10_000), 2000);
  assertEqual(mediaFrameBytes(3), 4 + 2048);
});
