import { assertEqual } from "../_helpers/assert.ts";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** What each folder may import besides itself, `npm:` and `node:` (paths from the root). */
const ALLOWED: Record<string, (target: string) => boolean> = {
  protocol: () => false,
  // The server serves the built web client, so it may read web/'s assets.
  server: (target) => target.startsWith("protocol/") || target.startsWith("web/"),
  client: (target) =>
    target.startsWith("protocol/") ||
    ["cli/port.ts", "cli/prompt.ts", "cli/exit_codes.ts"].includes(target),
};

async function* sourceFiles(dir: string): AsyncGenerator<string> {
  for await (const entry of Deno.readDir(dir)) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) yield* sourceFiles(path);
    else if (entry.name.endsWith(".ts")) yield path;
  }
}

/** Relative specifiers of static and dynamic imports and re-exports. */
function importsOf(text: string): string[] {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
  const specifiers = [
    ...code.matchAll(/\bfrom\s+["']([^"']+)["']/g),
    ...code.matchAll(/\bimport\s*\(\s*["']([^"']+)["']\s*\)/g),
    ...code.matchAll(/^\s*import\s+["']([^"']+)["']/gm),
  ].map((match) => match[1]);
  return specifiers.filter((specifier) => specifier.startsWith("."));
}

Deno.test("server/, protocol/ and client/ import only the layers below them", async () => {
  const violations: string[] = [];
  for (const [folder, allowed] of Object.entries(ALLOWED)) {
    for await (const file of sourceFiles(join(ROOT, folder))) {
      for (const specifier of importsOf(await Deno.readTextFile(file))) {
        const target = relative(ROOT, join(dirname(file), specifier));
        if (!target.startsWith(`${folder}/`) && !allowed(target)) {
          violations.push(`${relative(ROOT, file)} imports ${target}`);
        }
      }
    }
  }
  assertEqual(violations, []);
});

Deno.test("the import scan sees static, dynamic and re-export specifiers", () => {
  assertEqual(
    importsOf(
      'import { a } from "./a.ts";\nexport { b } from "../b.ts";\nawait import("./c.ts");\n' +
        '// import { d } from "./d.ts";\nimport "./e.ts";\nimport { f } from "node:fs";',
    ),
    ["./a.ts", "../b.ts", "./c.ts", "./e.ts"],
  );
});
