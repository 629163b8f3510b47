/**
 * The staging engine's benchmark: what turning a worktree into hunks costs against the least any tool
 * pays for the same answer (one bare `git diff --no-index` of the same two files), and what an
 * approval costs on a 10k-line file.
 *
 * stageTask does more than the baseline, on purpose: it records the whole worktree in a private index
 * (`git add -A`), lists every change with rename detection, then diffs, parses and hashes hunks —
 * four git processes where the baseline has one. The ratio says what that safety costs.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { applyHunk, unapplyHunk } from '../src/stage/apply';
import { runGit } from '../src/stage/git';
import { stageTask, type StageResult } from '../src/stage/hunks';
import type { LineHunk } from '../src/stage/staged';
import { result, time, type BenchContext, type BenchResult, type BenchSection } from './harness';

const IDENTITY = {
  GIT_AUTHOR_NAME: 'Bench',
  GIT_AUTHOR_EMAIL: 'bench@localhost',
  GIT_COMMITTER_NAME: 'Bench',
  GIT_COMMITTER_EMAIL: 'bench@localhost',
};

/** A source-like file of `n` lines, short enough (~35 bytes a line) that 100k lines stay under the 5 MB limit. */
function sourceLines(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `  const v${i} = f(${i}, ${i % 97}); // ${i % 13}`);
}

/** The same lines with `share` of them changed, spread evenly (the worst case for hunk count). */
function changed(lines: string[], share: number): string[] {
  const every = Math.max(1, Math.round(1 / share));
  return lines.map((l, i) => (i % every === every >> 1 ? `${l} + 1` : l));
}

async function git(cwd: string, args: string[], okExitCodes: number[] = []): Promise<string> {
  return (await runGit(args, { cwd, env: IDENTITY, okExitCodes, maxBuffer: 256 * 1024 * 1024 })).stdout;
}

/** A repository holding `text` as committed, with `edited` in its working tree. */
async function repoWith(ctx: BenchContext, text: string, edited: string): Promise<{ repo: string; base: string }> {
  const repo = await ctx.tmpdir();
  await git(repo, ['init', '-q']);
  await git(repo, ['config', 'core.autocrlf', 'false']);
  await fs.writeFile(path.join(repo, 'big.ts'), text);
  await git(repo, ['add', '-A']);
  await git(repo, ['commit', '-q', '-m', 'base']);
  const base = (await git(repo, ['rev-parse', 'HEAD'])).trim();
  await fs.writeFile(path.join(repo, 'big.ts'), edited);
  return { repo, base };
}

const ROUNDS = 3;

/** Best of `ROUNDS`, alternating the two sides so neither runs with a colder cache. */
async function bestOfBoth(a: () => Promise<unknown>, b: () => Promise<unknown>): Promise<[number, number]> {
  let ta = Infinity;
  let tb = Infinity;
  for (let i = 0; i < ROUNDS; i++) {
    ta = Math.min(ta, await time(a));
    tb = Math.min(tb, await time(b));
  }
  return [ta, tb];
}

const fmt = (n: number): string => n.toLocaleString('en-US', { maximumFractionDigits: n < 10 ? 2 : 0 });

function describeStaged(staged: StageResult): string {
  const file = staged.files[0];
  if (!file) return 'no change';
  return file.fileLevel ? `one file-level hunk (${file.fileLevel})` : `${file.hunks.length} hunks`;
}

