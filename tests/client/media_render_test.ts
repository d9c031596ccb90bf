import { ChatState } from "../../client/core/chat_state.ts";
import { makeColors, renderMessage } from "../../client/render.ts";
import { mediaFileName, saveMedia } from "../../client/save_media.ts";
import { parseClientMessage, parseServerMessage } from "../../protocol/messages.ts";
import { assertEqual, assertMatch } from "../_helpers/assert.ts";

const ctx = { colors: makeColors(false), me: "bob", activeRoom: "#lobby", clock: () => "12:00" };

Deno.test("renderMessage shows a media message as a line with its /save id", () => {
  assertEqual(
    renderMessage({
      type: "media",
      id: 42,
      token: "a".repeat(32),
      ts: 0,
      room: "#lobby",
      from: "alice",
      kind: "voice",
      mime: "audio/webm",
      durationMs: 7600,
      bytes: 1000,
    }, ctx),
    "[12:00] [voice 8s from alice — /save 42]",
  );
});

Deno.test("ChatState turns /save ID FILE into fetch_media by the recording's token and remembers the file", () => {
  const state = new ChatState("bob");
  assertEqual(state.outgoing("/save 42 out.webm", 4).kind, "local", "no recording 42 seen yet");
  const token = "0123456789abcdef0123456789abcdef";
  state.incoming({
    type: "media",
    id: 42,
    token,
    ts: 0,
    room: "#lobby",
    from: "alice",
    kind: "voice",
    mime: "audio/webm",
    durationMs: 1000,
    bytes: 10,
  });
  assertEqual(state.outgoing("/save 42 out.webm", 5), {
    kind: "send",
    message: { type: "fetch_media", ref: 5, token },
  });
  assertEqual(state.unacknowledged, 1);
  assertEqual(state.outgoing("/save x", 6).kind, "local");
  state.incoming({
    type: "media_data",
    ref: 5,
    id: 42,
    token,
    kind: "voice",
    mime: "audio/webm",
    durationMs: 1,
    data: "",
  });
  assertEqual(state.unacknowledged, 0);
  assertEqual(state.takeSaveTarget(5), "out.webm");
});

Deno.test("saveMedia writes the bytes under the default name", async () => {
  const dir = await Deno.makeTempDir();
  const media = {
    type: "media_data" as const,
    ref: 1,
    id: 7,
    token: "7".repeat(32),
    kind: "video" as const,
    mime: "video/webm;codecs=vp8,opus",
    durationMs: 1000,
    data: new Uint8Array([0x1a, 0x45, 0xdf, 0xa3]).toBase64(),
  };
  assertEqual(mediaFileName(media), "parley-video-7.webm");
  assertMatch(saveMedia(media, `${dir}/x.webm`), /saved video 7 to .*x\.webm \(4 bytes\)/);
  assertEqual([...await Deno.readFile(`${dir}/x.webm`)], [0x1a, 0x45, 0xdf, 0xa3]);
  assertMatch(saveMedia(media, `${dir}/no/such/dir/x.webm`), /^!!! Cannot save to/);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("media message parsers validate kind and fields", () => {
  const enc = (o: unknown) => new TextEncoder().encode(JSON.stringify(o));
  const good = {
    type: "media",
    ref: 1,
    kind: "voice",
    mime: "audio/webm",
    durationMs: 5,
    data: "",
  };
  assertEqual(parseClientMessage(enc(good)), good);
  let thrown = "";
  try {
    parseClientMessage(enc({ ...good, kind: "gif" }));
  } catch (error) {
    thrown = (error as Error).message;
  }
  assertEqual(thrown, 'Cannot decode "media" message: field "kind" must be "voice" or "video"');
  const notice = {
    type: "media",
    id: 1,
    token: "1".repeat(32),
    ts: 2,
    room: "#a",
    from: "x",
    kind: "video",
    mime: "video/webm",
    durationMs: 3,
    bytes: 4,
  };
  assertEqual(parseServerMessage(enc(notice)), notice);
});
