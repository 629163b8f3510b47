/**
 * Task worktrees: each task runs in its own git worktree, on its own `podium/<slug>` branch, started
 * from a snapshot of what the engineer sees, and kept outside the workspace folder.
 *
 * The snapshot is HEAD plus every uncommitted change: staged, unstaged, untracked files that are not
 * ignored, and deletions. It is built without touching the engineer's index, working tree, HEAD,
 * branch or stash: a copy of their index is brought up to date with `git add -A` under
 * `GIT_INDEX_FILE`, written as a tree, and committed with HEAD as parent. Only git's object store
 * (new objects), the new branch and the worktree registration change in their repository.
 *
 * What a task worktree does not have, by design or by git:
 * - Ignored files (`node_modules/`, build output, `.env`): .gitignore is respected, so the snapshot
 *   leaves them out. The ones a task needs are carried in afterwards (carry.ts, `podium.worktrees.carry`)
 *   or made by the workspace's setup (`podium.worktrees.setup`), before the agent enters.
 * - Submodules: the snapshot records each submodule's checked-out commit (not its uncommitted
 *   changes), and `git worktree add` leaves submodule folders empty. Run
 *   `git submodule update --init` in the worktree if a task needs them; Podium does nothing more.
 * - An untracked folder that is itself a git repository is recorded as a gitlink, like a submodule,
 *   and arrives empty. Empty folders don't exist in git and don't arrive either.
 * - Files marked `assume-unchanged` or `skip-worktree` keep their indexed content, as in any git
 *   command; a sparse checkout stays sparse in the worktree as git decides.
 * Symbolic links, executable bits, binary and large files arrive exactly as git stores them (clean
 * and smudge filters such as Git LFS run as they do for `git add` and `git checkout`). git hooks of
 * the repository (e.g. post-checkout) run as for any `git worktree add`.
 *
 * Node only: nothing here imports `vscode`.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { GitError, GitNotFoundError, runGit, type GitResult, type GitRunOptions } from './git';

/** Every task branch lives under this prefix; nothing else is ever deleted by Podium. */
export const BRANCH_PREFIX = 'podium/';
export const MAX_SLUG_LENGTH = 40;

// Snapshotting and checking out a large repository reads or writes every file; give it minutes,
// not the default minute, before calling it stuck.
const BULK_TIMEOUT_MS = 10 * 60_000;
const SNAPSHOT_IDENTITY = {
  GIT_AUTHOR_NAME: 'Podium',
  GIT_AUTHOR_EMAIL: 'podium@localhost',
  GIT_COMMITTER_NAME: 'Podium',
  GIT_COMMITTER_EMAIL: 'podium@localhost',
};

export type WorktreeErrorCode =
  /** git can't be started. */
  | 'git-missing'
  | 'workspace-missing'
  | 'not-a-repository'
  /** The repository has no commit to base a task on. */
  | 'no-commit'
  /** A bare repository, or a folder inside `.git`: there is no working tree to snapshot. */
  | 'bare-repository'
  /** git refuses the repository (owned by another user, "dubious ownership"). */
  | 'unsafe-repository'
  | 'storage-inside-workspace'
  | 'invalid-task-id'
  /** Something already occupies the task's worktree folder. */
  | 'worktree-exists'
  /** A moment to start from (replay's New Task from Here) that the repository does not have. */
  | 'unknown-moment'
  /** Someone locked the worktree (`git worktree lock`); Podium leaves it alone. */
  | 'worktree-locked'
  /** Asked to delete a branch that is not a `podium/` branch. */
  | 'not-a-podium-branch'
  /** A folder given for removal is the repository itself or inside it. */
  | 'not-a-task-worktree'
  /** Any other git failure; `cause` is the `GitError`. */
  | 'git-failed';

/** A failure the engineer can act on: `message` says what failed, where, and what to do. */
export class WorktreeError extends Error {
  override readonly name = 'WorktreeError';

