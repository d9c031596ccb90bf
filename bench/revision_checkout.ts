/**
 * A temporary checkout of one revision of a git repository, for running an
 * older Parley beside the current one (`deno task bench --reference-rev REV`).
 * It is a detached `git worktree` under a temporary directory, removed (and
 * pruned from the repository's worktree list) when disposed.
 *
 * @module
 */

/** A checkout that removes itself when disposed. */
export interface RevisionCheckout extends AsyncDisposable {
  /** Directory of the checkout. */
  dir: string;
  /** The full commit id checked out. */
  commit: string;
}

async function git(repo: string, args: string[]): Promise<string> {
  const out = await new Deno.Command("git", {
    args: ["-C", repo, ...args],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) {
    throw new Error(
      `Cannot run git ${args.join(" ")}: ${new TextDecoder().decode(out.stderr).trim()}`,
    );
  }
  return new TextDecoder().decode(out.stdout).trim();
}

/**
 * Checks out `rev` of the repository at `repo` into a new temporary directory.
 *
 * @param repo A directory inside the repository.
 * @param rev Any revision git understands (commit, branch, tag, `HEAD~3`).
 * @returns The checkout; dispose it to remove it.
 * @throws {Error} If git is missing, `rev` does not name a commit, or the worktree cannot be added.
 */
export async function checkoutRevision(repo: string, rev: string): Promise<RevisionCheckout> {
  const commit = await git(repo, ["rev-parse", "--verify", "--end-of-options", `${rev}^{commit}`]);
  const parent = await Deno.makeTempDir({ prefix: "parley-bench-ref-" });
  const dir = `${parent}/parley`;
  try {
    await git(repo, ["worktree", "add", "--detach", dir, commit]);
  } catch (error) {
    await Deno.remove(parent, { recursive: true });
    throw error;
  }
  let removed: Promise<void> | undefined;
  return {
    dir,
    commit,
    [Symbol.asyncDispose]: () =>
      removed ??= (async () => {
        try {
          await git(repo, ["worktree", "remove", "--force", dir]);
        } finally {
          await Deno.remove(parent, { recursive: true });
          await git(repo, ["worktree", "prune"]);
        }
      })(),
  };
}
