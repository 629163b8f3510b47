import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { extractJsImports } from '../../src/coherence/js/extract';
import { createJsResolver, type JsResolver } from '../../src/coherence/js/resolve';
import type { Dependency } from '../../src/coherence/model';
import { write } from '../fixtures/gitRepo';

let tmp = '';
function folder(name: string, files: Record<string, string>): string {
  const dir = path.join(tmp, name);
  write(dir, files);
  return dir;
}

/** Every import of `file` (read from disk), resolved: `specifier → target` plus its dependency types. */
function resolveAll(resolver: JsResolver, file: string): Dependency[] {
  const text = fs.readFileSync(path.join(resolver.root, file), 'utf8');
  const { imports, error } = extractJsImports(file, text);
  assert.equal(error, undefined);
  return imports.map((site) => resolver.resolveSync(file, site));
}

function targets(resolver: JsResolver, file: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const d of resolveAll(resolver, file)) {
    const t = d.target;
    out[d.specifier] =
      t.kind === 'file' ? `file ${t.path}${t.directory ? '/' : ''}` : t.kind === 'package' ? `package ${t.name}${t.path ? ` at ${t.path}` : ''}` : t.kind === 'core' ? `core ${t.name}` : 'unresolved';
  }
  return out;
}

function types(resolver: JsResolver, file: string): Record<string, string> {
  return Object.fromEntries(resolveAll(resolver, file).map((d) => [d.specifier, d.dependencyTypes.join(' ')]));
}

