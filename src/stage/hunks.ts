/**
 * Staging a task: what its worktree holds now against the snapshot it started from, as files and
 * hunks the engineer signs off one by one (see staged.ts for the shapes and conventions).
 *
 * git does the comparing. The worktree's current state — tracked changes, untracked files that are not
 * ignored, deletions, renames, mode changes, commits the agent may have made — is recorded in a
 * PRIVATE copy of the worktree's index (`GIT_INDEX_FILE` + `git add -A`), which is then diffed against
 * the base commit. The agent's own index, HEAD and files are never changed; only new objects land in
 * the object store, as any `git add` would leave.
 *
 * Bounded by construction: files over `maxFileBytes` are marked binary for git (core.bigFileThreshold),
 * so git never diffs them; every git call has a timeout and an output cap; a batch that runs over
 * either is split until the file at fault is alone, and that file becomes one file-level hunk. Line
 * and hunk limits are checked while the patch is read, and a file over them stops being read.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { GitError, type GitFailure } from './git';
import { pathBatches, treeSizes } from './blobs';
import { carriedPaths } from './carry';
import { hunksTouch } from './overlap';
import { parsePatch, parseRaw, type PatchFile, type RawEntry } from './patch';
import { StageError, stageGit, type GitCallOptions } from './stageError';
import {
  fileHunkId,
  lineHunkId,
  modeHunkId,
  renameHunkId,
  type FileHunk,
  type FileLevelReason,
  type FileStatus,
  type Hunk,
  type LineHunk,
  type StagedFile,
} from './staged';

export interface StageLimits {
  /** A file larger than this, on either side, is one file-level hunk ('too-large'). */
  maxFileBytes: number;
  /** More added plus removed lines than this in one file makes it one file-level hunk. */
  maxChangedLines: number;
  /** More hunks than this in one file makes it one file-level hunk. */
  maxHunksPerFile: number;
  /** How long one `git diff` may run; the files it was diffing are retried apart, then given up on. */
  diffTimeoutMs: number;
  /** The most patch text one `git diff` may print. */
  maxPatchBytes: number;
  /** How long recording the worktree (`git add -A`) and listing its changes may take. */
  addTimeoutMs: number;
}

export const DEFAULT_STAGE_LIMITS: Readonly<StageLimits> = Object.freeze({
  maxFileBytes: 5 * 1024 * 1024,
  maxChangedLines: 20_000,
  maxHunksPerFile: 2_000,
  diffTimeoutMs: 30_000,
  maxPatchBytes: 32 * 1024 * 1024,
  addTimeoutMs: 10 * 60_000,
});

export interface StageTaskOptions {
  /** The engineer's workspace: any folder of the repository the task was created from. */
  repo: string;
  /** The task's worktree (its root or any folder in it). */
  worktreeDir: string;
  /** The snapshot the task started from (`TaskWorktree.baseCommit`). */
  baseCommit: string;
  /** The files of the previous staging of this task, to tell which vanished hunks were superseded. */
  previous?: readonly StagedFile[];
  limits?: Partial<StageLimits>;
  /** Mixed into every hunk id, so two tasks making the same change get different ids: the task id. */
  scope?: string;
  gitPath?: string;
  signal?: AbortSignal;
}

/** A hunk of the previous staging that is gone, replaced by new hunks over the same base lines. */
export interface SupersededHunk {
  id: string;
  /** Its base path. */
  path: string;
  /** The new hunks (not in the previous staging) that touch the same base region. */
  by: string[];
}

export interface StageResult {
  /** In git's path order. */
  files: StagedFile[];
  superseded: SupersededHunk[];
  /** Ids of previous hunks that are gone with nothing in their place (the agent undid them). */
  withdrawn: string[];
  /** The git tree of the worktree as staged (carried files left out): the agent's files at this moment. */
  tree: string;
}

/**
 * Stages a task: compares `worktreeDir`'s current state with `baseCommit` and splits it into hunks.
 *
 * Promises: the worktree's files, index and HEAD are left exactly as they were; an unchanged hunk
 * keeps its id across calls, even when it moved; nothing over `limits` is diffed or read line by line
 * (such a file is one file-level hunk, saying why).
 * Refuses (StageError): a worktree outside the workspace's repository ('not-this-repository'), a
 * base commit the repository doesn't have ('unknown-base'); git failures other than a diff running
 * over its limits ('git-failed').
 */
