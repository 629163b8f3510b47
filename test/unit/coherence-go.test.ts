/**
 * Go imports, read by tree-sitter's Go grammar and resolved as the go command finds packages: every
 * import form, nothing in strings or comments, a file that does not parse says where; an import lands
 * on a package folder of the module (go.mod, nearest first), of a local `replace` or of the go.work
 * workspace, on the standard library, or on an external module named by its module path.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { extractGoImports } from '../../src/coherence/go/extract';
import { parseModFile } from '../../src/coherence/go/modfile';
import { createGoResolver } from '../../src/coherence/go/resolve';
import type { Dependency } from '../../src/coherence/model';
import { treeSandbox } from '../fixtures/coherence/writeTree';

const fixture = (name: string) => readFileSync(path.join(__dirname, '../fixtures/coherence/go', name), 'utf8');
const sandbox = treeSandbox('podium-go-');

describe('Go imports (tree-sitter)', () => {
  it('reads single imports and import blocks, named, dot and blank imports, raw and escaped strings', async () => {
    const result = await extractGoImports('sample/every_form.go', fixture('every_form.go'));
    assert.equal(result.error, undefined);
    assert.equal(result.language, 'go');
    assert.deepEqual(result.imports.map((i) => [i.line, i.column, i.form, i.specifier, i.alias ?? ''].join(' ')), [
      '5 8 go-import fmt ',
      '8 4 go-import fmt f',
      '9 4 go-import strings .',
      '10 4 go-import embed _',
      '11 2 go-import example.com/app/internal/core ',
      '13 2 go-import example.com/escaped ',
    ]);
  });

  it('never counts an import written in a comment or a string', async () => {
    const result = await extractGoImports('every_form.go', fixture('every_form.go'));
    assert.ok(result.imports.every((i) => !i.specifier.includes('not/an/import')), JSON.stringify(result.imports));
    assert.deepEqual(await extractGoImports('x.go', 'package x\n\n// import "a"\nvar s = "import \\"b\\""\n'), { language: 'go', imports: [] });
  });

  it('gives a file that does not parse an error at its first unreadable place, and no imports', async () => {
    const broken = await extractGoImports('broken.go', fixture('broken.go'));
    assert.deepEqual(broken.imports, []);
    assert.equal(broken.error?.line, 3);
    assert.match(broken.error!.message, /syntax error/);
    const missing = await extractGoImports('m.go', 'package m\n\nimport (\n\t"fmt"\n');
    assert.deepEqual(missing.imports, []);
    assert.match(missing.error!.message, /missing "\)"/);
  });
});

describe('go.mod and go.work', () => {
  it('reads the module path, requires, local and remote replacements and workspace folders, comments and all', () => {
    const mod = parseModFile([
      '// a comment',
      'module "example.com/app" // quoted, as go mod edit may write it',
      'go 1.22',
      'require github.com/pkg/errors v0.9.1',
      'require (',
      '\tgolang.org/x/mod v0.17.0 // indirect',
      '\t`example.com/raw` v1.0.0',
      ')',
      'replace example.com/shared => ./shared',
      'replace (',
      '\texample.com/old v1.0.0 => example.com/new v1.2.0',
      '\texample.com/up => ../up',
      ')',
      'use ./a',
      'replace broken',
      '',
    ].join('\n'));
    assert.equal(mod.module, 'example.com/app');
    assert.deepEqual(mod.requires, ['github.com/pkg/errors', 'golang.org/x/mod', 'example.com/raw']);
    assert.deepEqual(mod.replaces, [
      { from: 'example.com/shared', to: './shared', local: true },
      { from: 'example.com/old', to: 'example.com/new', local: false },
      { from: 'example.com/up', to: '../up', local: true },
    ]);
    assert.deepEqual(mod.uses, ['./a']);
    assert.deepEqual(mod.problems.map((p) => p.line), [15]);
  });
});

describe('Go import resolution', () => {
  after(() => sandbox.tearDown());

  const shown = (d: Dependency) => {
    const t = d.target;
    const to = t.kind === 'file' ? `${t.path}${t.directory ? '/' : ''}` : t.kind === 'unresolved' ? '?' : `${t.name}${t.kind === 'package' && t.path ? ` @${t.path}` : ''}`;
    return `${d.specifier} → ${t.kind}:${to} ${d.dependencyTypes.join(',')}`;
  };

  async function resolveFile(root: string, file: string): Promise<string[]> {
    const resolver = createGoResolver(root);
    const { imports, error } = await extractGoImports(file, readFileSync(path.join(root, file), 'utf8'));
    assert.equal(error, undefined);
    return Promise.all(imports.map(async (site) => shown(await resolver.resolve(file, site))));
  }

  const goFile = (pkg: string, ...imports: string[]) => `package ${pkg}\n\nimport (\n${imports.map((i) => `\t"${i}"\n`).join('')})\n`;

  it('resolves the module\'s own packages to their folders, the standard library to core, the rest to modules', async () => {
    const root = sandbox.tree({
      'go.mod': 'module example.com/app\n\ngo 1.22\n\nrequire (\n\tgithub.com/pkg/errors v0.9.1\n\tgolang.org/x/mod v0.17.0\n)\n\nreplace example.com/shared => ./shared\nreplace example.com/far => ../far\n',
      'main.go': 'package app\n',
      'internal/core/core.go': 'package core\n',
      'shared/go.mod': 'module example.com/shared\n',
      'shared/util/util.go': 'package util\n',
      'vendor/github.com/pkg/errors/errors.go': 'package errors\n',
      'cmd/app/main.go': goFile('main',
        'fmt', 'net/http', 'C',
        'example.com/app', 'example.com/app/internal/core', 'example.com/app/internal/gone',
        'example.com/shared/util', 'example.com/far/x',
        'github.com/pkg/errors', 'golang.org/x/mod/semver', 'github.com/other/thing/sub/pkg', 'gopkg.in/yaml.v3', 'example.org/deep/pkg'),
    });
    assert.deepEqual(await resolveFile(root, 'cmd/app/main.go'), [
      'fmt → core:fmt core',
      'net/http → core:net/http core',
      'C → core:C core',
      'example.com/app → file:./ local',
      'example.com/app/internal/core → file:internal/core/ local',
      'example.com/app/internal/gone → unresolved:? unknown',
      'example.com/shared/util → file:shared/util/ local',
      'example.com/far/x → package:example.com/far external',
      'github.com/pkg/errors → package:github.com/pkg/errors @vendor/github.com/pkg/errors external',
      'golang.org/x/mod/semver → package:golang.org/x/mod external',
      'github.com/other/thing/sub/pkg → package:github.com/other/thing external',
      'gopkg.in/yaml.v3 → package:gopkg.in/yaml.v3 external',
      'example.org/deep/pkg → package:example.org/deep/pkg external',
    ]);
  });

  it('reads each file against its nearest go.mod, so a second module in the repository has its own path', async () => {
    const root = sandbox.tree({
      'go.mod': 'module example.com/app\n',
      'internal/core/core.go': 'package core\n',
      'tools/go.mod': 'module example.com/tools\n',
      'tools/internal/gen/gen.go': 'package gen\n',
      'tools/cmd/gen/main.go': goFile('main', 'example.com/tools/internal/gen', 'example.com/app/internal/core'),
    });
    assert.deepEqual(await resolveFile(root, 'tools/cmd/gen/main.go'), [
      'example.com/tools/internal/gen → file:tools/internal/gen/ local',
      // Without a replace or a go.work, go fetches the other module: it is not this one's code.
      'example.com/app/internal/core → package:example.com/app/internal/core external',
    ]);
  });

  it('follows a go.work workspace to the modules it uses, and a module path without a dot is still the module\'s', async () => {
    const root = sandbox.tree({
      'go.work': 'go 1.22\n\nuse (\n\t./a\n\t./b\n)\n',
      'a/go.mod': 'module example.com/a\n',
      'a/cmd/main.go': goFile('main', 'example.com/b/lib', 'example.com/a/cmd'),
      'b/go.mod': 'module example.com/b\n',
      'b/lib/lib.go': 'package lib\n',
      'plain/go.mod': 'module myapp\n',
      'plain/internal/x/x.go': 'package x\n',
      'plain/main.go': goFile('main', 'myapp/internal/x', 'os'),
    });
    assert.deepEqual(await resolveFile(root, 'a/cmd/main.go'), [
      'example.com/b/lib → file:b/lib/ local',
      'example.com/a/cmd → file:a/cmd/ local',
    ]);
    assert.deepEqual(await resolveFile(root, 'plain/main.go'), [
      'myapp/internal/x → file:plain/internal/x/ local',
      'os → core:os core',
    ]);
  });

  it('sees a go.mod changed on disk only after invalidate()', async () => {
    const root = sandbox.tree({ 'go.mod': 'module example.com/one\n', 'pkg/p.go': 'package pkg\n', 'main.go': goFile('main', 'example.com/two/pkg') });
    const resolver = createGoResolver(root);
    const site = (await extractGoImports('main.go', readFileSync(path.join(root, 'main.go'), 'utf8'))).imports[0];
    assert.equal((await resolver.resolve('main.go', site)).target.kind, 'package');
    writeFileSync(path.join(root, 'go.mod'), 'module example.com/two\n');
    assert.equal((await resolver.resolve('main.go', site)).target.kind, 'package', 'cached until told');
    resolver.invalidate();
    assert.deepEqual((await resolver.resolve('main.go', site)).target, { kind: 'file', path: 'pkg', directory: true });
  });
});
