/**
 * A timeline lane's index follows its session wherever the replay's playhead goes: moved to any
 * moment, forward or back, it holds what an index built afresh for that moment holds, so the lane
 * draws the same marks, bars and staff.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Replay, timeOrder, type PodiumEvent, type SessionState } from '../../../src/score';
import { LaneIndex } from './lane';

const FIXTURES = path.join(__dirname, '..', '..', '..', 'test', 'fixtures');
const recorded = (name: string) => (JSON.parse(readFileSync(path.join(FIXTURES, name), 'utf8')) as { events: PodiumEvent[] }).events;

/** What the plot reads from an index. */
function drawn(idx: LaneIndex) {
  const n = idx.size;
  return {
    size: n,
    ts: [...idx.ts.subarray(0, n)],
    updated: [...idx.updated.subarray(0, n)],
    style: [...idx.style.subarray(0, n)],
    running: [...idx.running.subarray(0, n)],
    lasting: [...idx.lasting],
    phases: idx.phases.map((p) => ({ ts: p.ts, phase: p.phase, outcome: p.outcome })),
  };
}

const index = (session: SessionState | undefined) => {
  const idx = new LaneIndex();
  if (session) idx.update(session.entries, session.open, session.pendingPermissions);
  return idx;
};

describe('a timeline lane’s index', () => {
  const events = timeOrder([...recorded('recorded-session.json'), ...recorded('recorded-signoff.json'), ...recorded('recorded-coherence.json')]);
  const replay = new Replay(events, { every: 16 });
  const sessions = Object.keys(replay.stateAt(events.length).sessions);

  it('moved to any moment, forward or back, holds what one built afresh for that moment holds', () => {
    fc.assert(
      fc.property(fc.constantFrom(...sessions), fc.array(fc.integer({ min: 0, max: events.length }), { minLength: 2, maxLength: 10 }), (id, moments) => {
        const idx = new LaneIndex();
        for (const n of moments) {
          const session = replay.stateAt(n).sessions[id];
          if (!session) continue;
          idx.update(session.entries, session.open, session.pendingPermissions);
          assert.deepEqual(drawn(idx), drawn(index(session)), `session ${id} at ${n} of ${events.length} events, after ${moments.join(', ')}`);
        }
      }),
      // Found by the property: a tool call still running at an earlier moment of the same length.
      { numRuns: 300, examples: [['sess-b91e04', [42, 33]]] },
    );
  });

  it('going back redraws from the first entry it drops, or whole when the staff changed', () => {
    const id = sessions.find((s) => (replay.stateAt(events.length).sessions[s]?.entries.length ?? 0) > 10)!;
    const at = (n: number) => replay.stateAt(n).sessions[id]!;
    const idx = index(at(events.length));
    idx.takeChangedFrom();
    const full = at(events.length).entries.length;
    // The moment the session had half its entries.
    let n = events.length;
    while (at(n).entries.length > full / 2) n--;
    const earlier = at(n);
    idx.update(earlier.entries, earlier.open, earlier.pendingPermissions);
    const from = idx.takeChangedFrom();
    const staffChanged = index(earlier).phases.length !== index(at(events.length)).phases.length;
    assert.equal(from, staffChanged ? 0 : earlier.entries.length);
  });
});
