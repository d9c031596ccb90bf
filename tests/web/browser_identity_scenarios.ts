/**
 * The web client's identity key in a real headless Chromium against
 * `parley serve --http 0`: a non-extractable Ed25519 key pair kept in
 * IndexedDB, proven over the WebSocket, and the same identity after a reload
 * and in a new tab.
 *
 * Run by `browser_identity_test.ts` in a child `deno test --allow-all` (see
 * `browser_scenarios.ts` for why).
 */

import type { Page } from "npm:playwright-core@1.65.1";
import { assert, assertEqual, assertMatch } from "../_helpers/assert.ts";
import { browserUnavailable, launchBrowser, webUrl } from "../_helpers/browser.ts";
import { RawClient } from "../_helpers/raw_client.ts";
import { startServe } from "../_helpers/serve_process.ts";

const unavailable = browserUnavailable();
if (unavailable) console.log(`skipping browser tests: ${unavailable}`);

/** The key pair as the page keeps it, read back from IndexedDB in the page. */
interface StoredKey {
  algorithm: string;
  extractable: boolean;
  usages: string[];
  publicKeyBase64: string;
}

declare const indexedDB: {
  open(name: string): {
    onsuccess: () => void;
    onerror: () => void;
    result: {
      transaction(store: string): {
        objectStore(store: string): {
          get(key: string): {
            onsuccess: () => void;
            result: {
              privateKey: { algorithm: { name: string }; extractable: boolean; usages: string[] };
              publicKey: unknown;
            };
          };
        };
      };
    };
  };
};

function storedKey(page: Page): Promise<StoredKey> {
  return page.evaluate(() =>
    new Promise<StoredKey>((resolve, reject) => {
      const open = indexedDB.open("parley");
      open.onerror = () => reject(new Error("cannot open IndexedDB"));
      open.onsuccess = () => {
        const get = open.result.transaction("identity").objectStore("identity").get("default");
        get.onsuccess = async () => {
          const pair = get.result;
          const raw = new Uint8Array(
            await crypto.subtle.exportKey("raw", pair.publicKey as CryptoKey),
          );
          resolve({
            algorithm: pair.privateKey.algorithm.name,
            extractable: pair.privateKey.extractable,
            usages: pair.privateKey.usages,
            publicKeyBase64: btoa(String.fromCharCode(...raw)),
          });
        };
      };
    })
  );
}

async function identityLine(page: Page): Promise<string> {
  const line = page.locator("li.system.identity").last();
  await line.waitFor({ timeout: 10_000 });
  return await line.innerText();
}

Deno.test({
  name:
    "web client keeps a non-extractable key in IndexedDB and proves the same identity after a reload",
  ignore: unavailable !== undefined,
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    await using server = await startServe(["--http", "0"]);
    const url = await webUrl(server.stdout);
    await using b = await launchBrowser();
    const page = b.page;
    await page.goto(url);
    await page.fill("#nick", "alice");
    await page.click("#join-form button[type=submit]");
    await page.waitForSelector("#status[data-state=online]", { timeout: 10_000 });
    const first = await identityLine(page);
    const fingerprint = /^You are alice \((SHA256:[A-Za-z0-9+/]{43})\)$/.exec(first)?.[1];
    assert(fingerprint, `the page shows the proven identity: ${first}`);

    const key = await storedKey(page);
    assertEqual(key.algorithm, "Ed25519");
    assertEqual(key.extractable, false, "the private key cannot be read out");
    assertEqual(key.usages, ["sign"]);

    // The server knows alice by that key: another user sees it with /whois or in the welcome.
    await using bob = await RawClient.join(server.port, "bob");
    assert(bob, "a second user can join beside her");

    await page.reload();
    await page.waitForSelector("#status[data-state=online]", { timeout: 15_000 });
    assertMatch(
      await identityLine(page),
      new RegExp(`^You are alice \\(${escape(fingerprint!)}\\)$`),
    );
    assertEqual((await storedKey(page)).publicKeyBase64, key.publicKeyBase64);

    // A new tab (no session to resume) still has the same key.
    const tab = await b.context.newPage();
    await tab.goto(url);
    await tab.fill("#nick", "alice2");
    await tab.click("#join-form button[type=submit]");
    await tab.waitForSelector("#status[data-state=online]", { timeout: 10_000 });
    assertMatch(
      await identityLine(tab),
      new RegExp(`^You are alice2 \\(${escape(fingerprint!)}\\)$`),
    );
  },
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}
