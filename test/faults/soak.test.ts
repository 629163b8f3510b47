/**
 * Soak: 20 real agents (the rehearsal agent, a real ACP process each) playing 5,000 events each
 * under a concurrency cap of 4. Every event is in its journal and on the score, no agent process is
 * left, and the host's memory stays bounded. Figures are printed for the closing note.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { pidAlive } from '../../src/agents/process';
import { DEFAULT_PROFILES } from '../../src/conductor/profiles';
import { listJournals, readJournal } from '../../src/journal';
import { fold, type PodiumEvent } from '../../src/score';
import { eventually } from '../fixtures/agents/harness';
import { stageFor, taskStatus } from '../unit/conductorStage';

const AGENTS = 20;
const MESSAGES = 5_000;
const CAP = 4;

describe('faults: soak', function () {
  this.timeout(600_000);

  it(`${AGENTS} agents × ${MESSAGES} events under a cap of ${CAP}: every event journaled and on the score, no process left, memory bounded`, async () => {
    const s = await stageFor({ cap: CAP, profiles: [] });
    const script = path.join(s.repo.outside, 'soak.json');
    const steps = Array.from({ length: MESSAGES }, (_, i) => ({ do: 'message', text: `event ${i + 1}` }));
    writeFileSync(script, JSON.stringify({ name: 'soak', description: 'many short messages', turns: [{ steps }] }));
    s.host.profiles = () => [...DEFAULT_PROFILES, { id: 'soak', label: 'Soak', kind: 'rehearsal', command: 'node', args: [], env: {}, script }];

    const rss0 = process.memoryUsage().rss;
    let peak = rss0;
    let playing = 0;
    let most = 0;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
    s.feed.subscribe((u) => {
      if (u.type !== 'events') return;
      for (const e of u.events as PodiumEvent[]) {
        if (e.type === 'task.started') most = Math.max(most, ++playing);
        if (e.type === 'task.finished') playing -= 1;
      }
    });
    const started = Date.now();
    const ids: string[] = [];
    try {
      for (let i = 0; i < AGENTS; i++) ids.push(await s.conductor.createTask({ title: `Soak ${i + 1}`, prompt: 'play', agent: 'soak' }));
      await eventually(() => ids.every((id) => taskStatus(s, id) === 'finished:done'), 'every agent to finish', 540_000);
      await s.conductor.flush();
    } finally {
      clearInterval(sampler);
    }
    const seconds = (Date.now() - started) / 1000;
    assert.ok(most <= CAP, `at most ${CAP} played at once (saw ${most})`);

    // Every event is in its journal, in order, and the score folded from the journals is the live one.
    const journals = await listJournals(s.journals);
    assert.equal(journals.length, AGENTS);
    let total = 0;
    const fromDisk: PodiumEvent[] = [];
    for (const j of journals) {
      const { events, problems, tornTail } = await readJournal(j.file);
      assert.deepEqual(problems, []);
      assert.equal(tornTail, undefined);
      const seqs = (events as PodiumEvent[]).map((e) => e.seq);
      assert.deepEqual(seqs, seqs.map((_, i) => i + 1), `${j.sessionId} has every record`);
      const messages = (events as PodiumEvent[]).filter((e) => e.type === 'agent.message');
      assert.equal(messages.length, MESSAGES, `${j.sessionId} journaled all ${MESSAGES} messages`);
      total += events.length;
      fromDisk.push(...(events as PodiumEvent[]));
    }
    const live = s.feed.state;
    for (const id of ids) {
      const session = live.sessions[live.tasks[id]!.sessions[0]!]!;
      assert.equal(session.entries.filter((e) => e.kind === 'message').length, MESSAGES, `${id} shows all ${MESSAGES} messages`);
    }
    const disk = fold(fromDisk);
    for (const id of ids) {
      const sid = live.tasks[id]!.sessions[0]!;
      assert.deepEqual(disk.sessions[sid]!.entries.length, live.sessions[sid]!.entries.length);
    }

    // No agent process is left.
    const pids = ids.map((id) => live.sessions[live.tasks[id]!.sessions[0]!]!.pid).filter((p): p is number => p !== undefined);
    await s.conductor.dispose();
    assert.equal(pids.length, AGENTS);
    assert.deepEqual(pids.filter((p) => pidAlive(p)), [], 'no agent process is left');

    const growth = (peak - rss0) / (1024 * 1024);
    console.log(`      ${AGENTS} agents, ${total} events journaled in ${seconds.toFixed(1)} s (${Math.round(total / seconds)} events/s); at most ${most} at once; host memory peak +${growth.toFixed(0)} MB`);
    assert.ok(growth < 400, `host memory grew ${growth.toFixed(0)} MB`);
  });
});
