/**
 * Takes README's screenshots of the web client: a local `parley serve --http
 * 0`, two terminal-protocol users and one browser user chatting (a link, an
 * action, a mention, ASCII art, a voice message, `/who`), photographed by
 * headless Chromium at desktop size (1280×800, `docs/screenshot.png`) and
 * phone size (390×844, `docs/screenshot-phone.png`).
 *
 * Not part of `deno task test`. Needs Debian's `/usr/bin/chromium`. Run:
 * `deno run --allow-all tools/screenshots.ts [--out DIR]`.
 *
 * @module
 */

import { parseArgs } from "node:util";
import type { Page } from "npm:playwright-core@1.65.1";
import { browserUnavailable, launchBrowser, webUrl } from "../tests/_helpers/browser.ts";
import { RawClient } from "../tests/_helpers/raw_client.ts";
import { startServe } from "../tests/_helpers/serve_process.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: { out: { type: "string", default: new URL("../docs/", import.meta.url).pathname } },
});
const out = values.out.endsWith("/") ? values.out : `${values.out}/`;

const unavailable = browserUnavailable();
if (unavailable) {
  console.error(`screenshots: ${unavailable}`);
  Deno.exit(1);
}

async function say(page: Page, text: string): Promise<void> {
  await page.fill("#input", text);
  await page.press("#input", "Enter");
}

await using server = await startServe(["--http", "0"]);
const url = await webUrl(server.stdout);
await using browser = await launchBrowser(true);
const page = browser.page;
await page.setViewportSize({ width: 1280, height: 800 });
await page.emulateMedia({ colorScheme: "light" });
await page.goto(url);
await page.fill("#nick", "alice");
await page.click("#join-form button[type=submit]");
await page.waitForSelector("#status[data-state=online]", { timeout: 10_000 });

await using bob = await RawClient.join(server.port, "bob");
await using carol = await RawClient.join(server.port, "carol");
await bob.command("topic", "Saturday hike: ridge loop, 8:30 at the north gate");
await bob.say("morning all! the trail map is at https://example.com/trails/ridge-loop");
await carol.command("me", "brings coffee ☕");
await page.waitForSelector("li.action >> text=brings coffee");
await say(page, "looks great :mountain: what time do we start, @bob?");
await bob.next((m) => m.type === "msg" && m.from === "alice");
await bob.say("@alice 8:30 sharp, bring water and a warm layer");
await carol.command("cowsay", "see you at the gate");
await page.waitForSelector("li.msg pre.text.block");

// A voice message from the browser (Chromium's fake microphone).
await page.click("#record-voice");
await page.waitForSelector("#rec-stop:visible", { timeout: 10_000 });
await page.waitForTimeout(3200);
await page.click("#rec-stop");
await page.waitForSelector("#rec-send:not([disabled])", { timeout: 10_000 });
await page.click("#rec-send");
await page.waitForSelector("li.media.voice.own audio[src]", { timeout: 10_000 });
await carol.say("great, see you there 👋");
await say(page, "/who");
await page.waitForSelector("li.system.who");
await page.fill("#input", "I'll bring the ");
await page.waitForTimeout(800);

await page.screenshot({ path: `${out}screenshot.png` });
await page.setViewportSize({ width: 390, height: 844 });
await page.waitForTimeout(300);
await page.evaluate(() => {
  // deno-lint-ignore no-explicit-any
  const pane = (globalThis as any).document.getElementById("messages-pane");
  pane.scrollTop = pane.scrollHeight;
});
await page.screenshot({ path: `${out}screenshot-phone.png` });
console.log(`screenshots: wrote ${out}screenshot.png and ${out}screenshot-phone.png`);
