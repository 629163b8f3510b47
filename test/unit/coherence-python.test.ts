/**
 * Python imports, read by tree-sitter's Python grammar and resolved the way Python finds modules:
 * every import form counts wherever it runs, nothing in a string or comment does, a file that does not
 * parse says where, and each import lands on the project's file, the standard library or an external
 * package, checked against Python's own import machinery on the same folders.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import type { Dependency, ImportSite } from '../../src/coherence/model';
import { extractPythonImports } from '../../src/coherence/python/extract';
import { createPythonResolver, pyprojectFolders, setupCfgFolders } from '../../src/coherence/python/resolve';
import { treeSandbox } from '../fixtures/coherence/writeTree';

const fixture = (name: string) => readFileSync(path.join(__dirname, '../fixtures/coherence/python', name), 'utf8');
const brief = (s: ImportSite) => [s.line, s.column, s.form, s.specifier, s.names?.join(',') ?? '', s.alias ?? ''].join(' ');
const sandbox = treeSandbox('podium-py-');

describe('Python imports (tree-sitter)', () => {
  it('reads every import form, with the names a from-import brings in and the alias an import binds', async () => {
    const result = await extractPythonImports('pkg/every_form.py', fixture('every_form.py'));
    assert.equal(result.error, undefined);
    assert.equal(result.language, 'python');
    assert.deepEqual(result.imports.map(brief), [
      '6 6 python-from __future__ annotations ',
      '8 8 python-import os  ',
      '9 8 python-import os.path  osp',
      '9 24 python-import json  ',
      '10 6 python-from collections OrderedDict,defaultdict ',
      '11 6 python-from . sibling ',
      '12 6 python-from ..pkg.mod first,second ',
      '16 6 python-from .... far ',
      '17 6 python-from typing * ',
      '25 12 python-import sqlite3  ',
      '27 16 python-import ujson  fast_json',
      '35 14 python-from urllib parse ',
    ]);
    assert.ok(result.imports.every((i) => i.typeOnly === false));
  });

  it('never counts an import written in a docstring, string, f-string, bytes or comment', async () => {
    const result = await extractPythonImports('every_form.py', fixture('every_form.py'));
    const specifiers = result.imports.map((i) => i.specifier).join(' ');
    assert.ok(!specifiers.includes('not_an_import'), specifiers);
    const only = await extractPythonImports('s.py', '"""\nimport a\n"""\nx = "from b import c"  # import d\n');
    assert.deepEqual(only, { language: 'python', imports: [] });
  });

  it('counts imports inside functions, try blocks, conditionals and class bodies: they run', async () => {
    const result = await extractPythonImports('lazy.py', [
      'from typing import TYPE_CHECKING',
      'if TYPE_CHECKING:',
      '    from app.ui import Widget',
      'class A:',
      '    import json',
      '    def f(self):',
      '        try:',
      '            from . import fast',
      '        finally:',
      '            pass',
      '',
    ].join('\n'));
    assert.deepEqual(result.imports.map((i) => i.specifier), ['typing', 'app.ui', 'json', '.']);
  });

  it('marks imports under `if TYPE_CHECKING:` as type-only, and only those', async () => {
    const result = await extractPythonImports('t.py', [
      'import typing',
      'from typing import TYPE_CHECKING',
      'if TYPE_CHECKING:',
      '    from app.ui import Widget',
      '    if True:',
      '        import app.deep',
      'else:',
      '    Widget = None',
      'if typing.TYPE_CHECKING:',
      '    import app.models',
      'if not TYPE_CHECKING:',
      '    import app.runtime',
      '',
    ].join('\n'));
    assert.deepEqual(result.imports.map((i) => `${i.specifier} ${i.typeOnly}`), [
      'typing false', 'typing false', 'app.ui true', 'app.deep true', 'app.models true', 'app.runtime false',
    ]);
  });

  it('reads spaced-out dotted names and relative dots as Python does, and counts columns as an editor does', async () => {
    const result = await extractPythonImports('x.py', 'é = "😀"; import a . b\r\nfrom . . pkg import x\r\n');
    assert.equal(result.error, undefined);
    assert.deepEqual(result.imports.map(brief), ['1 18 python-import a.b  ', '2 6 python-from ..pkg x ']);
    const bom = await extractPythonImports('bom.py', '\uFEFFimport os\n');
    assert.deepEqual(bom.imports.map(brief), ['1 8 python-import os  '], 'a byte-order mark is not a column');
  });

  it('gives a file that does not parse an error at its first unreadable place, and no imports', async () => {
    const broken = await extractPythonImports('broken.py', fixture('broken.py'));
    assert.deepEqual(broken.imports, []);
    assert.equal(broken.error?.line, 8);
    assert.match(broken.error!.message, /syntax error/);
    const unclosed = await extractPythonImports('u.py', 'import os\nfrom . import (a,\n');
    assert.deepEqual(unclosed.imports, []);
    assert.equal(unclosed.error?.line, 2);
    const stray = await extractPythonImports('s.py', 'import os\nx = 1 +* 2\nimport json\n');
    assert.equal(stray.error?.line, 2);
    assert.deepEqual(await extractPythonImports('empty.py', ''), { language: 'python', imports: [] });
  });
});

describe('Python import resolution', () => {
  after(() => sandbox.tearDown());

  const shown = (d: Dependency) => {
    const t = d.target;
    const to = t.kind === 'file' ? `${t.path}${t.directory ? '/' : ''}` : t.kind === 'unresolved' ? '?' : t.name;
    return `${d.names ? `[${d.names.join(',')}] ` : ''}${t.kind}:${to} ${d.dependencyTypes.join(',')}`;
  };

  async function resolveFile(root: string, file: string): Promise<string[]> {
    const resolver = createPythonResolver(root);
    const { imports, error } = await extractPythonImports(file, readFileSync(path.join(root, file), 'utf8'));
    assert.equal(error, undefined);
    const out: string[] = [];
    for (const site of imports) {
      for (const d of await resolver.resolveAll(file, site)) out.push(`${site.specifier} → ${shown(d)}`);
    }
    return out;
  }

  const PACKAGE_TREE = {
    'pyproject.toml': '[project]\nname = "app"\n',
    'app/__init__.py': '',
    'app/core/__init__.py': '',
    'app/core/helpers.py': 'CONSTANT = 1\n',
    'app/core/tally.py': [
      'import os.path',
      'import requests.adapters',
      'import app.ui.render',
      'import app.ui.gone',
      'from . import helpers, CONSTANT',
      'from .helpers import CONSTANT',
      'from .. import ui',
      'from ..ui import render, View',
      'from ..ui.render import draw',
      'from .missing import x',
      'from ...... import too_far',
      'from ns.tools import cut',
      'import logging',
      'import json',
      '',
    ].join('\n'),
    'app/ui/__init__.py': 'View = object\n',
    'app/ui/render.py': 'def draw(): pass\n',
    'ns/tools.py': 'def cut(): pass\n',
    'logging/README.txt': 'a folder named like the standard library, with no Python in it\n',
    'json.py': 'a module of the project shadows the standard library, as in Python\n',
  };

  it('resolves relative imports against the package folder, absolute ones in the project, then stdlib, then packages', async () => {
    const root = sandbox.tree(PACKAGE_TREE);
    assert.deepEqual(await resolveFile(root, 'app/core/tally.py'), [
      'os.path → core:os core',
      'requests.adapters → package:requests external',
      'app.ui.render → file:app/ui/render.py local',
      'app.ui.gone → unresolved:? unknown',
      '. → [helpers] file:app/core/helpers.py local',
      '. → [CONSTANT] file:app/core/__init__.py local',
      '.helpers → [CONSTANT] file:app/core/helpers.py local',
      '.. → [ui] file:app/ui/__init__.py local',
      '..ui → [render] file:app/ui/render.py local',
      '..ui → [View] file:app/ui/__init__.py local',
      '..ui.render → [draw] file:app/ui/render.py local',
      '.missing → [x] unresolved:? unknown',
      '...... → [too_far] unresolved:? unknown',
      'ns.tools → [cut] file:ns/tools.py local',
      'logging → core:logging core',
      'json → file:json.py local',
    ]);
  });

  it('marks a dependency under `if TYPE_CHECKING:` type-only, as dependency-cruiser marks `import type`', async () => {
    const root = sandbox.tree({ 'app/__init__.py': '', 'app/ui.py': '', 'app/core.py': 'from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from . import ui\n' });
    assert.deepEqual(await resolveFile(root, 'app/core.py'), [
      'typing → [TYPE_CHECKING] core:typing core',
      '. → [ui] file:app/ui.py local,type-only',
    ]);
  });

  it('gives `from . import x` the submodule file through resolve() too', async () => {
    const root = sandbox.tree(PACKAGE_TREE);
    const resolver = createPythonResolver(root);
    const site: ImportSite = { specifier: '.', form: 'python-from', typeOnly: false, names: ['helpers'], line: 1, column: 6 };
    const dep = await resolver.resolve('app/core/tally.py', site);
    assert.deepEqual(dep.target, { kind: 'file', path: 'app/core/helpers.py' });
    assert.deepEqual(dep.names, ['helpers']);
  });

  it('finds a src/ layout, setuptools package-dir, setup.cfg package_dir and a nested project, nearest project first', async () => {
    const root = sandbox.tree({
      'pyproject.toml': '[tool.setuptools]\npackage-dir = { "" = "lib" }\n',
      'lib/legacy/__init__.py': '',
      'src/mylib/__init__.py': '',
      'src/mylib/a.py': '',
      'tests/test_a.py': 'import mylib.a\nimport legacy\nfrom mylib import a\nimport api.routes\n',
      'services/api/setup.cfg': '[metadata]\nname = api\n\n[options]\npackage_dir =\n    =source\n',
      'services/api/source/api/__init__.py': '',
      'services/api/source/api/routes.py': 'import mylib.a\nfrom api import routes\n',
    });
    assert.deepEqual(await resolveFile(root, 'tests/test_a.py'), [
      'mylib.a → file:src/mylib/a.py local',
      'legacy → file:lib/legacy/__init__.py local',
      'mylib → [a] file:src/mylib/a.py local',
      'api.routes → package:api external',
    ]);
    assert.deepEqual(await resolveFile(root, 'services/api/source/api/routes.py'), [
      'mylib.a → file:src/mylib/a.py local',
      'api → [routes] file:services/api/source/api/routes.py local',
    ]);
  });

  it('reads the folders pyproject.toml and setup.cfg name, and ignores what it cannot read', async () => {
    assert.deepEqual(await pyprojectFolders([
      '[tool.setuptools.packages.find]', 'where = ["lib", "."]',
      '[tool.poetry]', 'packages = [{ include = "x", from = "pysrc" }]',
      '[tool.hatch.build.targets.wheel]', 'packages = ["code/pkg"]', '',
    ].join('\n')), ['lib', 'pysrc', 'code']);
    assert.deepEqual(await pyprojectFolders('this is [not toml'), []);
    assert.deepEqual(setupCfgFolders('[options]\npackage_dir = =src2\n[options.packages.find]\nwhere =\n    lib2\n'), ['src2', 'lib2']);
  });

  it('finds what Python itself finds on the same folders (importlib, no site-packages)', async () => {
    const root = sandbox.tree(PACKAGE_TREE);
    const resolver = createPythonResolver(root);
    const file = 'app/core/tally.py';
    const { imports } = await extractPythonImports(file, readFileSync(path.join(root, file), 'utf8'));
    // Each name a from-import brings in is, for Python, the submodule `base.name` when there is one,
    // else an attribute of `base`; a plain import is the module itself.
    const asked: { modules: string[]; dep: Dependency }[] = [];
    for (const site of imports) {
      if (site.specifier.startsWith('......')) continue; // Python refuses to even look; we say unresolved
      const base = site.specifier.startsWith('.') ? resolveName(site.specifier, 'app.core') : site.specifier;
      for (const dep of await resolver.resolveAll(file, site)) {
        for (const name of site.form === 'python-from' ? dep.names ?? [] : ['']) {
          asked.push({ modules: name ? [`${base}.${name}`, base] : [base], dep });
        }
      }
    }
    // No `import json` here: a module the script itself imported would be answered from sys.modules.
    const script = [
      'import importlib.util, sys',
      'sys.path[:0] = [sys.argv[1]]',
      'for names in sys.argv[2:]:',
      '    spec = None',
      '    for name in names.split(" "):',
      '        try: spec = importlib.util.find_spec(name)',
      '        except ModuleNotFoundError: spec = None',
      '        if spec is not None: break',
      '    if spec is None: print("null")',
      '    elif spec.origin in ("built-in", "frozen") or (spec.origin and spec.origin.startswith(sys.base_prefix)): print("core")',
      '    elif spec.origin: print(spec.origin)',
      '    else: print(list(spec.submodule_search_locations)[0] + "/")',
    ].join('\n');
    const python = execFileSync('python3', ['-I', '-S', '-c', script, root, ...asked.map((a) => a.modules.join(' '))], { encoding: 'utf8' })
      .trim().split('\n').map((line) => (line === 'null' ? null : line));
    const ours = asked.map(({ dep }) => {
      const t = dep.target;
      if (t.kind === 'file') return path.join(root, t.path) + (t.directory ? '/' : '');
      return t.kind === 'core' ? 'core' : null;
    });
    assert.equal(asked.length, 15, "every dependency but the one that climbs out of the root is asked");
    assert.deepEqual(ours.map((o, i) => `${asked[i].modules[0]}: ${o}`), python.map((p, i) => `${asked[i].modules[0]}: ${p}`));
  });
});

describe('the parsers, shipped beside a bundle', () => {
  let dir: string | undefined;
  after(() => dir && rmSync(dir, { recursive: true, force: true }));

  it('load from the bundle\'s grammars/ folder, with no node_modules in reach, as an installed extension runs', async () => {
    const repo = path.join(__dirname, '../..');
    dir = mkdtempSync(path.join(tmpdir(), 'podium-bundle-'));
    const dist = path.join(dir, 'dist');
    // The same copy esbuild.mjs makes, and a bundle built as the extension's is.
    execFileSync(process.execPath, [path.join(repo, 'scripts/grammars.mjs'), dist]);
    await esbuild.build({
      stdin: {
        contents: "export { extractPythonImports } from './src/coherence/python/extract'; export { extractGoImports } from './src/coherence/go/extract';",
        resolveDir: repo,
        loader: 'ts',
      },
      bundle: true, minify: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'silent',
      outfile: path.join(dist, 'probe.js'),
    });
    const program = [
      "const m = require('./dist/probe.js');",
      "Promise.all([m.extractPythonImports('a.py', 'from .x import y\\n'), m.extractGoImports('a.go', 'package a\\nimport \"fmt\"\\n')])",
      '  .then((r) => console.log(JSON.stringify(r)), (e) => { console.error(e.message); process.exit(1); });',
    ].join('\n');
    const out = execFileSync(process.execPath, ['-e', program], { cwd: dir, encoding: 'utf8' });
    const [py, go] = JSON.parse(out) as [{ imports: ImportSite[] }, { imports: ImportSite[] }];
    assert.deepEqual(py.imports.map((i) => i.specifier), ['.x']);
    assert.deepEqual(go.imports.map((i) => i.specifier), ['fmt']);
  });
});

/** importlib.util.resolve_name, for the test's comparison. */
function resolveName(relative: string, pkg: string): string {
  let level = 0;
  while (relative[level] === '.') level++;
  const base = pkg.split('.').slice(0, pkg.split('.').length - (level - 1)).join('.');
  const rest = relative.slice(level);
  return rest ? `${base}.${rest}` : base;
}
