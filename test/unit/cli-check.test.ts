/**
 * `podium check` as a pull request or a pre-commit hook runs it: a real child process on real git
 * repositories, its findings and its exit status; and Podium's own source held against the rules
 * Podium's ARCHITECTURE.md states.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

const ROOT = path.resolve(__dirname, '..', '..');
const DEMO = path.join(ROOT, 'demo', 'template');
const LAYER_BREAK = "import { renderSummary } from '../ui/render.js';\n";

/** `podium check …` in `cwd`, from source (the bundle runs the same code). */
function podium(cwd: string, args: string[], input?: string) {
  // tsx by its own path: `--import tsx` would look for it in the test repository.
  const tsx = pathToFileURL(path.join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
  const r = spawnSync(process.execPath, ['--import', tsx, path.join(ROOT, 'src', 'cli', 'main.ts'), 'check', ...args], { cwd, input, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function demoRepo(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'podium-cli-'));
  cpSync(DEMO, dir, { recursive: true });
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=T', '-c', 'user.email=t@podium.invalid', ...args], { cwd: dir, stdio: 'ignore' });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-q', '-m', 'demo');
  return dir;
}

function breakLayer(dir: string): void {
  const file = path.join(dir, 'src', 'core', 'tally.js');
  writeFileSync(file, readFileSync(file, 'utf8').replace('// Counts words in notes. Pure: no I/O.\n', `// Counts words in notes. Pure: no I/O.\n${LAYER_BREAK}`));
}

describe('podium check', function () {
  this.timeout(60_000);
  const made: string[] = [];
  afterEach(() => {
    for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  const repo = () => {
    const d = demoRepo();
    made.push(d);
    return d;
  };

  it('passes a repository that keeps its rules, and says how many notes it read', () => {
    const r = podium(repo(), []);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /No rule broken \(1 notes file read\)\./);
  });

  it('fails the staged changes that break a layer, naming the rule, the line and the notes\' words', () => {
    const dir = repo();
    breakLayer(dir);
    execFileSync('git', ['add', '-A'], { cwd: dir });
    const r = podium(dir, ['--staged']);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /^src\/core\/tally\.js:2 {2}error {2}layer:core {2}src\/core\/tally\.js \(core\) imports \.\.\/ui\/render\.js \(ui\): core may not import ui\.$/m);
    assert.match(r.stdout, /rule at ARCHITECTURE\.md:\d+ — `src\/core` is pure logic: it never imports from `src\/ui`/);
    // ui already imports core, so the same import also closes a cycle between the layers.
    assert.match(r.stdout, /^src\/core\/tally\.js:2 {2}error {2}cycles {2}src\/core\/tally\.js imports \.\.\/ui\/render\.js, closing a dependency cycle between layers: core → ui → core\.$/m);
    assert.match(r.stdout, /2 errors, 0 warnings/);
  });

  it('checks only what is staged: the same change left unstaged passes', () => {
    const dir = repo();
    breakLayer(dir);
    const r = podium(dir, ['--staged']);
    assert.equal(r.code, 0, r.stderr);
  });

  it('reads a unified diff on standard input over the checkout of its new side, and prints JSON', () => {
    const dir = repo();
    breakLayer(dir);
    const diff = execFileSync('git', ['diff'], { cwd: dir, encoding: 'utf8' });
    const r = podium(dir, ['--diff', '-', '--json'], diff);
    assert.equal(r.code, 1, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), [
      { rule: 'cycles', severity: 'error', kind: 'cycle', path: 'src/core/tally.js', from: 'src/core/tally.js', to: 'src/ui/render.js', line: 2, text: 'src/core/tally.js imports ../ui/render.js, closing a dependency cycle between layers: core → ui → core.' },
      { rule: 'layer:core', severity: 'error', kind: 'layer', path: 'src/core/tally.js', from: 'src/core/tally.js', to: 'src/ui/render.js', line: 2, text: 'src/core/tally.js (core) imports ../ui/render.js (ui): core may not import ui.' },
    ]);
  });

  it('says a diff whose new side is not on disk cannot be checked there, rather than check the wrong lines', () => {
    const dir = repo();
    breakLayer(dir);
    const diff = execFileSync('git', ['diff'], { cwd: dir, encoding: 'utf8' });
    execFileSync('git', ['checkout', '--', '.'], { cwd: dir });
    const r = podium(dir, ['--diff', '-'], diff);
    assert.equal(r.code, 0);
    assert.match(r.stderr, /src\/core\/tally\.js: the file on disk is not the diff's new side/);
  });

  it('warns (without failing) about sensitive files and a change outside the scope', () => {
    const dir = repo();
    const manifest = path.join(dir, 'package.json');
    const hooked = readFileSync(manifest, 'utf8').replace('"scripts": {', '"scripts": {\n    "postinstall": "node evil.js",');
    assert.notEqual(hooked, readFileSync(manifest, 'utf8'), 'the demo manifest has scripts to add a hook to');
    writeFileSync(manifest, hooked);
    mkdirSync(path.join(dir, 'src', 'ui'), { recursive: true });
    writeFileSync(path.join(dir, 'src', 'ui', 'extra.js'), "export const extra = 1;\n");
    execFileSync('git', ['add', '-A'], { cwd: dir });
    const r = podium(dir, ['--staged', '--scope', 'src/core/**', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const found = (JSON.parse(r.stdout) as { rule: string; path: string }[]).map((f) => [f.rule, f.path]);
    assert.deepEqual(found.sort(), [['scope', 'package.json'], ['scope', 'src/ui/extra.js'], ['sensitive/manifest-scripts', 'package.json']].sort());
  });

  it('refuses to pass when the notes themselves cannot be read, saying where', () => {
    const dir = repo();
    writeFileSync(path.join(dir, 'ARCHITECTURE.md'), '# x\n\n```podium-rules\nlayers:\n  - name: core\n    pathz: [src/core/**]\n```\n');
    const r = podium(dir, []);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /ARCHITECTURE\.md:6: The podium-rules block at layers\.0 is not what Podium reads: unknown key "pathz" \(did you mean "paths"\?\)/);
  });

  it('says what it takes when it is called wrongly', () => {
    const r = podium(repo(), ['--bogus']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /Unknown option "--bogus"[\s\S]*Usage: podium check/);
  });

  it('finds nothing in Podium\'s own source against the rules its ARCHITECTURE.md states', () => {
    const r = podium(ROOT, ['src', 'webview-ui', '--json']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), []);
  });

  it('would catch Podium\'s own source breaking them: the score importing the editor or a Node built-in', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'podium-self-'));
    made.push(dir);
    cpSync(path.join(ROOT, 'ARCHITECTURE.md'), path.join(dir, 'ARCHITECTURE.md'));
    cpSync(path.join(ROOT, 'src'), path.join(dir, 'src'), { recursive: true });
    cpSync(path.join(ROOT, 'tsconfig.json'), path.join(dir, 'tsconfig.json'));
    const selectors = path.join(dir, 'src', 'score', 'selectors.ts');
    writeFileSync(selectors, `import { readFileSync } from 'node:fs';\nimport type { ScorePanel } from '../vscode/scorePanel';\n${readFileSync(selectors, 'utf8')}\nexport type Leak = [typeof readFileSync, ScorePanel];\n`);
    const r = podium(dir, ['src', '--json']);
    assert.equal(r.code, 1);
    const found = (JSON.parse(r.stdout) as { rule: string; path: string; line: number; to: string }[]).filter((f) => f.path === 'src/score/selectors.ts').map((f) => [f.rule, f.line, f.to]);
    assert.deepEqual(found, [['layer:score', 1, 'fs'], ['layer:score', 2, 'src/vscode/scorePanel.ts']]);
  });
});
