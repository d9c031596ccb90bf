/// <reference no-default-lib="true" />
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/// <reference lib="esnext" />
/**
 * The text of a chat line as DOM nodes: web addresses become links, found by
 * `linkifyjs`'s tokenizer (a maintained linkifier that yields tokens, so no
 * HTML string is ever built), and a text of several lines (a paste, ASCII art
 * from `/cowsay`) becomes a preformatted block on its own lines below the nick.
 *
 * Only `http:` and `https:` addresses become links, and only when written
 * with their scheme or starting with `www.` (so `README.md` stays text); links
 * open in a new tab with `rel="noopener noreferrer"`.
 *
 * @module
 */

import { tokenize } from "npm:linkifyjs@4.4.0";

/**
 * Where a linkifier token should link to, if anywhere.
 *
 * @param text The token's text.
 * @param href The address the linkifier made of it.
 * @returns The `http:`/`https:` address, or `undefined` to show the token as text.
 */
export function linkTarget(text: string, href: string): string | undefined {
  if (!/^https?:\/\//i.test(text) && !/^www\./i.test(text)) return undefined;
  let url: URL;
  try {
    url = new URL(href);
  } catch (error) {
    if (error instanceof TypeError) return undefined;
    throw error;
  }
  return url.protocol === "http:" || url.protocol === "https:" ? url.href : undefined;
}

/**
 * The nodes of a message text: text nodes and `<a>` elements.
 *
 * @param text Message text (never parsed as HTML).
 * @returns Nodes to append, in order.
 */
export function textNodes(text: string): Node[] {
  const nodes: Node[] = [];
  for (const token of tokenize(text)) {
    const value = token.toString();
    const href = token.isLink && token.t === "url"
      ? linkTarget(value, token.toHref("https"))
      : undefined;
    if (href === undefined) {
      const last = nodes.at(-1);
      if (last instanceof Text) last.appendData(value);
      else nodes.push(document.createTextNode(value));
      continue;
    }
    const link = document.createElement("a");
    link.href = href;
    link.rel = "noopener noreferrer";
    link.target = "_blank";
    link.textContent = value;
    nodes.push(link);
  }
  return nodes;
}

/**
 * The element showing a message text: a `span.text` for one line, a
 * `pre.text.block` (monospace, kept as typed, scrolling sideways) for several.
 *
 * @param text Message text.
 * @returns The element, with class `text`.
 */
export function messageText(text: string): HTMLElement {
  const block = text.includes("\n");
  const node = document.createElement(block ? "pre" : "span");
  node.className = block ? "text block" : "text";
  node.append(...textNodes(text));
  return node;
}
