/**
 * Scale: what Podium's worktrees and staging cost on repositories of 10k and 100k files (about 1 GB),
 * beside what git alone pays for the same answer in the same run. (What 32 agents streaming at once
 * cost is bench/agents.ts, in a process of its own.)
 *
 * - A task worktree (a snapshot of what the engineer sees, uncommitted changes included, then
 *   `git worktree add`) against a bare `git worktree add` of the same commit; and the same worktree
 *   with `node_modules` carried in.
 * - Staging after a one-line edit and after an edit to 100 files, against a bare `git status` plus
 *   `git diff` of the same worktree (run as a user runs them: refreshing the worktree's index).
 *
 * Worktrees made by a round are moved aside and deleted after the measurements, so deleting 1 GB
 * does not slow the next round down.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { carryIgnored } from '../src/stage/carry';
import { stageTask, type StageResult } from '../src/stage/hunks';
import type { StagedFile } from '../src/stage/staged';
import { createTaskWorktree, type TaskWorktree } from '../src/stage/worktree';
import { result, time, type BenchContext, type BenchResult, type BenchSection } from './harness';
import { CACHE_ROOT, git, scaleRepo, type ScaleRepo } from './scaleRepo';

const fmt = (n: number): string => n.toLocaleString('en-US', { maximumFractionDigits: n < 10 ? 2 : 0 });

const section: BenchSection = {
  title: 'Scale: task worktrees and staging on generated repositories of 10k and 100k files',
  async run(ctx) {
    const results: BenchResult[] = [];
    const sizes = ctx.quick ? [1_000] : [10_000, 100_000];
    const trash = path.join(CACHE_ROOT, 'trash');
    try {
      for (const files of sizes) {
        const shape = await scaleRepo(files, ctx.log);
        const rounds = files >= 100_000 ? 2 : 3;
        results.push(...(await worktrees(ctx, shape, rounds, trash)));
      }
    } finally {
      ctx.log('deleting the worktrees the rounds made…');
      await fs.rm(trash, { recursive: true, force: true });
    }
    return results;
  },
};

// ── worktrees and staging ───────────────────────────────────────────────────────────────────────

async function worktrees(ctx: BenchContext, shape: ScaleRepo, rounds: number, trash: string): Promise<BenchResult[]> {
  const size = `${fmt(shape.files)} files`;
  const storage = path.join(CACHE_ROOT, `scale-${shape.files}`, 'storage');
  const bareDir = path.join(CACHE_ROOT, `scale-${shape.files}`, 'bare');
  await fs.rm(storage, { recursive: true, force: true });
  await fs.rm(bareDir, { recursive: true, force: true });
  await git(shape.repo, ['worktree', 'prune']);
  await dropBranches(shape.repo);

  let podium = Infinity;
  let carried = Infinity;
  let bare = Infinity;
  let kept: TaskWorktree | undefined;
  let carriedFiles = 0;
  for (let round = 0; round < rounds; round++) {
    // Alternate which side goes first, so neither always meets the colder page cache.
    const sides = round % 2 === 0 ? ['podium', 'bare'] : ['bare', 'podium'];
    for (const side of sides) {
      if (side === 'podium') {
        if (kept) await moveAside(shape.repo, kept.dir, trash);
        let wt: TaskWorktree | undefined;
        const made = await time(async () => {
          wt = await createTaskWorktree({ workspace: shape.repo, storageDir: storage, taskId: `bench-${round}`, title: `Bench round ${round}` });
        });
        const carry = await time(async () => {
          const r = await carryIgnored({ workspace: shape.repo, workspaceDir: wt!.workspaceDir, rules: [{ glob: 'node_modules' }, { glob: '.env' }] });
          carriedFiles = r.carried.reduce((n, c) => n + c.files, 0);
        });
        podium = Math.min(podium, made);
        carried = Math.min(carried, made + carry);
        kept = wt;
        ctx.log(`${size}: task worktree ${fmt(made)} ms, + carrying ${fmt(carriedFiles)} ignored files ${fmt(carry)} ms`);
      } else {
        // The same commit as Podium's snapshot, on a branch of its own, as Podium's is.
        const commit = kept?.baseCommit ?? (await snapshotCommitOf(shape, storage));
        const dir = path.join(bareDir, `round-${round}`);
        const took = await time(() => git(shape.repo, ['worktree', 'add', '--quiet', '-b', `bench/bare-${round}`, dir, commit]));
        bare = Math.min(bare, took);
        ctx.log(`${size}: bare git worktree add ${fmt(took)} ms`);
        await moveAside(shape.repo, dir, trash);
      }
    }
  }
  const results = [
    result(`task worktree, ${size}: snapshot + worktree vs bare git worktree add`, podium, bare, 'ms'),
    result(`task worktree + carry node_modules (${fmt(carriedFiles)} files), ${size} vs bare git worktree add`, carried, bare, 'ms'),
  ];
  results.push(...(await staging(ctx, shape, kept!)));
  await moveAside(shape.repo, kept!.dir, trash);
  await dropBranches(shape.repo);
  return results;
}

async function staging(ctx: BenchContext, shape: ScaleRepo, wt: TaskWorktree): Promise<BenchResult[]> {
  const size = `${fmt(shape.files)} files`;
  const results: BenchResult[] = [];
  let previous: StagedFile[] = [];
  const stage = async (): Promise<StageResult> => {
    const r = await stageTask({ repo: shape.repo, worktreeDir: wt.dir, baseCommit: wt.baseCommit, previous, scope: 'bench' });
    previous = r.files;
    return r;
  };
  // What a user would run to see the same: the worktree's changes, listed and diffed.
  const bare = async () => {
    await git(wt.dir, ['status', '--porcelain']);
    await git(wt.dir, ['diff']);
  };
  await stage(); // the first staging starts the task's kept index, as the first one after a task's worktree is made does
  for (const [what, paths] of [['a one-line edit', [shape.oneFile]], ['an edit to 100 files', shape.hundredFiles]] as const) {
    let podium = Infinity;
    let baseline = Infinity;
    let staged: StageResult | undefined;
    for (let round = 0; round < 3; round++) {
      for (const p of paths) await fs.appendFile(path.join(wt.dir, p), `export const edited${round} = ${round};\n`);
      const sides = round % 2 === 0 ? ['podium', 'bare'] : ['bare', 'podium'];
      for (const side of sides) {
        if (side === 'podium') podium = Math.min(podium, await time(async () => (staged = await stage())));
        else baseline = Math.min(baseline, await time(bare));
      }
    }
    const hunks = staged!.files.reduce((n, f) => n + f.hunks.length, 0);
    ctx.log(`${size}: staging after ${what} → ${staged!.files.length} files, ${hunks} hunks: stageTask ${fmt(podium)} ms, git status + git diff ${fmt(baseline)} ms`);
    results.push(result(`stage after ${what}, ${size}: stageTask vs bare git status + git diff`, podium, baseline, 'ms'));
  }
  return results;
}

async function snapshotCommitOf(shape: ScaleRepo, storage: string): Promise<string> {
  // Only when the bare side runs first in the very first round: make Podium's snapshot without timing it.
  const wt = await createTaskWorktree({ workspace: shape.repo, storageDir: storage, taskId: 'bench-snapshot', title: 'Bench snapshot' });
  const commit = wt.baseCommit;
  await moveAside(shape.repo, wt.dir, path.join(CACHE_ROOT, 'trash'));
  return commit;
}

/** Takes a worktree out of git's records and out of the way at once; deleting it waits for the end. */
async function moveAside(repo: string, dir: string, trash: string): Promise<void> {
  await fs.mkdir(trash, { recursive: true });
  await fs.rename(dir, path.join(trash, `${path.basename(dir)}-${Date.now()}`));
  await git(repo, ['worktree', 'prune']);
}

async function dropBranches(repo: string): Promise<void> {
  const refs = (await git(repo, ['for-each-ref', '--format=%(refname:short)', 'refs/heads/podium/', 'refs/heads/bench/'])).split('\n').filter(Boolean);
  if (refs.length > 0) await git(repo, ['branch', '-q', '-D', ...refs]);
}

export default section;
