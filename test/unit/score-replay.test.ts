/**
 * Replay is the reducer run up to a moment: any count of events gives exactly the state folding that
 * many from the start gives, from any checkpoint and in any order of seeking; events merge by time the
 * way the live score saw them; the scrubber's steps land on the events they name.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fold, mergeByTime, playForward, Replay, timeOrder, type PodiumEvent } from '../../src/score';

const FIXTURES = path.join(__dirname, '..', 'fixtures');
const recorded = (name: string) => (JSON.parse(readFileSync(path.join(FIXTURES, name), 'utf8')) as { events: PodiumEvent[] }).events;

describe('replay', () => {
  const events = timeOrder([...recorded('recorded-session.json'), ...recorded('recorded-signoff.json'), ...recorded('recorded-coherence.json')]);

  it('gives, for any count of events and any order of seeking, the state folding that many from the start gives', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.array(fc.integer({ min: 0, max: events.length }), { minLength: 1, maxLength: 12 }), (every, seeks) => {
        const replay = new Replay(events, { every });
        for (const n of seeks) assert.deepEqual(replay.stateAt(n), fold(events.slice(0, n)));
      }),
      { numRuns: 60 },
    );
  });

  it('takes checkpoints as it goes, and between about 100 and 200 of them by default, however the score grew', () => {
    const many = Array.from({ length: 20_000 }, (_, i) => ({ v: 1, session: `s${i % 7}`, seq: Math.floor(i / 7) + 1, ts: 1_000 + i, type: 'agent.output', stream: 'stdout', text: `line ${i}` }));
    const replay = new Replay(many);
    assert.equal(replay.every, 2_000);
    replay.stateAt(many.length);
    assert.equal(replay.checkpointCount, 11);
    const big = new Replay(new Array(1_000_000).fill(many[0]));
    assert.equal(big.every, 10_000, 'a million events: a checkpoint every 10,000, a hundred in all');
    // A live score grows a batch at a time: the interval doubles as it must, and seeks stay exact.
    const live = new Replay();
    const small = many.map((e) => ({ ...e, text: '' }));
    for (let round = 0; round < 30; round++) live.append(small.slice(0, 20_000));
    assert.equal(live.length, 600_000);
    assert.ok(live.checkpointCount >= 100 && live.checkpointCount <= 200, `${live.checkpointCount} checkpoints`);
    assert.ok(live.every >= 3_000 && live.every <= 6_000, `every ${live.every}`);
  });

  it('folds live events as they arrive into the same state a replay of all of them gives, and seeks among them', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 25 }), { minLength: 1, maxLength: 20 }), fc.integer({ min: 1, max: 30 }), fc.array(fc.integer({ min: 0, max: events.length }), { maxLength: 6 }), (batches, every, seeks) => {
        const live = new Replay([], { every });
        let at = 0;
        let i = 0;
        while (at < events.length) {
          const take = batches[i++ % batches.length]!;
          const state = live.append(events.slice(at, at + take));
          at = Math.min(events.length, at + take);
          assert.deepEqual(state, fold(events.slice(0, at)));
          // Seeking while live events arrive: the seek is exact and the next append still is.
          const n = seeks[i % Math.max(1, seeks.length)];
          if (n !== undefined) assert.deepEqual(live.stateAt(Math.min(n, at)), fold(events.slice(0, Math.min(n, at))));
        }
      }),
      { numRuns: 40 },
    );
  });

  it('keeps times in order, so an event from another window that arrives late plays where it arrived', () => {
    const replay = new Replay([{ ts: 10, type: 'x' }, { ts: 30, type: 'x' }, { ts: 20, type: 'x' }, { type: 'x' }]);
    assert.deepEqual([...replay.times], [10, 30, 30, 30]);
    assert.equal(replay.countAt(25), 1);
    assert.equal(replay.countAt(30), 4);
  });

  it('finds the playhead\'s count at a time, and steps to the next and previous decision, warning and staging', () => {
    const replay = new Replay(events);
    const at = replay.countAt(replay.firstTs);
    assert.ok(at >= 1 && replay.times[at - 1] === replay.firstTs && (at === replay.length || replay.times[at]! > replay.firstTs));
    assert.equal(replay.countAt(replay.lastTs), replay.length);
    assert.equal(replay.countAt(replay.firstTs - 1), 0);
    for (const [kind, types] of [['decision', ['hunk.decided', 'hunk.applied', 'hunk.undone', 'hunk.conflict', 'permission.resolved']], ['warning', ['warning.raised', 'overlap.raised']], ['staging', ['task.snapshot']]] as const) {
      const expected = events.map((e, i) => ((types as readonly string[]).includes((e as PodiumEvent).type) ? i + 1 : 0)).filter(Boolean);
      const forward: number[] = [];
      for (let n = 0; ; ) {
        const next = replay.step(n, kind, 1);
        if (next === n) break;
        forward.push(next);
        n = next;
      }
      assert.deepEqual(forward, expected, kind);
      if (expected.length > 1) assert.equal(replay.step(expected.at(-1)!, kind, -1), expected.at(-2), `${kind} back`);
    }
  });

  it('lands a step to a staging after the hunks and warnings it journaled with its files', () => {
    const e = (type: string, task = 'a', ts = 1) => ({ session: 's', seq: 0, ts, type, task });
    const replay = new Replay([e('task.snapshot'), e('hunk.staged'), e('warning.raised'), e('hunk.staged', 'b'), e('agent.message'), e('task.snapshot', 'a', 2), e('hunk.staged', 'a', 2), e('agent.message', 'a', 3)]);
    assert.equal(replay.step(0, 'staging', 1), 3, 'past its hunk and warning, not into another task\'s');
    assert.equal(replay.step(3, 'staging', 1), 7);
    assert.equal(replay.step(7, 'staging', 1), 7, 'no staging after the last');
    assert.equal(replay.step(7, 'staging', -1), 3);
    assert.equal(replay.step(3, 'staging', -1), 3, 'none before the first');
  });

  it('merges sessions by time without reordering any session, ties to the session listed first', () => {
    const a = [{ session: 'a', seq: 1, ts: 10 }, { session: 'a', seq: 2, ts: 30 }, { session: 'a', seq: 3, ts: 30 }];
    const b = [{ session: 'b', seq: 1, ts: 20 }, { session: 'b', seq: 2, ts: 30 }, { session: 'b', seq: 3, ts: 40 }];
    assert.deepEqual(mergeByTime([a, b]).map((e) => `${(e as { session: string }).session}${(e as { seq: number }).seq}`), ['a1', 'b1', 'a2', 'a3', 'b2', 'b3']);
    assert.deepEqual(timeOrder([b[2], a[0], b[0]]).map((e) => (e as { ts: number }).ts), [10, 20, 40]);
  });

  it('plays forward at its speed and jumps over quiet stretches to just before the next event', () => {
    const replay = new Replay([{ ts: 0, type: 'x' }, { ts: 100, type: 'x' }, { ts: 60_100, type: 'x' }]);
    assert.equal(playForward(replay, 0, 50, 1), 50);
    assert.equal(playForward(replay, 0, 50, 10), 500);
    const jumped = playForward(replay, 200, 16, 1);
    assert.ok(jumped > 59_000 && jumped < 60_100, `jumped to ${jumped}`);
    assert.equal(playForward(replay, 60_000, 1_000, 100), 60_100, 'never past the end');
  });
});
