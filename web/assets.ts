/**
 * The web client's files, embedded in the program as text imports so that
 * `deno run <url>` and the compiled binary serve them with nothing beside
 * them. `app.gen.js` is built from `web/src/` by `deno task web:build` and
 * committed.
 *
 * @module
 */

import appJs from "./app.gen.js" with { type: "text" };
import indexHtml from "./index.html" with { type: "text" };
import styleCss from "./style.css" with { type: "text" };

/** One embedded file: its body and `Content-Type`. */
export interface WebAsset {
  /** File contents. */
  body: string;
  /** `Content-Type` header value. */
  type: string;
}

const FAVICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">` +
  `<rect width="32" height="32" rx="7" fill="#3056d3"/>` +
  `<path d="M8 9h16v11H14l-6 5z" fill="#fff"/></svg>`;

/** Embedded files by URL path. */
export const WEB_ASSETS: Readonly<Record<string, WebAsset>> = Object.freeze({
  "/": { body: indexHtml, type: "text/html; charset=utf-8" },
  "/index.html": { body: indexHtml, type: "text/html; charset=utf-8" },
  "/app.js": { body: appJs, type: "text/javascript; charset=utf-8" },
  "/style.css": { body: styleCss, type: "text/css; charset=utf-8" },
  "/favicon.svg": { body: FAVICON, type: "image/svg+xml" },
  "/favicon.ico": { body: FAVICON, type: "image/svg+xml" },
});
