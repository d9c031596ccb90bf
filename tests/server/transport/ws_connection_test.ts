import {
  encodeMessage,
  parseServerMessage,
  type ServerMessage,
} from "../../../protocol/messages.ts";
import { startServer } from "../../../server/server.ts";
import { originAllowed } from "../../../server/transport/web_server.ts";
import { assert, assertEqual } from "../../_helpers/assert.ts";
import { RawClient } from "../../_helpers/raw_client.ts";

/** A WebSocket test client that collects parsed server messages. */
class WsClient {
  readonly received: ServerMessage[] = [];
  readonly socket: WebSocket;
  readonly opened: Promise<void>;
  readonly closedEvent: Promise<CloseEvent>;
  constructor(url: string, headers?: Record<string, string>) {
    // Deno's WebSocket takes extra handshake headers (for Origin).
    this.socket = new (WebSocket as unknown as new (u: string, o: unknown) => WebSocket)(
      url,
      headers ? { headers } : undefined,
    );
    this.opened = new Promise((resolve, reject) => {
      this.socket.onopen = () => resolve();
      this.socket.onerror = () => reject(new Error("websocket failed"));
    });
    this.closedEvent = new Promise((resolve) => this.socket.addEventListener("close", resolve));
    this.socket.onmessage = (e) => {
      const m = parseServerMessage(new TextEncoder().encode(e.data as string));
      if (m) this.received.push(m);
    };
  }
  send(message: unknown): void {
    this.socket.send(typeof message === "string" ? message : JSON.stringify(message));
  }
  async next(match: (m: ServerMessage) => boolean, timeoutMs = 10_000): Promise<ServerMessage> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const found = this.received.find(match);
      if (found) return found;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error(`timed out; received ${JSON.stringify(this.received).slice(0, 2000)}`);
  }
  async close(): Promise<void> {
    this.socket.close();
    await this.closedEvent;
  }
}

async function withServer(
  fn: (tcpPort: number, wsUrl: string, httpUrl: string) => Promise<void>,
  options: { allowedOrigins?: string[]; maxMediaBytes?: number } = {},
): Promise<void> {
  const server = await startServer({
    hostname: "127.0.0.1",
    port: 0,
    maxMediaBytes: options.maxMediaBytes,
    web: { port: 0, allowedOrigins: options.allowedOrigins },
  });
  try {
    const port = server.web!.addr.port;
    await fn(server.addr.port, `ws://127.0.0.1:${port}/ws`, `http://127.0.0.1:${port}`);
  } finally {
    await server.close();
    await server.finished;
  }
}

const hello = (nick: string) => ({ type: "hello", version: 1, nick });
const webm = (size: number) => {
  const bytes = new Uint8Array(size);
  bytes.set([0x1a, 0x45, 0xdf, 0xa3]);
  return bytes;
};

Deno.test("WsConnection puts a WebSocket user and a TCP user in the same room", async () => {
  await withServer(async (tcpPort, wsUrl) => {
    const ws = new WsClient(wsUrl);
    await ws.opened;
    ws.send(hello("webby"));
    await ws.next((m) => m.type === "welcome");
    await using tcp = await RawClient.join(tcpPort, "tess");
    await ws.next((m) => m.type === "join" && m.nick === "tess");
    ws.send({ type: "msg", ref: 1, room: "#lobby", text: "from the browser" });
    await ws.next((m) => m.type === "ack" && m.ref === 1);
    await tcp.next((m) => m.type === "msg" && m.from === "webby" && m.text === "from the browser");
    await tcp.say("from the terminal");
    await ws.next((m) => m.type === "msg" && m.from === "tess");
    // The nick is shared across transports.
    const dup = new WsClient(wsUrl);
    await dup.opened;
    dup.send(hello("TESS"));
    const refused = await dup.next((m) => m.type === "error");
    assertEqual(refused.type === "error" && refused.code, "nick_taken");
    await dup.closedEvent;
    await ws.close();
    await tcp.next((m) => m.type === "leave" && m.nick === "webby");
  });
});

