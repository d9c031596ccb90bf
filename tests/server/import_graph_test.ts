/**
 * The import graph of the program's source: every `.ts` file under `server/`,
 * `client/`, `protocol/`, `cli/` and `web/src/`, with an edge for each static
 * `import`/`export … from` (type-only imports included: a type cycle is still
 * two modules that cannot be understood apart). Asserts the layer rules:
 * no cycles, `protocol/` pure, `server/` and `client/` independent.
 *
 * @module
 */

import { assert, assertEqual } from "../_helpers/assert.ts";

const ROOT = new URL("../../", import.meta.url);
const SOURCE_DIRS = ["server", "client", "protocol", "cli", "web/src"];

/**
 * Cycles that exist today in code other work is restructuring (storage,
 * transports), each as its set of files. Any other cycle fails, and so does
 * one of these gaining a file. An entry whose cycle is gone is harmless.
 */
const KNOWN_CYCLES: string[][] = [];

/**
 * Edges from `client/` and `server/` into `cli/` that exist today: shared
 * parsers that are moving out of `cli/`. New edges into `cli/` fail.
 */
const KNOWN_CLI_EDGES = new Set([
  "client/terminal.ts -> cli/prompt.ts",
  "client/interactive_session.ts -> cli/prompt.ts",
  "client/interactive_session.ts -> cli/exit_codes.ts",
  "client/address.ts -> cli/port.ts",
]);

/** Static import and re-export specifiers, and side-effect imports, of one file. */
const IMPORT = /^[ \t]*(?:import|export)\b[\w*\s{},$]*?\bfrom[ \t]*["']([^"']+)["']/gm;
const SIDE_EFFECT_IMPORT = /^[ \t]*import[ \t]*["']([^"']+)["']/gm;

/**
 * The specifiers a source file imports.
 *
 * @param text TypeScript source.
 * @returns Specifiers as written, in order.
 */
function importSpecifiers(text: string): string[] {
  const found: [number, string][] = [];
  for (const m of text.matchAll(IMPORT)) found.push([m.index, m[1]]);
  for (const m of text.matchAll(SIDE_EFFECT_IMPORT)) found.push([m.index, m[1]]);
  return found.sort((a, b) => a[0] - b[0]).map(([, s]) => s);
}

/** A relative specifier resolved against the importing file, both relative to ROOT. */
function resolve(from: string, specifier: string): string {
  const parts = from.split("/").slice(0, -1);
  for (const part of specifier.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") parts.pop();
    else parts.push(part);
  }
  return parts.join("/");
}

async function sourceFiles(dir: string): Promise<string[]> {
  const files: string[] = [];
  for await (const entry of Deno.readDir(new URL(`${dir}/`, ROOT))) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory) files.push(...await sourceFiles(path));
    else if (entry.isFile && entry.name.endsWith(".ts")) files.push(path);
  }
  return files;
}

/** File → specifiers it imports (relative ones resolved to root-relative paths). */
async function importGraph(): Promise<Map<string, string[]>> {
  const graph = new Map<string, string[]>();
  for (const dir of SOURCE_DIRS) {
    for (const file of await sourceFiles(dir)) {
      const text = await Deno.readTextFile(new URL(file, ROOT));
      graph.set(
        file,
        importSpecifiers(text).map((s) => s.startsWith(".") ? resolve(file, s) : s),
      );
    }
  }
  return graph;
}

/**
 * Every strongly connected component of more than one file (or a file that
 * imports itself), each with one cycle through it as a path `a -> b -> a`.
 */
function findCycles(graph: Map<string, string[]>): { files: string[]; path: string[] }[] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  let next = 0;
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next);
    next++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1 || graph.get(v)!.includes(v)) components.push(component.sort());
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v);
  return components.map((files) => ({ files, path: cyclePath(graph, new Set(files)) }));
}