const section: BenchSection = {
  title: 'Stage: hunking a worktree, and approving a hunk',
  async run(ctx) {
    const results: BenchResult[] = [];

    for (const size of ctx.quick ? [1_000, 10_000] : [10_000, 100_000]) {
      const lines = sourceLines(size);
      const text = `${lines.join('\n')}\n`;
      for (const share of ctx.quick ? [0.01] : [0.001, 0.01, 0.1]) {
        const edited = `${changed(lines, share).join('\n')}\n`;
        const { repo, base } = await repoWith(ctx, text, edited);
        const pair = await ctx.tmpdir();
        await fs.writeFile(path.join(pair, 'old.ts'), text);
        await fs.writeFile(path.join(pair, 'new.ts'), edited);

        let staged: StageResult | undefined;
        const [podium, baseline] = await bestOfBoth(
          async () => (staged = await stageTask({ repo, worktreeDir: repo, baseCommit: base })),
          // --no-index exits 1 when the files differ: that is its answer, not a failure.
          () => git(pair, ['diff', '--no-index', '--no-color', '--no-ext-diff', 'old.ts', 'new.ts'], [1]),
        );
        const pct = `${share * 100}%`;
        const name = `stage ${fmt(size)} lines, ${pct} changed: stageTask vs bare git diff --no-index`;
        const r = result(name, podium, baseline, 'ms');
        ctx.log(
          `${fmt(size)} lines, ${pct} changed → ${describeStaged(staged!)}: stageTask ${fmt(podium)} ms, ` +
            `git diff --no-index ${fmt(baseline)} ms (stageTask takes ${fmt(podium / baseline)}× as long)`,
        );
        results.push(r);
      }
    }

    // Approving one hunk of a 10k-line file: onto the untouched file (in-process), and onto a file the
    // engineer has edited above it (git merge-file), beside a bare merge-file of the same three texts.
    const size = ctx.quick ? 2_000 : 10_000;
    const lines = sourceLines(size);
    const text = `${lines.join('\n')}\n`;
    const agentLines = [...lines];
    agentLines[size / 2] = `${agentLines[size / 2]} // edited by the agent`;
    const agent = `${agentLines.join('\n')}\n`;
    const { repo, base } = await repoWith(ctx, text, agent);
    const hunk = (await stageTask({ repo, worktreeDir: repo, baseCommit: base })).files[0]!.hunks[0] as LineHunk;
    const engineer = `// the engineer's header\n// over two lines\n${text}`;

    const direct = await bestOf(() => applyHunk({ hunk, baseText: text, currentText: text }));
    ctx.log(`approve on ${fmt(size)} lines, untouched file: ${fmt(direct)} ms`);
    results.push(result(`approve one hunk, ${fmt(size)}-line untouched file (in-process)`, direct, null, 'ms'));

    const three = await ctx.tmpdir();
    await Promise.all([
      fs.writeFile(path.join(three, 'ours'), engineer),
      fs.writeFile(path.join(three, 'base'), text),
      fs.writeFile(path.join(three, 'theirs'), agent),
    ]);
    let applied = '';
    const [merged, bareMerge] = await bestOfBoth(
      async () => {
        const r = await applyHunk({ hunk, baseText: text, currentText: engineer });
        if (!r.ok || typeof r.text !== 'string') throw new Error('the bench merge did not apply cleanly');
        applied = r.text;
      },
      () => git(three, ['merge-file', '-p', 'ours', 'base', 'theirs']),
    );
    ctx.log(`approve on ${fmt(size)} lines, engineer edits above: applyHunk ${fmt(merged)} ms, bare git merge-file ${fmt(bareMerge)} ms`);
    results.push(result(`approve one hunk, ${fmt(size)}-line edited file: applyHunk vs bare git merge-file`, merged, bareMerge, 'ms'));

    const roundTrip = await bestOf(async () => {
      const r = await applyHunk({ hunk, baseText: text, currentText: engineer });
      if (r.ok) await unapplyHunk({ hunk, appliedText: r.text, currentText: r.text, baseText: text });
    });
    ctx.log(`approve + undo on ${fmt(size)} lines, engineer edits above: ${fmt(roundTrip)} ms (applied ${fmt(applied.length / 1e6)} MB)`);
    results.push(result(`approve + undo one hunk, ${fmt(size)}-line edited file`, roundTrip, null, 'ms'));
    return results;
  },
};

async function bestOf(fn: () => Promise<unknown>): Promise<number> {
  let best = Infinity;
  for (let i = 0; i < ROUNDS; i++) best = Math.min(best, await time(fn));
  return best;
}

export default section;
