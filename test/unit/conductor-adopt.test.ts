/**
 * A reload (or a restart of VS Code) does not strand a task's changes: the next window takes up every
 * task that was never closed, with its journal and its worktree, so its hunks can still be decided,
 * approvals made before the reload undone, and the task closed. Real rehearsal agents, real
 * worktrees, real journals.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { JournalWriter, listJournals, readJournal } from '../../src/journal';
import { type PodiumEvent } from '../../src/score';
import { hunksOf, playTurn, reopenWindow, sessionOf, stageFor, TALLY, taskStatus } from './conductorStage';

/** The refs that keep what undo and approval need (replay's history refs outlive the task on purpose). */
function keptRefs(repo: string): string[] {
  return execFileSync('git', ['for-each-ref', '--format=%(refname)', 'refs/podium/kept/'], { cwd: repo, encoding: 'utf8' }).split('\n').filter(Boolean);
}

describe('a new window takes up the open tasks of the last one', function () {
  this.timeout(90_000);

  it('decides the hunks left waiting, undoes an approval made before the reload, and closes the task', async () => {
    const s = await stageFor();
    const id = await playTurn(s, 'Average words');
    const file = path.join(s.repo.worktree, TALLY);
    const before = readFileSync(file, 'utf8');
    const tallyHunk = hunksOf(s, id, 'pending').find((h) => h.hunk.path === TALLY)!;
    assert.equal(await s.conductor.approve(tallyHunk.hunk.id), 'applied');
    const approved = readFileSync(file, 'utf8');
    assert.notEqual(approved, before);
    assert.equal(keptRefs(s.repo.worktree).length, 1, 'what undo needs is kept in git by a ref');
    const waiting = hunksOf(s, id, 'pending').map((h) => h.hunk.id);
    assert.ok(waiting.length > 0, 'some hunks still wait');

    const adopted = await reopenWindow(s);
    assert.deepEqual(adopted, [id]);
    assert.deepEqual(hunksOf(s, id, 'pending').map((h) => h.hunk.id), waiting, 'the same hunks wait, with the same ids');
    assert.equal(s.feed.state.hunks[tallyHunk.hunk.id]!.status, 'applied');

    // The approval made in the first window is undone in the second: the file is as before it.
    await s.conductor.undoApproval(tallyHunk.hunk.id);
    assert.equal(readFileSync(file, 'utf8'), before);
    assert.equal(s.feed.state.hunks[tallyHunk.hunk.id]!.status, 'pending');

    // Every waiting hunk can be decided, and the task closed.
    assert.equal(await s.conductor.rejectAll(id, 'not after all'), waiting.length + 1);
    const dir = s.feed.state.tasks[id]!.worktree!.dir;
    assert.ok(existsSync(dir));
    await s.conductor.close(id, { deleteBranch: true });
    assert.equal(taskStatus(s, id), 'closed:done');
    assert.equal(existsSync(dir), false, 'the worktree is removed');
    assert.deepEqual(keptRefs(s.repo.worktree), [], 'closing the task drops the refs it kept');
    assert.match(execFileSync('git', ['for-each-ref', '--format=%(refname)', `refs/podium/history/${id}`], { cwd: s.repo.worktree, encoding: 'utf8' }), /refs\/podium\/history\//, 'its files for replay stay');

    // All of it went into the task's one journal, appended after the reload.
    await s.conductor.flush();
    const journals = await listJournals(s.journals);
    assert.equal(journals.length, 1);
    const { events, problems } = await readJournal(journals[0]!.file);
    assert.deepEqual(problems, []);
    const seqs = events.map((e) => (e as PodiumEvent).seq);
    assert.deepEqual(seqs, seqs.map((_, i) => i + 1), 'one unbroken sequence across both windows');
    assert.ok(events.some((e) => (e as PodiumEvent).type === 'task.closed'));
  });

  it('marks a task whose window died mid-turn as interrupted, one still queued as cancelled, and lets a task whose worktree is gone be closed', async () => {
    const s = await stageFor();
    // The journal a window leaves when it dies mid-turn: the task entered, and nothing after.
    const session = '20261124-101500-crashed-task-aa11-0001';
    const w = await JournalWriter.open(s.journals, session, { flushIntervalMs: 0 });
    const spec = { id: 'crashed-task-aa11', title: 'Crashed task', prompt: 'do it', agent: 'rehearsal' };
    w.append({ type: 'task.created', task: spec });
    w.append({ type: 'task.started', task: spec.id });
    w.append({ type: 'task.worktree', task: spec.id, dir: path.join(s.storage, 'worktrees', spec.id), workspaceDir: path.join(s.storage, 'worktrees', spec.id), branch: 'podium/crashed-task', baseCommit: 'a'.repeat(40), sourceHead: 'a'.repeat(40) });
    w.append({ type: 'hunk.staged', task: spec.id, hunk: { id: 'h1', kind: 'lines', path: TALLY, status: 'modified', oldStart: 1, oldCount: 1, newStart: 1, newCount: 1, oldLines: ['a\n'], newLines: ['b\n'], contextBefore: [], contextAfter: [] } as never });
    w.append({ type: 'session.spawned', task: spec.id, agent: { kind: 'rehearsal', label: 'Rehearsal' }, command: ['podium-rehearsal'], cwd: '/w' });
    w.append({ type: 'session.ready' });
    w.append({ type: 'permission.requested', request: 'p1', title: 'Run the migration', options: [{ id: 'ok', name: 'Allow once', kind: 'allow_once' }] });
    await w.close();
    // And one whose turn was over, its agent idle, waiting for a follow-up.
    const idle = await JournalWriter.open(s.journals, '20261124-101502-idle-task-dd44-0001', { flushIntervalMs: 0 });
    idle.append({ type: 'task.created', task: { id: 'idle-task-dd44', title: 'Idle task', prompt: 'done soon', agent: 'rehearsal' } });
    idle.append({ type: 'task.started', task: 'idle-task-dd44' });
    idle.append({ type: 'session.spawned', task: 'idle-task-dd44', agent: { kind: 'rehearsal', label: 'Rehearsal' }, command: ['podium-rehearsal'], cwd: '/w' });
    idle.append({ type: 'session.ready' });
    idle.append({ type: 'session.waiting' });
    idle.append({ type: 'task.finished', task: 'idle-task-dd44', outcome: 'done' });
    await idle.close();
    // And one that was still in the queue.
    const queued = await JournalWriter.open(s.journals, '20261124-101501-queued-task-cc33-0001', { flushIntervalMs: 0 });
    queued.append({ type: 'task.created', task: { id: 'queued-task-cc33', title: 'Queued task', prompt: 'later', agent: 'rehearsal' } });
    queued.append({ type: 'task.queued', task: 'queued-task-cc33' });
    await queued.close();

    assert.deepEqual((await reopenWindow(s)).sort(), [spec.id, 'idle-task-dd44', 'queued-task-cc33']);
    assert.equal(taskStatus(s, 'queued-task-cc33'), 'finished:cancelled', 'a queued task is not started behind the engineer\'s back');
    assert.equal(taskStatus(s, spec.id), 'finished:stopped');
    const entries = sessionOf(s, spec.id).entries;
    assert.match(entries.find((e) => e.title === 'Task stopped')!.text, /Interrupted/);
    // Its agent went with the window: the session ended, and the permission it asked for no longer
    // waits for an answer nobody could receive.
    const crashed = sessionOf(s, spec.id);
    assert.equal(crashed.status, 'failed');
    assert.match(crashed.failure!, /Interrupted: the VS Code window it ran in closed/);
    assert.deepEqual(crashed.pendingPermissions, {});
    assert.equal(entries.find((e) => e.kind === 'permission')!.status, 'cancelled');
    // The idle one ended quietly: its turn was done, only the agent waiting for more is gone.
    assert.equal(taskStatus(s, 'idle-task-dd44'), 'finished:done');
    const ended = sessionOf(s, 'idle-task-dd44');
    assert.equal(ended.status, 'exited');
    assert.deepEqual(ended.exit, { code: null, signal: null, stderrTail: undefined });
    assert.equal(ended.entries.at(-1)!.title, 'Exited');
    assert.match(entries.find((e) => e.kind === 'notice' && e.text === 'worktree-lost')!.title, /is gone/);

    // Its one waiting hunk cannot be applied from anywhere; closing the task clears it.
    await s.conductor.close(spec.id, { deleteBranch: false });
    assert.equal(taskStatus(s, spec.id), 'closed:stopped');
    assert.equal(s.feed.state.hunks.h1!.status, 'superseded');
  });

  it('leaves a task whose journal another window is writing to that window', async () => {
    const s = await stageFor();
    const session = '20261124-101500-busy-task-bb22-0001';
    const other = await JournalWriter.open(s.journals, session, { flushIntervalMs: 0 });
    try {
      other.append({ type: 'task.created', task: { id: 'busy-task-bb22', title: 'Busy task', prompt: 'p', agent: 'rehearsal' } });
      other.append({ type: 'task.started', task: 'busy-task-bb22' });
      await other.flush();
      assert.deepEqual(await reopenWindow(s), []);
      assert.equal(taskStatus(s, 'busy-task-bb22'), 'running', 'its row still shows it playing');
      assert.deepEqual(s.conductor.tasks(), []);
    } finally {
      await other.close();
    }
  });
});
