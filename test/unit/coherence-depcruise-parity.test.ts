/**
 * Podium reports what dependency-cruiser reports: fixture repositories (real git, real files), the
 * real `depcruise` CLI run on them as a child process with the fixture's configuration, and Podium's
 * findings on the same files and rules, compared rule by rule (same from, to, rule, severity; a
 * cycle by the files in it, as depcruise reports a cycle once).
 *
 * Where Podium differs on purpose, the test names the difference and asserts it.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadDepcruiseConfig, depcruiseModuleViolations, depcruiseViolations, type DepcruiseConfig } from '../../src/coherence/depcruise';
import { ImportGraph } from '../../src/coherence/js/graph';
import { createJsResolver, isJsPath, jsAnalyser } from '../../src/coherence/js';
import { gitSandbox, write } from '../fixtures/gitRepo';

const git = gitSandbox('podium-depcruise-');
const DEPCRUISE = path.resolve('node_modules/dependency-cruiser/bin/dependency-cruise.mjs');
const SCANNED = ['src', 'packages'];

/** One finding as both sides can say it. */
type Key = string;

function key(rule: string, severity: string, from: string, to: string, cycle?: string[]): Key {
  if (cycle) return `${rule} ${severity} cycle of ${[...cycle].sort().join(', ')}`;
  return `${rule} ${severity} ${from} → ${to}`;
}

interface DepcruiseViolation {
  type: string;
  from: string;
  to: string;
  rule: { name: string; severity: string };
  cycle?: { name: string }[];
}

