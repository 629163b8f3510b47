/**
 * Coherence against dependency-cruiser, side by side in one run (issue 9, "Speed"): generated
 * repositories of 1k and 10k JavaScript modules in five layers, each layer forbidden to import the
 * layers above it, stated once as a dependency-cruiser configuration that both tools read. A staged
 * change adds one import that breaks a rule.
 *
 * - Podium checks that change as the extension does: a warm checker (rules read, engine loaded),
 *   the change's file parsed before and after and its new import resolved. Median of 15 checks.
 * - dependency-cruiser's fastest way to judge the same change: `depcruise <the changed file>
 *   --max-depth 1` (one file, direct dependencies only), best of 3 runs, start-up included (that is
 *   what a pre-commit hook pays).
 * - The whole repository checked once, by each.
 *
 * The findings must be the same (rule, from, to); a difference fails the section.
 */
import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { CoherenceChecker } from '../src/coherence/engine';
import type { Finding } from '../src/coherence/check';
import { listFiles } from '../src/coherence/files';
import { runGit } from '../src/stage/git';
import { result, time, type BenchContext, type BenchResult, type BenchSection } from './harness';

const LAYERS = 5;
const ROOT = path.resolve(__dirname, '..');
const DEPCRUISE = path.join(ROOT, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');

function modulePath(layer: number, i: number): string {
  return `src/l${layer}/m${i}.js`;
}

/** A repository of `n` modules: module i of layer L imports three modules of layers 0..L (allowed). */
async function generate(ctx: BenchContext, n: number): Promise<string> {
  const root = await ctx.tmpdir();
  const perLayer = Math.ceil(n / LAYERS);
  for (let layer = 0; layer < LAYERS; layer++) {
    await fs.mkdir(path.join(root, 'src', `l${layer}`), { recursive: true });
    const writes: Promise<void>[] = [];
    for (let i = 0; i < perLayer; i++) {
      const imports: string[] = [];
      for (let k = 1; k <= 3; k++) {
        const toLayer = (i + k) % (layer + 1);
        const to = (i * 7 + k * 13) % perLayer;
        if (toLayer === layer && to >= i) continue; // within a layer, only downwards: no cycles
        imports.push(`import { f${to} as g${k} } from '../l${toLayer}/m${to}.js';`);
      }
      const body = `${imports.join('\n')}\n\nexport function f${i}(x) {\n  return x + ${i};\n}\n`;
      writes.push(fs.writeFile(path.join(root, modulePath(layer, i)), body));
    }
    await Promise.all(writes);
  }
  const forbidden = [];
  for (let layer = 0; layer < LAYERS - 1; layer++) {
    forbidden.push({
      name: `l${layer}-not-upwards`,
      comment: `Layer ${layer} is below layers ${layer + 1}–${LAYERS - 1}: it may not import them.`,
      severity: 'error',
      from: { path: `^src/l${layer}/` },
      to: { path: `^src/l[${layer + 1}-${LAYERS - 1}]/` },
    });
  }
  await fs.writeFile(path.join(root, '.dependency-cruiser.json'), JSON.stringify({ forbidden, options: { doNotFollow: { path: 'node_modules' } } }, null, 2));
  await fs.writeFile(path.join(root, 'package.json'), JSON.stringify({ name: 'bench-layers', private: true, type: 'module' }));
  await runGit(['init', '-q'], { cwd: root });
  await runGit(['add', '-A'], { cwd: root });
  await runGit(['-c', 'user.name=Bench', '-c', 'user.email=bench@localhost', 'commit', '-q', '-m', 'base'], { cwd: root });
  return root;
}

interface Seen {
  rule: string;
  from: string;
  to: string;
}

function depcruise(root: string, args: string[]): { ms: number; seen: Seen[] } {
  const start = process.hrtime.bigint();
  const run = spawnSync(process.execPath, [DEPCRUISE, ...args, '--config', '.dependency-cruiser.json', '--output-type', 'json'], { cwd: root, encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (!run.stdout) throw new Error(`depcruise failed: ${run.stderr}`);
  const out = JSON.parse(run.stdout) as { summary: { violations: { rule: { name: string }; from: string; to: string }[] } };
  return { ms, seen: out.summary.violations.map((v) => ({ rule: v.rule.name, from: v.from, to: v.to })) };
}

function seenOf(findings: readonly Finding[]): Seen[] {
  return findings.filter((f) => f.kind === 'dependency').map((f) => ({ rule: f.rule, from: f.from ?? f.path ?? '', to: f.to ?? '' }));
}

function sameFindings(what: string, podium: Seen[], depcruise: Seen[]): void {
  const key = (s: Seen) => `${s.rule} ${s.from} → ${s.to}`;
  const a = podium.map(key).sort();
  const b = depcruise.map(key).sort();
  if (JSON.stringify(a) !== JSON.stringify(b)) {
    throw new Error(`${what}: Podium and dependency-cruiser disagree.\nPodium:\n  ${a.join('\n  ')}\ndependency-cruiser:\n  ${b.join('\n  ')}`);
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((x, y) => x - y);
  return s[Math.floor(s.length / 2)]!;
}

async function measure(ctx: BenchContext, n: number, out: BenchResult[]): Promise<void> {
  const label = `${n.toLocaleString('en-US')} modules`;
  ctx.log(`generating ${label}…`);
  const root = await generate(ctx, n);
  // The change: a module of layer 1 imports one of layer 3.
  const changed = modulePath(1, 5);
  const before = await fs.readFile(path.join(root, changed), 'utf8');
  const breaking = "import { f9 as up } from '../l3/m9.js';\n";
  const after = breaking + before;
  await fs.writeFile(path.join(root, changed), after);
  const lines = after.split('\n').length - 1;
  const hunk = { id: 'h1', path: changed, status: 'modified' as const, kind: 'lines' as const, oldStart: 1, oldCount: 0, newStart: 1, newCount: 1, oldLines: [], newLines: [breaking], contextBefore: [], contextAfter: before.split('\n').slice(0, 3).map((l) => `${l}\n`) };
  void lines;
  const change = { files: [{ path: changed, status: 'modified' as const, hunks: [hunk] }], readBase: async (p: string) => (p === changed ? before : null), readNew: async (p: string) => (p === changed ? after : null) };

  const checker = new CoherenceChecker(root, { trusted: true });
  const cold = await time(() => checker.checkChange(change));
  const runs: number[] = [];
  let findings: Finding[] = [];
  for (let i = 0; i < (ctx.quick ? 3 : 15); i++) runs.push(await time(async () => (findings = await checker.checkChange(change))));
  const warm = median(runs);

  let fastest = Infinity;
  let theirs: Seen[] = [];
  for (let i = 0; i < (ctx.quick ? 1 : 3); i++) {
    const r = depcruise(root, [changed, '--max-depth', '1']);
    fastest = Math.min(fastest, r.ms);
    theirs = r.seen;
  }
  sameFindings(`the staged change at ${label}`, seenOf(findings), theirs);
  ctx.log(`${label}: staged change ${warm.toFixed(1)} ms (first ${cold.toFixed(0)} ms), depcruise ${fastest.toFixed(0)} ms; findings agree (${theirs.length})`);
  out.push(result(`check a staged change adding one import, ${label} (vs depcruise on that file, --max-depth 1)`, warm, fastest, 'ms'));
  out.push(result(`  the same, the first check of a window (rules read, engine warm)`, cold, fastest, 'ms'));

  // The whole repository, once each.
  const files = await listFiles(root);
  const fresh = new CoherenceChecker(root, { trusted: true });
  let all: Finding[] = [];
  const whole = await time(async () => (all = await fresh.checkAll(files)));
  const full = depcruise(root, ['src']);
  sameFindings(`the whole repository at ${label}`, seenOf(all), full.seen);
  ctx.log(`${label}: whole repository ${whole.toFixed(0)} ms, depcruise ${full.ms.toFixed(0)} ms; findings agree (${full.seen.length})`);
  out.push(result(`check the whole repository, ${label} (vs depcruise src)`, whole, full.ms, 'ms'));
}

const section: BenchSection = {
  title: 'coherence',
  async run(ctx) {
    const out: BenchResult[] = [];
    for (const n of ctx.quick ? [200] : [1_000, 10_000]) await measure(ctx, n, out);
    return out;
  },
};

export default section;
