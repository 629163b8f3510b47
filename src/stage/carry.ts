/**
 * Carrying ignored files into a task worktree: what a project's tests need and git does not hold
 * (`node_modules`, a virtualenv, generated code, a `.env`), brought from the engineer's workspace so an
 * agent asked to run the tests can.
 *
 * Only paths git ignores and does not track are carried: everything else already reaches the worktree
 * through the snapshot, and carrying it too would overwrite what git put there. A rule is a glob
 * relative to the workspace folder (`node_modules`, `**∕.env`, `packages/*∕node_modules`); it matches
 * the ignored paths as git lists them, where a folder ignored as a whole is one path. A rule whose fixed
 * start lies inside such a folder (`build/cache` when `build/` is ignored) is looked for inside it.
 *
 * By the cheapest means that stays safe:
 * - a folder marked read-only becomes a symbolic link to the workspace's own folder: nothing is
 *   copied, and the agent is trusted not to write there (what it writes lands in the workspace);
 * - anything else is copied, each file as a copy-on-write clone where the file system offers one
 *   (Btrfs, XFS with reflink, bcachefs on Linux; APFS on macOS; ReFS dev drives on Windows), so a
 *   large `node_modules` costs no space and little time there, and as a plain copy elsewhere (ext4,
 *   NTFS). Symbolic links inside a copied folder are copied as links.
 *
 * What is carried is recorded beside the worktree's git files (`podium-carried`), and the staging
 * engine leaves those paths out even if the agent edits them, un-ignores them or force-adds them:
 * a carried file is never staged as the agent's change, and a carried secret never shows in a hunk.
 *
 * Node only: nothing here imports `vscode`.
 */
import { constants, promises as fs } from 'node:fs';
import * as path from 'node:path';
import picomatch from 'picomatch';
import { stageGit, type GitCallOptions } from './stageError';

/** One entry of `podium.worktrees.carry`. */
export interface CarryRule {
  /** A glob relative to the workspace folder. */
  glob: string;
  /** A folder the agent only reads: linked, not copied. */
  readOnly?: boolean;
}

export type CarryMeans = 'clone' | 'copy' | 'link';

export interface CarriedPath {
  /** Relative to the workspace folder, `/`-separated. */
  path: string;
  means: CarryMeans;
  /** Files (and links) copied or cloned; 0 for a link. */
  files: number;
  bytes: number;
}

export interface CarryResult {
  carried: CarriedPath[];
  /** Rules that matched no ignored path, as written. */
  unmatched: string[];
  /** Paths matched but left alone, with why (something already there). */
  skipped: { path: string; reason: string }[];
}

export class CarryError extends Error {
  override readonly name = 'CarryError';
}

/** The file, beside a worktree's git files, that lists what was carried into it (one path a line, relative to the worktree root). */
export const CARRIED_FILE = 'podium-carried';

export interface CarryOptions extends GitCallOptions {
  /** The engineer's workspace folder. */
  workspace: string;
  /** The worktree's folder that mirrors `workspace` (`TaskWorktree.workspaceDir`). */
  workspaceDir: string;
  rules: readonly CarryRule[];
}

/**
 * Checks rules before anything runs: a glob must stay inside the workspace folder. Returns the
 * problems as sentences (empty when all are fine).
 */
export function carryRuleProblems(rules: readonly CarryRule[]): string[] {
  const problems: string[] = [];
  for (const rule of rules) {
    const glob = normalise(rule.glob);
    if (!glob) problems.push(`podium.worktrees.carry: an empty glob carries nothing; remove it.`);
    else if (path.isAbsolute(rule.glob) || /^[A-Za-z]:/.test(rule.glob) || glob.split('/').includes('..')) {
      problems.push(`podium.worktrees.carry: "${rule.glob}" leaves the workspace folder; a rule names paths inside it, such as "node_modules" or ".env".`);
    } else if (glob === '.git' || glob.startsWith('.git/')) {
      problems.push(`podium.worktrees.carry: "${rule.glob}" names git's own folder, which is never carried.`);
    }
  }
  return problems;
}

/**
 * Brings the ignored paths that `rules` match from `workspace` into `workspaceDir`, and records them
 * for the staging engine. Never overwrites anything in the worktree: a matched path that is already
 * there is skipped and reported.
 * Refuses (CarryError): a rule outside the workspace folder; a copy or link that fails (disk full,
 * permissions), naming the path. Stops between files when `signal` aborts.
 */