export async function stageTask(options: StageTaskOptions): Promise<StageResult> {
  const limits: StageLimits = { ...DEFAULT_STAGE_LIMITS, ...options.limits };
  const git: GitCallOptions = { gitPath: options.gitPath, signal: options.signal };
  const scope = options.scope ?? '';
  const { root, indexFile, base, gitDir, linked } = await locateOnce(options.worktreeDir, options.repo, options.baseCommit, git);
  // Carried paths (node_modules, .env…) are never the agent's change, whatever it does to them or to
  // .gitignore: every command that lists or diffs leaves them out.
  const carried = await carriedPaths(gitDir);
  const scopeSpec = carried.length > 0 ? [':/', ...carried.map((p) => `:(top,literal,exclude)${p}`)] : [];
  const limited = scopeSpec.length > 0 ? ['--', ...scopeSpec] : [];

  return withStageIndex({ root, indexFile, gitDir, linked, git }, async (env) => {
    // core.safecrlf would otherwise let a line-ending conversion warning become a refusal to stage.
    // The untracked cache lets the next staging skip reading folders whose mtime did not change.
    const added = await stageGit(root, ['-c', 'core.safecrlf=false', '-c', 'core.untrackedCache=true', '-c', 'advice.addIgnoredFile=false', 'add', '--all', ...limited], git, {
      env,
      timeoutMs: limits.addTimeoutMs,
      okExitCodes: limited.length > 0 ? [1] : [],
    });
    // git adds everything else, then exits 1 to say that pathspecs named ignored paths: that is
    // what excluding a carried, still-ignored path looks like to it. Any other complaint is a failure.
    const namedIgnored = added.stderr.includes('The following paths are ignored by one of your .gitignore files:');
    if (added.exitCode === 1 && (!namedIgnored || /^(error|fatal):/m.test(added.stderr))) {
      throw new StageError('git-failed', `\`git add --all\` in "${root}" failed (exit code 1): ${added.stderr}`);
    }
    const raw = await stageGit(
      root,
      [...DIFF_CONFIG, 'diff', '--cached', '--raw', '-z', '--no-abbrev', '--find-renames', '--no-ext-diff', '--ignore-submodules=none', '--no-relative', base, ...limited],
      git,
      { env, timeoutMs: limits.addTimeoutMs },
    );
    const files = await buildFiles(parseRaw(raw.stdout), { root, base, env, limits, scope, git, scopeSpec });
    // The index already holds the worktree's state: writing it as a tree costs one small git process,
    // and is what replay opens the files of this moment from.
    const tree = (await stageGit(root, ['write-tree'], git, { env })).stdout.trim();
    return { files, ...supersede(options.previous ?? [], files), tree };
  });
}

/** The private index a staging records the worktree in, and how it was found. */
interface StageIndexPlace {
  root: string;
  /** The worktree's own index (the agent's). */
  indexFile: string;
  gitDir: string;
  /** A linked worktree (a task's), whose git folder Podium may keep a file in. */
  linked: boolean;
  git: GitCallOptions;
}

/** The name of a task's kept staging index, in its worktree's git folder (removed with the worktree). */
export const STAGE_INDEX_FILE = 'podium-stage.index';

const indexQueues = new Map<string, Promise<unknown>>();

/**
 * Runs `fn` with `GIT_INDEX_FILE` set to a private index that starts as the worktree's state at the
 * last staging. A task worktree keeps it between stagings (beside its git files, so it goes with the
 * worktree): git's stat cache and untracked cache in it stay warm, and files the agent did not touch
 * are not read again. Stagings of one worktree take turns. Anywhere else (the engineer's own working
 * tree, or the kept index held by another window's git), a throwaway copy of the worktree's index.
 */
