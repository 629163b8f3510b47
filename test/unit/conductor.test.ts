/**
 * The conductor with real parts: rehearsal agents as real ACP processes, real git worktrees, real
 * journals on disk. Each test builds its workspace in a temp folder and removes it.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pidAlive } from '../../src/agents/process';
import { listJournals, readJournal } from '../../src/journal';
import { fold, type PodiumEvent } from '../../src/score';
import { eventually } from '../fixtures/agents/harness';

import { stageFor as stage, sessionOf, taskStatus } from './conductorStage';

describe('the conductor', function () {
  this.timeout(60_000);

  it('plays a rehearsal task in its own worktree and shows its entries live on the score', async () => {
    const s = await stage();
    const id = await s.conductor.createTask({ title: 'Count characters', prompt: 'Add countChars to tally', agent: 'rehearsal' });
    await eventually(() => taskStatus(s, id) === 'finished:done', 'the task to finish its turn', 30_000);
    const session = sessionOf(s, id);
    const kinds = new Set(session.entries.map((e) => e.kind));
    for (const k of ['prompt', 'plan', 'message', 'tool', 'file']) assert.ok(kinds.has(k as never), `a ${k} entry is shown`);
    assert.equal(session.status, 'waiting');
    const worktreeNotice = session.entries.find((e) => e.kind === 'notice' && e.title.startsWith('Working in'));
    assert.ok(worktreeNotice, 'the score says where the task works');
    assert.ok(!worktreeNotice.title.includes(s.repo.worktree + path.sep), 'the worktree is outside the workspace');
    // The engineer's working tree is untouched: the agent wrote into its worktree only.
    assert.equal(readFileSync(path.join(s.repo.worktree, 'src/core/tally.js'), 'utf8'), readFileSync(path.join(__dirname, '../../demo/template/src/core/tally.js'), 'utf8'));
  });

  it('a turn the agent gives up on (its API cannot be reached) fails the task, and its session ends: no process is left waiting', async () => {
    const s = await stage();
    const id = await s.conductor.createTask({ title: 'Offline', prompt: 'Do it', agent: 'api-down' });
    await eventually(() => taskStatus(s, id) === 'finished:failed', 'the task to fail', 30_000);
    assert.match(s.feed.state.tasks[id]!.reason ?? '', /could not finish the turn: exception TypeError: fetch failed sending request/);
    await eventually(() => sessionOf(s, id).status === 'exited', 'the session to end', 10_000);
    assert.equal(pidAlive(sessionOf(s, id).pid!), false);
    assert.equal(s.events().filter((e) => e.type === 'task.finished').length, 1, 'one ending, not "failed" then "stopped"');
  });

  it('the no-progress limit stops a turn that shows nothing, with the reason on the score; the task\'s idle budget overrides it', async () => {
    const s = await stage({ noProgressSec: 1 });
    const id = await s.conductor.createTask({ title: 'Silent', prompt: 'Think', agent: 'hang' });
    await eventually(() => taskStatus(s, id) === 'finished:failed', 'the limit to stop the turn', 30_000);
    assert.equal(s.feed.state.tasks[id]!.reason, 'Rehearsal: hangs hung (no output for 1 s) and was stopped.');
    const notice = sessionOf(s, id).entries.find((e) => e.kind === 'notice' && /^No progress from Rehearsal: hangs for 1 s/.test(e.title));
    assert.ok(notice, 'the score says why the turn was stopped');
    await eventually(() => sessionOf(s, id).status === 'failed' && !pidAlive(sessionOf(s, id).pid!), 'no process left', 10_000);

    const patient = await s.conductor.createTask({ title: 'Patient', prompt: 'Think', agent: 'hang', budgets: { idleSec: 600 } });
    await eventually(() => sessionOf(s, patient).entries.some((e) => e.kind === 'message'), 'the second agent to speak', 30_000);
    await new Promise((r) => setTimeout(r, 2500));
    assert.equal(taskStatus(s, patient), 'running', 'its own budget of 600 s holds, not the 1 s limit');
    await s.conductor.stop(patient);
  });

  it('journals every event the score shows, in order, on disk', async () => {
    const s = await stage();
    const id = await s.conductor.createTask({ title: 'Journal me', prompt: 'Do the feature', agent: 'rehearsal' });
    await eventually(() => taskStatus(s, id) === 'finished:done', 'the turn to end', 30_000);
    // The turn's end also re-stages the worktree; wait for those hunks to reach the score too.
    await s.conductor.restage(id);
    await s.conductor.flush();
    const [file] = await listJournals(s.journals);
    assert.ok(file);
    const { events, problems, tornTail } = await readJournal(file.file);
    assert.deepEqual(problems, []);
    assert.equal(tornTail, undefined);
    const fromDisk = fold(events).sessions[file.sessionId]!;
    assert.deepEqual(fromDisk, s.feed.state.sessions[file.sessionId]);
  });

  it('runs ten tasks under a cap of four, never more than four at once, each journal complete', async () => {
    const s = await stage({ cap: 4 });
    let playing = 0;
    let most = 0;
    s.feed.subscribe((u) => {
      if (u.type !== 'events') return;
      for (const e of u.events as PodiumEvent[]) {
        if (e.type === 'task.started') most = Math.max(most, ++playing);
        if (e.type === 'task.finished') playing -= 1;
      }
    });
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) ids.push(await s.conductor.createTask({ title: `Brief task ${i}`, prompt: `task ${i}`, agent: 'brief' }));
    await eventually(() => ids.every((id) => taskStatus(s, id) === 'finished:done'), 'all ten tasks to finish', 50_000);
    assert.ok(most <= 4, `at most four played at once (saw ${most})`);
    assert.ok(most >= 2, `tasks did play side by side (saw ${most})`);
    await s.conductor.flush();
    const journals = await listJournals(s.journals);
    assert.equal(journals.length, 10);
    for (const j of journals) {
      const { events, problems } = await readJournal(j.file);
      assert.deepEqual(problems, []);
      const seqs = events.map((e) => (e as PodiumEvent).seq);
      assert.deepEqual(seqs, seqs.map((_, i) => i + 1), `${j.sessionId} has every record`);
    }
  });

  it('lets a task that waits for another enter only once that one has finished', async () => {
    const s = await stage();
    const a = await s.conductor.createTask({ title: 'First', prompt: 'first', agent: 'brief' });
    const b = await s.conductor.createTask({ title: 'Second', prompt: 'second', agent: 'rehearsal', waitsFor: [a] });
    assert.equal(taskStatus(s, b), 'queued');
    await eventually(() => taskStatus(s, b) === 'finished:done', 'the second task to finish', 40_000);
    const startedB = s.events().find((e) => e.type === 'task.started' && e.task === b)!;
    const finishedA = s.events().find((e) => e.type === 'task.finished' && e.task === a)!;
    assert.ok(startedB.ts >= finishedA.ts, 'the second entered after the first finished');
  });

  it('cancels a task whose prerequisite was stopped, saying why', async () => {
    const s = await stage();
    const a = await s.conductor.createTask({ title: 'Prerequisite', prompt: 'slow', agent: 'slow' });
    const b = await s.conductor.createTask({ title: 'Dependent', prompt: 'x', agent: 'rehearsal', waitsFor: [a] });
    await eventually(() => taskStatus(s, a) === 'running', 'the first to run', 20_000);
    await s.conductor.stop(a);
    await eventually(() => taskStatus(s, b) === 'finished:cancelled', 'the dependent to be cancelled');
    assert.match(s.feed.state.tasks[b]!.reason ?? '', /Prerequisite.*stopped/);
  });

  it('a task handed out to wait for one that has already failed is cancelled at once, never shown queued', async () => {
    const s = await stage();
    const a = await s.conductor.createTask({ title: 'Broken', prompt: 'x', agent: 'missing' });
    await eventually(() => taskStatus(s, a) === 'finished:failed', 'the first task to fail');
    const b = await s.conductor.createTask({ title: 'After broken', prompt: 'y', agent: 'rehearsal', waitsFor: [a] });
    await s.conductor.flush();
    assert.equal(taskStatus(s, b), 'finished:cancelled');
    assert.match(s.feed.state.tasks[b]!.reason ?? '', /Broken.*failed/);
    const types = s.events().filter((e) => 'task' in e && (e.task === b || (e.task as { id?: string }).id === b)).map((e) => e.type);
    assert.deepEqual(types, ['task.created', 'task.finished'], 'created then cancelled, never queued after its end');
    const onDisk = fold((await readJournal((await listJournals(s.journals)).find((j) => j.sessionId.includes(b))!.file)).events);
    assert.equal(onDisk.tasks[b]!.status, 'finished', 'a reload shows it cancelled too');
  });

  it('tasks handed out together are journaled queued before any of them enters, so a playing task shows as playing', async () => {
    const s = await stage({ cap: 4 });
    const ids = await Promise.all(['One', 'Two', 'Three'].map((title) => s.conductor.createTask({ title, prompt: 'slow', agent: 'slow' })));
    await eventually(() => ids.every((id) => taskStatus(s, id) === 'running'), 'all three to be shown playing', 20_000);
    for (const id of ids) {
      const types = s.events().filter((e) => 'task' in e && (e.task === id || (e.task as { id?: string }).id === id)).map((e) => e.type);
      assert.deepEqual(types.slice(0, 3), ['task.created', 'task.queued', 'task.started'], `the life of ${id} in order`);
    }
    await Promise.all(ids.map((id) => s.conductor.stop(id)));
  });

  it('fails at once, saying how to install it, when the agent program is missing', async () => {
    const s = await stage();
    const id = await s.conductor.createTask({ title: 'Nobody home', prompt: 'x', agent: 'missing' });
    await eventually(() => taskStatus(s, id) === 'finished:failed', 'the task to fail', 15_000);
    assert.match(s.feed.state.tasks[id]!.reason ?? '', /podium-no-such-agent/);
  });

  it('refuses to start agents in an untrusted workspace', async () => {
    const s = await stage({ trusted: false });
    await assert.rejects(s.conductor.createTask({ title: 'x', prompt: 'y', agent: 'rehearsal' }), /untrusted workspace/);
    assert.equal(s.feed.state.taskOrder.length, 0);
  });

  it('says what to do when the workspace is not a git repository', async () => {
    const plain = realpathSync(mkdtempSync(path.join(tmpdir(), 'podium-plain-')));
    writeFileSync(path.join(plain, 'a.txt'), 'hello');
    try {
      const s = await stage({ workspace: plain });
      const id = await s.conductor.createTask({ title: 'No git', prompt: 'x', agent: 'rehearsal' });
      await eventually(() => taskStatus(s, id) === 'finished:failed', 'the task to fail', 15_000);
      assert.match(s.feed.state.tasks[id]!.reason ?? '', /git init/);
    } finally {
      rmSync(plain, { recursive: true, force: true });
    }
  });

  it('asks the engineer, journals the answer before the agent hears it, and remembers "always"', async () => {
    const s = await stage();
    const id = await s.conductor.createTask({ title: 'Clean build', prompt: 'clean', agent: 'permission' });
    await eventually(() => s.asked.length === 1, 'a permission question', 20_000);
    const session = sessionOf(s, id);
    assert.deepEqual(Object.keys(session.pendingPermissions), [s.asked[0]!.ask.request]);
    await assert.rejects(s.conductor.answerPermission(session.id, s.asked[0]!.ask.request, 'bogus'), /not one of the options/);
    await s.conductor.answerPermission(session.id, s.asked[0]!.ask.request, 'always');
    await eventually(() => taskStatus(s, id) === 'finished:done', 'the turn to end', 20_000);
    const permission = sessionOf(s, id).entries.find((e) => e.kind === 'permission')!;
    assert.equal(permission.status, 'allow_always');
    await assert.rejects(s.conductor.answerPermission(session.id, s.asked[0]!.ask.request, 'always'), /already answered/);
    // Restart: the same question is now answered from memory, without asking.
    await s.conductor.stop(id);
    await s.conductor.restart(id);
    await eventually(() => taskStatus(s, id) === 'finished:done' && sessionOf(s, id).id !== session.id, 'the restarted turn to end', 30_000).catch((err) => {
      throw new Error(`${err}: ${taskStatus(s, id)} ${sessionOf(s, id).entries.map((e) => `${e.kind}:${e.title}`).join(' | ')}`);
    });
    assert.equal(s.asked.length, 1, 'not asked again');
    assert.match(sessionOf(s, id).entries.find((e) => e.kind === 'permission')!.text, /remembered/);
  });

  it('sends a follow-up to a waiting agent, which hears it', async () => {
    const s = await stage();
    const id = await s.conductor.createTask({ title: 'Clean build', prompt: 'clean', agent: 'permission' });
    await eventually(() => s.asked.length === 1, 'a permission question', 20_000);
    await s.conductor.answerPermission(sessionOf(s, id).id, s.asked[0]!.ask.request, 'no');
    await eventually(() => taskStatus(s, id) === 'finished:done', 'the first turn to end', 20_000);
    await s.conductor.followUp(id, 'Please delete only build/tmp next time.');
    await eventually(() => sessionOf(s, id).entries.some((e) => e.kind === 'message' && e.text.includes('Feedback heard: Please delete only build/tmp')), 'the agent to echo the follow-up', 20_000);
    await eventually(() => taskStatus(s, id) === 'finished:done', 'the follow-up turn to end', 20_000);
  });

  it('stops a running agent on request, leaving no process, and shows the task stopped', async () => {
    const s = await stage();
    const id = await s.conductor.createTask({ title: 'Long one', prompt: 'slow', agent: 'slow' });
    await eventually(() => sessionOf(s, id).status === 'running' && sessionOf(s, id).pid !== undefined, 'the agent to run', 20_000);
    const pid = sessionOf(s, id).pid!;
    assert.ok(pidAlive(pid));
    await s.conductor.stop(id);
    assert.equal(pidAlive(pid), false, 'the agent process is gone');
    await eventually(() => taskStatus(s, id) === 'finished:stopped', 'the task to show stopped');
  });

  it('stops a task that goes past its token budget, with a notice on the score', async () => {
    const s = await stage();
    const id = await s.conductor.createTask({ title: 'Thrifty', prompt: 'feature', agent: 'rehearsal', budgets: { tokens: 10 } });
    await eventually(() => taskStatus(s, id) === 'finished:budget', 'the budget stop', 30_000);
    const notice = sessionOf(s, id).entries.find((e) => e.kind === 'notice' && e.text === 'budget');
    assert.ok(notice, 'a budget notice is on the row');
    assert.match(notice.title, /past its budget of 10/);
  });

  it('cancels a queued task, and leaves no agent behind when disposed', async () => {
    const s = await stage({ cap: 1 });
    const a = await s.conductor.createTask({ title: 'Occupies the slot', prompt: 'slow', agent: 'slow' });
    const b = await s.conductor.createTask({ title: 'Waits in line', prompt: 'x', agent: 'rehearsal' });
    assert.equal(taskStatus(s, b), 'queued');
    await s.conductor.cancel(b);
    await eventually(() => taskStatus(s, b) === 'finished:cancelled', 'the queued task to be cancelled');
    await eventually(() => sessionOf(s, a).pid !== undefined, 'the first agent to run', 20_000);
    const pid = sessionOf(s, a).pid!;
    await s.conductor.dispose();
    assert.equal(pidAlive(pid), false);
    assert.equal(taskStatus(s, a), 'finished:stopped');
  });
});

describe('closing a task', () => {
  it('removes its worktree, keeps its branch with the agent\'s work, and shows it closed', async function () {
    this.timeout(30_000);
    const s = await stage();
    const id = await s.conductor.createTask({ title: 'Close me', prompt: 'feature', agent: 'rehearsal' });
    await eventually(() => taskStatus(s, id) === 'finished:done', 'the turn to end', 20_000);
    const notice = sessionOf(s, id).entries.find((e) => e.title.startsWith('Working in'))!;
    const dir = /Working in (.*) on branch (.*)\.$/.exec(notice.title)!;
    assert.ok(existsSync(dir[1]!));
    // A task closes once its changes are decided.
    await s.conductor.restage(id);
    await s.conductor.approveClean(id);
    await s.conductor.close(id, { deleteBranch: false });
    assert.equal(existsSync(dir[1]!), false, 'the worktree is gone');
    assert.equal(taskStatus(s, id), 'closed:done', 'closed, and it had finished its work');
    const branchLog = execFileSync('git', ['log', '--oneline', dir[2]!], { cwd: s.repo.worktree, encoding: 'utf8' });
    assert.ok(branchLog.length > 0, 'the branch is still there');
    await assert.rejects(s.conductor.restart(id), /closed/);
  });

  it('refuses to close a task while its agent is playing', async function () {
    this.timeout(30_000);
    const s = await stage();
    const id = await s.conductor.createTask({ title: 'Busy', prompt: 'slow', agent: 'slow' });
    await eventually(() => taskStatus(s, id) === 'running', 'the task to run', 20_000);
    await assert.rejects(s.conductor.close(id, { deleteBranch: true }), /stop it before closing/);
  });
});

describe('the conductor keeps worktrees out of the way', () => {
  it('fails a task, saying why, when the storage folder lies inside the workspace', async function () {
    this.timeout(30_000);
    const s = await stage();
    const inside = path.join(s.repo.worktree, '.podium-storage');
    mkdirSync(inside);
    s.host.storageDir = () => inside;
    const id = await s.conductor.createTask({ title: 'Bad storage', prompt: 'x', agent: 'rehearsal' });
    await eventually(() => taskStatus(s, id) === 'finished:failed', 'the task to fail', 15_000);
    assert.match(s.feed.state.tasks[id]!.reason ?? '', /inside/);
  });
});