/** One cycle inside a strongly connected component, found by breadth-first search. */
function cyclePath(graph: Map<string, string[]>, members: Set<string>): string[] {
  const start = [...members].sort()[0];
  const parent = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const v = queue.shift()!;
    for (const w of graph.get(v) ?? []) {
      if (!members.has(w)) continue;
      if (w === start) {
        const path = [start];
        for (let u = v; u !== start; u = parent.get(u)!) path.splice(1, 0, u);
        return [...path, start];
      }
      if (!parent.has(w)) {
        parent.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start];
}

function edges(graph: Map<string, string[]>, from: string, to: string): string[] {
  const found: string[] = [];
  for (const [file, deps] of graph) {
    if (!file.startsWith(from)) continue;
    for (const dep of deps) if (dep.startsWith(to)) found.push(`${file} -> ${dep}`);
  }
  return found.sort();
}

const sameFiles = (a: string[], b: string[]) =>
  a.length === b.length && [...a].sort().every((f, i) => f === [...b].sort()[i]);

Deno.test("importSpecifiers finds imports, type imports, re-exports and multi-line imports", () => {
  const text = [
    `import { a } from "./a.ts";`,
    `import type { B } from "../b.ts";`,
    `import {`,
    `  c,`,
    `  type D,`,
    `} from "./c.ts";`,
    `export { e } from "./e.ts";`,
    `export * from "./f.ts";`,
    `import "./g.ts";`,
    `import x from "npm:x@1.0.0";`,
    ` * import { example } from "./in_a_doc_comment.ts";`,
    `const s = 'copied from "./not_an_import.ts"';`,
    `export class K {`,
    `  readonly from = "./field.ts";`,
    `}`,
  ].join("\n");
  assertEqual(importSpecifiers(text), [
    "./a.ts",
    "../b.ts",
    "./c.ts",
    "./e.ts",
    "./f.ts",
    "./g.ts",
    "npm:x@1.0.0",
  ]);
});

Deno.test("findCycles reports the path of a cycle", () => {
  const graph = new Map([
    ["a.ts", ["b.ts"]],
    ["b.ts", ["c.ts"]],
    ["c.ts", ["a.ts", "d.ts"]],
    ["d.ts", []],
  ]);
  assertEqual(findCycles(graph), [{
    files: ["a.ts", "b.ts", "c.ts"],
    path: ["a.ts", "b.ts", "c.ts", "a.ts"],
  }]);
  assertEqual(findCycles(new Map([["a.ts", ["b.ts"]], ["b.ts", []]])), []);
});

Deno.test("the source tree has no import cycles beyond the known ones", async () => {
  const graph = await importGraph();
  assert(graph.has("server/chat/hub.ts"), "the scan found the hub");
  const unknown = findCycles(graph).filter((c) => !KNOWN_CYCLES.some((k) => sameFiles(k, c.files)));
  assertEqual(
    unknown.map((c) => c.path.join(" -> ")),
    [],
    "import cycles (break each by moving the shared type or function to a module both can import)",
  );
});

Deno.test("server/chat/ has no import cycle at all", async () => {
  const graph = await importGraph();
  const chat = findCycles(graph).filter((c) => c.files.some((f) => f.startsWith("server/chat/")));
  assertEqual(chat.map((c) => c.path.join(" -> ")), []);
});

Deno.test("protocol/ imports only protocol/ (no npm:, node: or other folders)", async () => {
  const graph = await importGraph();
  const outside: string[] = [];
  for (const [file, deps] of graph) {
    if (!file.startsWith("protocol/")) continue;
    for (const dep of deps) if (!dep.startsWith("protocol/")) outside.push(`${file} -> ${dep}`);
  }
  assertEqual(outside, []);
});

Deno.test("server/ and client/ do not import each other", async () => {
  const graph = await importGraph();
  assertEqual(edges(graph, "server/", "client/"), []);
  assertEqual(edges(graph, "client/", "server/"), []);
});

Deno.test("server/ and client/ import from cli/ only the known shared parsers", async () => {
  const graph = await importGraph();
  const intoCli = [...edges(graph, "server/", "cli/"), ...edges(graph, "client/", "cli/")];
  assertEqual(intoCli.filter((e) => !KNOWN_CLI_EDGES.has(e)), []);
});
