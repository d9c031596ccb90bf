/**
 * The web client's everyday features in a real headless Chromium against
 * `parley serve --http 0`, at desktop and phone widths where layout matters:
 * preformatted multi-line text, the composer on a phone, the terminal's
 * commands and keys, links, media lengths, the offline queue, an explicit
 * `/history`, the unread count, the "new messages" marker, day separators
 * and mention alerts.
 *
 * Run by `browser_test.ts` in a child `deno test --allow-all` (see
 * `browser_scenarios.ts` for why).
 */

import type { Page } from "npm:playwright-core@1.65.1";
import { assert, assertEqual, assertMatch } from "../_helpers/assert.ts";
import { browserUnavailable, launchBrowser, webUrl } from "../_helpers/browser.ts";
import { RawClient } from "../_helpers/raw_client.ts";
import { startServe } from "../_helpers/serve_process.ts";

// Callbacks passed to page.evaluate run in the page; these are the DOM shapes they use.
interface Box {
  top: number;
  bottom: number;
  left: number;
  right: number;
  width: number;
}
interface PageElement {
  getBoundingClientRect(): Box;
  textContent: string;
  classList: { contains(name: string): boolean };
  previousElementSibling: PageElement | null;
}
declare const document: {
  querySelector(selector: string): PageElement | null;
  querySelectorAll(selector: string): PageElement[];
  documentElement: { scrollWidth: number };
  title: string;
  dispatchEvent(event: unknown): boolean;
};
declare const window: { innerWidth: number; innerHeight: number };
declare function getComputedStyle(element: unknown): Record<string, string>;

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

/** Desktop and phone viewports, for checks where layout matters. */
const VIEWPORTS = [
  { name: "desktop", width: 1280, height: 800 },
  { name: "phone", width: 390, height: 844 },
];

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

/** Texts of the system lines of the room shown. */
function systemTexts(page: Page): Promise<string[]> {
  return page.locator("#messages li.system").allTextContents();
}

browserTest(
  "web client layout: multi-line text is a preformatted block and Send stays on screen",
  async () => {
    await using server = await startServe(["--http", "0"]);
    const url = await webUrl(server.stdout);
    await using b = await launchBrowser();
    const page = b.page;
    await joinAs(page, url, "alice");
    await using bob = await RawClient.join(server.port, "bob");
    await bob.command("cowsay", "moo");
    await bob.say("first line\n  second line, indented");
    await page.waitForSelector("li.msg pre.text.block >> text=second line, indented");
    await page.waitForFunction(() =>
      document.querySelectorAll("li.msg pre.text.block").length === 2
    );
    // A long unbroken line must not widen the page.
    await bob.say("x".repeat(400));
    await page.waitForSelector(`li.msg >> text=${"x".repeat(400)}`);

    for (const viewport of VIEWPORTS) {
      await page.setViewportSize({ width: viewport.width, height: viewport.height });
      await page.waitForTimeout(100);
      const layout = await page.evaluate(() => {
        const blocks = [...document.querySelectorAll("li.msg pre.text.block")].map((pre) => {
          const style = getComputedStyle(pre);
          const nick = pre.previousElementSibling!;
          return {
            text: pre.textContent,
            whiteSpace: style.whiteSpace,
            fontFamily: style.fontFamily,
            overflowX: style.overflowX,
            belowNick: pre.getBoundingClientRect().top >= nick.getBoundingClientRect().bottom - 1,
            nickIsNick: nick.classList.contains("nick"),
          };
        });
        const send = document.querySelector("#composer button[type=submit]")!
          .getBoundingClientRect();
        const input = document.querySelector("#input")!.getBoundingClientRect();
        return {
          blocks,
          send: { left: send.left, right: send.right, top: send.top, bottom: send.bottom },
          inputWidth: input.width,
          width: window.innerWidth,
          height: window.innerHeight,
          scrollWidth: document.documentElement.scrollWidth,
        };
      });
      const where = `${viewport.name}: ${JSON.stringify(layout)}`;
      assertEqual(layout.blocks.length, 2, where);
      const cow = layout.blocks.find((b) => b.text.includes("< moo >"));
      assert(cow !== undefined, `the cow is shown as drawn: ${where}`);
      assert(cow.text.split("\n").length >= 5, `the cow keeps its lines: ${where}`);
      for (const block of layout.blocks) {
        assertEqual(block.whiteSpace, "pre", where);
        assert(/mono/i.test(block.fontFamily), where);
        assertEqual(block.overflowX, "auto", where);
        assert(block.nickIsNick && block.belowNick, `the first line is below the nick: ${where}`);
      }
      assert(
        layout.send.left >= 0 && layout.send.right <= layout.width &&
          layout.send.top >= 0 && layout.send.bottom <= layout.height,
        `the Send button is inside the viewport: ${where}`,
      );
      assert(layout.inputWidth >= 120, `the message field keeps room to type: ${where}`);
      assert(layout.scrollWidth <= layout.width, `the page does not scroll sideways: ${where}`);
    }
  },
);