/** What the real depcruise reports on `root` with its configuration file `config`. */
function depcruiseFindings(root: string, config: string): Set<Key> {
  const scanned = SCANNED.filter((dir) => fs.existsSync(path.join(root, dir)));
  const run = spawnSync(process.execPath, [DEPCRUISE, ...scanned, '--config', config, '--output-type', 'json'], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  assert.ok(run.stdout.trim().startsWith('{'), `depcruise did not report (exit ${run.status}): ${run.stderr}`);
  const result = JSON.parse(run.stdout) as { summary: { violations: DepcruiseViolation[] } };
  return new Set(
    result.summary.violations.map((v) =>
      key(v.rule.name, v.rule.severity, v.from, v.to, v.type === 'cycle' ? v.cycle?.map((c) => c.name) : undefined),
    ),
  );
}

/** What Podium finds on the same files with the same configuration. */
async function podiumFindings(root: string, config: DepcruiseConfig): Promise<Set<Key>> {
  const resolver = createJsResolver(root, config.resolverOptions);
  const graph = await ImportGraph.build(root, jsAnalyser(resolver), {
    accept: (f) => isJsPath(f) && SCANNED.some((dir) => f.startsWith(`${dir}/`)),
  });
  const out = new Set<Key>();
  for (const file of graph.files()) {
    for (const dep of graph.edges(file)) {
      for (const f of depcruiseViolations(config, file, dep, graph)) out.add(key(f.rule, f.severity, file, f.to, f.cycle));
    }
    for (const f of depcruiseModuleViolations(config, file, graph)) out.add(key(f.rule, f.severity, file, file));
  }
  return out;
}

async function compare(root: string, configFile: string, files: Record<string, string>, trusted = false): Promise<{ onlyPodium: Key[]; onlyDepcruise: Key[]; both: Key[] }> {
  write(root, files);
  const { config, problems } = await loadDepcruiseConfig(root, { trusted, file: configFile });
  assert.deepEqual(problems, []);
  assert.ok(config);
  const theirs = depcruiseFindings(root, configFile);
  const ours = await podiumFindings(root, config);
  return {
    onlyPodium: [...ours].filter((k) => !theirs.has(k)).sort(),
    onlyDepcruise: [...theirs].filter((k) => !ours.has(k)).sort(),
    both: [...ours].filter((k) => theirs.has(k)).sort(),
  };
}

/** A small shop: layers, a feature folder, aliases, a workspace package, a cycle, type-only imports, CommonJS. */
const SHOP: Record<string, string> = {
  'package.json': JSON.stringify({
    name: 'shop',
    private: true,
    workspaces: ['packages/*'],
    imports: { '#internal/*': './src/internal/*.js' },
    dependencies: { react: '^19' },
  }),
  'tsconfig.json': JSON.stringify({
    compilerOptions: { baseUrl: '.', paths: { '@/*': ['src/*'] }, module: 'esnext', moduleResolution: 'bundler', target: 'es2022', strict: true, jsx: 'react' },
  }),
  'src/core/tally.ts': [
    "import { renderSummary } from '../ui/render';",
    "import type { Theme } from '../ui/types';",
    "import { readFileSync } from 'node:fs';",
    "import { sum } from '@/util/math';",
    'export function tally(xs: number[], theme: Theme): string { return renderSummary(sum(xs), theme) + readFileSync; }',
  ].join('\n'),
  'src/core/index.ts': "export * from './tally';\n",
  'src/ui/render.ts': [
    "import { tally } from '../core';",
    "import React from 'react';",
    "import type { Theme } from './types';",
    'export function renderSummary(n: number, theme: Theme): string { return String(n) + theme + tally + React; }',
  ].join('\n'),
  'src/ui/types.ts': 'export interface Theme { name: string }\n',
  'src/ui/shape.ts': "import { Theme } from './types';\nexport let current: Theme;\n",
  'src/ui/Page.tsx': "import React from 'react';\nimport { renderSummary } from './render';\nexport const Page = () => <div>{renderSummary(1, { name: 'x' })}</div>;\n",
  'src/util/math.ts': 'export function sum(xs: number[]) { return xs.reduce((a, b) => a + b, 0); }\n',
  'src/util/legacy.cjs': "const helper = require('./helper.cjs');\nconst path = require('path');\nmodule.exports = [helper, path];\n",
  'src/util/helper.cjs': 'module.exports = 1;\n',
  'src/feature/a/index.ts': "import { thing } from '../b/thing';\nimport { now } from '#internal/clock';\nexport const a = [thing, now];\n",
  'src/feature/a/lazy.ts': 'export const lazy = 1;\n',
  'src/feature/b/thing.ts': "export const thing = () => import('../a/lazy');\nexport { lazy } from '../a/lazy';\n",
  'src/internal/clock.js': 'export const now = 1;\n',
  'src/orphan.ts': 'export const orphan = 1;\n',
  'src/util/eq.ts': "import fs = require('fs');\nimport m = require('./math');\nexport const x = fs;\nexport let y: typeof m;\n",
  'src/self.ts': "import * as me from './self';\nexport const again = () => me;\n",
};

const LAYER_RULES = [
  { name: 'seen', severity: 'info', comment: 'every dependency, so the whole graph is compared', from: {}, to: {} },
  { name: 'no-cross-feature', severity: 'error', from: { path: '^src/feature/([^/]+)/' }, to: { path: '^src/feature/', pathNot: '^src/feature/$1/' } },
  { name: 'core-not-ui', severity: 'error', comment: 'core never imports ui', from: { path: '^src/core' }, to: { path: '^src/ui' } },
  { name: 'no-unresolvable', severity: 'warn', from: {}, to: { couldNotResolve: true } },
  { name: 'no-circular', severity: 'warn', from: {}, to: { circular: true } },
  { name: 'no-orphans', severity: 'warn', from: { orphan: true, pathNot: '\\.d\\.ts$' }, to: {} },
];

function config(options: Record<string, unknown>, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ forbidden: LAYER_RULES, ...extra, options: { tsConfig: { fileName: 'tsconfig.json' }, ...options } }, null, 2);
}

/**
 * Podium's deliberate difference: `@shop/ui-kit`, a workspace package, resolves by name to its source
 * (`packages/ui-kit/src/index.ts`) with nothing installed; depcruise, with no node_modules, cannot
 * resolve it. So depcruise says "unresolvable" and calls the package's source an orphan; Podium sees
 * the dependency on the source.
 */
