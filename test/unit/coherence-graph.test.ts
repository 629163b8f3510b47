import assert from 'node:assert/strict';
import { ImportGraph, listRootFiles } from '../../src/coherence/js/graph';
import { createJsResolver, jsAnalyser, isJsPath } from '../../src/coherence/js';
import type { Dependency } from '../../src/coherence/model';
import { gitSandbox, write } from '../fixtures/gitRepo';

const git = gitSandbox('podium-graph-');

/** A dependency on a file of the root, as the resolver would record it. */
function fileDep(path: string, typeOnly = false): Dependency {
  return { specifier: `./${path}`, form: 'import', typeOnly, line: 1, column: 1, target: { kind: 'file', path }, dependencyTypes: ['local', 'import'] };
}

describe('coherence: the import graph is built once and kept up to date file by file', () => {
  before(() => git.setUp());
  after(() => git.tearDown());

  it("reads the files git knows or would add, leaving out what .gitignore leaves out", async () => {
    const root = git.repoWith({
      '.gitignore': 'dist/\nnode_modules/\n',
      'src/a.ts': "import { b } from './b';\nexport const a = b;",
      'src/b.ts': "export const b = 1;",
      'dist/a.js': "require('../src/a');",
      'node_modules/x/index.js': 'module.exports = 1;',
    });
    write(root, { 'src/new.ts': "import { a } from './a';\nexport const n = a;" });
    assert.deepEqual(await listRootFiles(root), ['.gitignore', 'src/a.ts', 'src/b.ts', 'src/new.ts']);
    const graph = await ImportGraph.build(root, jsAnalyser(createJsResolver(root)), { accept: isJsPath });
    assert.deepEqual([...graph.files()].sort(), ['src/a.ts', 'src/b.ts', 'src/new.ts']);
    assert.deepEqual(graph.edges('src/new.ts').map((d) => d.target), [{ kind: 'file', path: 'src/a.ts' }]);
    assert.deepEqual(graph.dependents('src/a.ts'), ['src/new.ts']);
  });

  it('outside a git repository it walks the folder, skipping node_modules', async () => {
    const dir = git.folder('plain');
    write(dir, { 'a.js': "require('./b');", 'b.js': '', 'node_modules/x/index.js': '', '.cache/c.js': '' });
    assert.deepEqual(await listRootFiles(dir), ['a.js', 'b.js']);
  });

  it('names the files from the new import back to its file when the import closes a cycle, shortest first', () => {
    const graph = new ImportGraph();
    graph.update('a', [fileDep('b')]);
    graph.update('b', [fileDep('c'), fileDep('d')]);
    graph.update('c', [fileDep('e')]);
    graph.update('e', [fileDep('x')]);
    graph.update('d', [fileDep('x')]);
    // x → a would close a → b → d → x (shorter than a → b → c → e → x).
    assert.deepEqual(graph.pathBack('x', 'a'), ['a', 'b', 'd', 'x']);
    assert.equal(graph.pathBack('a', 'x'), undefined, 'x imports nothing: no way back to a');
    assert.deepEqual(graph.pathBack('a', 'a'), ['a'], 'a file importing itself');
  });

  it('a filter leaves out imports that do not count (type-only ones, say)', () => {
    const graph = new ImportGraph();
    graph.update('a', [fileDep('b', true)]);
    graph.update('b', [fileDep('c')]);
    assert.deepEqual(graph.pathBack('c', 'a'), ['a', 'b', 'c']);
    assert.equal(graph.pathBack('c', 'a', (_from, d) => !d.typeOnly), undefined);
  });

  it('an update replaces a file’s imports and who imports what follows; a removed file imports nothing', () => {
    const graph = new ImportGraph();
    graph.update('a', [fileDep('b'), fileDep('b')]);
    graph.update('b', [fileDep('c')]);
    assert.deepEqual(graph.pathBack('c', 'a'), ['a', 'b', 'c']);
    graph.update('a', [fileDep('c')]);
    assert.deepEqual(graph.dependents('b'), []);
    assert.deepEqual(graph.dependents('c').sort(), ['a', 'b']);
    assert.deepEqual(graph.pathBack('c', 'a'), ['a', 'c']);
    graph.remove('a');
    assert.deepEqual(graph.dependents('c'), ['b']);
    assert.equal(graph.pathBack('c', 'a'), undefined);
    assert.equal(graph.has('a'), false);
  });
});
