/**
 * The checker on real files read by the real parsers: only the imports a change adds are its fault,
 * each finding lands on the hunk holding the offending line, and layers, platform modules, import
 * rules and unparsable files are told apart.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { checkChange, type ChangedFile } from '../../src/coherence/check';
import { createImportReader } from '../../src/coherence/imports';
import { readNotesText } from '../../src/coherence/notes';
import { emptyRuleSet, type RuleSet } from '../../src/coherence/rules';
import type { Hunk } from '../../src/score';

function rules(markdown: string): RuleSet {
  const r = emptyRuleSet();
  readNotesText('ARCHITECTURE.md', markdown, r);
  assert.deepEqual(r.problems, []);
  return r;
}

const PY_RULES = rules(`# Layers

Core is pure: no UI, no network.

\`\`\`podium-rules
layers:
  - name: core
    paths: ["app/core/**"]
    may-import: [core]
    may-not-use: [socket, requests]
  - name: ui
    paths: ["app/ui/**"]
imports:
  - id: no-star
    written: "^app\\\\.ui$"
    message: Import the names you use from app.ui.
\`\`\`
`);

/** A line hunk replacing `before` with `after` at `at`, as the stage would stage it. */
function hunk(id: string, file: string, at: number, before: string[], after: string[], status: Hunk['status'] = 'modified'): Hunk {
  return { id, path: file, status, kind: 'lines', oldStart: at, oldCount: before.length, newStart: at, newCount: after.length, oldLines: before, newLines: after, contextBefore: [], contextAfter: [] };
}

describe('the checker on a change', () => {
  let root: string;
  let base: Map<string, string>;
  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), 'podium-check-'));
    base = new Map();
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const write = (file: string, text: string, before?: string) => {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
    if (before !== undefined) base.set(file, before);
  };
  const check = (files: ChangedFile[], r = PY_RULES) =>
    checkChange({
      rules: r,
      files,
      readBase: async (p) => base.get(p) ?? null,
      readNew: async (p) => readFile(path.join(root, p), 'utf8').catch(() => null),
      imports: createImportReader(root),
    });

  it('flags an import a Python change adds across layers, on its hunk, and not the import that was already there', async () => {
    write('app/__init__.py', '');
    write('app/core/__init__.py', '');
    write('app/ui/__init__.py', '');
    write('app/ui/render.py', 'def render(x):\n    return str(x)\n');
    const before = 'from app.ui import render  # old debt\n\ndef tally(xs):\n    return len(xs)\n';
    const after = 'from app.ui import render  # old debt\nfrom app.ui.render import render as r2\nimport socket\n\ndef tally(xs):\n    return len(xs)\n';
    write('app/core/tally.py', after, before);
    const findings = await check([{ path: 'app/core/tally.py', status: 'modified', hunks: [hunk('h-imports', 'app/core/tally.py', 2, [], ['from app.ui.render import render as r2\n', 'import socket\n'])] }]);
    assert.deepEqual(
      findings.map((f) => [f.kind, f.rule, f.hunk, f.line, f.to]),
      [
        ['layer', 'layer:core', 'h-imports', 2, 'app/ui/render.py'],
        ['layer', 'layer:core', 'h-imports', 3, 'socket'],
      ],
    );
    assert.equal(findings[0]!.text, 'app/core/tally.py (core) imports app.ui.render (ui): core may not import ui.');
    assert.match(findings[1]!.text, /platform module socket: core may not use socket/);
    assert.equal(findings[0]!.prose, 'Core is pure: no UI, no network.');
    assert.deepEqual(findings[0]!.source, { file: 'ARCHITECTURE.md', line: 7 });
  });

  it('holds every import of a new file, and of a file moved into another layer, against the rules', async () => {
    write('app/ui/render.py', 'X = 1\n');
    write('app/core/new.py', 'import app.ui\n');
    write('app/core/moved.py', 'from app.ui.render import X\n');
    base.set('app/ui/moved.py', 'from app.ui.render import X\n');
    const findings = await check([
      { path: 'app/core/new.py', status: 'added', hunks: [hunk('h-new', 'app/core/new.py', 1, [], ['import app.ui\n'], 'added')] },
      { path: 'app/core/moved.py', oldPath: 'app/ui/moved.py', status: 'renamed', hunks: [{ id: 'h-mv', kind: 'rename', path: 'app/core/moved.py', oldPath: 'app/ui/moved.py', status: 'renamed', similarity: 100 }] },
    ]);
    assert.deepEqual(findings.map((f) => [f.rule, f.hunk, f.path]).sort(), [
      ['layer:core', 'h-new', 'app/core/new.py'],
      ['layer:core', undefined, 'app/core/moved.py'],
      ['no-star', 'h-new', 'app/core/new.py'],
    ].sort());
  });

  it('says a changed file does not parse, once, and not when it did not parse before either', async () => {
    write('app/core/broken.py', 'def f(:\n    pass\n', 'def f():\n    pass\n');
    write('app/core/old.py', 'def g(:\n  x\n', 'def g(:\n');
    const findings = await check([
      { path: 'app/core/broken.py', status: 'modified', hunks: [hunk('hb', 'app/core/broken.py', 1, ['def f():\n'], ['def f(:\n'])] },
      { path: 'app/core/old.py', status: 'modified', hunks: [hunk('ho', 'app/core/old.py', 2, [], ['  x\n'])] },
    ]);
    assert.deepEqual(findings.map((f) => [f.kind, f.path, f.line]), [['unparsable', 'app/core/broken.py', 1]]);
    assert.match(findings[0]!.text, /does not parse/);
  });

  it('reads Go packages as folders: a core package importing the ui package breaks the layer', async () => {
    write('go.mod', 'module example.com/tally\n\ngo 1.22\n');
    write('internal/ui/render.go', 'package ui\n');
    write('internal/core/tally.go', 'package core\n\nimport (\n\t"fmt"\n\t"example.com/tally/internal/ui"\n)\n', 'package core\n\nimport (\n\t"fmt"\n)\n');
    const goRules = rules('```podium-rules\nlayers:\n  - name: core\n    paths: ["internal/core/**"]\n    may-not-import: [ui]\n    may-not-use: ["go:net/*"]\n  - name: ui\n    paths: ["internal/ui/**"]\n```\n');
    const findings = await check([{ path: 'internal/core/tally.go', status: 'modified', hunks: [hunk('hg', 'internal/core/tally.go', 5, [], ['\t"example.com/tally/internal/ui"\n'])] }], goRules);
    assert.deepEqual(findings.map((f) => [f.kind, f.hunk, f.to]), [['layer', 'hg', 'internal/ui']]);
  });
});
