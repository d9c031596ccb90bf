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

/** Embedded files by URL path. */
export const WEB_ASSETS: Readonly<Record<string, WebAsset>> = Object.freeze({
  "/": { body: indexHtml, type: "text/html; charset=utf-8" },
  "/index.html": { body: indexHtml, type: "text/html; charset=utf-8" },
  "/app.js": { body: appJs, type: "text/javascript; charset=utf-8" },
  "/style.css": { body: styleCss, type: "text/css; charset=utf-8" },
});