const WORKSPACE_PACKAGE: Record<string, string> = {
  'packages/ui-kit/package.json': JSON.stringify({ name: '@shop/ui-kit', main: 'dist/index.js', types: 'dist/index.d.ts' }),
  'packages/ui-kit/src/index.ts': 'export const Button = 1;\n',
  'src/ui/uses-kit.ts': "import { Button } from '@shop/ui-kit';\nexport const b = Button;\n",
};
const WORKSPACE_DIFFERENCE = {
  onlyPodium: ['seen info src/ui/uses-kit.ts → packages/ui-kit/src/index.ts'],
  onlyDepcruise: [
    'no-orphans warn packages/ui-kit/src/index.ts → packages/ui-kit/src/index.ts',
    'no-unresolvable warn src/ui/uses-kit.ts → @shop/ui-kit',
    'seen info src/ui/uses-kit.ts → @shop/ui-kit',
  ],
};

describe('coherence: Podium reports what dependency-cruiser reports, rule by rule', function () {
  // Each case runs the real depcruise once (about a second of start-up on this machine).
  this.timeout(60_000);
  before(() => git.setUp());
  after(() => git.tearDown());

  it('forbidden rules with group references, cycles, orphans and unresolvable imports; type-only imports not counted', async () => {
    const root = git.repoWith(SHOP);
    const { onlyPodium, onlyDepcruise, both } = await compare(root, '.dependency-cruiser.json', {
      '.dependency-cruiser.json': config({ tsPreCompilationDeps: false }),
    });
    assert.deepEqual({ onlyPodium, onlyDepcruise }, { onlyPodium: [], onlyDepcruise: [] });
    // The findings a user would act on are among them.
    for (const k of [
      'core-not-ui error src/core/tally.ts → src/ui/render.ts',
      'no-cross-feature error src/feature/a/index.ts → src/feature/b/thing.ts',
      'no-cross-feature error src/feature/b/thing.ts → src/feature/a/lazy.ts',
      'no-unresolvable warn src/ui/render.ts → react',
      'no-circular warn cycle of src/core/index.ts, src/core/tally.ts, src/ui/render.ts',
      'no-circular warn cycle of src/self.ts',
      'no-orphans warn src/ui/types.ts → src/ui/types.ts',
    ]) {
      assert.ok(both.includes(k), `expected ${k}`);
    }
  });

  it('with tsPreCompilationDeps true, type-only and elided imports count', async () => {
    const root = git.repoWith(SHOP);
    const { onlyPodium, onlyDepcruise, both } = await compare(root, '.dependency-cruiser.json', {
      '.dependency-cruiser.json': config({ tsPreCompilationDeps: true }),
    });
    assert.deepEqual({ onlyPodium, onlyDepcruise }, { onlyPodium: [], onlyDepcruise: [] });
    assert.ok(both.includes('seen info src/ui/shape.ts → src/ui/types.ts'), 'the elided import counts');
    assert.ok(!both.includes('no-orphans warn src/ui/types.ts → src/ui/types.ts'), 'so types.ts is no orphan');
  });

  it("with tsPreCompilationDeps 'specify', pre-compilation-only imports can be ruled on", async () => {
    const root = git.repoWith(SHOP);
    const { onlyPodium, onlyDepcruise, both } = await compare(root, '.dependency-cruiser.json', {
      '.dependency-cruiser.json': JSON.stringify({
        forbidden: [
          { name: 'types-only-from-ui', severity: 'warn', from: { path: '^src/core' }, to: { path: '^src/ui', preCompilationOnly: true } },
          { name: 'type-only-marked', severity: 'info', from: {}, to: { dependencyTypes: ['type-only'] } },
          { name: 'pre-compilation-only-type', severity: 'info', from: {}, to: { dependencyTypes: ['pre-compilation-only'] } },
        ],
        options: { tsConfig: { fileName: 'tsconfig.json' }, tsPreCompilationDeps: 'specify' },
      }),
    });
    assert.deepEqual({ onlyPodium, onlyDepcruise }, { onlyPodium: [], onlyDepcruise: [] });
    assert.ok(both.includes('types-only-from-ui warn src/core/tally.ts → src/ui/types.ts'));
    assert.ok(both.includes('pre-compilation-only-type info src/ui/shape.ts → src/ui/types.ts'));
  });

  it('with a tsconfig that emits CommonJS, imports are requires to depcruise (without pre-compilation deps)', async () => {
    const root = git.repoWith(SHOP);
    const rule = (name: string, to: Record<string, unknown>): Record<string, unknown> => ({ name, severity: 'info', from: {}, to });
    const { onlyPodium, onlyDepcruise, both } = await compare(root, '.dependency-cruiser.json', {
      'tsconfig.cjs.json': JSON.stringify({ extends: './tsconfig.json', compilerOptions: { module: 'commonjs', moduleResolution: 'node10' } }),
      '.dependency-cruiser.json': JSON.stringify({
        forbidden: [rule('require', { dependencyTypes: ['require'] }), rule('import', { dependencyTypes: ['import'] }), rule('dynamic', { dynamic: true })],
        options: { tsConfig: { fileName: 'tsconfig.cjs.json' }, tsPreCompilationDeps: false },
      }),
    });
    assert.deepEqual({ onlyPodium, onlyDepcruise }, { onlyPodium: [], onlyDepcruise: [] });
    assert.ok(both.includes('require info src/util/eq.ts → fs'), 'import = require survives as a require');
    assert.ok(!both.some((k) => k.includes('src/util/eq.ts → src/util/math.ts')), 'but not when used as a type only');
    assert.ok(both.includes('require info src/core/tally.ts → src/ui/render.ts'));
  });

  it('allowed rules: a dependency none of them allows is not-in-allowed, at allowedSeverity', async () => {
    const root = git.repoWith(SHOP);
    const { onlyPodium, onlyDepcruise, both } = await compare(root, '.dependency-cruiser.json', {
      '.dependency-cruiser.json': JSON.stringify({
        allowed: [
          { from: { path: '^src/core' }, to: { path: '^src/(core|util)/' } },
          { from: { path: '^src/(ui|feature)' }, to: { path: '^src/' } },
          { from: {}, to: { dependencyTypes: ['core'] } },
          { from: { path: '^src/util' }, to: { path: '^src/util' } },
        ],
        allowedSeverity: 'error',
        forbidden: [{ name: 'no-dynamic', severity: 'info', from: {}, to: { dynamic: true } }],
        options: { tsConfig: { fileName: 'tsconfig.json' } },
      }),
    });
    assert.deepEqual({ onlyPodium, onlyDepcruise }, { onlyPodium: [], onlyDepcruise: [] });
    assert.ok(both.includes('not-in-allowed error src/core/tally.ts → src/ui/render.ts'));
    assert.ok(both.includes('not-in-allowed error src/ui/render.ts → react'));
    assert.ok(both.includes('no-dynamic info src/feature/b/thing.ts → src/feature/a/lazy.ts'));
  });

  it('includeOnly, exclude and doNotFollow change what is seen', async () => {
    const root = git.repoWith(SHOP);
    const { onlyPodium, onlyDepcruise, both } = await compare(root, '.dependency-cruiser.json', {
      '.dependency-cruiser.json': config({ includeOnly: '^src/', exclude: { path: '^src/feature/b' }, doNotFollow: { path: '^src/util' } }),
    });
    assert.deepEqual({ onlyPodium, onlyDepcruise }, { onlyPodium: [], onlyDepcruise: [] });
    assert.ok(!both.some((k) => k.includes('→ fs') || k.includes('→ react')), 'includeOnly leaves out what is not under src/');
    assert.ok(!both.some((k) => k.includes('src/feature/b')), 'exclude leaves out feature b');
    assert.ok(!both.some((k) => k.startsWith('seen info src/util/')), 'a doNotFollow file is never a source');
  });

  it('dependencyTypes and dependencyTypesNot filter on how an import is written and what it resolves to', async () => {
    const root = git.repoWith(SHOP);
    const rule = (name: string, to: Record<string, unknown>): Record<string, unknown> => ({ name, severity: 'info', from: {}, to });
    const { onlyPodium, onlyDepcruise, both } = await compare(root, '.dependency-cruiser.json', {
      '.dependency-cruiser.json': JSON.stringify({
        forbidden: [
          rule('aliased-tsconfig', { dependencyTypes: ['aliased-tsconfig'] }),
          rule('subpath-import', { dependencyTypes: ['aliased-subpath-import'] }),
          rule('core', { dependencyTypes: ['core'] }),
          rule('require', { dependencyTypes: ['require'] }),
          rule('dynamic-import', { dependencyTypes: ['dynamic-import'] }),
          rule('re-export', { dependencyTypes: ['export'] }),
          rule('type-only', { dependencyTypes: ['type-only'] }),
          rule('unknown', { dependencyTypes: ['unknown'] }),
          rule('not-local', { dependencyTypesNot: ['local'] }),
        ],
        options: { tsConfig: { fileName: 'tsconfig.json' }, tsPreCompilationDeps: true },
      }),
    });
    // Differs on purpose: depcruise keeps one import per module and module system in a file, the first
    // it finds, so `import('../a/lazy')` beside `export { lazy } from '../a/lazy'` is no dynamic
    // import to it. Podium holds each import as written.
    assert.deepEqual(
      { onlyPodium, onlyDepcruise },
      { onlyPodium: ['dynamic-import info src/feature/b/thing.ts → src/feature/a/lazy.ts'], onlyDepcruise: [] },
    );
    for (const k of [
      'aliased-tsconfig info src/core/tally.ts → src/util/math.ts',
      'subpath-import info src/feature/a/index.ts → src/internal/clock.js',
      'core info src/core/tally.ts → fs',
      'require info src/util/legacy.cjs → src/util/helper.cjs',
      're-export info src/core/index.ts → src/core/tally.ts',
      'type-only info src/core/tally.ts → src/ui/types.ts',
      'unknown info src/ui/render.ts → react',
    ]) {
      assert.ok(both.includes(k), `expected ${k}`);
    }
  });

  it('a JavaScript configuration that extends a JSON one, read in a trusted workspace', async () => {
    const root = git.repoWith(SHOP);
    const { onlyPodium, onlyDepcruise, both } = await compare(
      root,
      '.dependency-cruiser.cjs',
      {
        'config/base.json': config({ tsPreCompilationDeps: false }),
        '.dependency-cruiser.cjs': [
          'module.exports = {',
          "  extends: './config/base.json',",
          "  forbidden: [{ name: 'core-not-ui', severity: 'warn', from: { path: '^src/core' }, to: { path: '^src/ui' } }],",
          '};',
        ].join('\n'),
      },
      true,
    );
    assert.deepEqual({ onlyPodium, onlyDepcruise }, { onlyPodium: [], onlyDepcruise: [] });
    assert.ok(both.includes('core-not-ui warn src/core/tally.ts → src/ui/render.ts'), 'the extending file lowered the severity');
  });

  for (const combinedDependencies of [false, true]) {
    it(`npm dependency types come from the nearest package.json${combinedDependencies ? ', or all of them up to the root with combinedDependencies' : ''}`, async () => {
      const root = git.repoWith({
        'package.json': JSON.stringify({ name: 'app', dependencies: { 'left-pad': '1' }, devDependencies: { chai: '5' } }),
        'node_modules/left-pad/package.json': JSON.stringify({ name: 'left-pad', main: 'index.js' }),
        'node_modules/left-pad/index.js': 'module.exports = 1;',
        'node_modules/chai/package.json': JSON.stringify({ name: 'chai', main: 'chai.js' }),
        'node_modules/chai/chai.js': 'module.exports = 1;',
        'src/main.js': "const pad = require('left-pad');\nconst { sub } = require('./sub/lib');\nmodule.exports = [pad, sub];\n",
        'src/sub/package.json': JSON.stringify({ name: 'sub', private: true, peerDependencies: { chai: '5' } }),
        'src/sub/lib.js': "const pad = require('left-pad');\nconst chai = require('chai');\nexports.sub = [pad, chai];\n",
      });
      const rule = (name: string, types: string[]): Record<string, unknown> => ({ name, severity: 'warn', from: {}, to: { dependencyTypes: types } });
      const { onlyPodium, onlyDepcruise, both } = await compare(root, '.dependency-cruiser.json', {
        '.dependency-cruiser.json': JSON.stringify({
          forbidden: [rule('npm', ['npm']), rule('npm-dev', ['npm-dev']), rule('npm-peer', ['npm-peer']), rule('npm-no-pkg', ['npm-no-pkg']), rule('not-in-node-modules', ['local'])],
          options: { doNotFollow: { path: 'node_modules' }, combinedDependencies },
        }),
      });
      assert.deepEqual({ onlyPodium, onlyDepcruise }, { onlyPodium: [], onlyDepcruise: [] });
      assert.ok(both.includes('npm warn src/main.js → node_modules/left-pad/index.js'));
      assert.ok(both.includes(combinedDependencies ? 'npm warn src/sub/lib.js → node_modules/left-pad/index.js' : 'npm-no-pkg warn src/sub/lib.js → node_modules/left-pad/index.js'));
    });
  }

  for (const enhancedResolveOptions of [undefined, { exportsFields: ['exports'], conditionNames: ['import', 'node', 'default'] }]) {
    it(`exports maps and conditional #imports are read as depcruise reads them${enhancedResolveOptions ? ' when its enhancedResolveOptions ask for them' : ' (not at all by default)'}`, async () => {
      const root = git.repoWith({
        'package.json': JSON.stringify({ name: 'app', type: 'module', dependencies: { dual: '1' }, imports: { '#db': { node: './src/db-node.js', default: './src/db-browser.js' } } }),
        'node_modules/dual/package.json': JSON.stringify({ name: 'dual', main: './legacy.cjs', exports: { '.': { import: './esm/index.js', require: './cjs/index.cjs' } } }),
        'node_modules/dual/legacy.cjs': 'module.exports = 1;',
        'node_modules/dual/esm/index.js': 'export default 1;',
        'node_modules/dual/cjs/index.cjs': 'module.exports = 1;',
        'src/db-node.js': 'export const db = 1;\n',
        'src/db-browser.js': 'export const db = 2;\n',
        'src/main.js': "import dual from 'dual';\nimport { db } from '#db';\nexport const all = [dual, db];\n",
      });
      const { onlyPodium, onlyDepcruise, both } = await compare(root, '.dependency-cruiser.json', {
        '.dependency-cruiser.json': JSON.stringify({
          forbidden: [{ name: 'seen', severity: 'info', from: {}, to: {} }],
          options: { doNotFollow: { path: 'node_modules' }, ...(enhancedResolveOptions ? { enhancedResolveOptions } : {}) },
        }),
      });
      assert.deepEqual({ onlyPodium, onlyDepcruise }, { onlyPodium: [], onlyDepcruise: [] });
      assert.deepEqual(
        both,
        enhancedResolveOptions
          ? ['seen info src/main.js → node_modules/dual/esm/index.js', 'seen info src/main.js → src/db-node.js']
          : ['seen info src/main.js → node_modules/dual/legacy.cjs', 'seen info src/main.js → src/db-browser.js'],
      );
    });
  }

  it('differs on purpose: a workspace package imported by name is its source to Podium, unresolvable to depcruise', async () => {
    const root = git.repoWith({ ...SHOP, ...WORKSPACE_PACKAGE });
    const { onlyPodium, onlyDepcruise } = await compare(root, '.dependency-cruiser.json', {
      '.dependency-cruiser.json': config({ tsPreCompilationDeps: false }),
    });
    assert.deepEqual({ onlyPodium, onlyDepcruise }, WORKSPACE_DIFFERENCE);
  });

});