Deno.test("WsConnection requires hello first and refuses binary and oversized messages", async () => {
  await withServer(async (_tcp, wsUrl) => {
    const early = new WsClient(wsUrl);
    await early.opened;
    early.send({ type: "msg", ref: 1, text: "hi" });
    const e1 = await early.next((m) => m.type === "error");
    assertEqual(e1.type === "error" && e1.code, "handshake_required");
    await early.closedEvent;

    const big = new WsClient(wsUrl);
    await big.opened;
    big.send(JSON.stringify({ ...hello("big"), client: "x".repeat(10_000) }));
    const e2 = await big.next((m) => m.type === "error");
    assertEqual(e2.type === "error" && e2.code, "frame_too_large");
    await big.closedEvent;

    const ok = new WsClient(wsUrl);
    await ok.opened;
    ok.send(hello("okay"));
    await ok.next((m) => m.type === "welcome");
    ok.socket.send(new Uint8Array([1, 2, 3]));
    const e3 = await ok.next((m) => m.type === "error");
    assertEqual(e3.type === "error" && e3.code, "bad_message");
    ok.send("{not json");
    await ok.next((m) => m.type === "error" && m.message.includes("not JSON"));
    // Still connected after bad input.
    ok.send({ type: "msg", ref: 7, text: "still here" });
    await ok.next((m) => m.type === "ack" && m.ref === 7);
    await ok.close();
  });
});

Deno.test("web server checks the WebSocket Origin: same origin, listed origins, or none", async () => {
  await withServer(async (_tcp, wsUrl, httpUrl) => {
    const evil = await fetch(wsUrl.replace("ws:", "http:"), {
      headers: {
        origin: "http://evil.example",
        upgrade: "websocket",
        connection: "Upgrade",
        "sec-websocket-version": "13",
        "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==",
      },
    });
    assertEqual(evil.status, 403);
    await evil.body?.cancel();
    const same = new WsClient(wsUrl, { origin: httpUrl });
    await same.opened;
    await same.close();
  });
  await withServer(async (_tcp, wsUrl) => {
    const listed = new WsClient(wsUrl, { origin: "https://chat.example.org" });
    await listed.opened;
    await listed.close();
  }, { allowedOrigins: ["https://chat.example.org"] });
  const policy = { scheme: "http" as const, port: 1, names: ["h", "[fd00::5]"], allowed: [] };
  assert(originAllowed(null, policy), "no Origin: not a browser, allowed");
  assert(originAllowed("http://h:1", policy));
  assert(originAllowed("http://[fd00::5]:1", policy), "an IPv6 name");
  assert(originAllowed("http://localhost:1", policy), "localhost is always this server");
  assert(originAllowed("http://127.0.0.1:1", policy));
  assert(originAllowed("http://[::1]:1", policy));
  assert(!originAllowed("https://h:1", policy), "scheme must match");
  assert(!originAllowed("http://h:2", policy), "port must match");
  assert(!originAllowed("http://other:1", policy), "a name that is not the server's");
  assert(!originAllowed("null", policy));
  assert(originAllowed("http://x", { ...policy, allowed: ["*"] }));
  assert(originAllowed("https://chat.example.org", {
    ...policy,
    allowed: ["https://chat.example.org/"],
  }));
});

Deno.test("web server serves the page with a CSP and no inline script", async () => {
  await withServer(async (_tcp, _ws, httpUrl) => {
    const page = await fetch(`${httpUrl}/`);
    assertEqual(page.status, 200);
    const csp = page.headers.get("content-security-policy") ?? "";
    assert(csp.includes("script-src 'self'"), csp);
    assert(!csp.includes("unsafe-inline") && !csp.includes("unsafe-eval"), csp);
    assertEqual(page.headers.get("x-content-type-options"), "nosniff");
    const html = await page.text();
    assert(!/<script(?![^>]*\bsrc=)[^>]*>/i.test(html), "every script has a src");
    assert(!/\son[a-z]+=/i.test(html), "no inline event handlers");
    const js = await fetch(`${httpUrl}/app.js`);
    assertEqual(js.headers.get("content-type"), "text/javascript; charset=utf-8");
    assert(!(await js.text()).includes("innerHTML"), "the client never writes HTML");
    const missing = await fetch(`${httpUrl}/../etc/passwd`);
    assertEqual(missing.status, 404);
    await missing.body?.cancel();
    const post = await fetch(`${httpUrl}/`, { method: "POST" });
    assertEqual(post.status, 405);
    await post.body?.cancel();
  });
});