describe('coherence: JavaScript and TypeScript imports resolve as the workspace resolves them', () => {
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'podium-resolve-'));
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('relative imports find extensions, index files, and the .ts a .js import names', () => {
    const root = folder('relative', {
      'src/main.ts': [
        "import { a } from './a';",
        "import { b } from './b.js';",
        "import { lib } from './lib';",
        "import { both } from './both';",
        "import data from './data.json';",
        "import { gone } from './missing';",
        'export const all = [a, b, lib, both, data, gone];',
      ].join('\n'),
      'src/a.ts': 'export const a = 1;',
      'src/b.ts': 'export const b = 1;',
      'src/lib/index.ts': 'export const lib = 1;',
      'src/both.ts': 'export const both = 1;',
      'src/both.js': 'export const both = 1;',
      'src/data.json': '{}',
      'src/old.js': "const x = require('./both');",
    });
    const r = createJsResolver(root);
    assert.deepEqual(targets(r, 'src/main.ts'), {
      './a': 'file src/a.ts',
      './b.js': 'file src/b.ts',
      './lib': 'file src/lib/index.ts',
      './both': 'file src/both.ts',
      './data.json': 'file src/data.json',
      './missing': 'unresolved',
    });
    assert.deepEqual(targets(r, 'src/old.js'), { './both': 'file src/both.js' }, 'a JavaScript file prefers the .js');
    assert.equal(types(r, 'src/main.ts')['./a'], 'local import');
    assert.equal(types(r, 'src/main.ts')['./missing'], 'unknown');
  });

  it('tsconfig paths and baseUrl apply, through extends, with aliased types as dependency-cruiser names them', () => {
    const root = folder('tsconfig', {
      'config/tsconfig.base.json': JSON.stringify({ compilerOptions: { baseUrl: '..', paths: { '@/*': ['src/*'], '~shared': ['shared/index.ts'] } } }),
      'tsconfig.json': JSON.stringify({ extends: './config/tsconfig.base.json', compilerOptions: { strict: true } }),
      'src/app/main.ts': "import { x } from '@/lib/x';\nimport { s } from '~shared';\nimport { y } from 'src/lib/y';\nexport const all = [x, s, y];",
      'src/lib/x.ts': 'export const x = 1;',
      'src/lib/y.ts': 'export const y = 1;',
      'shared/index.ts': 'export const s = 1;',
    });
    const r = createJsResolver(root);
    assert.deepEqual(targets(r, 'src/app/main.ts'), {
      '@/lib/x': 'file src/lib/x.ts',
      '~shared': 'file shared/index.ts',
      'src/lib/y': 'file src/lib/y.ts',
    });
    assert.deepEqual(types(r, 'src/app/main.ts'), {
      '@/lib/x': 'aliased aliased-tsconfig aliased-tsconfig-paths local import',
      '~shared': 'aliased aliased-tsconfig aliased-tsconfig-paths local import',
      'src/lib/y': 'aliased aliased-tsconfig aliased-tsconfig-base-url local import',
    });
  });

  it('package.json imports (#internal) and Node built-ins with or without node:', () => {
    const root = folder('imports', {
      'package.json': JSON.stringify({ name: 'app', type: 'module', imports: { '#internal/*': './src/internal/*.js', '#db': { node: './src/db.js', default: './src/db-browser.js' } } }),
      'src/internal/clock.ts': 'export const now = 1;',
      'src/db.js': 'export const db = 1;',
      'src/main.ts': "import { now } from '#internal/clock';\nimport { db } from '#db';\nimport fs from 'fs';\nimport { readFile } from 'node:fs/promises';\nimport test from 'node:test';\nexport const all = [now, db, fs, readFile, test];",
    });
    const r = createJsResolver(root);
    assert.deepEqual(targets(r, 'src/main.ts'), {
      '#internal/clock': 'file src/internal/clock.ts',
      '#db': 'file src/db.js',
      fs: 'core fs',
      'node:fs/promises': 'core fs/promises',
      'node:test': 'core node:test',
    });
    assert.equal(types(r, 'src/main.ts')['#db'], 'aliased aliased-subpath-import local import');
    assert.equal(types(r, 'src/main.ts')['node:fs/promises'], 'core import');
  });

  it("a workspace's own package by name resolves to its source, with nothing installed or built", () => {
    const root = folder('npm-workspace', {
      'package.json': JSON.stringify({ name: 'mono', private: true, workspaces: ['packages/*', 'apps/*'] }),
      'packages/ui/package.json': JSON.stringify({
        name: '@acme/ui',
        main: './dist/index.js',
        types: './dist/index.d.ts',
        exports: { '.': { types: './dist/index.d.ts', import: './dist/esm/index.js', require: './dist/cjs/index.js' }, './button': './dist/esm/button.js' },
      }),
      'packages/ui/src/index.ts': 'export const ui = 1;',
      'packages/ui/src/button.tsx': 'export const Button = 1;',
      'packages/plain/package.json': JSON.stringify({ name: 'plain', main: 'index.js' }),
      'packages/plain/index.js': 'module.exports = 1;',
      'packages/unbuilt/package.json': JSON.stringify({ name: 'unbuilt', main: 'dist/main.js' }),
      'packages/unbuilt/index.ts': 'export const u = 1;',
      'packages/empty/package.json': JSON.stringify({ name: 'empty', main: 'dist/main.js' }),
      'apps/web/package.json': JSON.stringify({ name: 'web', dependencies: { '@acme/ui': 'workspace:*', react: '^19' } }),
      'apps/web/src/main.ts': [
        "import { ui } from '@acme/ui';",
        "import { Button } from '@acme/ui/button';",
        "import plain from 'plain';",
        "import { u } from 'unbuilt';",
        "import e from 'empty';",
        "import React from 'react';",
        "import { x } from '@scope/not-installed/deep';",
        'export const all = [ui, Button, plain, u, e, React, x];',
      ].join('\n'),
    });
    const r = createJsResolver(root);
    assert.deepEqual(Object.fromEntries(r.workspacePackages()), {
      '@acme/ui': 'packages/ui',
      plain: 'packages/plain',
      unbuilt: 'packages/unbuilt',
      empty: 'packages/empty',
      web: 'apps/web',
    });
    assert.deepEqual(targets(r, 'apps/web/src/main.ts'), {
      '@acme/ui': 'file packages/ui/src/index.ts',
      '@acme/ui/button': 'file packages/ui/src/button.tsx',
      plain: 'file packages/plain/index.js',
      unbuilt: 'file packages/unbuilt/index.ts',
      empty: 'file packages/empty/',
      react: 'package react',
      '@scope/not-installed/deep': 'package @scope/not-installed',
    });
    assert.equal(types(r, 'apps/web/src/main.ts')['@acme/ui'], 'aliased aliased-workspace local import');
    assert.equal(types(r, 'apps/web/src/main.ts').react, 'unknown');
  });

  it('a pnpm workspace is read from pnpm-workspace.yaml, exclusions included', () => {
    const root = folder('pnpm-workspace', {
      'package.json': JSON.stringify({ name: 'mono', private: true }),
      'pnpm-workspace.yaml': "packages:\n  - 'libs/**'\n  - '!libs/**/fixtures/**'\n",
      'libs/core/package.json': JSON.stringify({ name: '@p/core', main: 'lib/index.js' }),
      'libs/core/src/index.ts': 'export const core = 1;',
      'libs/nested/deep/package.json': JSON.stringify({ name: '@p/deep' }),
      'libs/nested/deep/index.ts': 'export const deep = 1;',
      'libs/core/fixtures/fake/package.json': JSON.stringify({ name: '@p/fake' }),
      'main.ts': "import { core } from '@p/core';\nimport { deep } from '@p/deep';\nexport const all = [core, deep];",
    });
    const r = createJsResolver(root);
    assert.deepEqual(Object.fromEntries(r.workspacePackages()), { '@p/core': 'libs/core', '@p/deep': 'libs/nested/deep' });
    assert.deepEqual(targets(r, 'main.ts'), { '@p/core': 'file libs/core/src/index.ts', '@p/deep': 'file libs/nested/deep/index.ts' });
  });

  it('an installed package (or only its @types) is a package with where it was found, typed by the nearest package.json', () => {
    const root = folder('installed', {
      'package.json': JSON.stringify({ name: 'app', dependencies: { 'left-pad': '1' }, devDependencies: { chai: '5' }, peerDependencies: { chai: '5' } }),
      'node_modules/left-pad/package.json': JSON.stringify({ name: 'left-pad', main: 'lib/index.js' }),
      'node_modules/left-pad/lib/index.js': 'module.exports = 1;',
      'node_modules/chai/package.json': JSON.stringify({ name: 'chai', exports: { '.': { import: './esm/chai.js' } } }),
      'node_modules/chai/esm/chai.js': 'export default 1;',
      'node_modules/stray/index.js': 'module.exports = 1;',
      'node_modules/@types/editor-api/index.d.ts': 'export declare const version: string;',
      'src/main.js': "const pad = require('left-pad');\nimport chai from 'chai';\nimport stray from 'stray';\nimport { version } from 'editor-api';",
    });
    const r = createJsResolver(root);
    assert.deepEqual(targets(r, 'src/main.js'), {
      'left-pad': 'package left-pad at node_modules/left-pad/lib/index.js',
      chai: 'package chai at node_modules/chai/esm/chai.js',
      stray: 'package stray at node_modules/stray/index.js',
      'editor-api': 'package editor-api at node_modules/@types/editor-api/index.d.ts',
    });
    assert.deepEqual(types(r, 'src/main.js'), { 'left-pad': 'npm require', chai: 'npm-dev npm-peer import', stray: 'npm-no-pkg import', 'editor-api': 'npm-no-pkg import' });
  });

  it('sees a file created after a failed lookup once told, and a changed tsconfig after invalidate()', () => {
    const root = folder('invalidate', {
      'tsconfig.json': JSON.stringify({ compilerOptions: { paths: { '@/*': ['./src/*'] } } }),
      'src/main.ts': "import { later } from './later';\nimport { moved } from '@/moved';\nexport const all = [later, moved];",
      'src/moved.ts': 'export const moved = 1;',
      'lib/moved.ts': 'export const moved = 2;',
    });
    const r = createJsResolver(root, { cacheDurationMs: 60_000 });
    assert.deepEqual(targets(r, 'src/main.ts'), { './later': 'unresolved', '@/moved': 'file src/moved.ts' });
    write(root, { 'src/later.ts': 'export const later = 1;' });
    r.invalidate(['src/later.ts']);
    assert.equal(targets(r, 'src/main.ts')['./later'], 'file src/later.ts');
    write(root, { 'tsconfig.json': JSON.stringify({ compilerOptions: { paths: { '@/*': ['./lib/*'] } } }) });
    r.invalidate();
    assert.equal(targets(r, 'src/main.ts')['@/moved'], 'file lib/moved.ts');
  });

  it('webpack-style aliases given by the caller resolve, typed aliased-webpack', () => {
    const root = folder('webpack', {
      'src/components/Button.js': 'export default 1;',
      'src/main.js': "import Button from 'Components/Button';",
    });
    const r = createJsResolver(root, { alias: { Components: 'src/components' } });
    assert.deepEqual(targets(r, 'src/main.js'), { 'Components/Button': 'file src/components/Button.js' });
    assert.equal(types(r, 'src/main.js')['Components/Button'], 'aliased aliased-webpack local import');
  });
});
