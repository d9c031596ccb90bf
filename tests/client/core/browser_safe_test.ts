/**
 * The client core is shared with the browser bundle: nothing it imports,
 * directly or through `protocol/`, may use `Deno.*` or `node:` modules.
 */

import { assert } from "../../_helpers/assert.ts";

const ROOT = new URL("../../../", import.meta.url);
const CORE = new URL("client/core/", ROOT);

/** Relative imports of a module, resolved to URLs. */
function relativeImports(source: string, from: URL): URL[] {
  return [...source.matchAll(/(?:import|export)[^"']*?from\s*["'](\.[^"']+)["']/g)]
    .map((m) => new URL(m[1], from));
}

Deno.test("client/core and everything it imports use no Deno APIs and no node: modules", async () => {
  const queue: URL[] = [];
  for await (const entry of Deno.readDir(CORE)) {
    if (entry.isFile && entry.name.endsWith(".ts")) queue.push(new URL(entry.name, CORE));
  }
  assert(queue.length >= 6, `only ${queue.length} core modules found`);
  const seen = new Set<string>();
  while (queue.length > 0) {
    const url = queue.pop()!;
    if (seen.has(url.href)) continue;
    seen.add(url.href);
    const source = await Deno.readTextFile(url);
    // Doc comments may mention them; code may not.
    const code = source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/\/\/.*$/gm, "");
    const where = url.pathname.slice(ROOT.pathname.length);
    assert(!/\bDeno\./.test(code), `${where} uses Deno.*`);
    assert(!/["']node:/.test(code), `${where} imports a node: module`);
    queue.push(...relativeImports(code, url));
  }
  assert([...seen].some((u) => u.includes("/protocol/")), "the walk reached protocol/");
});

Deno.test("everything the web client bundles from outside web/ uses no Deno APIs and no node: modules", async () => {
  // The browser also reuses terminal-client modules that are pure (local commands, completion).
  const queue: URL[] = [new URL("web/src/app.ts", ROOT)];
  const seen = new Set<string>();
  while (queue.length > 0) {
    const url = queue.pop()!;
    if (seen.has(url.href)) continue;
    seen.add(url.href);
    const source = await Deno.readTextFile(url);
    const code = source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/\/\/.*$/gm, "");
    const where = url.pathname.slice(ROOT.pathname.length);
    assert(!/\bDeno\./.test(code), `${where} uses Deno.*`);
    assert(!/["']node:/.test(code), `${where} imports a node: module`);
    queue.push(...relativeImports(code, url));
  }
  const reached = [...seen].map((u) => u.slice(ROOT.href.length));
  for (
    const module of ["client/local_commands.ts", "client/completion.ts", "client/ignore_list.ts"]
  ) {
    assert(reached.includes(module), `the walk reached ${module}: ${reached.join(", ")}`);
  }
});