Deno.test("media messages: size, type and duration limits; fetch_media returns the bytes", async () => {
  await withServer(async (tcpPort) => {
    await using alice = await RawClient.join(tcpPort, "alice");
    await using bob = await RawClient.join(tcpPort, "bob");
    const send = async (extra: Record<string, unknown>) => {
      const ref = alice.ref();
      await alice.send({
        type: "media",
        ref,
        room: "#lobby",
        kind: "voice",
        mime: "audio/webm;codecs=opus",
        durationMs: 2000,
        data: webm(2000).toBase64(),
        ...extra,
      } as never);
      return await alice.next((m) => (m.type === "ack" || m.type === "error") && m.ref === ref);
    };
    const tooBig = await send({ data: webm(64 * 1024 + 1).toBase64() });
    assertEqual(tooBig.type === "error" && tooBig.code, "media_too_large");
    const tooLong = await send({ durationMs: 11_000 });
    assertEqual(tooLong.type === "error" && tooLong.code, "media_invalid");
    const wrongType = await send({ mime: "text/html" });
    assertEqual(wrongType.type === "error" && wrongType.code, "media_invalid");
    const notWebm = await send({ data: new Uint8Array(100).toBase64() });
    assertEqual(notWebm.type === "error" && notWebm.code, "media_invalid");
    const badBase64 = await send({ data: "!!!!" });
    assertEqual(badBase64.type === "error" && badBase64.code, "media_invalid");
    const videoAsVoice = await send({ mime: "video/webm" });
    assertEqual(videoAsVoice.type === "error" && videoAsVoice.code, "media_invalid");
    const ok = await send({});
    assert(ok.type === "ack" && ok.id > 0, JSON.stringify(ok));
    const notice = await bob.next((m) => m.type === "media");
    assert(notice.type === "media");
    assertEqual(
      { kind: notice.kind, from: notice.from, bytes: notice.bytes, id: notice.id },
      { kind: "voice", from: "alice", bytes: 2000, id: ok.id },
    );
    assert(!("data" in notice), "the broadcast carries no bytes");
    assert(!bob.received.some((m) => m.type === "error"), "refused uploads reach nobody");
    const ref = bob.ref();
    await bob.send({ type: "fetch_media", ref, token: notice.token });
    const data = await bob.next((m) => m.type === "media_data" && m.ref === ref);
    assert(data.type === "media_data");
    assertEqual([...Uint8Array.fromBase64(data.data)], [...webm(2000)]);
    const missing = bob.ref();
    await bob.send({ type: "fetch_media", ref: missing, token: "0".repeat(32) });
    const none = await bob.next((m) => m.type === "error" && m.ref === missing);
    assertEqual(none.type === "error" && none.code, "no_such_media");
  }, { maxMediaBytes: 64 * 1024 });
});

/** Real recordings from tests/fixtures/media/ (see make_fixtures.ts there). */
const recording = (name: string) =>
  Deno.readFileSync(new URL(`../../fixtures/media/${name}`, import.meta.url));