async function withStageIndex<T>(place: StageIndexPlace, fn: (env: Record<string, string>) => Promise<T>): Promise<T> {
  if (place.linked) {
    const kept = path.join(place.gitDir, STAGE_INDEX_FILE);
    const run = (indexQueues.get(kept) ?? Promise.resolve()).then(async () => {
      if (await fs.stat(`${kept}.lock`).then(() => true, () => false)) return undefined;
      if (!(await fs.stat(kept).then(() => true, () => false))) await seedIndex(place, kept);
      return fn({ GIT_INDEX_FILE: kept });
    });
    const tail = run.catch(() => undefined);
    indexQueues.set(kept, tail);
    try {
      const result = await run;
      if (result !== undefined) return result;
    } catch (error) {
      // A kept index that git can no longer read is rebuilt next time rather than failing every staging.
      if (!(error instanceof StageError) || !/index file|index\.lock|bad signature|smaller than expected/i.test(error.message)) throw error;
      await fs.rm(kept, { force: true });
    } finally {
      if (indexQueues.get(kept) === tail) indexQueues.delete(kept);
    }
  }
  const scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'podium-stage-'));
  try {
    const temp = path.join(scratch, `stage-${randomBytes(4).toString('hex')}.index`);
    await seedIndex(place, temp);
    return await fn({ GIT_INDEX_FILE: temp });
  } finally {
    await fs.rm(scratch, { recursive: true, force: true });
  }
}

/** Starts a private index as a copy of the worktree's own (or, without one, of its HEAD). */
async function seedIndex(place: StageIndexPlace, file: string): Promise<void> {
  try {
    // Starting from a copy keeps git's stat cache: only files whose stat changed are read again.
    // The copy must keep the original's timestamps: git re-reads an entry whose file changed in the
    // same second the index was written ("racily clean") only if the index is not newer than it, and
    // a fresh mtime would make a same-size edit made in that second invisible.
    const stat = await fs.stat(place.indexFile);
    await fs.copyFile(place.indexFile, file);
    await fs.utimes(file, stat.atime, stat.mtime);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    await stageGit(place.root, ['read-tree', 'HEAD'], place.git, { env: { GIT_INDEX_FILE: file } });
  }
}

// Configuration that would change the shape of git's output is pinned, whatever the engineer's
// settings say: quoting, blank context lines, prefixes, a `diff.relative` default.
const DIFF_CONFIG = [
  '-c', 'core.quotePath=false',
  '-c', 'diff.suppressBlankEmpty=false',
  '-c', 'diff.noprefix=false',
  '-c', 'diff.mnemonicPrefix=false',
  '-c', 'diff.relative=false',
];

// The algorithm is pinned too: hunk ids hash hunk content, so the same change must always be cut the
// same way whatever `diff.algorithm` says. Myers, git's default: xdiff bounds its cost on large,
// scattered changes, where histogram in git 2.39 takes seconds (100k lines, 10% changed: 2.9 s vs 0.05 s).
const PATCH_FLAGS = [
  '-p',
  '--no-renames',
  '--unified=3',
  '--inter-hunk-context=0',
  '--diff-algorithm=myers',
  '--indent-heuristic',
  '--no-color',
  '--no-ext-diff',
  '--no-textconv',
  '--src-prefix=a/',
  '--dst-prefix=b/',
  '--ignore-submodules=none',
  '--submodule=short',
  '--no-relative',
];

interface Context {
  root: string;
  base: string;
  env: Record<string, string>;
  limits: StageLimits;
  scope: string;
  git: GitCallOptions;
  /** Pathspecs that leave carried paths out of a diff over everything; empty when nothing was carried. */
  scopeSpec: string[];
}

/** The content comparison of one file, or why there is none. */
type Content = PatchFile | { failed: 'timeout' };

interface Work {
  entry: RawEntry;
  file: StagedFile;
  content?: Content;
}

