import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  emptyScore,
  fold,
  Folding,
  MAX_ENTRY_TEXT,
  reduce,
  reduceAll,
  SCHEMA_VERSION,
  type EventBody,
  type PodiumEvent,
} from '../../src/score';

/** Builds a session's events the way the journal would stamp them. */
function session(id: string, bodies: EventBody[], t0 = 1_700_000_000_000): PodiumEvent[] {
  return bodies.map((body, i) => ({ ...body, v: SCHEMA_VERSION, session: id, seq: i + 1, ts: t0 + i * 1000 }) as PodiumEvent);
}

const featureTask: EventBody[] = [
  { type: 'task.created', task: { id: 't1', title: 'Add a greeting', prompt: 'Add greet() to src/hello.ts', agent: 'rehearsal' } },
  { type: 'task.started', task: 't1' },
  { type: 'session.spawned', task: 't1', agent: { kind: 'rehearsal', label: 'Rehearsal' }, command: ['node', 'rehearsal.js'], cwd: '/tmp/wt', pid: 42 },
  { type: 'session.ready', agentName: 'rehearsal', agentVersion: '1.0.0' },
  { type: 'prompt.sent', text: 'Add greet() to src/hello.ts', purpose: 'task' },
  { type: 'agent.thought', entry: 'th1', text: 'The file exists; ' },
  { type: 'agent.thought', entry: 'th1', text: 'I will add a function.' },
  { type: 'agent.plan', entry: 'plan', items: [{ content: 'Read hello.ts', status: 'in_progress' }, { content: 'Write greet()', status: 'pending' }] },
  { type: 'agent.toolCall', entry: 'tc1', title: 'Read src/hello.ts', toolKind: 'read', status: 'in_progress', locations: [{ path: 'src/hello.ts' }] },
  { type: 'agent.toolCallUpdate', entry: 'tc1', status: 'completed', output: 'export const x = 1;' },
  { type: 'agent.plan', entry: 'plan', items: [{ content: 'Read hello.ts', status: 'completed' }, { content: 'Write greet()', status: 'in_progress' }] },
  { type: 'permission.requested', request: 'p1', title: 'Write src/hello.ts?', options: [{ id: 'allow', name: 'Allow once', kind: 'allow_once' }, { id: 'reject', name: 'Reject', kind: 'reject_once' }] },
  { type: 'permission.resolved', request: 'p1', optionId: 'allow', by: 'engineer' },
  { type: 'agent.fileEdited', path: 'src/hello.ts', via: 'acp fs' },
  { type: 'agent.message', entry: 'm1', text: 'I added ' },
  { type: 'agent.message', entry: 'm1', text: 'greet().' },
  { type: 'agent.usage', inputTokens: 1200, outputTokens: 300, costUsd: 0.0123 },
  { type: 'session.waiting' },
  { type: 'agent.message', entry: 'm1', text: 'A new turn reuses the id.' },
  { type: 'session.exited', code: 0, signal: null },
  { type: 'task.finished', task: 't1', outcome: 'done' },
];

