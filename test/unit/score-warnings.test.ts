/**
 * The one warnings model: every reason to look twice at a hunk is a warning in the score, raised and
 * cleared by events and read through the same selectors by the host, the editor and the webview.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  fold,
  Folding,
  hunkWarnings,
  isBulkSafe,
  reconcileWarnings,
  reduceAll,
  ruleReason,
  SCHEMA_VERSION,
  taskWarnings,
  visibleWarnings,
  warningCounts,
  type EventBody,
  type Hunk,
  type PodiumEvent,
  type ScoreState,
  type WarningRecord,
} from '../../src/score';

function stamp(id: string, bodies: EventBody[], t0 = 1_700_000_000_000, seq0 = 0): PodiumEvent[] {
  return bodies.map((body, i) => ({ ...body, v: SCHEMA_VERSION, session: id, seq: seq0 + i + 1, ts: t0 + (seq0 + i) * 1000 }) as PodiumEvent);
}

const line = (id: string, path: string, at: number): Hunk => ({
  id, path, status: 'modified', kind: 'lines', oldStart: at, oldCount: 1, newStart: at, newCount: 1,
  oldLines: ['a\n'], newLines: ['b\n'], contextBefore: [], contextAfter: [],
});

const layer: WarningRecord = {
  id: 'layer:h1:core-ui', kind: 'layer', severity: 'error', task: 't1', hunk: 'h1', path: 'src/core/tally.js', rule: 'layers',
  text: 'src/core/tally.js (core) imports ../ui/render.js (ui); core may not import ui.',
  prose: 'src/core is pure logic: it never imports from src/ui.', source: { file: 'ARCHITECTURE.md', line: 12 }, line: 1,
};

const base: EventBody[] = [
  { type: 'task.created', task: { id: 't1', title: 'Show the summary', prompt: 'p', agent: 'rehearsal' } },
  { type: 'hunk.staged', task: 't1', hunk: line('h1', 'src/core/tally.js', 1) },
  { type: 'hunk.staged', task: 't1', hunk: line('h2', 'src/core/tally.js', 9) },
  { type: 'hunk.staged', task: 't1', hunk: line('h3', 'src/ui/render.js', 2) },
];

describe('warnings in the score', () => {
  it('puts a raised warning on its hunk with its rule, prose and place, and an entry on the task\'s row', () => {
    const s = fold(stamp('s1', [...base, { type: 'warning.raised', warning: layer }]));
    const h1 = s.hunks.h1!;
    assert.deepEqual(hunkWarnings(s, h1).map((w) => [w.kind, w.rule, w.source?.line, w.prose]), [['layer', 'layers', 12, layer.prose]]);
    assert.equal(isBulkSafe(s, h1), false);
    assert.equal(isBulkSafe(s, s.hunks.h2!), true, 'another hunk of the same file is not touched by a hunk warning');
    const entry = s.sessions.s1!.entries.at(-1)!;
    assert.equal(entry.kind, 'warning');
    assert.equal(entry.level, 'error');
    assert.deepEqual(entry.locations, [{ path: 'src/core/tally.js', line: 1 }]);
    assert.match(entry.text, /never imports from src\/ui/);
  });

  it('raises a warning once however often it is raised, and clears it by its id', () => {
    const s = fold(stamp('s1', [...base, { type: 'warning.raised', warning: layer }, { type: 'warning.raised', warning: layer }, { type: 'warning.raised', warning: { ...layer, text: 'Reworded.' } }]));
    assert.equal(s.warningOrder.length, 1);
    assert.equal(s.warnings[layer.id]!.text, 'Reworded.', 'a second raise replaces what the warning says');
    assert.equal(s.sessions.s1!.entries.filter((e) => e.kind === 'warning').length, 1, 'one entry, not three');
    const cleared = reduceAll(s, stamp('s1', [{ type: 'warning.cleared', id: layer.id, task: 't1' }], 1_700_000_100_000, 100));
    assert.deepEqual(cleared.warningOrder, []);
    assert.deepEqual(cleared.hunks.h1!.warnings, []);
    assert.equal(isBulkSafe(cleared, cleared.hunks.h1!), true);
  });

  it('shows a file warning on every waiting hunk of that file, and a task warning on the task only', () => {
    const s = fold(stamp('s1', [
      ...base,
      { type: 'warning.raised', warning: { id: 'unparsable:t1:src/core/tally.js', kind: 'unparsable', severity: 'warning', task: 't1', path: 'src/core/tally.js', text: 'src/core/tally.js does not parse.' } },
      { type: 'warning.raised', warning: { id: 'balance:t1:lines', kind: 'balance', severity: 'warning', task: 't1', rule: 'balance', text: 'The task changes 900 lines; the notes allow 400.' } },
    ]));
    assert.deepEqual(hunkWarnings(s, s.hunks.h1!).map((w) => w.kind), ['unparsable']);
    assert.deepEqual(hunkWarnings(s, s.hunks.h2!).map((w) => w.kind), ['unparsable']);
    assert.deepEqual(hunkWarnings(s, s.hunks.h3!).map((w) => w.kind), []);
    assert.deepEqual(taskWarnings(s, 't1').map((w) => w.kind), ['balance']);
    assert.equal(isBulkSafe(s, s.hunks.h3!), true);
    assert.deepEqual(warningCounts(s), { error: 0, warning: 2, info: 0 });
  });

  it('orders a hunk\'s warnings by severity, then kind', () => {
    const s = fold(stamp('s1', [
      ...base,
      { type: 'warning.raised', warning: { id: 'stale:h1', kind: 'stale', severity: 'info', task: 't1', hunk: 'h1', text: 'edited' } },
      { type: 'warning.raised', warning: { id: 'overlap:h1:x', kind: 'overlap', severity: 'warning', task: 't1', hunk: 'h1', text: 'overlaps', other: { task: 't2', hunk: 'x', title: 'Other' } } },
      { type: 'warning.raised', warning: layer },
    ]));
    assert.deepEqual(hunkWarnings(s, s.hunks.h1!).map((w) => w.kind), ['layer', 'overlap', 'stale']);
  });

  it('hides the warnings of a decided hunk, and a conflict is a warning cleared by the next decision', () => {
    const s = fold(stamp('s1', [...base, { type: 'warning.raised', warning: layer }, { type: 'hunk.decided', task: 't1', hunk: 'h1', decision: 'approved' }]));
    assert.deepEqual(hunkWarnings(s, s.hunks.h1!), []);
    assert.deepEqual(visibleWarnings(s), []);
    const c = reduceAll(s, stamp('s1', [{ type: 'hunk.conflict', task: 't1', hunk: 'h1', message: 'you changed the same lines' }], 1_700_000_100_000, 100));
    assert.deepEqual(hunkWarnings(c, c.hunks.h1!).map((w) => [w.kind, w.severity]), [['conflict', 'error'], ['layer', 'error']]);
    const r = reduceAll(c, stamp('s1', [{ type: 'hunk.decided', task: 't1', hunk: 'h1', decision: 'rejected' }], 1_700_000_200_000, 200));
    assert.equal(r.warnings['conflict:h1'], undefined);
  });

  it('reads the overlaps and staleness of older journals as warnings', () => {
    const s = fold(stamp('s1', [
      ...base,
      { type: 'overlap.raised', task: 't1', hunk: 'h1', path: 'src/core/tally.js', other: { task: 't2', hunk: 'x9', title: 'Regex words' } },
      { type: 'hunk.stale', task: 't1', hunk: 'h2', stale: true },
    ]));
    assert.deepEqual(hunkWarnings(s, s.hunks.h1!).map((w) => [w.kind, w.other?.title]), [['overlap', 'Regex words']]);
    assert.deepEqual(hunkWarnings(s, s.hunks.h2!).map((w) => w.kind), ['stale']);
    const later = reduceAll(s, stamp('s1', [
      { type: 'overlap.cleared', task: 't1', hunk: 'h1', other: { task: 't2', hunk: 'x9' } },
      { type: 'hunk.stale', task: 't1', hunk: 'h2', stale: false },
    ], 1_700_000_100_000, 100));
    assert.deepEqual(visibleWarnings(later), []);
  });

  it('reconciles what a producer finds now with the score, raising nothing already raised', () => {
    let s: ScoreState = fold(stamp('s1', base));
    const inScope = (w: WarningRecord) => w.kind === 'layer' && w.task === 't1';
    const first = reconcileWarnings(s, inScope, [layer]);
    assert.deepEqual(first.map((e) => e.type), ['warning.raised']);
    s = reduceAll(s, stamp('s1', first, 1_700_000_100_000, 100));
    assert.deepEqual(reconcileWarnings(s, inScope, [layer]), [], 'the same finding again is nothing new');
    assert.deepEqual(reconcileWarnings(s, (w) => w.kind === 'overlap', []), [], 'warnings outside the scope are left alone');
    const gone = reconcileWarnings(s, inScope, []);
    assert.deepEqual(gone, [{ type: 'warning.cleared', id: layer.id, task: 't1' }]);
  });

  it('words a rejection for a rule with the rule, where it is written and the notes\' words', () => {
    assert.equal(
      ruleReason(layer),
      'It breaks the rule “layers” (ARCHITECTURE.md:12): src/core/tally.js (core) imports ../ui/render.js (ui); core may not import ui.\nThe architecture notes say:\nsrc/core is pure logic: it never imports from src/ui.',
    );
  });

  it('gives the same warnings for any chunking of the events', () => {
    const events = stamp('s1', [
      ...base,
      { type: 'warning.raised', warning: layer },
      { type: 'warning.raised', warning: { id: 'stale:h2', kind: 'stale', severity: 'info', task: 't1', hunk: 'h2', text: 'edited' } },
      { type: 'hunk.decided', task: 't1', hunk: 'h2', decision: 'approved' },
      { type: 'warning.cleared', id: 'stale:h2', task: 't1' },
      { type: 'warning.raised', warning: { ...layer, id: 'layer:h3', hunk: 'h3', path: 'src/ui/render.js' } },
      { type: 'warning.cleared', id: layer.id, task: 't1' },
    ]);
    const whole = fold(events);
    fc.assert(fc.property(fc.array(fc.integer({ min: 1, max: events.length }), { maxLength: 8 }), (cuts) => {
      const folding = new Folding();
      let at = 0;
      for (const cut of [...cuts.sort((a, b) => a - b), events.length]) {
        folding.add(events.slice(at, Math.max(at, cut)));
        at = Math.max(at, cut);
      }
      assert.deepEqual(folding.state.warnings, whole.warnings);
      assert.deepEqual(folding.state.warningOrder, whole.warningOrder);
      assert.deepEqual(Object.fromEntries(Object.entries(folding.state.hunks).map(([k, h]) => [k, h.warnings])), Object.fromEntries(Object.entries(whole.hunks).map(([k, h]) => [k, h.warnings])));
    }));
  });
});