async function buildFiles(entries: RawEntry[], ctx: Context): Promise<StagedFile[]> {
  const work: Work[] = entries.map((entry) => ({ entry, file: fileOf(entry) }));
  const inBatch: Work[] = [];
  const pairs: Work[] = [];
  for (const w of work) {
    if (w.file.fileLevel) continue;
    if (w.entry.status === 'R') {
      if (w.entry.oldBlob !== w.entry.newBlob) pairs.push(w);
    } else if (w.entry.oldBlob !== w.entry.newBlob || w.entry.status !== 'M') {
      inBatch.push(w);
    }
  }

  await diffIndexed(inBatch, inBatch.length === work.length, ctx);
  for (const w of pairs) await diffBlobPair(w, ctx);

  for (const w of work) {
    const { file, entry } = w;
    if (file.fileLevel) continue;
    const hunks: Hunk[] = [];
    if (file.status === 'renamed') {
      hunks.push({ ...hunkFields(file), id: renameHunkId(ctx.scope, entry.oldPath!, entry.path), kind: 'rename', oldPath: entry.oldPath!, similarity: entry.similarity ?? 100 });
    }
    if (file.status !== 'added' && file.status !== 'deleted' && entry.oldMode !== entry.newMode) {
      hunks.push({ ...hunkFields(file), id: modeHunkId(ctx.scope, file.path, entry.oldMode, entry.newMode), kind: 'mode', oldMode: entry.oldMode, newMode: entry.newMode });
    }
    const needsContent = file.status === 'added' || file.status === 'deleted' || entry.oldBlob !== entry.newBlob;
    if (needsContent) {
      const content = w.content;
      const reason = !content ? 'unreadable' : 'failed' in content ? content.failed : contentProblem(content);
      if (reason) file.fileLevel = reason;
      else hunks.push(...lineHunks(file, content as PatchFile, ctx.scope));
    }
    file.hunks = hunks;
  }

  const fileLevel = work.filter((w) => w.file.fileLevel);
  if (fileLevel.length > 0) await addFileHunks(fileLevel, ctx);
  return work.map((w) => w.file);
}

function fileOf(entry: RawEntry): StagedFile {
  const status: FileStatus =
    entry.status === 'A' ? 'added'
    : entry.status === 'D' ? 'deleted'
    : entry.status === 'R' ? 'renamed'
    : entry.status === 'T' ? 'type-changed'
    : 'modified';
  const absent = (mode: string) => /^0+$/.test(mode);
  const file: StagedFile = { path: entry.path, status, hunks: [] };
  if (entry.oldPath !== undefined) file.oldPath = entry.oldPath;
  if (!absent(entry.oldMode)) {
    file.oldMode = entry.oldMode;
    file.oldBlob = entry.oldBlob;
  }
  if (!absent(entry.newMode)) {
    file.newMode = entry.newMode;
    file.newBlob = entry.newBlob;
  }
  const modes = [file.oldMode, file.newMode];
  if (status === 'type-changed') file.fileLevel = 'type-change';
  else if (modes.includes('160000')) file.fileLevel = 'submodule';
  else if (modes.includes('120000')) file.fileLevel = 'symlink';
  return file;
}

function hunkFields(file: StagedFile): Pick<Hunk, 'path' | 'oldPath' | 'status' | 'oldMode' | 'newMode' | 'oldBlob' | 'newBlob'> {
  const fields: Pick<Hunk, 'path' | 'oldPath' | 'status' | 'oldMode' | 'newMode' | 'oldBlob' | 'newBlob'> = { path: file.path, status: file.status };
  if (file.oldPath !== undefined) fields.oldPath = file.oldPath;
  if (file.oldMode !== undefined) fields.oldMode = file.oldMode;
  if (file.newMode !== undefined) fields.newMode = file.newMode;
  if (file.oldBlob !== undefined) fields.oldBlob = file.oldBlob;
  if (file.newBlob !== undefined) fields.newBlob = file.newBlob;
  return fields;
}

/**
 * Patches for files as the private index has them. When every changed file is wanted, one call with
 * no pathspec does it (no command line to outgrow); otherwise, or when that call runs over its
 * limits, files go in batches, and a batch over its limits is halved until the culprit is alone.
 */
async function diffIndexed(work: Work[], everything: boolean, ctx: Context): Promise<void> {
  if (work.length === 0) return;
  if (everything && (await diffIndexedBatch(work, false, ctx))) return;
  const byPath = new Map(work.map((w) => [w.entry.path, w]));
  for (const batch of pathBatches(work.map((w) => w.entry.path))) {
    await diffIndexedSplitting(batch.map((p) => byPath.get(p)!), ctx);
  }
}

