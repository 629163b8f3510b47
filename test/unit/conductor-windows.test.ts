/**
 * Two windows on one workspace: the second shows who holds each task and offers nothing that cannot
 * work; it takes a task over once its holder is gone or unresponsive, and the old holder, if it wakes,
 * finds it lost the task and stops writing. Real rehearsal agents, real worktrees, real journals and
 * lock files.
 */
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import { journalPath, type LockOwner } from '../../src/journal';
import { lockPath } from '../../src/journal/folder';
import { eventually } from '../fixtures/agents/harness';
import { hunksOf, playTurn, secondWindow, stageFor, taskStatus } from './conductorStage';

describe('two windows on one workspace', function () {
  this.timeout(90_000);

  it('the second window sees who holds a task, is refused a take-over while the holder responds, and takes it over once the holder is gone', async () => {
    const s = await stageFor();
    const id = await playTurn(s, 'Average words');
    const pending = hunksOf(s, id, 'pending');
    assert.ok(pending.length > 0, 'the first window has changes waiting');

    const second = await secondWindow(s);
    assert.equal(second.conductor.owns(id), false, 'the first window keeps its task');
    const holders = await second.conductor.holders();
    assert.deepEqual(Object.keys(holders), [id]);
    assert.equal(holders[id]!.pid, process.pid);
    assert.equal(holders[id]!.hostname, os.hostname());
    assert.equal(holders[id]!.stale, false);
    assert.ok(Number.isFinite(Date.parse(holders[id]!.since)), 'since when, as a time');
    await assert.rejects(second.conductor.checkTakeOver(id), /is held by another window \(process \d+ on .+, since .+\), which still responds: its heartbeat is recent/);
    await assert.rejects(second.conductor.approve(pending[0]!.hunk.id), /"Average words" is held by another window; take it over \(Take Over\) to act on it here\./);

    // The first window closes: its locks are released, and the task is free to take.
    await s.conductor.dispose();
    assert.equal((await second.conductor.holders())[id]?.stale, true);
    await second.conductor.checkTakeOver(id);
    assert.deepEqual(await second.reload(), [id]);
    assert.equal(second.conductor.owns(id), true);
    assert.deepEqual(await second.conductor.holders(), {}, 'nobody else holds it now');
    // Approve works from the second window afterwards.
    const hunk = hunksOf({ ...s, feed: second.feed }, id, 'pending')[0]!;
    assert.equal(await second.conductor.approve(hunk.hunk.id), 'applied');
    assert.equal(second.feed.state.hunks[hunk.hunk.id]!.status, 'applied');
  });

  it('a holder that stops responding is taken over; when it wakes it finds it lost the task, says so, and writes nothing more', async () => {
    const s = await stageFor();
    const id = await playTurn(s, 'Average words');
    const lostInFirst: string[] = [];
    s.host.taskLost = (_task, text) => lostInFirst.push(text);
    const session = s.feed.state.tasks[id]!.sessions.at(-1)!;
    const lockFile = lockPath(journalPath(s.journals, session));

    // The first window froze (a suspended laptop, a container paused): its heartbeat is as it left it,
    // several beats ago. Its process is alive, which no longer matters.
    const owner = JSON.parse(await readFile(lockFile, 'utf8')) as LockOwner;
    await writeFile(lockFile, JSON.stringify({ ...owner, heartbeatAt: Date.now() - 60_000 }));
    const second = await secondWindow(s);
    assert.equal(second.conductor.owns(id), true, 'the second window took the task over');
    assert.equal(taskStatus({ ...s, feed: second.feed }, id), 'finished:done');

    // The first window wakes: at its next beat it finds the lock is another's.
    await eventually(() => lostInFirst.length > 0, 'the first window to notice', 15_000);
    assert.match(lostInFirst[0]!, new RegExp(`Another window \\(process ${process.pid} on .+\\) took over "Average words" while this one was not responding; this window shows it read-only now\\.`));
    assert.equal(s.conductor.owns(id), false);
    assert.deepEqual(Object.keys(await s.conductor.holders()), [id], 'the first window now shows the task as held elsewhere');
    await assert.rejects(s.conductor.approve(hunksOf(s, id, 'pending')[0]!.hunk.id), /"Average words" is held by another window; take it over \(Take Over\) to act on it here\./);

    const hunk = hunksOf({ ...s, feed: second.feed }, id, 'pending')[0]!;
    assert.equal(await second.conductor.approve(hunk.hunk.id), 'applied');
  });
});