export async function carryIgnored(options: CarryOptions): Promise<CarryResult> {
  const problems = carryRuleProblems(options.rules);
  if (problems.length > 0) throw new CarryError(problems.join(' '));
  const result: CarryResult = { carried: [], unmatched: [], skipped: [] };
  if (options.rules.length === 0) return result;

  const found = await matchIgnored(options);
  const cloning: { supported?: boolean } = {};
  for (const { rel, rule } of found) {
    options.signal?.throwIfAborted();
    const source = path.join(options.workspace, ...rel.split('/'));
    const target = path.join(options.workspaceDir, ...rel.split('/'));
    const stat = await fs.lstat(source).catch(() => undefined);
    if (!stat) continue; // gone since git listed it
    if (await fs.lstat(target).then(() => true, () => false)) {
      result.skipped.push({ path: rel, reason: 'something is already there in the worktree' });
      continue;
    }
    try {
      await fs.mkdir(path.dirname(target), { recursive: true });
      if (stat.isDirectory() && rule.readOnly) {
        // A junction needs no privilege on Windows, where a directory symlink does.
        await fs.symlink(source, target, process.platform === 'win32' ? 'junction' : 'dir');
        result.carried.push({ path: rel, means: 'link', files: 0, bytes: 0 });
      } else {
        const counts = { files: 0, bytes: 0 };
        await copyTree(source, target, stat, cloning, counts, options.signal);
        result.carried.push({ path: rel, means: cloning.supported ? 'clone' : 'copy', ...counts });
      }
    } catch (error) {
      if ((error as Error).name === 'AbortError') throw error;
      throw new CarryError(
        `Podium could not carry "${rel}" into the task's worktree (${(error as Error).message}). ` +
          'Free some disk space or fix the permissions, or change podium.worktrees.carry, then restart the task.',
        { cause: error },
      );
    }
  }
  result.unmatched = options.rules.filter((r) => !found.some((f) => f.rule === r)).map((r) => r.glob);
  await recordCarried(options, result.carried.map((c) => c.path));
  return result;
}

/**
 * The paths a task's staging leaves out, relative to the worktree root: what `carryIgnored` recorded
 * for the worktree whose git folder is `gitDir`. Empty when nothing was carried.
 */