async function diffIndexedSplitting(batch: Work[], ctx: Context): Promise<void> {
  if (await diffIndexedBatch(batch, true, ctx)) return;
  if (batch.length === 1) {
    batch[0]!.content = { failed: 'timeout' };
    return;
  }
  const half = Math.ceil(batch.length / 2);
  await diffIndexedSplitting(batch.slice(0, half), ctx);
  await diffIndexedSplitting(batch.slice(half), ctx);
}

/** One `git diff --cached -p`; false when it ran over its time or output limit. */
async function diffIndexedBatch(batch: Work[], withPaths: boolean, ctx: Context): Promise<boolean> {
  // Named paths are literal (a file may be called `*` or `:x`); a diff over everything instead
  // carries the pathspec magic that leaves carried paths out.
  const spec = withPaths ? ['--literal-pathspecs'] : [];
  const paths = withPaths ? ['--', ...batch.map((w) => w.entry.path)] : ctx.scopeSpec.length > 0 ? ['--', ...ctx.scopeSpec] : [];
  const args = [
    ...spec,
    ...DIFF_CONFIG,
    '-c', `core.bigFileThreshold=${ctx.limits.maxFileBytes}`,
    'diff', '--cached', ...PATCH_FLAGS, ctx.base,
    ...paths,
  ];
  const out = await boundedGit(args, ctx);
  if (out === undefined) return false;
  const byPath = new Map(batch.map((w) => [w.entry.path, w]));
  for (const patch of parsePatch(out, ctx.limits)) {
    const w = byPath.get(patch.path);
    if (w) w.content = patch;
  }
  return true;
}

/** A renamed file's content change: its two blobs diffed directly, so rename pairing can't differ. */
async function diffBlobPair(w: Work, ctx: Context): Promise<void> {
  const args = [...DIFF_CONFIG, '-c', `core.bigFileThreshold=${ctx.limits.maxFileBytes}`, 'diff', ...PATCH_FLAGS, w.entry.oldBlob, w.entry.newBlob];
  const out = await boundedGit(args, ctx);
  w.content = out === undefined ? { failed: 'timeout' } : (parsePatch(out, ctx.limits)[0] ?? { path: w.entry.path, binary: false, hunks: [], changed: 0 });
}

/** git's stdout, or undefined when the call ran over its time or output limit (not a failure). */
async function boundedGit(args: string[], ctx: Context): Promise<string | undefined> {
  try {
    const out = await stageGit(ctx.root, args, ctx.git, { env: ctx.env, timeoutMs: ctx.limits.diffTimeoutMs, maxBuffer: ctx.limits.maxPatchBytes });
    return out.stdout;
  } catch (error) {
    const failure = gitFailure(error);
    if (failure === 'timeout' || failure === 'output-too-large') return undefined;
    throw error;
  }
}

function gitFailure(error: unknown): GitFailure | undefined {
  const cause = error instanceof StageError ? error.cause : error;
  return cause instanceof GitError ? cause.failure : undefined;
}

function contentProblem(patch: PatchFile): FileLevelReason | undefined {
  if (patch.binary) return 'binary';
  if (patch.overLimit) return patch.overLimit;
  // runGit decodes git's output as UTF-8; a text file in another encoding arrives with U+FFFD in
  // place of its bytes, and hunks made of that could never be written back as they were.
  for (const h of patch.hunks) for (const l of h.lines) if (l.text.includes('\uFFFD')) return 'not-utf8';
  return undefined;
}

