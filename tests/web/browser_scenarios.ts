/**
 * The web client in a real headless Chromium against `parley serve --http 0`,
 * with terminal users in the same room.
 *
 * Run by `browser_test.ts` in a child `deno test --allow-all`: playwright-core
 * probes `/proc/sys/fs/binfmt_misc` when it loads, which Deno allows only with
 * all permissions, more than `deno task test` grants.
 */

import type { Page } from "npm:playwright-core@1.65.1";
import { assert, assertEqual, assertMatch } from "../_helpers/assert.ts";
import { ARTIFACTS, browserUnavailable, launchBrowser, webUrl } from "../_helpers/browser.ts";
import { RawClient } from "../_helpers/raw_client.ts";
import { spawnJoin, startServe } from "../_helpers/serve_process.ts";

// Callbacks passed to page.evaluate run in the page; these are the DOM shapes they use.
interface PageMedia {
  muted: boolean;
  src: string;
  currentTime: number;
  ended: boolean;
  videoWidth: number;
  videoHeight: number;
  play(): Promise<void>;
}
declare const document: {
  querySelector(selector: string): unknown;
  createElement(tag: string): unknown;
  body: { append(node: unknown): void };
};

const unavailable = browserUnavailable();
if (unavailable) console.log(`skipping browser tests: ${unavailable}`);
const browserTest = (name: string, fn: () => Promise<void>) =>
  Deno.test({
    name,
    ignore: unavailable !== undefined,
    sanitizeResources: false,
    sanitizeOps: false,
    fn,
  });

async function joinAs(page: Page, url: string, nick: string): Promise<void> {
  await page.goto(url);
  await page.fill("#nick", nick);
  await page.click("#join-form button[type=submit]");
  await page.waitForSelector("#status[data-state=online]", { timeout: 10_000 });
}

async function say(page: Page, text: string): Promise<void> {
  await page.fill("#input", text);
  await page.press("#input", "Enter");
}

async function record(page: Page, kind: "voice" | "video", ms: number): Promise<void> {
  await page.click(kind === "voice" ? "#record-voice" : "#record-video");
  await page.waitForSelector("#rec-stop:visible", { timeout: 10_000 });
  await page.waitForTimeout(ms);
  await page.click("#rec-stop");
  await page.waitForSelector("#rec-send:not([disabled])", { timeout: 10_000 });
  await page.click("#rec-send");
}

