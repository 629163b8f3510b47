/**
 * Replay's guarantee, as a property over live runs: rehearsal agents play random plans (messages in
 * random chunk sizes, edits, new files, commands) in real worktrees, the engineer makes random
 * decisions, two agents play at once; then the journals are read back, merged by time, and replayed.
 * Up to any event, the replayed score is the score the host had live at that event; and the files a
 * staging recorded are the files the worktree held.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { loadJournalFolder } from '../../src/conductor/journalLibrary';
import { DEFAULT_PROFILES, type AgentProfile } from '../../src/conductor/profiles';
import { readMomentFile } from '../../src/replay/files';
import { Replay, timeOrder, type PodiumEvent, type ScoreState } from '../../src/score';
import { eventually } from '../fixtures/agents/harness';
import { hunksOf, stageFor, taskStatus } from './conductorStage';

const FILES = ['src/core/tally.js', 'src/ui/render.js', 'README.md'];

/** A random turn: words streamed, edits and new files, a command. */
const turnArb = fc.record({
  words: fc.array(fc.constantFrom('tally', 'note', 'words', 'count', 'layer', 'core'), { minLength: 1, maxLength: 12 }),
  edits: fc.array(fc.record({ file: fc.constantFrom(...FILES), line: fc.constantFrom('// a', '// b', '// c') }), { maxLength: 3 }),
  created: fc.array(fc.constantFrom('notes/a.md', 'notes/b.md'), { maxLength: 2 }),
  command: fc.boolean(),
});

const planArb = fc.record({
  chunkSize: fc.integer({ min: 1, max: 40 }),
  turns: fc.array(turnArb, { minLength: 1, maxLength: 2 }),
  decisions: fc.array(fc.constantFrom('approve', 'reject', 'leave'), { minLength: 1, maxLength: 6 }),
});

type Plan = typeof planArb extends fc.Arbitrary<infer T> ? T : never;

function script(plan: Plan, name: string): string {
  const turns = plan.turns.map((t, i) => ({
    steps: [
      { do: 'message', text: `Turn ${i + 1}: ${t.words.join(' ')}.` },
      ...t.edits.map((e, k) => ({ do: 'edit', path: e.file, find: '\n', replace: `\n${e.line} ${name} ${i}.${k}\n` })),
      ...t.created.map((f) => ({ do: 'write', path: f, content: `# ${f} by ${name} in turn ${i + 1}\n` })),
      ...(t.command ? [{ do: 'run', command: 'git', args: ['status', '--short'] }] : []),
      { do: 'message', text: 'Done.' },
    ],
  }));
  return JSON.stringify({ name, chunkSize: plan.chunkSize, turns, afterTurns: 'echo' });
}

describe('replay of live runs', function () {
  this.timeout(240_000);
  const made: string[] = [];
  afterEach(() => {
    for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('gives, up to any event, the score the host had live then, and the files each staging recorded', async () => {
    await fc.assert(
      fc.asyncProperty(planArb, planArb, async (planA, planB) => {
        const dir = mkdtempSync(path.join(tmpdir(), 'podium-replay-plans-'));
        made.push(dir);
        writeFileSync(path.join(dir, 'a.json'), script(planA, 'a'));
        writeFileSync(path.join(dir, 'b.json'), script(planB, 'b'));
        const profiles: AgentProfile[] = [
          ...DEFAULT_PROFILES,
          { id: 'plan-a', label: 'Plan A', kind: 'rehearsal', command: 'node', args: [], env: {}, script: path.join(dir, 'a.json') },
          { id: 'plan-b', label: 'Plan B', kind: 'rehearsal', command: 'node', args: [], env: {}, script: path.join(dir, 'b.json') },
        ];
        const s = await stageFor({ profiles, briefAgents: false });
        // Every state the host had, by the count of events it had reduced.
        const live = new Map<number, ScoreState>();
        s.feed.subscribe((u) => {
          if (u.type === 'events') live.set(s.feed.history().length, s.feed.state);
        });
        const a = await s.conductor.createTask({ title: 'Plan A', prompt: 'a', agent: 'plan-a' });
        const b = await s.conductor.createTask({ title: 'Plan B', prompt: 'b', agent: 'plan-b' });
        for (const id of [a, b]) await eventually(() => taskStatus(s, id) === 'finished:done', 'the turn', 60_000);
        for (const id of [a, b]) await s.conductor.restage(id);
        // The files each task's last staging recorded are the files its worktree holds now.
        for (const id of [a, b]) {
          const snapshot = s.feed.state.tasks[id]!.snapshot;
          if (!snapshot) continue;
          const dirOf = s.feed.state.tasks[id]!.worktree!.dir;
          for (const f of [...FILES, 'notes/a.md', 'notes/b.md']) {
            const disk = (() => {
              try {
                return readFileSync(path.join(dirOf, f), 'utf8');
              } catch {
                return null;
              }
            })();
            assert.equal((await readMomentFile({ repo: s.repo.worktree }, snapshot.tree, f))?.toString('utf8') ?? null, disk, `${id} ${f}`);
          }
        }
        // Random decisions, then a follow-up turn where there is one.
        let k = 0;
        for (const id of [a, b]) {
          for (const h of hunksOf(s, id, 'pending')) {
            const d = planA.decisions[k++ % planA.decisions.length];
            if (d === 'approve') await s.conductor.approve(h.hunk.id).catch(() => undefined);
            else if (d === 'reject') await s.conductor.reject(h.hunk.id, 'not this').catch(() => undefined);
          }
        }
        for (const id of [a, b]) await eventually(() => taskStatus(s, id) === 'finished:done', 'feedback turns', 60_000);
        await s.conductor.flush();

        const loaded = await loadJournalFolder(s.journals);
        assert.deepEqual(loaded.problems, []);
        const replay = new Replay(timeOrder(loaded.events), { every: 7 });
        assert.equal(replay.length, s.feed.history().length, 'every event the host saw is in the journals');
        // The live order and the journals' time order agree on which events came first.
        const key = (e: unknown) => `${(e as PodiumEvent).session}#${(e as PodiumEvent).seq}`;
        const arrived = s.feed.history().map(key);
        const replayed = replay.events.map(key);
        let compared = 0;
        const seen = new Set<string>();
        const inReplay = new Set<string>();
        for (let n = 1; n <= arrived.length; n++) {
          seen.add(arrived[n - 1]!);
          inReplay.add(replayed[n - 1]!);
          const state = live.get(n);
          if (!state || seen.size !== inReplay.size || ![...seen].every((x) => inReplay.has(x))) continue;
          assert.deepEqual(replay.stateAt(n), state, `the replayed score after ${n} events is the live one`);
          compared += 1;
        }
        assert.ok(compared >= live.size * 0.9, `compared ${compared} of ${live.size} live states`);
      }),
      // Each run plays two agents for real; a failure prints its plans (shrinking would replay them many times).
      { numRuns: 6, endOnFailure: true },
    );
  });
});