export async function carriedPaths(gitDir: string): Promise<string[]> {
  try {
    const text = await fs.readFile(path.join(gitDir, CARRIED_FILE), 'utf8');
    return text.split('\n').filter((l) => l.length > 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------------

interface Match {
  /** Relative to the workspace folder. */
  rel: string;
  rule: CarryRule;
}

/** Ignored, untracked paths of the workspace that a rule matches; the first rule to match a path wins. */
async function matchIgnored(options: CarryOptions): Promise<Match[]> {
  const rules = options.rules.map((rule) => {
    const glob = normalise(rule.glob);
    return { rule, glob, isMatch: picomatch(glob, { dot: true }), base: picomatch.scan(glob).base };
  });
  // git walks only where a rule may match (its pathspecs) and does not descend into a folder it
  // ignores as a whole; the globs then decide, since git lists a folder that merely might hold a match.
  const listed = await stageGit(
    options.workspace,
    ['ls-files', '-z', '--others', '--ignored', '--exclude-standard', '--directory', '--', ...rules.map((r) => `:(glob)${r.glob}`)],
    options,
  );
  const entries = listed.stdout.split('\0').filter(Boolean).map((p) => p.replace(/\/$/, ''));
  const candidates: Match[] = [];
  for (const rel of entries) {
    const hit = rules.find((r) => r.isMatch(rel));
    if (hit) {
      candidates.push({ rel, rule: hit.rule });
      continue;
    }
    // A rule that starts inside this ignored folder: look for it there.
    for (const r of rules) {
      if (!r.base.startsWith(`${rel}/`)) continue;
      for (const inner of await walkMatches(options.workspace, r.base, r.isMatch)) candidates.push({ rel: inner, rule: r.rule });
    }
  }
  // git lists a folder that holds nothing but ignored files even when the folder itself is not ignored:
  // carrying it whole would copy what is not ignored in it too. Keep what git says is ignored.
  const ignored = new Set<string>();
  if (candidates.length > 0) {
    const input = `${candidates.map((c) => c.rel).join('\0')}\0`;
    const out = await stageGit(options.workspace, ['check-ignore', '-z', '--stdin'], options, { okExitCodes: [1], input });
    for (const p of out.stdout.split('\0')) if (p) ignored.add(p);
  }
  const seen = new Set<string>();
  return candidates.filter((c) => {
    if (!ignored.has(c.rel) || seen.has(c.rel)) return false;
    // A path inside one already carried comes with it.
    if ([...seen].some((s) => c.rel.startsWith(`${s}/`))) return false;
    seen.add(c.rel);
    return true;
  });
}

/** Paths at or below `base` (relative to `root`) that `isMatch` accepts, not descending into a match. */
async function walkMatches(root: string, base: string, isMatch: (p: string) => boolean): Promise<string[]> {
  const found: string[] = [];
  const visit = async (rel: string): Promise<void> => {
    if (isMatch(rel)) {
      found.push(rel);
      return;
    }
    const entries = await fs.readdir(path.join(root, ...rel.split('/')), { withFileTypes: true }).catch(() => []);
    for (const e of entries) if (e.isDirectory() || isMatch(`${rel}/${e.name}`)) await visit(`${rel}/${e.name}`);
  };
  if (await fs.lstat(path.join(root, ...base.split('/'))).then(() => true, () => false)) await visit(base);
  return found;
}

// Files copied at once: enough to keep libuv's thread pool busy (copies wait mostly on the disk),
// few enough not to run out of file descriptors. Node's own fs.cp copies one file at a time, which
// made a 20k-file node_modules take three times as long.
const COPY_CONCURRENCY = 16;

/**
 * Copies `source` (a file, link or folder) to `target`, cloning files where the file system can.
 * The first file tells: a forced clone that works means every file is cloned; otherwise plain copies.
 */
async function copyTree(
  source: string,
  target: string,
  stat: import('node:fs').Stats,
  cloning: { supported?: boolean },
  counts: { files: number; bytes: number },
  signal?: AbortSignal,
): Promise<void> {
  const limit = limiter(COPY_CONCURRENCY);
  const copyFile = async (from: string, to: string, size: number): Promise<void> => {
    signal?.throwIfAborted();
    if (cloning.supported === undefined) {
      try {
        await fs.copyFile(from, to, constants.COPYFILE_EXCL | constants.COPYFILE_FICLONE_FORCE);
        cloning.supported = true;
      } catch {
        cloning.supported = false;
        await fs.rm(to, { force: true });
        await fs.copyFile(from, to, constants.COPYFILE_EXCL);
      }
    } else {
      await fs.copyFile(from, to, constants.COPYFILE_EXCL | (cloning.supported ? constants.COPYFILE_FICLONE : 0));
    }
    counts.files += 1;
    counts.bytes += size;
  };
  const visit = async (from: string, to: string, st: import('node:fs').Stats): Promise<void> => {
    if (st.isSymbolicLink()) {
      const link = await fs.readlink(from);
      await limit(() => fs.symlink(link, to));
      counts.files += 1;
    } else if (st.isDirectory()) {
      await fs.mkdir(to, { mode: st.mode & 0o7777 });
      const entries = await fs.readdir(from);
      await Promise.all(
        entries.map(async (name) => {
          const child = path.join(from, name);
          const childStat = await limit(() => fs.lstat(child));
          await visit(child, path.join(to, name), childStat);
        }),
      );
    } else if (st.isFile()) {
      await limit(() => copyFile(from, to, st.size));
    }
    // Sockets, FIFOs and devices are not files anyone's tests read from a copy: left out.
  };
  await visit(source, target, stat);
}

/** Runs at most `n` of the given tasks at once. */
function limiter(n: number): <T>(task: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async (task) => {
    if (active >= n) await new Promise<void>((resolve) => waiting.push(resolve));
    active += 1;
    try {
      return await task();
    } finally {
      active -= 1;
      waiting.shift()?.();
    }
  };
}

async function recordCarried(options: CarryOptions, carried: string[]): Promise<void> {
  const where = await stageGit(options.workspaceDir, ['rev-parse', '--show-prefix', '--git-dir'], options);
  const [prefix = '', gitDir = ''] = where.stdout.split('\n');
  const file = path.join(path.resolve(options.workspaceDir, gitDir), CARRIED_FILE);
  const previous = await carriedPaths(path.dirname(file));
  const all = [...new Set([...previous, ...carried.map((p) => `${prefix}${p}`)])];
  if (all.length > 0) await fs.writeFile(file, `${all.join('\n')}\n`);
}

function normalise(glob: string): string {
  return glob.trim().replace(/\\/g, '/').replace(/^(\.\/)+/, '').replace(/\/+$/, '');
}
