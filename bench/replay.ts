/**
 * Replay's figures (issue 11, "Speed"):
 *
 * - seeking to random moments of a 1M-event score (ten sessions merged by time), p50 and p99, against
 *   folding the score from the start to each moment (what a replay without checkpoints pays);
 * - opening a file at a moment: one file of a recorded staging read from the repository, against
 *   `git show <tree>:<path>` as a separate process (what a naive reader pays).
 *
 * The webview's frame work while scrubbing is measured by the ui section (bench/ui.ts).
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { readMomentFile } from '../src/replay/files';
import { fold, mergeByTime, Replay } from '../src/score';
import { runGit } from '../src/stage/git';
import { recordMoment } from '../src/stage/history';
import { sessionEvents } from './events';
import { result, time, type BenchContext, type BenchResult, type BenchSection } from './harness';

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

function randomMoments(n: number, length: number, seed = 7): number[] {
  let a = seed;
  const next = () => {
    a = (a * 1103515245 + 12345) % 2147483648;
    return a / 2147483648;
  };
  return Array.from({ length: n }, () => Math.floor(next() * length));
}

async function seeking(ctx: BenchContext, out: BenchResult[]): Promise<void> {
  const total = ctx.quick ? 50_000 : 1_000_000;
  const sessions = 10;
  ctx.log(`building a ${total.toLocaleString('en-US')}-event score in ${sessions} sessions…`);
  const perSession = Array.from({ length: sessions }, (_, i) => [...sessionEvents(total / sessions, `s${i}`, i + 1, 1_750_000_000_000 + i * 13)]);
  const events = mergeByTime(perSession);
  const replay = new Replay(events);
  // The first pass over the score takes the checkpoints; seeking is measured after it, as an engineer
  // scrubbing a replay they opened would find it.
  const firstPass = await time(() => replay.stateAt(events.length));
  ctx.log(`first pass (checkpoints every ${replay.every.toLocaleString('en-US')}): ${firstPass.toFixed(0)} ms`);
  const targets = randomMoments(ctx.quick ? 20 : 200, events.length);
  const seeks: number[] = [];
  for (const n of targets) {
    // Each seek from elsewhere: never the small step forward from the moment shown.
    replay.stateAt(0);
    seeks.push(await time(() => replay.stateAt(n)));
  }
  const baseline: number[] = [];
  for (const n of targets.slice(0, ctx.quick ? 3 : 5)) baseline.push(await time(() => fold(events.slice(0, n))));
  const label = `${total.toLocaleString('en-US')} events`;
  ctx.log(`seek p50 ${percentile(seeks, 50).toFixed(1)} ms, p99 ${percentile(seeks, 99).toFixed(1)} ms; folding from the start p50 ${percentile(baseline, 50).toFixed(0)} ms`);
  out.push(result(`replay: seek to a random moment of ${label}, p50 (vs folding from the start)`, percentile(seeks, 50), percentile(baseline, 50), 'ms'));
  out.push(result(`replay: seek to a random moment of ${label}, p99 (vs folding from the start)`, percentile(seeks, 99), percentile(baseline, 99), 'ms'));
}

async function fileAtMoment(ctx: BenchContext, out: BenchResult[]): Promise<void> {
  const repo = await ctx.tmpdir();
  const git = (args: string[]) => runGit(args, { cwd: repo, env: { GIT_AUTHOR_NAME: 'b', GIT_AUTHOR_EMAIL: 'b@x', GIT_COMMITTER_NAME: 'b', GIT_COMMITTER_EMAIL: 'b@x' } });
  await git(['init', '-q']);
  const files = ctx.quick ? 200 : 2_000;
  for (let i = 0; i < files; i++) {
    const dir = path.join(repo, 'src', `m${i % 40}`);
    await fs.mkdir(dir, { recursive: true });
    await fs.writeFile(path.join(dir, `f${i}.ts`), `export const v${i} = ${i};\n`.repeat(40));
  }
  await git(['add', '-A']);
  await git(['commit', '-q', '-m', 'base']);
  const base = (await git(['rev-parse', 'HEAD'])).stdout.trim();
  await fs.appendFile(path.join(repo, 'src', 'm7', 'f7.ts'), 'export const added = true;\n');
  await git(['add', '-A']);
  const tree = (await git(['write-tree'])).stdout.trim();
  await recordMoment(repo, 'bench-task', tree, base);
  const store = { repo };
  const file = 'src/m7/f7.ts';
  const podium: number[] = [];
  const naive: number[] = [];
  for (let i = 0; i < (ctx.quick ? 5 : 30); i++) {
    podium.push(await time(() => readMomentFile(store, tree, file)));
    naive.push(await time(() => runGit(['show', `${tree}:${file}`], { cwd: repo })));
  }
  out.push(result(`replay: open a file at a moment (${files.toLocaleString('en-US')}-file repository), p50 (vs git show)`, percentile(podium, 50), percentile(naive, 50), 'ms'));
}

const section: BenchSection = {
  title: 'replay',
  async run(ctx) {
    const out: BenchResult[] = [];
    await seeking(ctx, out);
    await fileAtMoment(ctx, out);
    return out;
  },
};

export default section;
