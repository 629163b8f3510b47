/**
 * The demo's rehearsal plan plays once per workspace, however many windows open it: the fact comes
 * from the journals on disk (VS Code for the Web keeps `workspaceState` in the browser, so a second
 * browser would not see it there). Real conductors, real rehearsal agents, real journals.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { AcpAdapter } from '../../src/agents/acp';
import { Conductor } from '../../src/conductor/conductor';
import { loadJournalFolder } from '../../src/conductor/journalLibrary';
import { handOutPlanOnce, REHEARSAL_PLAN, type PlannedTask } from '../../src/conductor/rehearsalPlan';
import { ScoreFeed } from '../../src/conductor/scoreFeed';
import { fold, type PodiumEvent } from '../../src/score';
import { eventually } from '../fixtures/agents/harness';
import { reopenWindow, stageFor, type Stage } from './conductorStage';

const PLAN = {
  tasks: [
    { title: 'Plan task one', prompt: 'first of the plan', agent: 'brief' },
    { title: 'Plan task two', prompt: 'second of the plan', agent: 'brief', waitsFor: ['Plan task one'] },
  ],
};

function writePlan(s: Stage): string {
  const file = path.join(s.repo.worktree, REHEARSAL_PLAN);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(PLAN));
  return file;
}

/** Another window's conductor on the same workspace and journal folder (its own score, read from disk). */
async function anotherWindow(s: Stage): Promise<Conductor> {
  const loaded = await loadJournalFolder(s.journals);
  const feed = new ScoreFeed({ folder: s.journals, label: 'second window', readOnly: false });
  feed.reset(feed.source, loaded.events, loaded.problems);
  const acp = new AcpAdapter({ graceMs: 1000 });
  return new Conductor(s.host, feed, { acp, rehearsal: acp });
}

function handOut(s: Stage, conductor: Conductor, planFile: string) {
  return handOutPlanOnce({
    planFile,
    journalFolder: s.journals,
    profiles: s.host.profiles(),
    handOut: async (plan: PlannedTask[]) => {
      const ids = new Map<string, string>();
      for (const t of plan) ids.set(t.title, await conductor.createTask({ title: t.title, prompt: t.prompt, agent: t.agent, waitsFor: t.waitsForTitles.map((w) => ids.get(w)!) }));
      return [...ids.values()];
    },
  });
}

/**
 * Waits until every task the window handed out has played its turn, as that window's own score says
 * (its agent then waits for a follow-up, or is gone). Either window may be the one that won the plan.
 */
async function played(conductor: Conductor): Promise<void> {
  const done = (t: ReturnType<Conductor['tasks']>[number]) => (t.phase === 'waiting' || t.phase === 'finished') && t.outcome === 'done';
  await eventually(() => conductor.tasks().every(done), 'the plan\'s tasks to play', 30_000).catch((err: unknown) => {
    // Say where each task stood, so a failure here can be read without a rerun.
    throw new Error(`${String(err)}: ${JSON.stringify(conductor.tasks().map((t) => [t.id, t.phase, t.outcome]))}`);
  });
}

/** How many times the journals on disk say each plan task was created. */
async function createdOnDisk(s: Stage): Promise<Record<string, number>> {
  const loaded = await loadJournalFolder(s.journals);
  const counts: Record<string, number> = {};
  for (const e of loaded.events as PodiumEvent[]) if (e.type === 'task.created') counts[e.task.title] = (counts[e.task.title] ?? 0) + 1;
  return counts;
}

describe('the demo rehearsal plan', function () {
  this.timeout(60_000);

  it('is handed out once; a second window on the same workspace (any browser) finds it in the journals and starts nothing', async () => {
    const s = await stageFor();
    const planFile = writePlan(s);
    const first = await handOut(s, s.conductor, planFile);
    assert.equal(first.kind, 'started');
    await played(s.conductor);
    const second = await anotherWindow(s);
    try {
      assert.deepEqual(await handOut(s, second, planFile), { kind: 'played' });
      assert.deepEqual(second.tasks(), [], 'the second window created no task');
    } finally {
      await second.dispose();
    }
    // After a reload too (the journals are the only memory; nothing is kept in the window's state).
    await reopenWindow(s);
    assert.deepEqual(await handOut(s, s.conductor, planFile), { kind: 'played' });
    assert.deepEqual(await createdOnDisk(s), { 'Plan task one': 1, 'Plan task two': 1 });
  });

  it('two windows opening at the same moment hand it out once between them', async () => {
    const s = await stageFor();
    const planFile = writePlan(s);
    const second = await anotherWindow(s);
    try {
      const outcomes = await Promise.all([handOut(s, s.conductor, planFile), handOut(s, second, planFile)]);
      await played(s.conductor);
      await played(second);
      assert.deepEqual(outcomes.map((o) => o.kind).filter((k) => k === 'started'), ['started'], `exactly one window started it (${outcomes.map((o) => o.kind).join(', ')})`);
      await s.conductor.flush();
      assert.deepEqual(await createdOnDisk(s), { 'Plan task one': 1, 'Plan task two': 1 });
    } finally {
      await second.dispose();
    }
  });

  it('is handed out in a workspace whose journals hold only other tasks', async () => {
    const s = await stageFor();
    const planFile = writePlan(s);
    const other = await s.conductor.createTask({ title: 'Something else', prompt: 'unrelated', agent: 'brief' });
    await s.conductor.flush();
    assert.ok(fold((await loadJournalFolder(s.journals)).events).tasks[other]);
    assert.equal((await handOut(s, s.conductor, planFile)).kind, 'started');
    await played(s.conductor);
  });
});
