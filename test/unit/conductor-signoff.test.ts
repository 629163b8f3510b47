/**
 * Sign-off through the conductor, with real rehearsal agents, real worktrees and real files: hunks
 * arrive as the agent works, approvals reach the engineer's files (merged with their edits, or shown
 * as a conflict), rejections reach the agent, and overlapping tasks are flagged before any decision.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { listJournals, readJournal } from '../../src/journal';
import { fold, hunkWarnings, type HunkState } from '../../src/score';
import { eventually } from '../fixtures/agents/harness';
import { hunksOf, playTurn, type Stage, stageFor, TALLY, taskStatus } from './conductorStage';

describe('sign-off', function () {
  this.timeout(60_000);

  it('stages the agent\'s changes as hunks, and an approval reaches the file merged with the engineer\'s own edits', async () => {
    const s = await stageFor();
    const id = await playTurn(s, 'Average words');
    const pending = hunksOf(s, id, 'pending');
    const tallyHunk = pending.find((h) => h.hunk.path === TALLY);
    assert.ok(tallyHunk, 'the edit of tally.js awaits sign-off');
    assert.ok(pending.some((h) => h.hunk.path === 'test/average.test.js' && h.hunk.status === 'added'), 'the new test file awaits sign-off');
    assert.equal(readFileSync(path.join(s.repo.worktree, TALLY), 'utf8').includes('averageWords'), false, 'nothing reached the workspace yet');

    // The engineer edits the top of the file meanwhile (unrelated to the hunk).
    const file = path.join(s.repo.worktree, TALLY);
    writeFileSync(file, readFileSync(file, 'utf8').replace('// Counts words in notes. Pure: no I/O.', '// Counts words in notes. Pure: no I/O. (reviewed)'));
    assert.equal(await s.conductor.approve(tallyHunk.hunk.id), 'applied');
    const text = readFileSync(file, 'utf8');
    assert.ok(text.includes('averageWords'), 'the approved change is in the workspace');
    assert.ok(text.includes('(reviewed)'), 'the engineer\'s edit is kept');
    assert.equal(s.feed.state.hunks[tallyHunk.hunk.id]!.status, 'applied');
  });

  it('shows a conflict, and changes nothing, when the engineer edited the same lines', async () => {
    const s = await stageFor();
    const id = await playTurn(s, 'Punctuation', 'rehearsal-conflict-a', 'a');
    const hunk = hunksOf(s, id, 'pending').find((h) => h.hunk.path === TALLY)!;
    const file = path.join(s.repo.worktree, TALLY);
    const mine = readFileSync(file, 'utf8').replace('return text.split(/\\s+/).filter(Boolean).length;', 'return text.trim().split(/\\s+/).length; // mine');
    writeFileSync(file, mine);
    assert.equal(await s.conductor.approve(hunk.hunk.id), 'conflict');
    assert.equal(readFileSync(file, 'utf8'), mine, 'the engineer\'s file is untouched');
    const state = s.feed.state.hunks[hunk.hunk.id]!;
    assert.equal(state.status, 'conflict');
    assert.ok(state.conflict && state.conflict.length > 0, 'the conflict says why');
  });

  it('reverts a rejected hunk in the worktree and tells the agent why, in its own protocol', async () => {
    const s = await stageFor();
    const id = await playTurn(s, 'Average words');
    const testFile = hunksOf(s, id, 'pending').find((h) => h.hunk.path === 'test/average.test.js')!;
    await s.conductor.reject(testFile.hunk.id, 'Put the test next to the existing tally tests.');
    assert.equal(s.feed.state.hunks[testFile.hunk.id]!.status, 'rejected');
    await eventually(() => s.feed.state.hunks[testFile.hunk.id]!.reverted === true, 'the hunk to be reverted in the worktree');
    // The rehearsal agent's next turn echoes the feedback it heard.
    await eventually(() => sessionEntries(s, id).some((e) => e.kind === 'prompt' && e.text.includes('Put the test next to the existing tally tests.')), 'the feedback prompt', 20_000);
    await eventually(() => taskStatus(s, id) === 'finished:done', 'the feedback turn to end', 20_000);
    const log = readFileSync(s.rehearsalLog(id), 'utf8');
    assert.match(log, /Put the test next to the existing tally tests\./, 'the agent process received the reason');
  });

  it('flags two tasks that change the same lines as soon as the second one appears, before any decision', async () => {
    const s = await stageFor();
    const a = await s.conductor.createTask({ title: 'Ignore punctuation', prompt: 'a', agent: 'rehearsal-conflict-a' });
    const b = await s.conductor.createTask({ title: 'Regex words', prompt: 'b', agent: 'rehearsal-conflict-b' });
    await eventually(() => taskStatus(s, a) === 'finished:done' && taskStatus(s, b) === 'finished:done', 'both turns to end', 30_000);
    await s.conductor.restage(a);
    await s.conductor.restage(b);
    const ha = hunksOf(s, a, 'pending').find((h) => h.hunk.path === TALLY)!;
    const hb = hunksOf(s, b, 'pending').find((h) => h.hunk.path === TALLY)!;
    const overlapsOf = (h: HunkState) => hunkWarnings(s.feed.state, s.feed.state.hunks[h.hunk.id]!).filter((w) => w.kind === 'overlap');
    assert.deepEqual(overlapsOf(ha).map((w) => w.other?.hunk), [hb.hunk.id]);
    assert.deepEqual(overlapsOf(hb).map((w) => w.other?.title), ['Ignore punctuation']);
    assert.ok(sessionEntries(s, a).some((e) => e.kind === 'warning' && e.title.includes('Regex words')), 'a warning is on the first task\'s row');
    // Staging again raises nothing that is already raised.
    const raised = s.events().filter((e) => e.type === 'warning.raised').length;
    await s.conductor.restage(a);
    await s.conductor.restage(b);
    assert.equal(s.events().filter((e) => e.type === 'warning.raised').length, raised, 'no overlap is raised twice');
    // Rejecting one clears the flag on the other.
    await s.conductor.reject(hb.hunk.id, 'Prefer the other approach.');
    await eventually(() => overlapsOf(ha).length === 0, 'the overlap to clear');
    assert.equal(Object.values(s.feed.state.warnings).filter((w) => w.kind === 'overlap').length, 0, 'neither side keeps its overlap warning');
  });

  it('undoes an approval while the task is open', async () => {
    const s = await stageFor();
    const id = await playTurn(s, 'Average words');
    const file = path.join(s.repo.worktree, TALLY);
    const before = readFileSync(file, 'utf8');
    const hunk = hunksOf(s, id, 'pending').find((h) => h.hunk.path === TALLY)!;
    await s.conductor.approve(hunk.hunk.id);
    assert.notEqual(readFileSync(file, 'utf8'), before);
    await s.conductor.undoApproval(hunk.hunk.id);
    assert.equal(readFileSync(file, 'utf8'), before);
    assert.equal(s.feed.state.hunks[hunk.hunk.id]!.status, 'pending');
  });

  it('keeps the worktree while changes are undecided, and the journal replays to the same decisions', async () => {
    const s = await stageFor();
    const id = await playTurn(s, 'Average words');
    const [first, second] = hunksOf(s, id, 'pending');
    await s.conductor.approve(first!.hunk.id);
    await assert.rejects(s.conductor.close(id, { deleteBranch: false }), /awaiting sign-off/);
    await s.conductor.reject(second!.hunk.id, 'not now');
    await s.conductor.flush();
    const journal = (await listJournals(s.journals))[0]!;
    const replayed = fold((await readJournal(journal.file)).events);
    for (const h of [first!, second!]) assert.equal(replayed.hunks[h.hunk.id]!.status, s.feed.state.hunks[h.hunk.id]!.status);
    assert.deepEqual(replayed.hunks[first!.hunk.id]!.hunk, first!.hunk, 'the hunk\'s lines are in the journal');
  });
});

describe('deciding a whole file or task', function () {
  this.timeout(60_000);

  it('rejects every hunk of a task with one reason, told to the agent in one message', async () => {
    const s = await stageFor();
    const id = await playTurn(s, 'Average words');
    const before = hunksOf(s, id, 'pending').length;
    assert.ok(before >= 2);
    assert.equal(await s.conductor.rejectAll(id, 'Not this way.'), before);
    assert.equal(hunksOf(s, id, 'rejected').length, before);
    await eventually(() => sessionEntries(s, id).filter((e) => e.kind === 'prompt' && e.text.includes('Not this way.')).length === 1, 'one feedback prompt', 20_000);
    const feedback = sessionEntries(s, id).filter((e) => e.kind === 'prompt' && e.title === 'Feedback sent');
    assert.equal(feedback.length, 1, 'the rejections went back as one message');
    assert.match(feedback[0]!.text, new RegExp(`rejected ${before === 2 ? 2 : before} of them`));
  });

  it('approves one file\'s hunks and leaves the other files undecided', async () => {
    const s = await stageFor();
    const id = await playTurn(s, 'Average words');
    const result = await s.conductor.approveClean(id, 'test/average.test.js');
    assert.deepEqual(result, { applied: 1, conflicts: 0, skipped: 0 });
    assert.ok(readFileSync(path.join(s.repo.worktree, 'test/average.test.js'), 'utf8').includes('averageWords'));
    assert.deepEqual(hunksOf(s, id, 'pending').map((h) => h.hunk.path), [TALLY]);
  });
});

describe('committing approved changes', function () {
  this.timeout(60_000);

  it('commits only the files approvals changed, with a message drafted from the task, when asked', async () => {
    const s = await stageFor();
    const id = await playTurn(s, 'Average words', 'rehearsal', 'Add averageWords');
    const tally = hunksOf(s, id, 'pending').find((h) => h.hunk.path === TALLY)!;
    writeFileSync(path.join(s.repo.worktree, 'README.md'), 'an unrelated edit of the engineer\n');
    await s.conductor.approve(tally.hunk.id);
    const { paths, message } = s.conductor.approvedChanges(id);
    assert.deepEqual(paths, [TALLY]);
    assert.match(message, /^Average words\n\nAdd averageWords/);
    await s.conductor.commitApproved(paths, message);
    const git = (...args: string[]) => execFileSync('git', args, { cwd: s.repo.worktree, encoding: 'utf8' });
    assert.deepEqual(git('show', '--name-only', '--format=', 'HEAD').trim().split('\n'), [TALLY]);
    assert.equal(git('log', '-1', '--format=%s'), 'Average words\n');
    assert.match(git('status', '--porcelain'), /M README\.md/, 'the engineer\'s other edit is left uncommitted');
  });
});

function sessionEntries(s: Stage, task: string) {
  const t = s.feed.state.tasks[task]!;
  return t.sessions.flatMap((id) => s.feed.state.sessions[id]!.entries);
}
