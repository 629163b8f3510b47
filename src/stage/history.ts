/**
 * A task's files through time, kept in the repository for replay: each staging's tree (the worktree
 * as the agent had it) becomes a commit whose parent is the previous one, the first one's parent the
 * task's base, and one ref, `refs/podium/history/<task>`, points at the newest. The ref keeps every
 * moment (and the base) from `git gc` after the worktree is gone and the task is closed; dropping it
 * (retention, or deleting the session) lets git collect them.
 *
 * Nothing here touches the engineer's index, working tree, HEAD or branches: commits are made with
 * `commit-tree` and kept by a ref outside refs/heads.
 */
import { readPathAtCommit } from './catFile';
import { stageGit, type GitCallOptions } from './stageError';

export const HISTORY_REF_PREFIX = 'refs/podium/history/';

const IDENTITY = {
  GIT_AUTHOR_NAME: 'Podium',
  GIT_AUTHOR_EMAIL: 'podium@localhost',
  GIT_COMMITTER_NAME: 'Podium',
  GIT_COMMITTER_EMAIL: 'podium@localhost',
};

const OBJECT_ID = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

/** The ref that keeps a task's moments; `task` must be a plain ref component (task ids are). */
export function historyRef(task: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(task) || task.includes('..') || task.endsWith('.lock') || task.endsWith('.')) {
    throw new Error(`"${task}" cannot name a history ref.`);
  }
  return `${HISTORY_REF_PREFIX}${task}`;
}

/**
 * Records `tree` as the task's newest moment and resolves with the commit that keeps it. `after` is
 * the task's previous moment (its commit), or its base commit for the first. `repo` is any folder of
 * the repository (a task's worktree shares its object store).
 */
export async function recordMoment(repo: string, task: string, tree: string, after: string, when: Date = new Date(), options: GitCallOptions = {}): Promise<string> {
  for (const id of [tree, after]) if (!OBJECT_ID.test(id)) throw new Error(`"${id}" is not a git object id.`);
  const date = `${Math.floor(when.getTime() / 1000)} +0000`;
  const env = { ...IDENTITY, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date };
  const commit = (await stageGit(repo, ['commit-tree', tree, '-p', after, '-m', `Podium: ${task} at ${when.toISOString()}`], options, { env })).stdout.trim();
  await stageGit(repo, ['update-ref', historyRef(task), commit], options);
  return commit;
}

/** The text of `file` in a tree (a moment, or a commit's tree); null when the tree has no such file. */
export async function readAtMoment(repo: string, treeish: string, file: string, options: GitCallOptions = {}): Promise<Buffer | null> {
  if (!OBJECT_ID.test(treeish)) throw new Error(`"${treeish}" is not a git object id.`);
  if (file.startsWith('/') || file.split('/').includes('..')) throw new Error(`"${file}" is not a path inside the repository.`);
  // Through the repository's long-lived `git cat-file --batch`: scrubbing a replay reads files often.
  if (!options.gitPath) return readPathAtCommit(repo, treeish, file);
  const result = await stageGit(repo, ['cat-file', 'blob', `${treeish}:${file}`], options, { okExitCodes: [128] });
  return result.exitCode === 0 ? result.stdoutBytes : null;
}

/** The files a tree holds, '/'-separated paths. */
export async function filesAtMoment(repo: string, treeish: string, options: GitCallOptions = {}): Promise<string[]> {
  if (!OBJECT_ID.test(treeish)) throw new Error(`"${treeish}" is not a git object id.`);
  const out = (await stageGit(repo, ['ls-tree', '-r', '-z', '--name-only', '--full-tree', treeish], options)).stdout;
  return out.split('\0').filter(Boolean);
}

/** Deletes the task's history ref (its moments become collectable); resolves with whether there was one. */
export async function dropHistory(repo: string, task: string, options: GitCallOptions = {}): Promise<boolean> {
  const ref = historyRef(task);
  const found = await stageGit(repo, ['rev-parse', '--verify', '-q', ref], options, { okExitCodes: [1] });
  if (found.exitCode !== 0) return false;
  await stageGit(repo, ['update-ref', '-d', ref], options);
  return true;
}

/** Every task with kept moments, and when its newest moment was recorded (ms since the epoch). */
export async function listHistories(repo: string, options: GitCallOptions = {}): Promise<{ task: string; commit: string; committedMs: number }[]> {
  const out = (await stageGit(repo, ['for-each-ref', '--format=%(refname)%00%(objectname)%00%(committerdate:unix)', HISTORY_REF_PREFIX], options)).stdout;
  return out
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [ref, commit, unix] = line.split('\0');
      return { task: ref!.slice(HISTORY_REF_PREFIX.length), commit: commit!, committedMs: Number(unix) * 1000 };
    });
}