/** git's hunks as the stage's: context trimmed off into contextBefore/After, ids by content. */
function lineHunks(file: StagedFile, patch: PatchFile, scope: string): LineHunk[] {
  const fields = hunkFields(file);
  const hunks: LineHunk[] = [];
  for (const h of patch.hunks) {
    const first = h.lines.findIndex((l) => l.op !== ' ');
    if (first === -1) continue;
    let last = h.lines.length - 1;
    while (h.lines[last]!.op === ' ') last--;
    const region = h.lines.slice(first, last + 1);
    // git numbers an empty side by the line before it; the stage by the line after (see staged.ts).
    const oldFirst = h.oldCount === 0 ? h.oldStart + 1 : h.oldStart;
    const newFirst = h.newCount === 0 ? h.newStart + 1 : h.newStart;
    const oldLines = region.filter((l) => l.op !== '+').map((l) => l.text);
    const newLines = region.filter((l) => l.op !== '-').map((l) => l.text);
    const hunk: LineHunk = {
      ...fields,
      id: '',
      kind: 'lines',
      oldStart: oldFirst + first,
      oldCount: oldLines.length,
      newStart: newFirst + first,
      newCount: newLines.length,
      oldLines,
      newLines,
      contextBefore: h.lines.slice(0, first).map((l) => l.text),
      contextAfter: h.lines.slice(last + 1).map((l) => l.text),
    };
    if (h.section) hunk.section = h.section;
    hunks.push(hunk);
  }
  // An empty file added or deleted has no lines, and still needs one decision.
  if (hunks.length === 0 && (file.status === 'added' || file.status === 'deleted')) {
    hunks.push({ ...fields, id: '', kind: 'lines', oldStart: 1, oldCount: 0, newStart: 1, newCount: 0, oldLines: [], newLines: [], contextBefore: [], contextAfter: [] });
  }
  // The same change made twice in one file is told apart by its order of appearance.
  const seen = new Map<string, number>();
  for (const hunk of hunks) {
    const key = `${hunk.oldLines.length}\0${hunk.oldLines.join('')}\0${hunk.newLines.join('')}`;
    const occurrence = seen.get(key) ?? 0;
    seen.set(key, occurrence + 1);
    hunk.id = lineHunkId(scope, hunk, occurrence);
  }
  return hunks;
}

/** One file-level hunk per such file, with stored sizes so a binary over the size limit says so. */
async function addFileHunks(work: Work[], ctx: Context): Promise<void> {
  const oldPaths = work.filter((w) => w.file.oldBlob).map((w) => w.file.oldPath ?? w.file.path);
  const newPaths = work.filter((w) => w.file.newBlob).map((w) => w.file.path);
  const oldSizes = oldPaths.length > 0 ? await treeSizes(ctx.root, ctx.base, oldPaths, ctx.git) : new Map<string, number>();
  let newSizes = new Map<string, number>();
  if (newPaths.length > 0) {
    const tree = (await stageGit(ctx.root, ['write-tree'], ctx.git, { env: ctx.env })).stdout.trim();
    newSizes = await treeSizes(ctx.root, tree, newPaths, ctx.git);
  }
  for (const { file } of work) {
    const oldSize = file.oldBlob ? oldSizes.get(file.oldPath ?? file.path) : undefined;
    const newSize = file.newBlob ? newSizes.get(file.path) : undefined;
    let reason = file.fileLevel!;
    if (reason === 'binary' && Math.max(oldSize ?? 0, newSize ?? 0) > ctx.limits.maxFileBytes) reason = 'too-large';
    file.fileLevel = reason;
    const fields = hunkFields(file);
    const hunk: FileHunk = { ...fields, id: fileHunkId(ctx.scope, fields), kind: 'file', reason };
    if (oldSize !== undefined) hunk.oldSize = oldSize;
    if (newSize !== undefined) hunk.newSize = newSize;
    file.hunks = [hunk];
  }
}

function supersede(previous: readonly StagedFile[], files: readonly StagedFile[]): Pick<StageResult, 'superseded' | 'withdrawn'> {
  const previousIds = new Set(previous.flatMap((f) => f.hunks.map((h) => h.id)));
  const current = files.flatMap((f) => f.hunks);
  const currentIds = new Set(current.map((h) => h.id));
  const fresh = current.filter((h) => !previousIds.has(h.id));
  const superseded: SupersededHunk[] = [];
  const withdrawn: string[] = [];
  for (const old of previous.flatMap((f) => f.hunks)) {
    if (currentIds.has(old.id)) continue;
    const by = fresh.filter((h) => hunksTouch(old, h)).map((h) => h.id);
    if (by.length > 0) superseded.push({ id: old.id, path: old.oldPath ?? old.path, by });
    else withdrawn.push(old.id);
  }
  return { superseded, withdrawn };
}

