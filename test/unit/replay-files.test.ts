/**
 * Files at any moment, from real rehearsal runs in real worktrees: each staging whose files changed
 * journals the worktree's tree, kept under refs/podium/history/<task> past the task's close and git's
 * garbage collection; an exported session carries the files its sessions touched, and opens elsewhere
 * with them.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { exportSessions, openExport } from '../../src/replay/export';
import { momentFiles, readMomentFile } from '../../src/replay/files';
import { applyRetention } from '../../src/replay/retention';
import { sourceAt } from '../../src/replay/source';
import { fold, type PodiumEvent } from '../../src/score';
import { historyRef } from '../../src/stage/history';
import { eventually } from '../fixtures/agents/harness';
import { hunksOf, playTurn, type Stage, stageFor, TALLY, taskStatus } from './conductorStage';

function snapshots(s: Stage, task: string) {
  return s.events().filter((e): e is Extract<PodiumEvent, { type: 'task.snapshot' }> => e.type === 'task.snapshot' && e.task === task);
}

describe('files at any moment', function () {
  this.timeout(90_000);
  const made: string[] = [];
  afterEach(() => {
    for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('journals the worktree\'s files at each staging that changed them, and keeps them past the task\'s close and git gc', async () => {
    const s = await stageFor();
    const id = await playTurn(s, 'Average words');
    const shots = snapshots(s, id);
    assert.ok(shots.length >= 1, 'at least one moment');
    const last = shots.at(-1)!;
    const store = { repo: s.repo.worktree };
    const worktree = s.feed.state.tasks[id]!.worktree!;
    assert.equal((await readMomentFile(store, last.tree, TALLY))!.toString('utf8'), readFileSync(path.join(worktree.dir, TALLY), 'utf8'), 'the moment holds the agent\'s tally.js');
    assert.equal((await readMomentFile(store, worktree.baseCommit, TALLY))!.toString('utf8'), readFileSync(path.join(s.repo.worktree, TALLY), 'utf8'), 'the base holds the engineer\'s');
    assert.equal(await readMomentFile(store, last.tree, 'no/such/file.js'), null);
    // Staging again with nothing changed journals nothing new.
    await s.conductor.restage(id);
    assert.equal(snapshots(s, id).length, shots.length);
    // Decide everything, close the task (its worktree goes), collect garbage: the moments stay.
    for (const h of hunksOf(s, id, 'pending')) await s.conductor.reject(h.hunk.id, 'not now');
    await s.conductor.close(id, { deleteBranch: true });
    execFileSync('git', ['gc', '--prune=now', '-q'], { cwd: s.repo.worktree });
    assert.match(execFileSync('git', ['rev-parse', historyRef(id)], { cwd: s.repo.worktree, encoding: 'utf8' }), /^[0-9a-f]{40}/);
    assert.match((await readMomentFile(store, last.tree, TALLY))!.toString('utf8'), /averageWords/);
    assert.equal(execFileSync('git', ['branch', '--list', 'podium/*'], { cwd: s.repo.worktree, encoding: 'utf8' }).trim(), '', 'no branch shows it');
  });

  it('exports a task\'s sessions with the files they touched, and opens the export elsewhere with them', async () => {
    const s = await stageFor();
    const id = await playTurn(s, 'Average words');
    await s.conductor.flush();
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'podium-export-')), 'average.podium.tgz');
    made.push(path.dirname(out));
    const sessions = s.feed.state.tasks[id]!.sessions;
    const written = await exportSessions({ journals: s.journals, sessions, repo: s.repo.worktree, out });
    assert.equal(written.missing, 0);
    assert.ok(written.moments >= 2, 'the base and each staging');
    const storage = mkdtempSync(path.join(tmpdir(), 'podium-import-'));
    made.push(storage);
    const opened = await openExport(out, storage);
    assert.deepEqual(opened.manifest.tasks, [{ id, title: 'Average words' }]);
    const last = snapshots(s, id).at(-1)!;
    const store = { repo: opened.repo, trees: opened.trees };
    const worktree = s.feed.state.tasks[id]!.worktree!;
    assert.equal((await readMomentFile(store, last.tree, TALLY))!.toString('utf8'), readFileSync(path.join(worktree.dir, TALLY), 'utf8'));
    assert.equal((await readMomentFile(store, worktree.baseCommit, TALLY))!.toString('utf8'), readFileSync(path.join(s.repo.worktree, TALLY), 'utf8'));
    // Only what the sessions touched travels: the demo's README and render.js stay home.
    assert.deepEqual((await momentFiles(store, last.tree)).sort(), ['src/core/tally.js', 'test/average.test.js']);
    // The export is a source like any other, and replays to the same score.
    const source = await sourceAt(out, { storage });
    assert.equal(source.kind, 'export');
    assert.equal(source.readOnly, true);
    const loaded = await source.load();
    assert.deepEqual(loaded.problems, []);
    assert.deepEqual(fold(loaded.events).tasks[id]!.snapshot, s.feed.state.tasks[id]!.snapshot);
    // Opening it again reuses what was unpacked.
    assert.equal((await openExport(out, storage)).repo, opened.repo);
  });

  it('starts a new task from another task\'s files at a moment: the road not taken, measured against the same base', async () => {
    const s = await stageFor();
    const id = await playTurn(s, 'Average words');
    const moment = snapshots(s, id).at(-1)!;
    const fork = await s.conductor.createTask({ title: 'Average words, again', prompt: 'a', agent: 'rehearsal-conflict-a', from: { task: id, tree: moment.tree, ts: moment.ts } });
    await eventually(() => taskStatus(s, fork) === 'finished:done', 'the fork to play', 30_000);
    await s.conductor.restage(fork);
    const spec = s.feed.state.tasks[fork]!.spec;
    assert.deepEqual(spec.from, { task: id, tree: moment.tree, ts: moment.ts });
    const worktree = s.feed.state.tasks[fork]!.worktree!;
    assert.equal(worktree.baseCommit, s.feed.state.tasks[id]!.worktree!.baseCommit, 'the same base: its hunks are against what the engineer had');
    const text = readFileSync(path.join(worktree.dir, TALLY), 'utf8');
    assert.match(text, /averageWords/, 'it holds the first task\'s work up to that moment');
    assert.match(text, /filter\(\(word\) => \/\\w\/\.test\(word\)\)/, 'and its own agent\'s');
    assert.ok(hunksOf(s, fork, 'pending').some((h) => h.hunk.kind === 'lines' && h.hunk.newLines.join('').includes('averageWords')));
    // Only moments the score recorded for that task.
    await assert.rejects(s.conductor.createTask({ title: 'x', prompt: 'x', agent: 'rehearsal', from: { task: id, tree: '0'.repeat(40), ts: 0 } }), /not one the task recorded/);
  });

  it('refuses a file that is not an export, saying so', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'podium-bad-export-'));
    made.push(dir);
    const bad = path.join(dir, 'bad.podium.tgz');
    writeFileSync(bad, 'not a tarball\n');
    await assert.rejects(openExport(bad, dir), /bad\.podium\.tgz is not a readable Podium export/);
  });
});

describe('retention of kept files', function () {
  this.timeout(60_000);

  it('lets go of a closed task\'s moments once they are older than the retention, and keeps open tasks\' and recent ones', async () => {
    const s = await stageFor();
    const old = await playTurn(s, 'Average words');
    const open = await playTurn(s, 'Punctuation', 'rehearsal-conflict-a', 'a');
    const refs = () => execFileSync('git', ['for-each-ref', '--format=%(refname)', 'refs/podium/history/'], { cwd: s.repo.worktree, encoding: 'utf8' }).split('\n').filter(Boolean).sort();
    assert.deepEqual(refs(), [historyRef(old), historyRef(open)].sort());
    assert.deepEqual(await applyRetention(s.repo.worktree, 0, new Set([old, open])), [], '0 keeps everything');
    assert.deepEqual(await applyRetention(s.repo.worktree, 30, new Set([old])), [], 'a recent moment stays');
    // Thirty days later (the moments' commit dates are when they were recorded; the clock moves on).
    const realNow = Date.now;
    Date.now = () => realNow() + 31 * 86_400_000;
    try {
      assert.deepEqual(await applyRetention(s.repo.worktree, 30, new Set([old])), [old]);
    } finally {
      Date.now = realNow;
    }
    assert.deepEqual(refs(), [historyRef(open)], 'the open task keeps its moments');
  });
});