Deno.test("media messages: the server measures duration and refuses false claims", async () => {
  await withServer(async (tcpPort) => {
    await using alice = await RawClient.join(tcpPort, "alice");
    await using bob = await RawClient.join(tcpPort, "bob");
    const send = async (file: string, durationMs: number, mime = "audio/webm;codecs=opus") => {
      const ref = alice.ref();
      await alice.send({
        type: "media",
        ref,
        room: "#lobby",
        kind: mime.startsWith("video") ? "video" : "voice",
        mime,
        durationMs,
        data: recording(file).toBase64(),
      } as never);
      return await alice.next((m) => (m.type === "ack" || m.type === "error") && m.ref === ref);
    };
    // A 20 s Chromium recording claiming 8 s: refused, with both numbers.
    const long = await send("chromium_voice_20s.webm", 8000);
    assert(long.type === "error" && long.code === "media_invalid", JSON.stringify(long));
    assertEqual(
      long.message,
      "A voice message must last at most 10 s, and this recording lasts 19980 ms (claimed 8000 ms)",
    );
    for (
      const [file, mime] of [
        ["opus_20s.ogg", "audio/ogg;codecs=opus"],
        ["aac_fragmented_20s.mp4", "audio/mp4"],
        ["aac_20s.mp4", "audio/mp4"],
      ]
    ) {
      const refused = await send(file, 9000, mime);
      assertEqual(refused.type === "error" && refused.code, "media_invalid", file);
    }
    // A genuine 2 s recording claiming 9 s: the claim is refused too.
    const overClaimed = await send("chromium_voice_2s.webm", 9000);
    assert(overClaimed.type === "error", JSON.stringify(overClaimed));
    assertEqual(overClaimed.message, "The recording lasts 1980 ms, not the 9000 ms claimed");
    // More than 4096 bytes whose timing cannot be read: refused.
    const unreadable = new Uint8Array(5000).fill(0x42);
    unreadable.set([0x1a, 0x45, 0xdf, 0xa3, 0x00]);
    const ref = alice.ref();
    await alice.send({
      type: "media",
      ref,
      room: "#lobby",
      kind: "voice",
      mime: "audio/webm",
      durationMs: 2000,
      data: unreadable.toBase64(),
    });
    const blind = await alice.next((m) => m.type === "error" && m.ref === ref);
    assert(blind.type === "error", JSON.stringify(blind));
    assertEqual(
      blind.message,
      "Cannot read the duration of this webm recording, and unreadable recordings must be " +
        "at most 4096 bytes, not 5000",
    );
    assert(!bob.received.some((m) => m.type === "media"), "refused recordings reach nobody");
    // Genuine recordings are accepted, announced with the measured duration.
    for (
      const [file, claim, measured, mime] of [
        ["chromium_voice_2s.webm", 2100, 1980, "audio/webm;codecs=opus"],
        ["opus_2s.ogg", 2000, 2000, "audio/ogg;codecs=opus"],
        ["aac_fragmented_2s.mp4", 2000, 2128, "audio/mp4"],
        ["chromium_video_1500ms.webm", 1500, 1492, "video/webm;codecs=vp8,opus"],
      ] as const
    ) {
      const ok = await send(file, claim, mime);
      assert(ok.type === "ack", `${file}: ${JSON.stringify(ok)}`);
      const notice = await bob.next((m) => m.type === "media" && m.id === ok.id);
      assertEqual(notice.type === "media" && notice.durationMs, measured, file);
    }
  });
});

Deno.test("an oversized media frame over the WebSocket is refused and nobody else is disturbed", async () => {
  await withServer(async (tcpPort, wsUrl) => {
    await using bob = await RawClient.join(tcpPort, "bob");
    const ws = new WsClient(wsUrl);
    await ws.opened;
    ws.send(hello("webby"));
    const welcome = await ws.next((m) => m.type === "welcome");
    assert(welcome.type === "welcome");
    assertEqual(welcome.limits.maxMediaBytes, 64 * 1024);
    ws.send({
      type: "media",
      ref: 1,
      kind: "video",
      mime: "video/webm",
      durationMs: 1000,
      data: webm(welcome.limits.maxFrameBytes).toBase64(),
    });
    const refused = await ws.next((m) => m.type === "error");
    assertEqual(refused.type === "error" && refused.code, "frame_too_large");
    await ws.closedEvent;
    await bob.next((m) => m.type === "leave" && m.nick === "webby");
    await bob.say("unaffected");
    await bob.next((m) => m.type === "ack");
    assert(!bob.closed);
  }, { maxMediaBytes: 64 * 1024 });
});

Deno.test("encodeMessage frames are sent to WebSockets without the length prefix", () => {
  const frame = encodeMessage({ type: "ping", token: 1 });
  assertEqual(new TextDecoder().decode(frame.subarray(4)), '{"type":"ping","token":1}');
});