/** Plays the first loaded media element of `kind` muted; returns how far it got, in seconds. */
async function playMedia(page: Page, kind: "voice" | "video"): Promise<number> {
  const tag = kind === "voice" ? "audio" : "video";
  await page.waitForSelector(`li.media.${kind} ${tag}[src]`, { timeout: 15_000 });
  return await page.evaluate(async (selector) => {
    const media = document.querySelector(selector) as PageMedia;
    media.muted = true;
    await media.play();
    const deadline = Date.now() + 8000;
    while (media.currentTime < 0.3 && !media.ended && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
    return media.currentTime;
  }, `li.media.${kind} ${tag}[src]`);
}

browserTest(
  "web client and terminal client chat both ways, share the sidebar, and markup stays text",
  async () => {
    await using server = await startServe(["--http", "0"]);
    const url = await webUrl(server.stdout);
    assertMatch(url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    assertEqual(server.stdout[0], server.listeningLine, "the listening line must come first");
    await using b = await launchBrowser();
    const page = b.page;
    const dialogs: string[] = [];
    page.on("dialog", (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await joinAs(page, url, "alice");
    await using bob = spawnJoin([`127.0.0.1:${server.port}`, "--nick", "bob"]);
    await bob.waitFor("connected to");
    await page.waitForSelector('#users li[data-nick="bob"]', { timeout: 10_000 });
    await page.waitForSelector("li.system.join >> text=bob joined #lobby");

    await bob.send("hello from the terminal");
    await page.waitForSelector("li.msg >> text=hello from the terminal", { timeout: 10_000 });
    const bobColour = await page.getAttribute("li.msg .nick >> text=bob", "class");
    assertMatch(bobColour ?? "", /nick-\d/);

    const evil = "look <img src=x onerror=alert(1)> :tada: alice";
    await say(page, evil);
    await bob.waitFor("<alice> look <img src=x onerror=alert(1)> 🎉 alice");
    // The page shows its own line once the server acknowledges it; wait for that, not for bob.
    await page.waitForFunction(() =>
      // deno-lint-ignore no-explicit-any
      [...(globalThis as any).document.querySelectorAll("li.msg .text")].some((e: any) =>
        e.textContent.startsWith("look <img")
      )
    );
    const shown = await page.locator("li.msg .text").last().textContent();
    assertEqual(shown, "look <img src=x onerror=alert(1)> 🎉 alice");
    assertEqual(await page.locator("#messages img").count(), 0, "markup must not become elements");

    await bob.send("@alice are you there?");
    await page.waitForSelector("li.msg.mention >> text=@alice are you there?");
    const users = await page.locator("#users li").evaluateAll((els) =>
      els.map((e) => (e as unknown as { dataset: Record<string, string> }).dataset.nick)
    );
    assertEqual(users, ["alice", "bob"]);
    await page.waitForTimeout(300);
    assertEqual(dialogs, [], "no script may run from a message");

    // Room switching: join #dev from the sidebar; bob follows; talk there.
    await page.fill("#room-name", "#dev");
    await page.press("#room-name", "Enter");
    await page.waitForSelector("#room-title >> text=#dev");
    await bob.send("/join #dev");
    await page.waitForSelector('#users li[data-nick="bob"]');
    await bob.send("in dev now");
    await page.waitForSelector("li.msg >> text=in dev now");
    await page.click('#rooms button:has-text("#lobby")');
    await page.waitForSelector("#room-title >> text=#lobby");
    assertEqual(await page.locator("li.msg >> text=in dev now").count(), 0);

    await Deno.mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: `${ARTIFACTS}web-desktop.png` });
    await page.setViewportSize({ width: 390, height: 760 });
    await page.screenshot({ path: `${ARTIFACTS}web-phone.png` });
    // On a phone the sidebar is a drawer behind the menu button.
    assert(await page.isVisible("#toggle-sidebar"), "the menu button shows on a phone");
    await page.click("#toggle-sidebar");
    await page.waitForSelector("#sidebar.open");
    await page.screenshot({ path: `${ARTIFACTS}web-phone-sidebar.png` });
    await bob.end();
  },
);

browserTest("web client reconnects after a reload and shows what came before", async () => {
  await using server = await startServe(["--http", "0"]);
  const url = await webUrl(server.stdout);
  await using b = await launchBrowser();
  const page = b.page;
  await joinAs(page, url, "alice");
  await using bob = await RawClient.join(server.port, "bob");
  await bob.say("before the reload");
  await page.waitForSelector("li.msg >> text=before the reload");
  await say(page, "mine before the reload");
  await bob.next((m) => m.type === "msg" && m.text === "mine before the reload");

  await page.reload();
  await page.waitForSelector("#status[data-state=online]", { timeout: 15_000 });
  assert(await page.isHidden("#join-form"), "a reload rejoins without the form");
  await page.waitForSelector("li.msg >> text=before the reload");
  await page.waitForSelector("li.msg >> text=mine before the reload");
  // bob saw alice leave and come back under the same nick.
  await bob.next((m) => m.type === "leave" && m.nick === "alice");
  await bob.next((m) => m.type === "join" && m.nick === "alice");
  await bob.say("after the reload");
  await page.waitForSelector("li.msg >> text=after the reload");
  await say(page, "still here");
  await bob.next((m) => m.type === "msg" && m.text === "still here");
});

browserTest(
  "web client shows offline and reconnects by itself when the server comes back",
  async () => {
    // The status indicator and backoff, with the server killed and restarted on the same ports.
    await using first = await startServe(["--http", "0"]);
    const url = await webUrl(first.stdout);
    const httpPort = new URL(url).port;
    await using b = await launchBrowser();
    const page = b.page;
    await joinAs(page, url, "alice");
    await first.stop("SIGTERM");
    await page.waitForSelector("#status[data-state=offline]", { timeout: 10_000 });
    await using second = await startServe(["--http", httpPort]);
    await page.waitForSelector("#status[data-state=online]", { timeout: 20_000 });
    await using bob = await RawClient.join(second.port, "bob");
    await say(page, "back again");
    await bob.next((m) => m.type === "msg" && m.text === "back again" && m.from === "alice");
  },
);

browserTest("web client does not reconnect after a kick (bye code kicked)", async () => {
  await using server = await startServe(["--http", "0"], {
    env: { PARLEY_ADMIN_PASSWORD: "letmein" },
  });
  const url = await webUrl(server.stdout);
  await using b = await launchBrowser();
  const page = b.page;
  await joinAs(page, url, "alice");
  await using bob = await RawClient.join(server.port, "bob");
  await bob.command("op", "letmein");
  await bob.next((m) => m.type === "notice");
  await bob.command("kick", "alice spam");
  await bob.next((m) => m.type === "leave" && m.nick === "alice" && m.code === "kicked");
  await page.waitForSelector("#status[data-state=offline]", { timeout: 10_000 });
  assertEqual(await page.textContent("#status"), "disconnected");
  await page.waitForSelector("li.error >> text=Disconnected: Kicked by bob: spam");
  // Well past the first backoff delays: no attempt came back.
  await page.waitForTimeout(2000);
  await bob.command("who");
  const who = await bob.next((m) => m.type === "who");
  assert(who.type === "who" && !who.users.some((u) => u.nick === "alice"), JSON.stringify(who));
  assertEqual(await page.textContent("#status"), "disconnected");
});

browserTest(
  "voice and video messages: recorded in one browser, played in another, saved by the terminal",
  async () => {
    await using server = await startServe(["--http", "0"]);
    const url = await webUrl(server.stdout);
    await using one = await launchBrowser(true);
    await using two = await launchBrowser(true);
    await joinAs(one.page, url, "alice");
    await joinAs(two.page, url, "carol");
    const dir = await Deno.makeTempDir({ prefix: "parley-save-" });
    await using bob = spawnJoin([`127.0.0.1:${server.port}`, "--nick", "bob"]);
    await bob.waitFor("connected to");

    await record(one.page, "voice", 1500);
    await one.page.waitForSelector("li.media.voice.own audio[src]", { timeout: 10_000 });
    const played = await playMedia(two.page, "voice");
    assert(played > 0, `voice message did not play (currentTime ${played})`);
    const voiceLine = await bob.waitFor(/\[voice \d+s from alice — \/save \d+\]/);
    const voiceId = /\/save (\d+)\]/.exec(voiceLine)![1];

    await record(one.page, "video", 1500);
    const playedVideo = await playMedia(two.page, "video");
    assert(playedVideo > 0, `video message did not play (currentTime ${playedVideo})`);
    const size = await two.page.evaluate(() => {
      const v = document.querySelector("li.media.video video") as PageMedia;
      return [v.videoWidth, v.videoHeight];
    });
    assert(size[0] > 0 && size[1] > 0, `video has no picture: ${size}`);
    const videoLine = await bob.waitFor(/\[video \d+s from alice — \/save \d+\]/);
    const videoId = /\/save (\d+)\]/.exec(videoLine)![1];
    await Deno.mkdir(ARTIFACTS, { recursive: true });
    await two.page.screenshot({ path: `${ARTIFACTS}web-media.png` });

    await bob.send(`/save ${voiceId} ${dir}/voice.webm`);
    await bob.send(`/save ${videoId} ${dir}/video.webm`);
    await bob.send(`/save 99999 ${dir}/nothing.webm`);
    await bob.waitFor(`saved voice ${voiceId} to ${dir}/voice.webm`);
    await bob.waitFor(`saved video ${videoId} to ${dir}/video.webm`);
    await bob.waitFor("no voice or video message 99999 was shown here");
    for (const name of ["voice.webm", "video.webm"]) {
      const bytes = await Deno.readFile(`${dir}/${name}`);
      assert(bytes.length > 1000, `${name} is only ${bytes.length} bytes`);
      assertEqual([...bytes.subarray(0, 4)], [0x1a, 0x45, 0xdf, 0xa3], `${name} is not WebM`);
    }
    // The saved file plays in the browser too.
    const saved = await Deno.readFile(`${dir}/video.webm`);
    const playable = await two.page.evaluate(async (b64) => {
      const bytes = Uint8Array.fromBase64(b64);
      const v = document.createElement("video") as PageMedia;
      v.muted = true;
      v.src = URL.createObjectURL(new Blob([bytes], { type: "video/webm" }));
      document.body.append(v);
      await v.play();
      const deadline = Date.now() + 8000;
      while (v.currentTime < 0.3 && !v.ended && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
      }
      return v.currentTime;
    }, saved.toBase64());
    assert(playable > 0, "the saved video file did not play");
    await bob.end();
    await Deno.remove(dir, { recursive: true });
  },
);
