/**
 * Prints the functions with the most self time in a V8 `.cpuprofile`
 * (as written by `deno run --cpu-prof`).
 *
 * Usage: `deno run --allow-read bench/profile_top.ts FILE.cpuprofile [N]`
 *
 * @module
 */

/** A node of a `.cpuprofile` call tree (Chrome DevTools protocol `Profiler.ProfileNode`). */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

/** One row of the summary. */
export interface ProfileRow {
  /** `name (file:line)`. */
  name: string;
  /** Share of all samples, percent. */
  selfPercent: number;
}

/**
 * Sums self samples per function.
 *
 * @param profile Parsed `.cpuprofile` JSON (`nodes`, `samples`).
 * @param top How many rows to return.
 * @returns The busiest functions, most samples first.
 */
export function profileTop(
  profile: { nodes: ProfileNode[]; samples: number[] },
  top = 25,
): ProfileRow[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const counts = new Map<string, number>();
  for (const id of profile.samples) {
    const node = byId.get(id);
    if (!node) continue;
    const f = node.callFrame;
    const file = f.url.split("/").slice(-2).join("/");
    const name = `${f.functionName || "(anonymous)"}${
      file ? ` (${file}:${f.lineNumber + 1})` : ""
    }`;
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  const total = profile.samples.length || 1;
  return [...counts].sort((a, b) => b[1] - a[1]).slice(0, top).map(([name, n]) => ({
    name,
    selfPercent: (n / total) * 100,
  }));
}

if (import.meta.main) {
  const [file, top] = Deno.args;
  if (!file) {
    console.error("usage: profile_top.ts FILE.cpuprofile [N]");
    Deno.exit(2);
  }
  for (const row of profileTop(JSON.parse(await Deno.readTextFile(file)), Number(top ?? 25))) {
    console.log(`${row.selfPercent.toFixed(1).padStart(5)}%  ${row.name}`);
  }
}
