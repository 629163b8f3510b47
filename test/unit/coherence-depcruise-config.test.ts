import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { depcruiseViolations, loadDepcruiseConfig } from '../../src/coherence/depcruise';
import type { Dependency } from '../../src/coherence/model';
import { write } from '../fixtures/gitRepo';

let tmp = '';
let n = 0;
function workspace(files: Record<string, string>): string {
  const dir = path.join(tmp, `ws-${++n}`);
  write(dir, files);
  return dir;
}

const LAYERS = {
  forbidden: [
    {
      name: 'core-not-ui',
      severity: 'error',
      comment: 'core is the domain: it never reaches into the UI',
      from: { path: '^src/core' },
      to: { path: '^src/ui' },
    },
  ],
};

function dep(to: string): Dependency {
  return { specifier: to, form: 'import', typeOnly: false, line: 3, column: 20, target: { kind: 'file', path: to }, dependencyTypes: ['local', 'import'] };
}

describe('coherence: a dependency-cruiser configuration is read, or the engineer is told why not', () => {
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'podium-depcruise-config-'));
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('a workspace without one has no rules and no problems', async () => {
    assert.deepEqual(await loadDepcruiseConfig(workspace({ 'src/a.ts': '' }), { trusted: true }), { problems: [] });
  });

  it('a JSON configuration gives each finding its rule, severity, prose and the line the rule is written on', async () => {
    const root = workspace({ '.dependency-cruiser.json': JSON.stringify(LAYERS, null, 2) });
    const { config, problems } = await loadDepcruiseConfig(root, { trusted: false });
    assert.deepEqual(problems, []);
    assert.ok(config);
    assert.deepEqual(depcruiseViolations(config, 'src/core/tally.ts', dep('src/ui/render.ts')), [
      {
        rule: 'core-not-ui',
        severity: 'error',
        comment: 'core is the domain: it never reaches into the UI',
        file: '.dependency-cruiser.json',
        line: 4,
        to: 'src/ui/render.ts',
      },
    ]);
    assert.deepEqual(depcruiseViolations(config, 'src/ui/render.ts', dep('src/core/tally.ts')), []);
  });

  it('JSON with comments and trailing commas is read, as depcruise reads it (JSON5)', async () => {
    const root = workspace({
      '.dependency-cruiser.json': '{\n  // layers\n  "forbidden": [{ "name": "x", "from": { "path": "^a" }, "to": { "path": "^b" }, },],\n}\n',
    });
    const { config, problems } = await loadDepcruiseConfig(root, { trusted: false });
    assert.deepEqual(problems, []);
    assert.equal(config?.forbidden[0].severity, 'warn', 'a rule without a severity warns, as in depcruise');
  });

  it('broken JSON is a problem at its line, and no rules', async () => {
    const root = workspace({ '.dependency-cruiser.json': '{\n  "forbidden": [\n    { "name": "x" \n    "from": {} }\n  ]\n}\n' });
    const { config, problems } = await loadDepcruiseConfig(root, { trusted: true });
    assert.equal(config, undefined);
    assert.equal(problems.length, 1);
    assert.equal(problems[0].file, '.dependency-cruiser.json');
    assert.equal(problems[0].line, 4);
    assert.match(problems[0].message, /not valid JSON/);
  });

  it('a JavaScript configuration is never run in an untrusted workspace, and the engineer is told why', async () => {
    const marker = path.join(tmp, 'ran-untrusted');
    const root = workspace({
      '.dependency-cruiser.js': `require('node:fs').writeFileSync(${JSON.stringify(marker)}, 'ran');\nmodule.exports = ${JSON.stringify(LAYERS)};\n`,
    });
    const { config, problems } = await loadDepcruiseConfig(root, { trusted: false });
    assert.equal(config, undefined);
    assert.equal(fs.existsSync(marker), false, 'the configuration code did not run');
    assert.equal(problems.length, 1);
    assert.match(problems[0].message, /\.dependency-cruiser\.js is JavaScript.*trusted/);

    const trusted = await loadDepcruiseConfig(root, { trusted: true });
    assert.deepEqual(trusted.problems, []);
    assert.equal(trusted.config?.forbidden[0].name, 'core-not-ui');
    assert.equal(trusted.config?.forbidden[0].line, 2, 'found on the line that names it');
  });

  it('JSON that extends a JavaScript file needs trust too; a missing base is a problem where it is named', async () => {
    const root = workspace({
      '.dependency-cruiser.json': '{\n  "extends": "./base.cjs"\n}\n',
      'base.cjs': `module.exports = ${JSON.stringify(LAYERS)};`,
    });
    const untrusted = await loadDepcruiseConfig(root, { trusted: false });
    assert.equal(untrusted.config, undefined);
    assert.match(untrusted.problems[0].message, /base\.cjs is JavaScript/);

    const missing = workspace({ '.dependency-cruiser.json': '{\n  "extends": "./nowhere.json"\n}\n' });
    const result = await loadDepcruiseConfig(missing, { trusted: true });
    assert.deepEqual(result.problems, [{ file: '.dependency-cruiser.json', line: 2, message: '"extends": "./nowhere.json" was not found from .dependency-cruiser.json.' }]);
  });

  it('a rule Podium cannot evaluate, or whose pattern is not a regular expression, is skipped with a problem; the rest apply', async () => {
    const root = workspace({
      '.dependency-cruiser.json': JSON.stringify(
        {
          forbidden: [
            ...LAYERS.forbidden,
            { name: 'no-unreachable', from: { path: '^src/main' }, to: { path: '^src', reachable: false } },
            { name: 'bad-pattern', from: { path: '^src/(' }, to: {} },
            { name: 'switched-off', severity: 'ignore', from: {}, to: {} },
          ],
        },
        null,
        2,
      ),
    });
    const { config, problems } = await loadDepcruiseConfig(root, { trusted: false });
    assert.deepEqual(
      config?.forbidden.map((r) => r.name),
      ['core-not-ui'],
    );
    assert.equal(problems.length, 2);
    assert.match(problems[0].message, /rule "no-unreachable" uses to\.reachable, which Podium does not evaluate; Podium skips it/);
    assert.match(problems[1].message, /rule "bad-pattern" from\.path "\^src\/\(" is not a regular expression/);
    assert.ok(problems.every((p) => typeof p.line === 'number'));
  });

  it('a webpack configuration is code: its aliases reach the resolver only when trusted', async () => {
    const root = workspace({
      '.dependency-cruiser.json': JSON.stringify({ options: { webpackConfig: { fileName: 'webpack.config.cjs' }, tsConfig: { fileName: 'tsconfig.json' } } }),
      'webpack.config.cjs': "module.exports = () => ({ resolve: { alias: { Components: require('node:path').join(__dirname, 'src/components') } } });",
      'tsconfig.json': JSON.stringify({ compilerOptions: { module: 'commonjs' } }),
    });
    const untrusted = await loadDepcruiseConfig(root, { trusted: false });
    assert.deepEqual(untrusted.config?.resolverOptions, { tsconfig: 'tsconfig.json', exportsFields: [], conditionNames: [] });
    assert.match(untrusted.problems[0].message, /webpack\.config\.cjs, which is code; its aliases are read only in a trusted workspace/);
    const trusted = await loadDepcruiseConfig(root, { trusted: true });
    assert.deepEqual(trusted.config?.resolverOptions, { tsconfig: 'tsconfig.json', exportsFields: [], conditionNames: [], alias: { Components: path.join(root, 'src/components') } });
    assert.equal(trusted.config?.options.tsModuleKind, 'commonjs');
  });
});