type Located = Awaited<ReturnType<typeof locate>>;
const located = new Map<string, Located>();

/**
 * `locate`, once per worktree, base and repository: a task is staged again and again, and with many
 * agents at once every git process the host starts is time its event loop waits (Node waits for each
 * child to start). Checked again when the worktree's `.git` is gone.
 */
async function locateOnce(worktreeDir: string, repo: string, baseCommit: string, git: GitCallOptions): Promise<Located> {
  const key = `${worktreeDir}\0${repo}\0${baseCommit}`;
  const hit = located.get(key);
  if (hit && (await fs.stat(path.join(hit.root, '.git')).then(() => true, () => false))) return hit;
  const fresh = await locate(worktreeDir, repo, baseCommit, git);
  located.delete(key);
  located.set(key, fresh);
  if (located.size > 256) located.delete(located.keys().next().value!);
  return fresh;
}

/**
 * The worktree's root and index file and the base commit's full id, after checking the worktree
 * belongs to the workspace's repository. One rev-parse in each, at once: they run before every stage.
 */
async function locate(
  worktreeDir: string,
  repo: string,
  baseCommit: string,
  git: GitCallOptions,
): Promise<{ root: string; indexFile: string; base: string; gitDir: string; linked: boolean }> {
  // A leading dash would be read as an option; no commit id or ref name has one.
  if (baseCommit.startsWith('-') || baseCommit === '') throw unknownBase(baseCommit, worktreeDir);
  const [inWorktree, inRepo] = await Promise.all([
    revParse(worktreeDir, ['--show-toplevel', '--git-path', 'index', '--git-common-dir', '--git-dir', `${baseCommit}^{commit}`], git).catch((error: unknown) => {
      const cause = error instanceof StageError ? error.cause : undefined;
      if (cause instanceof GitError && /unknown revision|ambiguous argument|bad revision|not a valid/i.test(cause.stderr)) {
        throw unknownBase(baseCommit, worktreeDir);
      }
      throw error;
    }),
    revParse(repo, ['--git-common-dir'], git),
  ]);
  const [top = '', index = '', common = '', dir = '', base = ''] = inWorktree;
  const [repoCommon = ''] = inRepo;
  const [a, b, gitDir] = await Promise.all([
    fs.realpath(path.resolve(worktreeDir, common)),
    fs.realpath(path.resolve(repo, repoCommon)),
    fs.realpath(path.resolve(worktreeDir, dir)),
  ]);
  if (a !== b) {
    throw new StageError(
      'not-this-repository',
      `The worktree "${worktreeDir}" belongs to the repository at "${a}", not to the workspace's ("${b}"). ` +
        'Stage a task against the workspace it was created from.',
    );
  }
  return { root: top, indexFile: path.resolve(worktreeDir, index), base, gitDir, linked: gitDir !== a };
}

function unknownBase(baseCommit: string, where: string): StageError {
  return new StageError(
    'unknown-base',
    `The task's base commit "${baseCommit}" is not in the repository of "${where}". It may have been removed ` +
      '(a pruned branch, git gc); the task has to be restarted from a new snapshot.',
  );
}

async function revParse(cwd: string, args: string[], git: GitCallOptions): Promise<string[]> {
  try {
    return (await stageGit(cwd, ['rev-parse', ...args], git)).stdout.split('\n');
  } catch (error) {
    const cause = error instanceof StageError ? error.cause : undefined;
    if (cause instanceof GitError && cause.failure === 'exit' && /not a git repository/i.test(cause.stderr)) {
      throw new StageError('not-a-repository', `"${cwd}" is not in a git repository, so there is nothing to stage from it.`, { cause });
    }
    if (cause instanceof GitError && cause.failure === 'missing-folder') {
      throw new StageError('not-a-repository', `The folder "${cwd}" does not exist (was the task's worktree removed?).`, { cause });
    }
    throw error;
  }
}