  constructor(
    readonly code: WorktreeErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface CreateTaskWorktreeOptions {
  /** The engineer's workspace folder: a repository's working tree or a folder inside one. */
  workspace: string;
  /** Podium's storage folder (the extension's storage); must be outside the repository. */
  storageDir: string;
  /** The task's id; becomes the worktree folder's name, so letters, digits, `.`, `_`, `-` only. */
  taskId: string;
  /** The task's title; the branch is named after it. */
  title: string;
  /**
   * Start from a recorded moment instead of a snapshot of what the engineer sees (replay's *New Task
   * from Here*): the worktree is based on `baseCommit` (the original task's base, so the new task's
   * changes are measured against what the engineer had) and holds the files of `tree` (the moment).
   */
  from?: { baseCommit: string; tree: string };
  gitPath?: string;
  signal?: AbortSignal;
}

export interface TaskWorktree {
  /** The worktree's root: `<storageDir>/worktrees/<taskId>`. */
  dir: string;
  /** The folder inside `dir` that mirrors `workspace` (`dir` itself unless the workspace is a
   * subfolder of its repository). Agents start here. */
  workspaceDir: string;
  /** `podium/<slug>`. */
  branch: string;
  /** The snapshot commit; staged hunks are the worktree against this. Equals `sourceHead` when the
   * engineer had no uncommitted change. */
  baseCommit: string;
  /** The worktree's HEAD right after creation (the same commit as `baseCommit`). */
  headCommit: string;
  /** The engineer's HEAD at snapshot time. */
  sourceHead: string;
}

/**
 * Creates the task's worktree from a snapshot of what the engineer sees (see the module comment).
 *
 * Promises: the engineer's index, working tree, HEAD, branch and stash are not modified; the worktree
 * is at `<storageDir>/worktrees/<taskId>`, outside the repository, on a new branch `podium/<slug>`
 * whose name no other branch has.
 *
 * Refuses, with a `WorktreeError`: git missing, a workspace that is not in a git working tree, a
 * repository without a commit, a bare repository, a storage folder inside the repository, a task id
 * that is not a plain folder name, a task whose worktree folder already holds something.
 */
export async function createTaskWorktree(options: CreateTaskWorktreeOptions): Promise<TaskWorktree> {
  const { workspace, storageDir, taskId, title } = options;
  if (!isPlainFolderName(taskId)) {
    throw new WorktreeError(
      'invalid-task-id',
      `Task id "${taskId}" can't name a worktree folder: use letters, digits, ".", "_" and "-" (at most 100).`,
    );
  }
  const repo = await openRepository(workspace, options);
  const sourceHead = await headCommitOf(repo, options);

  const storage = await canonicalPath(storageDir);
  if (isInside(storage, repo.root)) {
    throw new WorktreeError(
      'storage-inside-workspace',
      `Podium's storage folder "${storageDir}" is inside the repository "${repo.root}". Task worktrees ` +
        'must live outside it, or they would be copied into every snapshot and indexed twice by the editor. ' +
        'Choose a storage folder outside the repository.',
    );
  }
  const worktreesDir = path.join(storage, 'worktrees');
  const dir = path.join(worktreesDir, taskId);
  await fs.mkdir(worktreesDir, { recursive: true });
  if (await hasEntries(dir)) {
    throw new WorktreeError(
      'worktree-exists',
      `The worktree folder for task "${taskId}" already exists and is not empty: "${dir}". ` +
        'It may be left over from an earlier run: remove it (Podium lists its leftover worktrees) and try again.',
    );
  }

  let baseCommit: string;
  if (options.from) {
    for (const id of [options.from.baseCommit, options.from.tree]) {
      if (!/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(id)) throw new WorktreeError('unknown-moment', `"${id}" is not a git object id.`);
    }
    const found = await runGit(['cat-file', '-e', `${options.from.tree}^{tree}`], { cwd: repo.root, okExitCodes: [1, 128], gitPath: options.gitPath });
    if (found.exitCode !== 0) throw new WorktreeError('unknown-moment', `The repository no longer has the files of that moment (tree ${options.from.tree.slice(0, 12)}); its history may have been dropped.`);
    baseCommit = options.from.baseCommit;
  } else {
    baseCommit = await snapshot(repo, storage, sourceHead, options);
  }
  const branch = await withRepositoryLock(repo, () => addWorktree(repo, dir, baseCommit, title, options));
  if (options.from) {
    // The moment's files in the worktree, as uncommitted changes on top of the base: index and files
    // from the tree, then the index back to HEAD, so the worktree reads like an agent's work in progress.
    await git(dir, ['read-tree', '--reset', '-u', options.from.tree], options);
    await git(dir, ['reset', '-q'], options);
  }
  const headCommit = (await git(dir, ['rev-parse', '--verify', 'HEAD^{commit}'], options)).stdout.trim();
  return {
    dir,
    workspaceDir: repo.prefix ? path.join(dir, ...repo.prefix.split('/').filter(Boolean)) : dir,
    branch,
    baseCommit,
    headCommit,
    sourceHead,
  };
}

export interface RemoveTaskWorktreeOptions {
  workspace: string;
  /** The worktree folder, as `createTaskWorktree` returned it. */
  dir: string;
  /** The task's branch; only read when `deleteBranch` is set. */
  branch?: string;
  /** Also delete the branch. Commits only it reached become unreachable, and git's gc drops them in time. */
  deleteBranch?: boolean;
  gitPath?: string;
  signal?: AbortSignal;
}

export interface RemovedTaskWorktree {
  /** The worktree was registered or its folder existed, and now neither is true. */
  removedDir: boolean;
  branchDeleted: boolean;
}

/**
 * Removes a task worktree: its folder (uncommitted work in it is discarded), git's record of it, and,
 * when asked, its branch. Idempotent: a worktree or branch already gone is not an error.
 *
 * Refuses: to delete a branch outside `podium/`; to remove the repository's main working tree, the
 * workspace's, anything inside or around them, or a worktree on a branch outside `podium/`; a
 * worktree someone has locked (`git worktree lock`). An existing folder that
 * git doesn't know as a worktree is deleted only if its `.git` file points into this repository's
 * worktree records, i.e. it is a worktree whose record was already pruned; otherwise it is left alone.
 */
export async function removeTaskWorktree(options: RemoveTaskWorktreeOptions): Promise<RemovedTaskWorktree> {
  const { dir, branch, deleteBranch } = options;
  if (deleteBranch && (!branch || !isPodiumBranch(branch))) {
    throw new WorktreeError(
      'not-a-podium-branch',
      `Refusing to delete branch "${branch ?? ''}": Podium only deletes the "${BRANCH_PREFIX}…" branches it created.`,
    );
  }
  const repo = await openRepository(options.workspace, options);
  const target = await canonicalPath(dir);
  return withRepositoryLock(repo, () => removeLocked(repo, target, options));
}

async function removeLocked(repo: Repository, target: string, options: RemoveTaskWorktreeOptions): Promise<RemovedTaskWorktree> {
  const { dir, branch, deleteBranch } = options;
  const [main, ...linked] = await listWorktrees(repo, options);
  for (const tree of [repo.root, main?.canonicalDir]) {
    if (tree && (isInside(target, tree) || isInside(tree, target))) {
      throw new WorktreeError(
        'not-a-task-worktree',
        `Refusing to remove "${dir}": it is the working tree "${tree}", inside it, or around it, not a task worktree.`,
      );
    }
  }
  const registered = linked.find((w) => samePath(w.canonicalDir, target));
  // A task's worktree is on its podium branch, or detached if the agent checked out a commit; one on
  // any other branch is the engineer's own.
  if (registered?.branch && !isPodiumBranch(registered.branch.replace(/^refs\/heads\//, ''))) {
    throw new WorktreeError(
      'not-a-task-worktree',
      `Refusing to remove "${dir}": it is a worktree on branch "${registered.branch.replace(/^refs\/heads\//, '')}", not a Podium task worktree.`,
    );
  }
  const existed = await exists(target);
  let removedDir = false;
  if (registered) {
    if (registered.locked) {
      throw new WorktreeError(
        'worktree-locked',
        `The worktree "${dir}" is locked (git worktree lock). Unlock it with \`git worktree unlock "${dir}"\` if ` +
          'Podium may remove it, or remove it yourself.',
      );
    }
    if (existed) {
      try {
        await git(repo.root, ['worktree', 'remove', '--force', registered.dir], options, { timeoutMs: BULK_TIMEOUT_MS });
      } catch (error) {
        // git refuses, even with --force, a worktree holding a submodule whose repository lives inside
        // it (a `.git` folder rather than a file). The folder is a registered, unlocked worktree of this
        // repository, so deleting it ourselves and pruning the record is safe.
        if (!(error instanceof WorktreeError) || !(error.cause instanceof GitError)) throw error;
        await fs.rm(target, { recursive: true, force: true, maxRetries: 3 });
      }
    }
    removedDir = true;
  } else if (existed && (await pointsIntoRepository(target, repo))) {
    await fs.rm(target, { recursive: true, force: true, maxRetries: 3 });
    removedDir = true;
  }
  await git(repo.root, ['worktree', 'prune'], options);

  let branchDeleted = false;
  if (deleteBranch && branch) {
    const ref = `refs/heads/${branch}`;
    const found = await git(repo.root, ['show-ref', '--verify', '--quiet', ref], options, { okExitCodes: [1] });
    if (found.exitCode === 0) {
      await git(repo.root, ['branch', '-D', branch], options);
      branchDeleted = true;
    }
  }
  return { removedDir, branchDeleted };
}

export interface ListedTaskWorktree {
  dir: string;
  /** `dir` with symbolic links resolved, to compare with `samePath`. */
  canonicalDir: string;
  /** `podium/<slug>`. */
  branch: string;
  /** The commit the worktree has checked out. */
  head: string;
  locked: boolean;
  /** git's record is there but the folder is gone; `removeTaskWorktree` cleans the record up. */
  missing: boolean;
}

/**
 * The repository's worktrees on `podium/` branches, whether or not any task still knows them (after a
 * crash, these are the leftovers to offer for cleanup). Reads only; changes nothing.
 */
export async function listTaskWorktrees(
  workspace: string,
  options: { gitPath?: string; signal?: AbortSignal } = {},
): Promise<ListedTaskWorktree[]> {
  const repo = await openRepository(workspace, options);
  const all = await listWorktrees(repo, options);
  const result: ListedTaskWorktree[] = [];
  for (const w of all.slice(1)) {
    const branch = w.branch?.startsWith('refs/heads/') ? w.branch.slice('refs/heads/'.length) : undefined;
    if (!branch || !isPodiumBranch(branch)) continue;
    result.push({ dir: w.dir, canonicalDir: w.canonicalDir, branch, head: w.head, locked: w.locked, missing: !(await exists(w.dir)) });
  }
  return result;
}

/**
 * The slug of a branch name for a task title: lowercase ASCII letters and digits joined by single
 * dashes, accents folded ("Café" → "cafe"), at most `MAX_SLUG_LENGTH` characters, never empty ("task").
 */
export function branchSlug(title: string): string {
  const ascii = title
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase();
  const slug = ascii.replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  return trimSlug(slug, MAX_SLUG_LENGTH) || 'task';
}

/**
 * The first of `slug`, `slug-2`, `slug-3`… (each within `MAX_SLUG_LENGTH`) that `taken` allows.
 * `taken(name)` says whether `podium/<name>` can't be created.
 */
export function uniqueSlug(slug: string, taken: (candidate: string) => boolean): string {
  if (!taken(slug)) return slug;
  for (let n = 2; ; n++) {
    const suffix = `-${n}`;
    const candidate = `${trimSlug(slug, MAX_SLUG_LENGTH - suffix.length) || 'task'}${suffix}`;
    if (!taken(candidate)) return candidate;
  }
}

// ---------------------------------------------------------------------------------------------------

interface Repository {
  /** The working tree's root, canonical. */
  root: string;
  /** The workspace relative to `root`, `/`-separated with a trailing `/`, or '' at the root. */
  prefix: string;
  /** This working tree's index file (a linked worktree has its own). */
  indexFile: string;
  /** The repository's common git folder (shared by all its worktrees). */
  commonDir: string;
}

type GitCallOptions = { gitPath?: string; signal?: AbortSignal };

/** Runs git for the stage, turning a missing git into `git-missing` and any failure into `git-failed`. */
async function git(
  cwd: string,
  args: string[],
  options: GitCallOptions,
  extra: Partial<GitRunOptions> = {},
): Promise<GitResult> {
  try {
    return await runGit(args, { cwd, gitPath: options.gitPath, signal: options.signal, ...extra });
  } catch (error) {
    throw asWorktreeError(error);
  }
}

function asWorktreeError(error: unknown): Error {
  if (error instanceof GitNotFoundError) return new WorktreeError('git-missing', error.message, { cause: error });
  if (error instanceof GitError) return new WorktreeError('git-failed', error.message, { cause: error });
  return error instanceof Error ? error : new Error(String(error));
}

/** Finds the repository around `workspace` and refuses what can't hold a task worktree. */
async function openRepository(workspace: string, options: GitCallOptions): Promise<Repository> {
  const stat = await fs.stat(workspace).catch(() => undefined);
  if (!stat?.isDirectory()) {
    throw new WorktreeError('workspace-missing', `The workspace folder "${workspace}" does not exist or is not a folder.`);
  }
  let kind: GitResult;
  try {
    kind = await runGit(['rev-parse', '--is-bare-repository', '--is-inside-work-tree'], {
      cwd: workspace,
      ...options,
    });
  } catch (error) {
    if (error instanceof GitError && error.failure === 'exit') {
      if (/not a git repository/i.test(error.stderr)) {
        throw new WorktreeError(
          'not-a-repository',
          `"${workspace}" is not a git repository. Podium runs each task in a git worktree: run \`git init\` ` +
            'and commit once, then try again.',
          { cause: error },
        );
      }
      if (/dubious ownership|safe\.directory/i.test(error.stderr)) {
        throw new WorktreeError(
          'unsafe-repository',
          `git refuses to work in "${workspace}" because the repository belongs to another user. If you trust ` +
            `it, mark it safe (\`git config --global --add safe.directory <path>\`) and try again. git said: ${error.stderr}`,
          { cause: error },
        );
      }
    }
    throw asWorktreeError(error);
  }
  const [bare, insideWorkTree] = kind.stdout.split('\n').map((l) => l.trim());
  if (bare === 'true' || insideWorkTree !== 'true') {
    throw new WorktreeError(
      'bare-repository',
      bare === 'true'
        ? `"${workspace}" is a bare git repository: it has no working tree to snapshot. Open a clone or a ` +
            'worktree of it instead.'
        : `"${workspace}" is inside a repository's .git folder, not its working tree. Open the working tree instead.`,
    );
  }
  // One call, one line each; --path-format=absolute would need git 2.31, so paths are resolved here.
  const where = await git(workspace, ['rev-parse', '--show-toplevel', '--show-prefix', '--git-path', 'index', '--git-common-dir'], options);
  const [top = '', prefix = '', indexFile = '', commonDir = ''] = where.stdout.split('\n');
  const root = await canonicalPath(top);
  return {
    root,
    prefix,
    indexFile: path.resolve(workspace, indexFile),
    commonDir: await canonicalPath(path.resolve(workspace, commonDir)),
  };
}

async function headCommitOf(repo: Repository, options: GitCallOptions): Promise<string> {
  const head = await git(repo.root, ['rev-parse', '--verify', '--quiet', 'HEAD^{commit}'], options, { okExitCodes: [1] });
  const sha = head.stdout.trim();
  if (head.exitCode !== 0 || !sha) {
    throw new WorktreeError(
      'no-commit',
      `The repository "${repo.root}" has no commit yet. Podium bases each task on a commit: commit once ` +
        '(e.g. `git add -A && git commit -m "Initial commit"`), then try again.',
    );
  }
  return sha;
}

/**
 * Commits what the engineer sees, with HEAD as parent, without touching their index: a private copy
 * of the index is brought up to date with the working tree. Copying (rather than starting from
 * HEAD's tree) keeps git's file stat cache, so only changed files are re-read, and keeps
 * skip-worktree entries of a sparse checkout, which would otherwise look deleted.
 * Returns HEAD itself when nothing differs from it.
 */
async function snapshot(repo: Repository, storage: string, head: string, options: GitCallOptions): Promise<string> {
  const tmpDir = path.join(storage, 'tmp');
  await fs.mkdir(tmpDir, { recursive: true });
  const tempIndex = path.join(tmpDir, `snapshot-${randomBytes(6).toString('hex')}.index`);
  const env = { GIT_INDEX_FILE: tempIndex };
  try {
    try {
      // git replaces the index by renaming a finished file over it, so a copy is never half-written.
      await fs.copyFile(repo.indexFile, tempIndex);
      // Keep the index's own time: git judges an entry "racily clean" against the index file's
      // mtime, and a fresh mtime would hide a same-size edit made in the second of the last write.
      const stat = await fs.stat(repo.indexFile);
      await fs.utimes(tempIndex, stat.atime, stat.mtime);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      await git(repo.root, ['read-tree', head], options, { env });
    }
    // core.safecrlf=true would refuse to snapshot a file with mixed line endings; a snapshot records
    // the engineer's bytes as they are.
    await git(repo.root, ['-c', 'core.safecrlf=false', 'add', '--all'], options, { env, timeoutMs: BULK_TIMEOUT_MS });
    const tree = (await git(repo.root, ['write-tree'], options, { env })).stdout.trim();
    const headTree = (await git(repo.root, ['rev-parse', '--verify', `${head}^{tree}`], options)).stdout.trim();
    if (tree === headTree) return head;
    const message =
      'Podium snapshot of uncommitted changes\n\n' +
      'HEAD plus the staged, unstaged and untracked (not ignored) changes in the working tree when the task started.';
    const commit = await git(repo.root, ['commit-tree', '--no-gpg-sign', '-p', head, '-m', message, tree], options, {
      env: { ...env, ...SNAPSHOT_IDENTITY },
    });
    return commit.stdout.trim();
  } finally {
    await fs.rm(tempIndex, { force: true });
    await fs.rm(`${tempIndex}.lock`, { force: true });
  }
}

/**
 * `git worktree add -b podium/<slug> <dir> <commit>` with a slug no branch has. Another task created
 * at the same moment may take the name between our check and git's; then the next suffix is tried.
 */
async function addWorktree(repo: Repository, dir: string, commit: string, title: string, options: GitCallOptions): Promise<string> {
  const base = branchSlug(title);
  for (let attempt = 0; ; attempt++) {
    const existing = await podiumBranchNames(repo, options);
    const slug = uniqueSlug(base, (candidate) => slugConflicts(candidate, existing));
    const branch = `${BRANCH_PREFIX}${slug}`;
    try {
      await runGit(['worktree', 'add', '--quiet', '-b', branch, dir, commit], {
        cwd: repo.root,
        timeoutMs: BULK_TIMEOUT_MS,
        gitPath: options.gitPath,
        signal: options.signal,
      });
      return branch;
    } catch (error) {
      if (attempt >= 5 || !(error instanceof GitError)) throw asWorktreeError(error);
      if (/missing but (already )?registered/i.test(error.stderr)) {
        // The folder of an earlier worktree at this path was deleted without telling git; its stale
        // record is exactly what `git worktree prune` (and `git gc`) clear.
        await git(repo.root, ['worktree', 'prune'], options);
        continue;
      }
      // Losing a race with another process shows as the branch existing, its ref locked by the
      // winner, or the winner's worktree record read half-written; all pass on a second try.
      const raced =
        /already exists|cannot lock ref|failed to read .*worktrees/i.test(error.stderr) && !(await hasEntries(dir));
      if (!raced) throw asWorktreeError(error);
      await new Promise((resolve) => setTimeout(resolve, 50 * (attempt + 1)));
    }
  }
}

// git's worktree commands are not safe to run at once on one repository: a `worktree add` can read
// another's half-written record and fail. Podium queues its own, per repository, in this process.
const repositoryQueues = new Map<string, Promise<unknown>>();

async function withRepositoryLock<T>(repo: Repository, fn: () => Promise<T>): Promise<T> {
  const key = comparable(repo.commonDir);
  const run = (repositoryQueues.get(key) ?? Promise.resolve()).then(fn);
  const tail = run.catch(() => undefined);
  repositoryQueues.set(key, tail);
  try {
    return await run;
  } finally {
    if (repositoryQueues.get(key) === tail) repositoryQueues.delete(key);
  }
}

/** The names under `podium/` of all local branches, e.g. `fix-login`. */
async function podiumBranchNames(repo: Repository, options: GitCallOptions): Promise<Set<string>> {
  const out = await git(repo.root, ['for-each-ref', '--format=%(refname)', `refs/heads/${BRANCH_PREFIX}`], options);
  const prefix = `refs/heads/${BRANCH_PREFIX}`;
  return new Set(
    out.stdout
      .split('\n')
      .filter((l) => l.startsWith(prefix))
      .map((l) => l.slice(prefix.length)),
  );
}

/** A ref can't be created if it exists, or if it is a folder or a file of an existing ref's path. */
function slugConflicts(candidate: string, existing: Set<string>): boolean {
  if (existing.has(candidate)) return true;
  for (const name of existing) if (name.startsWith(`${candidate}/`)) return true;
  return false;
}

interface WorktreeRecord {
  dir: string;
  canonicalDir: string;
  head: string;
  branch?: string;
  locked: boolean;
}

/** git's worktree records, the main working tree first (git always lists it first). */
async function listWorktrees(repo: Repository, options: GitCallOptions): Promise<WorktreeRecord[]> {
  // -z (git 2.36+) keeps paths with newlines intact; older git rejects it with a usage error (129).
  let out = await git(repo.root, ['worktree', 'list', '--porcelain', '-z'], options, { okExitCodes: [129] });
  let separator = '\0';
  if (out.exitCode === 129) {
    out = await git(repo.root, ['worktree', 'list', '--porcelain'], options);
    separator = '\n';
  }
  const records: WorktreeRecord[] = [];
  let current: WorktreeRecord | undefined;
  for (const line of out.stdout.split(separator)) {
    if (line.startsWith('worktree ')) {
      const dir = line.slice('worktree '.length);
      current = { dir, canonicalDir: await canonicalPath(dir), head: '', locked: false };
      records.push(current);
    } else if (!current) {
      continue;
    } else if (line.startsWith('HEAD ')) {
      current.head = line.slice('HEAD '.length);
    } else if (line.startsWith('branch ')) {
      current.branch = line.slice('branch '.length);
    } else if (line === 'locked' || line.startsWith('locked ')) {
      current.locked = true;
    }
  }
  return records;
}

/** Whether `dir/.git` is a worktree's pointer file into this repository's worktree records. */
async function pointsIntoRepository(dir: string, repo: Repository): Promise<boolean> {
  const text = await fs.readFile(path.join(dir, '.git'), 'utf8').catch(() => '');
  const match = /^gitdir: (.+)$/m.exec(text);
  if (!match?.[1]) return false;
  const gitdir = await canonicalPath(path.resolve(dir, match[1].trim()));
  return isInside(gitdir, path.join(repo.commonDir, 'worktrees'));
}

function isPodiumBranch(branch: string): boolean {
  return branch.startsWith(BRANCH_PREFIX) && branch.length > BRANCH_PREFIX.length;
}

function isPlainFolderName(name: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(name) && !name.endsWith('.');
}

function trimSlug(slug: string, max: number): string {
  return slug.slice(0, Math.max(0, max)).replace(/-+$/, '');
}

/**
 * The absolute path with symlinks resolved as far as the path exists (a storage folder may not exist
 * yet), so `/tmp/x` and `/private/tmp/x` compare equal.
 */
export async function canonicalPath(p: string): Promise<string> {
  let head = path.resolve(p);
  const tail: string[] = [];
  for (;;) {
    try {
      return path.join(await fs.realpath(head), ...tail);
    } catch {
      const parent = path.dirname(head);
      if (parent === head) return path.resolve(p);
      tail.unshift(path.basename(head));
      head = parent;
    }
  }
}

// Case-insensitive file systems are the default on Windows and macOS; erring towards "same" there
// makes the inside-the-repository check refuse more, never less.
const foldCase = process.platform === 'win32' || process.platform === 'darwin';
function comparable(p: string): string {
  return foldCase ? p.toLowerCase() : p;
}

/** Whether two canonical paths name the same folder (case folded where the file system usually is). */
export function samePath(a: string, b: string): boolean {
  return comparable(a) === comparable(b);
}

/** Whether `child` is `parent` or below it (both canonical). */
function isInside(child: string, parent: string): boolean {
  const rel = path.relative(comparable(parent), comparable(child));
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}

async function exists(p: string): Promise<boolean> {
  return fs.lstat(p).then(
    () => true,
    () => false,
  );
}

async function hasEntries(dir: string): Promise<boolean> {
  try {
    return (await fs.readdir(dir)).length > 0;
  } catch (error) {
    // A file where the folder should be counts as occupied.
    return (error as NodeJS.ErrnoException).code === 'ENOTDIR';
  }
}
