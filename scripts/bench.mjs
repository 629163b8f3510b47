#!/usr/bin/env node
/**
 * `npm run bench`: Podium's figures beside their baselines, in one run.
 *
 * Each section (a module under bench/ whose default export is a BenchSection) runs in its own Node
 * process, TypeScript through tsx and with --expose-gc, so one section's heap and JIT state do not
 * colour the next. Add a section by adding a line to SECTIONS.
 *
 *   npm run bench                     all sections
 *   npm run bench -- --only journal   some sections (comma-separated ids)
 *   npm run bench -- --quick          small sizes: checks the benchmark runs, figures not meaningful
 *   npm run bench -- --json           also writes bench-results/bench.json
 *   npm run bench -- --clean          removes .bench-cache/ (the scale section's generated repositories) and stops
 *
 * Figures are printed, never asserted: a shared CI machine is too noisy for thresholds.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const SECTIONS = [
  { id: 'activate', module: 'bench/activate.ts' },
  { id: 'journal', module: 'bench/journal.ts', targets: { append: 100, load: 0.5 } },
  { id: 'hunks', module: 'bench/hunks.ts' },
  { id: 'ui', module: 'bench/ui.ts', targets: { firstPaintMs: 200, frameMs: 16, p99LatencyMs: 50 } },
  { id: 'coherence', module: 'bench/coherence.ts' },
  { id: 'replay', module: 'bench/replay.ts' },
  // Builds repositories of 10k and 100k files (about 1.5 GB on disk) into .bench-cache/ the first time.
  { id: 'scale', module: 'bench/scale.ts' },
  { id: 'agents', module: 'bench/agents.ts' },
];

const args = process.argv.slice(2);
if (args.includes('--clean')) {
  const cache = path.join(ROOT, '.bench-cache');
  rmSync(cache, { recursive: true, force: true });
  console.log(`Removed ${cache}.`);
  process.exit(0);
}
const json = args.includes('--json');
const quick = args.includes('--quick');
const onlyArg = args.find((a, i) => a.startsWith('--only=') || args[i - 1] === '--only');
const only = onlyArg ? (onlyArg.startsWith('--only=') ? onlyArg.slice(7) : onlyArg).split(',') : undefined;

const chosen = SECTIONS.filter((s) => !only || only.includes(s.id));
if (chosen.length === 0) {
  console.error(`No benchmark section named ${only.join(', ')}; there are: ${SECTIONS.map((s) => s.id).join(', ')}.`);
  process.exit(2);
}

const scratch = mkdtempSync(path.join(tmpdir(), 'podium-bench-results-'));
const results = [];
let failed = false;
try {
  for (const section of chosen) {
    const out = path.join(scratch, `${section.id}.json`);
    const run = spawnSync(
      process.execPath,
      ['--expose-gc', '--max-old-space-size=4096', '--import', 'tsx', 'bench/runSection.ts', section.module, out, ...(quick ? ['--quick'] : [])],
      { cwd: ROOT, stdio: 'inherit' },
    );
    if (run.status !== 0) {
      console.error(`\nThe ${section.id} benchmark failed (exit ${run.status ?? run.signal}); the other sections still run.`);
      failed = true;
      continue;
    }
    results.push(...JSON.parse(readFileSync(out, 'utf8')));
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

printTable(results);
printTargets(results);
if (json) {
  mkdirSync(path.join(ROOT, 'bench-results'), { recursive: true });
  writeFileSync(path.join(ROOT, 'bench-results', 'bench.json'), JSON.stringify(results, null, 2) + '\n');
  console.log('\nWrote bench-results/bench.json');
}
if (failed) process.exitCode = 1;

function printTable(rows) {
  const fmt = (n, unit) => (n === null ? '—' : `${n.toLocaleString('en-US', { maximumFractionDigits: n < 10 ? 2 : 0 })}${unit === '%' ? '' : ' '}${unit}`);
  const table = rows.map((r) => [
    r.name,
    fmt(r.podium, r.unit),
    fmt(r.baseline, r.unit),
    r.ratio === null ? '—' : `${r.ratio.toLocaleString('en-US', { maximumFractionDigits: r.ratio < 10 ? 2 : 0 })}×`,
  ]);
  const head = ['', 'Podium', 'baseline', 'Podium is'];
  const widths = head.map((h, i) => Math.max(h.length, ...table.map((row) => row[i].length)));
  const line = (cells) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log(`\n${line(head)}\n${widths.map((w) => '─'.repeat(w)).join('  ')}`);
  for (const row of table) console.log(line(row));
  console.log('("Podium is N×": times faster for ms, share of the baseline\'s rate for events/s; higher is better.)');
}

/** The goals from the journal issue, reported as met or not; never a failure. */
function printTargets(rows) {
  const append10k = rows.find((r) => r.name.startsWith('append 10000 events:'));
  const load = rows.find((r) => r.name.startsWith('load + reduce'));
  const goals = [];
  if (append10k) goals.push(`append 10k ≥ 100× faster than whole-file rewrite: ${append10k.ratio >= 100 ? 'met' : 'NOT met'} (${append10k.ratio.toFixed(0)}×)`);
  if (load) goals.push(`load + reduce ≥ 50% of bare JSON.parse throughput: ${load.ratio >= 0.5 ? 'met' : 'NOT met'} (${(load.ratio * 100).toFixed(0)}%)`);
  // Scale (issue 12): at 100k files staging within 2× of git status + git diff, a worktree within 1.5×
  // of git worktree add, and 32 agents' events in their journals within 50 ms at p99.
  const at100k = (prefix) => rows.find((r) => r.name.startsWith(prefix) && r.name.includes('100,000 files'));
  const stage1 = at100k('stage after a one-line edit');
  const worktree = at100k('task worktree, ');
  const agents = rows.find((r) => /^32 agents streaming: event to journal p99/.test(r.name));
  if (stage1) goals.push(`staging after a one-line edit at 100k files within 2× of git status + git diff: ${stage1.podium <= 2 * stage1.baseline ? 'met' : 'NOT met'} (${(stage1.podium / stage1.baseline).toFixed(2)}× as long)`);
  if (worktree) goals.push(`task worktree at 100k files within 1.5× of git worktree add: ${worktree.podium <= 1.5 * worktree.baseline ? 'met' : 'NOT met'} (${(worktree.podium / worktree.baseline).toFixed(2)}× as long)`);
  if (agents) goals.push(`32 agents, event to journal p99 < 50 ms: ${agents.podium < 50 ? 'met' : 'NOT met'} (${agents.podium.toFixed(0)} ms)`);
  // Coherence (issue 9): a staged change checked at least 30× faster than dependency-cruiser's fastest run for it.
  for (const r of rows.filter((x) => x.name.startsWith('check a staged change adding one import'))) {
    goals.push(`${r.name.replace(/ \(vs .*$/, '')}: ≥ 30× faster than depcruise: ${r.ratio >= 30 ? 'met' : 'NOT met'} (${r.ratio.toFixed(0)}×)`);
  }
  // Replay (issue 11): seek p99 < 100 ms on 1M events, a file at a moment < 100 ms.
  const seek = rows.find((r) => /^replay: seek .* p99/.test(r.name));
  const file = rows.find((r) => r.name.startsWith('replay: open a file at a moment'));
  if (seek) goals.push(`replay seek p99 < 100 ms: ${seek.podium < 100 ? 'met' : 'NOT met'} (${seek.podium.toFixed(0)} ms)`);
  if (file) goals.push(`a file at a moment < 100 ms: ${file.podium < 100 ? 'met' : 'NOT met'} (${file.podium.toFixed(1)} ms)`);
  // Fast to wake (issue 14): loading the startup bundle to the end of activate under 50 ms.
  const activate = rows.find((r) => r.name.startsWith('activate: load the startup bundle'));
  if (activate) goals.push(`activate < 50 ms: ${activate.podium < 50 ? 'met' : 'NOT met'} (${activate.podium.toFixed(1)} ms, an empty extension ${activate.baseline.toFixed(1)} ms)`);
  if (goals.length > 0) console.log(`\nTargets:\n  ${goals.join('\n  ')}`);
}