describe('the score reducer', () => {
  it('shows a session as one row of entries in journal order, with streamed chunks merged', () => {
    const score = fold(session('s1', featureTask));
    assert.deepEqual(score.sessionOrder, ['s1']);
    const s = score.sessions.s1!;
    const kinds = s.entries.map((e) => e.kind);
    assert.deepEqual(kinds, [
      'lifecycle', 'lifecycle', 'lifecycle', 'lifecycle', 'prompt', 'thought', 'plan', 'tool', 'permission',
      'file', 'message', 'usage', 'lifecycle', 'message', 'lifecycle', 'lifecycle',
    ]);
    const thought = s.entries.find((e) => e.kind === 'thought')!;
    assert.equal(thought.text, 'The file exists; I will add a function.');
    const messages = s.entries.filter((e) => e.kind === 'message');
    assert.equal(messages[0]!.text, 'I added greet().');
    assert.equal(messages[1]!.text, 'A new turn reuses the id.', 'a message after the turn ended is a new entry');
    const plan = s.entries.find((e) => e.kind === 'plan')!;
    assert.equal(plan.title, 'Plan: 1/2 done', 'a later plan replaces the earlier one in place');
    const tool = s.entries.find((e) => e.kind === 'tool')!;
    assert.equal(tool.status, 'completed');
    assert.equal(tool.text, 'export const x = 1;');
    const permission = s.entries.find((e) => e.kind === 'permission')!;
    assert.equal(permission.status, 'allow_once');
    assert.deepEqual(s.pendingPermissions, {});
    assert.equal(s.status, 'exited');
    assert.deepEqual(s.usage, { inputTokens: 1200, outputTokens: 300, costUsd: 0.0123 });
    assert.equal(score.tasks.t1!.status, 'finished');
    assert.equal(score.tasks.t1!.outcome, 'done');
    assert.deepEqual(score.tasks.t1!.sessions, ['s1']);
    assert.equal(new Set(s.entries.map((e) => e.id)).size, s.entries.length, 'entry ids are unique');
  });

  it('gives the same score for any chunking of the journal, including interleaved sessions', () => {
    const a = session('a', featureTask);
    const b = session('b', featureTask.map((e) => (e.type === 'task.created' ? { ...e, task: { ...e.task, id: 't2' } } : 'task' in e && e.task === 't1' ? { ...e, task: 't2' } : e)) as EventBody[], 1_700_000_000_500);
    const all = [...a, ...b].sort((x, y) => x.ts - y.ts);
    const whole = fold(all);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: all.length }), { maxLength: 20 }), (cuts) => {
        const points = [...new Set(cuts)].sort((x, y) => x - y);
        let state = emptyScore();
        const folding = new Folding(fold(all.slice(0, 3)));
        let from = 0;
        for (const p of [...points, all.length]) {
          state = reduceAll(state, all.slice(from, p));
          folding.add(all.slice(Math.max(from, 3), Math.max(p, 3)));
          from = p;
        }
        assert.deepEqual(state, whole);
        assert.deepEqual(folding.state, whole, 'a Folding fed the same pieces (after a start state) agrees');
      }),
      { numRuns: 200 },
    );
  });

  it('leaves the state a Folding starts from as it was', () => {
    const events = session('s1', featureTask);
    const half = fold(events.slice(0, 10));
    const snapshot = structuredClone(half);
    const folding = new Folding(half);
    folding.add(events.slice(10));
    assert.deepEqual(half, snapshot);
    assert.deepEqual(folding.state, fold(events));
  });

  it('never mutates the state it is given', () => {
    const events = session('s1', featureTask);
    const half = fold(events.slice(0, 10));
    const snapshot = structuredClone(half);
    reduceAll(half, events.slice(10));
    reduce(half, events[10]);
    assert.deepEqual(half, snapshot);
  });

  it('ignores a batch delivered twice', () => {
    const events = session('s1', featureTask);
    const once = fold(events);
    assert.deepEqual(reduceAll(once, events), once);
    assert.equal(reduceAll(once, events), once, 'duplicates leave the very same object');
  });

  it('shows an event of an unknown type or a newer schema as an unreadable entry, never a crash', () => {
    const events: unknown[] = [
      ...session('s1', featureTask.slice(0, 2)),
      { v: SCHEMA_VERSION, session: 's1', seq: 3, ts: 1_700_000_003_000, type: 'hunk.teleported', path: 'a.ts' },
      { v: SCHEMA_VERSION + 1, session: 's1', seq: 4, ts: 1_700_000_004_000, type: 'agent.message', entry: 'x', text: 'from the future' },
      { nonsense: true },
      null,
    ];
    const score = fold(events);
    const unreadable = score.sessions.s1!.entries.filter((e) => e.kind === 'unreadable');
    assert.equal(unreadable.length, 2);
    assert.match(unreadable[0]!.text, /unknown event type "hunk.teleported"/);
    assert.match(unreadable[1]!.text, /schema version 2/);
    assert.equal(score.problems.length, 2, 'values without an envelope are reported as problems');
  });

  it('counts a gap in sequence numbers, so lost records are visible', () => {
    const events = session('s1', featureTask);
    const score = fold([...events.slice(0, 3), ...events.slice(6)]);
    assert.equal(score.sessions.s1!.gaps, 3);
  });

  it('bounds an entry that floods, with a marker, while the session goes on', () => {
    const chunk = 'x'.repeat(10_000);
    const bodies: EventBody[] = Array.from({ length: 20 }, () => ({ type: 'agent.message', entry: 'flood', text: chunk }) as EventBody);
    bodies.push({ type: 'session.waiting' });
    const s = fold(session('s1', bodies)).sessions.s1!;
    assert.equal(s.entries.length, 2);
    assert.ok(s.entries[0]!.truncated);
    assert.ok(s.entries[0]!.text.length <= MAX_ENTRY_TEXT + 100);
    assert.match(s.entries[0]!.text, /truncated/);
    assert.equal(s.status, 'waiting');
  });

  it('shows a cancelled permission request as cancelled and no longer pending', () => {
    const s = fold(session('s1', [
      { type: 'permission.requested', request: 'p9', title: 'Run rm -rf build?', options: [{ id: 'ok', name: 'Allow', kind: 'allow_once' }] },
      { type: 'permission.resolved', request: 'p9', optionId: null, by: 'cancelled' },
    ])).sessions.s1!;
    assert.equal(s.entries[0]!.status, 'cancelled');
    assert.deepEqual(s.pendingPermissions, {});
  });
});
