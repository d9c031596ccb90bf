/**
 * Headless Chromium for the web client's tests, driven by playwright-core
 * against Debian's `/usr/bin/chromium` (installed by `.ci/run`).
 *
 * @module
 */

import { type BrowserContext, chromium, type Page } from "npm:playwright-core@1.65.1";

export { browserUnavailable, CHROMIUM_PATH } from "./browser_available.ts";
import { CHROMIUM_PATH } from "./browser_available.ts";

/** Flags that keep Chromium quiet on a closed network. */
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--autoplay-policy=no-user-gesture-required",
];

/** A launched browser with a fresh profile, closed and removed on dispose. */
export interface TestBrowser extends AsyncDisposable {
  /** The browser's only context (persistent, in the fresh profile). */
  context: BrowserContext;
  /** Its first page. */
  page: Page;
}

/**
 * Launches headless Chromium with a fresh user-data-dir.
 *
 * @param fakeMedia Give it a fake camera and microphone that need no permission prompt.
 */
export async function launchBrowser(fakeMedia = false): Promise<TestBrowser> {
  const profile = await Deno.makeTempDir({ prefix: "parley-chromium-" });
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    timeout: 30_000,
    viewport: { width: 1100, height: 700 },
    args: [
      ...CHROMIUM_ARGS,
      ...(fakeMedia
        ? ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"]
        : []),
    ],
  });
  const page = context.pages()[0] ?? await context.newPage();
  return {
    context,
    page,
    async [Symbol.asyncDispose]() {
      await context.close().catch(() => {});
      await Deno.remove(profile, { recursive: true }).catch(() => {});
    },
  };
}

/** Directory where test runs leave screenshots (gitignored). */
export const ARTIFACTS = new URL("../_artifacts/", import.meta.url).pathname;

/**
 * Waits until `serve --http 0` printed its web line, and returns the URL.
 *
 * @param stdout The server's stdout lines (growing).
 * @param timeoutMs Longest wait.
 * @throws {Error} If the line does not appear in time.
 */
export async function webUrl(stdout: string[], timeoutMs = 10_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const line = stdout.find((l) => l.startsWith("parley web on "));
    if (line) return line.slice("parley web on ".length);
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no "parley web on" line in ${JSON.stringify(stdout)}`);
}