browserTest(
  "web client has the terminal's commands and keys: /who, /emoji, /ignore, Tab, Up, links",
  async () => {
    await using server = await startServe(["--http", "0"]);
    const url = await webUrl(server.stdout);
    await using b = await launchBrowser();
    const page = b.page;
    const dialogs: string[] = [];
    page.on("dialog", (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await joinAs(page, url, "alice");
    await using bob = await RawClient.join(server.port, "bob");
    await page.waitForSelector('#users li[data-nick="bob"]');

    await say(page, "/who");
    await page.waitForSelector("li.system.who >> text=#lobby (2): alice, bob");

    await say(page, "/emoji coffee");
    await page.waitForSelector("li.system >> text=☕ :coffee:");
    assert(
      !(await systemTexts(page)).some((t) => /unknown command/i.test(t)),
      (await systemTexts(page)).join("\n"),
    );

    await say(page, "/ignore bob");
    await page.waitForSelector("li.system >> text=ignoring bob");
    await bob.say("you do not see this");
    // A notice after it, which ignoring does not hide, proves the line has arrived.
    await bob.command("away", "brb");
    await page.waitForSelector("li.system >> text=bob is away: brb");
    await say(page, "/unignore bob");
    await page.waitForSelector("li.system >> text=no longer ignoring bob");
    await bob.say("you see this again");
    await page.waitForSelector("li.msg >> text=you see this again");
    assertEqual(await page.locator("li.msg >> text=you do not see this").count(), 0);

    // Tab completes commands (the server's, asked for silently, and the page's own) and nicks.
    assert(
      !(await systemTexts(page)).some((t) => t.startsWith("/cowsay")),
      "the page's own /help request is not shown",
    );
    await page.fill("#input", "/cows");
    await page.press("#input", "Tab");
    assertEqual(await page.inputValue("#input"), "/cowsay ");
    await page.fill("#input", "/emo");
    await page.press("#input", "Tab");
    assertEqual(await page.inputValue("#input"), "/emoji ");
    await page.fill("#input", "hi b");
    await page.press("#input", "Tab");
    assertEqual(await page.inputValue("#input"), "hi bob ");
    await page.fill("#input", "bo");
    await page.press("#input", "Tab");
    assertEqual(await page.inputValue("#input"), "bob: ");
    await page.fill("#input", "/join #d");
    await page.press("#input", "Tab");
    assertEqual(await page.inputValue("#input"), "/join #d", "no room to complete yet");

    await say(page, "/help");
    await page.waitForSelector("li.system >> text=/ignore [NICK] — Hide messages from NICK");
    await page.waitForSelector("li.system >> text=/cowsay");

    // Up recalls earlier lines; Down comes back to the half-typed one.
    await say(page, "first recall");
    await say(page, "second recall");
    await page.waitForSelector("li.msg >> text=second recall");
    await page.fill("#input", "half typed");
    await page.press("#input", "ArrowUp");
    assertEqual(await page.inputValue("#input"), "second recall");
    await page.press("#input", "ArrowUp");
    assertEqual(await page.inputValue("#input"), "first recall");
    await page.press("#input", "ArrowDown");
    await page.press("#input", "ArrowDown");
    assertEqual(await page.inputValue("#input"), "half typed");

    // Links: http(s) only, opened safely; everything else stays text.
    await bob.say(
      'see https://example.com/a?b=1, www.example.org and javascript:alert(1) or <a href="x">x</a> README.md',
    );
    await page.waitForSelector("li.msg >> text=README.md");
    const links = await page.locator("li.msg a").evaluateAll((els) =>
      els.map((e) => {
        const a = e as unknown as {
          href: string;
          rel: string;
          target: string;
          textContent: string;
        };
        return { href: a.href, rel: a.rel, target: a.target, text: a.textContent };
      })
    );
    assertEqual(links, [
      {
        href: "https://example.com/a?b=1",
        rel: "noopener noreferrer",
        target: "_blank",
        text: "https://example.com/a?b=1",
      },
      {
        href: "https://www.example.org/",
        rel: "noopener noreferrer",
        target: "_blank",
        text: "www.example.org",
      },
    ]);
    assertEqual(
      await page.locator("li.msg").last().locator(".text").textContent(),
      'see https://example.com/a?b=1, www.example.org and javascript:alert(1) or <a href="x">x</a> README.md',
    );
    assertEqual(dialogs, [], "no script may run from a message");
  },
);

browserTest("web client shows an explicit /history in full, including lines seen", async () => {
  await using server = await startServe(["--http", "0"]);
  const url = await webUrl(server.stdout);
  await using b = await launchBrowser();
  const page = b.page;
  await joinAs(page, url, "alice");
  await using bob = await RawClient.join(server.port, "bob");
  await bob.say("history one");
  await bob.command("me", "waves");
  await bob.say("history three");
  await page.waitForSelector("li.msg >> text=history three");
  await say(page, "/history 3");
  await page.waitForSelector("li.system >> text=End of history: 3 messages of #lobby");
  assertEqual(await page.locator("li.msg >> text=history one").count(), 2);
  assertEqual(await page.locator("li.action >> text=waves").count(), 2);
  assertEqual(await page.locator("li.msg >> text=history three").count(), 2);
  // Replayed lines are not unread news.
  assertEqual(await page.evaluate(() => document.title), "Parley");
});

browserTest(
  "web client queues lines typed offline, shows them pending, and sends them on reconnect",
  async () => {
    await using first = await startServe(["--http", "0"]);
    const url = await webUrl(first.stdout);
    const httpPort = new URL(url).port;
    await using b = await launchBrowser();
    const page = b.page;
    await joinAs(page, url, "alice");
    await first.stop("SIGTERM");
    await page.waitForSelector("#status[data-state=offline]", { timeout: 10_000 });

    await say(page, "typed while offline");
    await say(page, "/me is still typing");
    assertEqual(await page.inputValue("#input"), "", "a queued line leaves the field");
    await page.waitForSelector("li.pending >> text=typed while offline");
    assertEqual(await page.locator("li.pending").count(), 2);
    const errors = await page.locator("li.error").allTextContents();
    assert(!errors.some((t) => /not sent/.test(t)), errors.join("\n"));

    await using second = await startServe(["--http", httpPort]);
    await using bob = await RawClient.join(second.port, "bob");
    await page.waitForSelector("#status[data-state=online]", { timeout: 20_000 });
    const got = await bob.next((m) => m.type === "msg" && m.text === "typed while offline");
    assertEqual(got.type === "msg" && got.from, "alice");
    await bob.next((m) => m.type === "action" && m.text === "is still typing");
    await page.waitForSelector("li.msg.own >> text=typed while offline");
    await page.waitForSelector("li.action.own >> text=is still typing");
    assertEqual(await page.locator("li.pending").count(), 0, "no line stays pending");
  },
);

browserTest(
  "web client: unread count in the title, new-messages marker, day separators, mention alerts",
  async () => {
    await using server = await startServe(["--http", "0"]);
    const url = await webUrl(server.stdout);
    await using b = await launchBrowser();
    const page = b.page;
    // Record what the page does with notifications and sound, and let the test hide the page.
    await page.addInitScript(() => {
      // deno-lint-ignore no-explicit-any
      const w = globalThis as any;
      w.__asked = 0;
      w.__shown = [];
      w.__chimes = 0;
      let permission = "default";
      class FakeNotification {
        static get permission() {
          return permission;
        }
        static requestPermission() {
          w.__asked++;
          permission = "granted";
          return Promise.resolve(permission);
        }
        constructor(title: string, options: { body: string }) {
          w.__shown.push({ title, body: options.body });
        }
        addEventListener() {}
        close() {}
      }
      w.Notification = FakeNotification;
      const create = w.AudioContext.prototype.createOscillator;
      w.AudioContext.prototype.createOscillator = function () {
        w.__chimes++;
        return create.call(this);
      };
      let hidden = false;
      Object.defineProperty(w.document, "visibilityState", {
        get: () => hidden ? "hidden" : "visible",
      });
      Object.defineProperty(w.document, "hidden", { get: () => hidden });
      w.__setHidden = (value: boolean) => {
        hidden = value;
        w.document.dispatchEvent(new Event("visibilitychange"));
      };
    });
    // deno-lint-ignore no-explicit-any
    const pageValue = (name: string) => page.evaluate((n) => (globalThis as any)[n], name);
    const setHidden = (hidden: boolean) =>
      // deno-lint-ignore no-explicit-any
      page.evaluate((h) => (globalThis as any).__setHidden(h), hidden);

    await joinAs(page, url, "alice");
    await using bob = await RawClient.join(server.port, "bob");
    await page.waitForSelector('#users li[data-nick="bob"]');
    assertEqual(await pageValue("__asked"), 0, "no permission prompt on load");
    assertEqual(await page.title(), "Parley");

    // Another room active: messages in #lobby count in the title and the room list.
    await page.fill("#room-name", "#dev");
    await page.press("#room-name", "Enter");
    await page.waitForSelector("#room-title >> text=#dev");
    await bob.say("lobby one");
    await bob.say("lobby two");
    await bob.say("lobby three");
    await page.waitForFunction(() => document.title === "(3) Parley");
    assertEqual(await page.textContent('#rooms button:has-text("#lobby") .unread'), "3");
    await page.click('#rooms button:has-text("#lobby")');
    await page.waitForSelector("#room-title >> text=#lobby");
    assertEqual(await page.title(), "Parley");
    const afterMarker = await page.evaluate(() => {
      const marker = document.querySelector("#messages li.new-marker");
      return marker
        ? (marker as unknown as { nextElementSibling: PageElement }).nextElementSibling
          .textContent
        : null;
    });
    assertMatch(afterMarker ?? "", /lobby one$/);

    // The page hidden: the active room counts too, and a marker shows on return.
    await setHidden(true);
    await bob.say("while hidden");
    await page.waitForFunction(() => document.title === "(1) Parley");
    await setHidden(false);
    await page.waitForFunction(() => document.title === "Parley");
    assertEqual(await page.locator("#messages li.new-marker").count(), 1, "one marker at a time");
    assertMatch(
      await page.evaluate(() =>
        (document.querySelector("#messages li.new-marker") as unknown as {
          nextElementSibling: PageElement;
        }).nextElementSibling.textContent
      ),
      /while hidden$/,
    );

    // The bell: off until clicked; one permission request; a mention then notifies and chimes.
    await setHidden(true);
    await bob.say("@alice before the bell");
    await page.waitForSelector("li.msg.mention >> text=@alice before the bell");
    assertEqual(await pageValue("__shown"), []);
    assertEqual(await page.getAttribute("#notify-toggle", "aria-pressed"), "false");
    await page.click("#notify-toggle");
    assertEqual(await page.getAttribute("#notify-toggle", "aria-pressed"), "true");
    assertEqual(await pageValue("__asked"), 1);
    await bob.say("@alice are you there?");
    await page.waitForSelector("li.msg.mention >> text=@alice are you there?");
    assertEqual(await pageValue("__shown"), [
      { title: "bob in #lobby", body: "@alice are you there?" },
    ]);
    assert(Number(await pageValue("__chimes")) > 0, "a mention chimes");
    await bob.say("no mention here");
    await page.waitForSelector("li.msg >> text=no mention here");
    assertEqual((await pageValue("__shown") as unknown[]).length, 1, "only mentions notify");
    await setHidden(false);

    // Day separators: a saved line from yesterday, then today's lines.
    const yesterday = Date.now() - 24 * 3600_000;
    await page.evaluate((ts) => {
      // deno-lint-ignore no-explicit-any
      (globalThis as any).sessionStorage.setItem(
        "parley.transcript",
        JSON.stringify([
          { type: "msg", id: 1_000_000, ts, room: "#lobby", from: "bob", text: "from yesterday" },
        ]),
      );
    }, yesterday);
    await page.reload();
    await page.waitForSelector("#status[data-state=online]", { timeout: 15_000 });
    assertEqual(await pageValue("__asked"), 0, "no permission prompt after a reload");
    assertEqual(await page.getAttribute("#notify-toggle", "aria-pressed"), "true", "kept");
    await page.waitForSelector("li.msg >> text=from yesterday");
    await bob.say("from today");
    await page.waitForSelector("li.msg >> text=from today");
    const days = await page.locator("#messages li.day-separator").allTextContents();
    assertEqual(days, ["Yesterday", "Today"]);
    for (const viewport of VIEWPORTS) {
      await page.setViewportSize({ width: viewport.width, height: viewport.height });
      const box = await page.locator("#messages li.day-separator").last().boundingBox();
      assert(
        box !== null && box.x >= 0 && box.x + box.width <= viewport.width + 1,
        `${viewport.name}: the day separator fits: ${JSON.stringify(box)}`,
      );
    }
  },
);

browserTest("voice and video players show the recording's length before they play", async () => {
  await using server = await startServe(["--http", "0"]);
  const url = await webUrl(server.stdout);
  await using one = await launchBrowser(true);
  await using two = await launchBrowser(true);
  await joinAs(one.page, url, "alice");
  await joinAs(two.page, url, "carol");
  for (const kind of ["voice", "video"] as const) {
    await one.page.click(kind === "voice" ? "#record-voice" : "#record-video");
    await one.page.waitForSelector("#rec-stop:visible", { timeout: 10_000 });
    await one.page.waitForTimeout(2300);
    await one.page.click("#rec-stop");
    await one.page.waitForSelector("#rec-send:not([disabled])", { timeout: 10_000 });
    await one.page.click("#rec-send");
  }
  for (const [page, who] of [[two.page, "another browser"], [one.page, "the sender"]] as const) {
    for (const kind of ["voice", "video"] as const) {
      const tag = kind === "voice" ? "audio" : "video";
      const selector = `li.media.${kind} ${tag}[src]`;
      await page.waitForSelector(selector, { timeout: 15_000 });
      const label = await page.textContent(`li.media.${kind} .media-duration`);
      // About 2.3 s recorded; a loaded machine may stop a little later.
      assert(/^0:0[234]$/.test(label ?? ""), `${who}, ${kind}: length beside the player: ${label}`);
      // The player itself knows the length without playing (WebM from MediaRecorder has none).
      await page.waitForFunction(
        (s) => {
          const media = document.querySelector(s) as unknown as {
            duration: number;
            currentTime: number;
            paused: boolean;
          };
          return Number.isFinite(media.duration) && media.duration > 1.5 && media.duration < 4 &&
            media.currentTime === 0 && media.paused;
        },
        selector,
        { timeout: 10_000 },
      );
    }
  }
  for (const viewport of VIEWPORTS) {
    await two.page.setViewportSize({ width: viewport.width, height: viewport.height });
    const box = await two.page.locator("li.media.voice .media-duration").boundingBox();
    assert(
      box !== null && box.x >= 0 && box.x + box.width <= viewport.width,
      `${viewport.name}: the length is on screen: ${JSON.stringify(box)}`,
    );
  }
});

browserTest(
  "web client says which lines sent just before a drop were never confirmed",
  async () => {
    await using first = await startServe(["--http", "0"]);
    const url = await webUrl(first.stdout);
    const httpPort = new URL(url).port;
    await using b = await launchBrowser();
    const page = b.page;
    await joinAs(page, url, "alice");
    // A frozen server takes the line into its socket buffer and never answers.
    Deno.kill(first.child.pid, "SIGSTOP");
    try {
      await say(page, "maybe lost");
      await page.waitForTimeout(300);
      assertEqual(await page.locator("li.pending").count(), 0, "sent, not queued");
    } finally {
      await first.stop("SIGKILL");
    }
    await page.waitForSelector("#status[data-state=offline]", { timeout: 10_000 });
    await using _second = await startServe(["--http", httpPort]);
    await page.waitForSelector("#status[data-state=online]", { timeout: 20_000 });
    await page.waitForSelector(
      "li.error >> text=1 line(s) sent just before the connection dropped were not confirmed",
    );
    assertMatch(await page.locator("li.error").last().textContent() ?? "", /maybe lost$/);
    await page.press("#input", "ArrowUp");
    assertEqual(await page.inputValue("#input"), "maybe lost");
  },
);
