import { checkoutRevision } from "../../bench/revision_checkout.ts";
import { assert, assertEqual } from "../_helpers/assert.ts";

const GIT_ENV = {
  GIT_AUTHOR_NAME: "bench test",
  GIT_AUTHOR_EMAIL: "bench@localhost",
  GIT_COMMITTER_NAME: "bench test",
  GIT_COMMITTER_EMAIL: "bench@localhost",
};

async function git(dir: string, ...args: string[]): Promise<string> {
  const out = await new Deno.Command("git", {
    args: ["-C", dir, ...args],
    env: GIT_ENV,
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert(out.success, new TextDecoder().decode(out.stderr));
  return new TextDecoder().decode(out.stdout).trim();
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

Deno.test("checkoutRevision checks out an older commit and removes it when disposed", async () => {
  // A throwaway repository, so the test never touches the project's own worktrees.
  const repo = await Deno.makeTempDir({ prefix: "parley-bench-git-" });
  try {
    await git(repo, "init", "-q");
    await Deno.writeTextFile(`${repo}/main.ts`, "old\n");
    await git(repo, "add", "main.ts");
    await git(repo, "commit", "-qm", "old");
    const old = await git(repo, "rev-parse", "HEAD");
    await Deno.writeTextFile(`${repo}/main.ts`, "new\n");
    await git(repo, "commit", "-qam", "new");

    let dir: string;
    {
      await using checkout = await checkoutRevision(repo, "HEAD~1");
      dir = checkout.dir;
      assertEqual(checkout.commit, old);
      assertEqual(await Deno.readTextFile(`${dir}/main.ts`), "old\n");
      assert((await git(repo, "worktree", "list")).includes(dir));
    }
    assert(!(await exists(dir)), `${dir} is still there`);
    assert(!(await git(repo, "worktree", "list")).includes(dir));
    assertEqual(await Deno.readTextFile(`${repo}/main.ts`), "new\n");
  } finally {
    await Deno.remove(repo, { recursive: true });
  }
});

Deno.test("checkoutRevision rejects a revision that names no commit", async () => {
  const repo = await Deno.makeTempDir({ prefix: "parley-bench-git-" });
  try {
    await git(repo, "init", "-q");
    await Deno.writeTextFile(`${repo}/a`, "a\n");
    await git(repo, "add", "a");
    await git(repo, "commit", "-qm", "a");
    let error: unknown;
    try {
      await checkoutRevision(repo, "no-such-branch");
    } catch (e) {
      error = e;
    }
    assert(error instanceof Error && /Cannot run git rev-parse/.test(error.message), `${error}`);
  } finally {
    await Deno.remove(repo, { recursive: true });
  }
});
