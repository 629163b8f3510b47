/**
 * Replay in a real browser: a performance recorded by a real conductor (two rehearsal tasks on the
 * demo project in a real git repository, one hunk approved, one rejected) is loaded as the host
 * loads it, and the scrubber is driven with the keys and the mouse. What each part of the score
 * shows at the playhead is checked against the same events folded up to it by the shared reducer.
 */
import assert from 'node:assert/strict';
import { loadJournalFolder } from '../../src/conductor/journalLibrary';
import { fold, hunksAwaitingSignOff, Replay, type PodiumEvent, type ScoreState } from '../../src/score';
import { readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { hunksOf, playTurn, stageFor, TALLY } from '../unit/conductorStage';
import { count, eventually, openScore, type Fixture, type ScoreView } from '../../webview-ui/test-harness/harness';

let recording: Fixture;
let events: PodiumEvent[];
let replay: Replay;
/** The task staged twice with different files. */
let featureTask: string;
const DECISIONS = ['hunk.decided', 'hunk.applied', 'hunk.undone', 'hunk.conflict', 'permission.resolved'];

/** The playhead's count as the scrubber states it ("event 12 of 80"). */
async function playheadCount(view: ScoreView): Promise<number> {
  const now = await view.page.getByTestId('replay-track').getAttribute('aria-valuenow');
  return Number(now);
}

/** The index after the k-th event of one of `types` (the count the playhead shows it at). */
function countAfter(types: string[], k = 1, task?: string): number {
  let seen = 0;
  for (let i = 0; i < events.length; i++) if (types.includes(events[i]!.type) && (!task || (events[i] as { task?: string }).task === task) && ++seen === k) return i + 1;
  throw new Error(`no ${k}th ${types.join('/')} in the recording`);
}

function snapshotAt(n: number, task: string): string | undefined {
  return fold(events.slice(0, n)).tasks[task]?.snapshot?.tree;
}

async function openReplay(): Promise<ScoreView> {
  const view = await openScore({ width: 1300, height: 1000 });
  await view.load(recording);
  return view;
}

describe('Replay on the score', function () {
  this.timeout(120_000);

  before(async function () {
    // A real performance: two tasks staged, one hunk approved and one rejected, then both restaged.
    const s = await stageFor();
    const layered = await playTurn(s, 'Show the summary in the core', 'rehearsal', 'layer-break');
    const feature = await playTurn(s, 'Count words', 'rehearsal', 'feature');
    const [first] = hunksOf(s, feature, 'pending');
    await s.conductor.approve(first!.hunk.id);
    const [other] = hunksOf(s, layered, 'pending');
    await s.conductor.reject(other!.hunk.id, 'core may not import ui');
    // The agent goes on editing (a real file written in its worktree): a second staging, other files.
    const worktree = s.feed.state.tasks[feature]!.worktree!;
    await writeFile(path.join(worktree.workspaceDir, TALLY), `${await readFile(path.join(worktree.workspaceDir, TALLY), 'utf8')}\nexport const counted = true;\n`);
    await s.conductor.restage(feature);
    featureTask = feature;
    await s.conductor.dispose();
    const loaded = await loadJournalFolder(s.journals);
    events = loaded.events as PodiumEvent[];
    replay = new Replay(events);
    recording = { source: { folder: s.journals, label: 'Workspace journals', readOnly: false }, events: events as unknown as Fixture['events'] };
    assert.ok(events.filter((e) => e.type === 'task.snapshot').length >= 2, 'the recording has stagings with files');
  });

  it('puts the playhead out and steps it with the keys: each part of the score shows the state folded up to it', async () => {
    const view = await openReplay();
    const page = view.page;
    const track = page.getByTestId('replay-track');
    assert.equal(await page.getByTestId('replay-time').innerText(), 'Live');
    await track.focus();
    await page.keyboard.press('Home');
    assert.equal(await playheadCount(view), 0);
    // S: the first staging; the sign-off queue as it stood then.
    await page.keyboard.press('s');
    // After the staging: its snapshot, and the hunks and warnings it journaled with it.
    const staged = replay.step(countAfter(['task.snapshot']) - 1, 'staging', 1);
    assert.ok(events.slice(countAfter(['task.snapshot']), staged).every((e) => e.type === 'hunk.staged' || e.type.startsWith('warning.') || e.type.startsWith('overlap.') || e.type === 'hunk.superseded' || e.type === 'hunk.stale'));
    await eventually(async () => assert.equal(await playheadCount(view), staged));
    const then: ScoreState = fold(events.slice(0, staged));
    assert.match(await page.getByTestId('replay-time').innerText(), new RegExp(`event ${count(staged)} of ${count(events.length)}$`));
    await eventually(async () => assert.equal(await page.locator('.so-hunk').count(), hunksAwaitingSignOff(then).length));
    // D: the first decision; the hunk it decided no longer waits. D again: the next one.
    await page.keyboard.press('Home');
    await page.keyboard.press('d');
    const decided = countAfter(DECISIONS);
    await eventually(async () => assert.equal(await playheadCount(view), decided));
    await eventually(async () => assert.equal(await page.locator('.so-hunk').count(), hunksAwaitingSignOff(fold(events.slice(0, decided))).length));
    await page.keyboard.press('d');
    await eventually(async () => assert.equal(await playheadCount(view), countAfter(DECISIONS, 2)));
    // Shift+D back to the first; → one entry on.
    await page.keyboard.press('Shift+D');
    await eventually(async () => assert.equal(await playheadCount(view), decided));
    const before = await playheadCount(view);
    await page.keyboard.press('ArrowRight');
    await eventually(async () => assert.equal(await playheadCount(view), replay.step(before, 'entry', 1)));
    // Escape: live again, everything as it stands.
    await page.keyboard.press('Escape');
    await eventually(async () => assert.equal(await page.getByTestId('replay-time').innerText(), 'Live'));
    assert.equal(await page.locator('.so-hunk').count(), hunksAwaitingSignOff(fold(events)).length);
    assert.deepEqual(view.errors, []);
  });

  it('shows the files each task touched at the playhead, and opens, diffs, forks and exports the moments recorded then', async () => {
    const view = await openReplay();
    const page = view.page;
    await page.getByTestId('replay-enter').click();
    const track = page.getByTestId('replay-track');
    await track.focus();
    // S until the feature task's first staging.
    const firstSnapshot = countAfter(['task.snapshot'], 1, featureTask);
    const first = replay.step(firstSnapshot - 1, 'staging', 1);
    for (let i = 0; i < 20 && (await playheadCount(view)) !== first; i++) {
      const was = await playheadCount(view);
      await page.keyboard.press('s');
      await eventually(async () => assert.notEqual(await playheadCount(view), was));
    }
    assert.equal(await playheadCount(view), first);
    const snap = events[firstSnapshot - 1] as PodiumEvent & { task: string; tree: string };
    const panel = page.getByTestId('replay-files');
    const taskBox = panel.locator(`.replay-task[data-task="${snap.task}"]`);
    await taskBox.waitFor();
    const fileRow = taskBox.locator('.replay-file').first();
    const file = (await fileRow.getAttribute('data-path'))!;
    assert.match(await fileRow.innerText(), /waiting/);
    await fileRow.getByRole('button', { name: 'Open' }).click();
    await fileRow.getByRole('button', { name: 'Diff with Base' }).click();
    // Mark this moment, go to the task's next staging, and diff the two.
    await track.focus();
    await page.keyboard.press('m');
    const later = replay.step(countAfter(['task.snapshot'], 2, featureTask) - 1, 'staging', 1);
    for (let i = 0; i < 20 && (await playheadCount(view)) !== later; i++) {
      const was = await playheadCount(view);
      await page.keyboard.press('s');
      await eventually(async () => assert.notEqual(await playheadCount(view), was));
    }
    const laterTree = snapshotAt(later, snap.task)!;
    assert.notEqual(laterTree, snap.tree, 'the task was staged again with other files');
    await taskBox.locator(`.replay-file[data-path="${file}"]`).getByRole('button', { name: 'Diff with Mark' }).click();
    await taskBox.getByRole('button', { name: 'New Task from Here' }).click();
    await taskBox.getByRole('button', { name: 'Export Session…' }).click();
    const base = fold(events).tasks[snap.task]!.baseCommit!;
    await eventually(async () => {
      const sent = (await view.sent()).filter((m) => String(m.type).startsWith('replay/'));
      assert.equal(sent.length, 5);
      assert.deepEqual(sent[0], { type: 'replay/open', task: snap.task, moment: snap.tree, path: file, label: sent[0]!.label });
      assert.deepEqual(sent[1], { type: 'replay/diff', task: snap.task, path: file, left: { moment: base, label: 'base' }, right: { moment: snap.tree, label: (sent[1] as { right: { label: string } }).right.label } });
      const diff = sent[2] as { left: { moment: string }; right: { moment: string } };
      assert.deepEqual([diff.left.moment, diff.right.moment], [snap.tree, laterTree], 'the earlier moment on the left');
      assert.deepEqual(sent[3], { type: 'replay/fork', task: snap.task, moment: laterTree, ts: (sent[3] as { ts: number }).ts });
      assert.equal((sent[3] as { ts: number }).ts, replay.times[later - 1]);
      assert.deepEqual(sent[4], { type: 'replay/export', task: snap.task });
    });
    assert.deepEqual(view.errors, []);
  });

  it('changes nothing while replaying: sign-off and task actions are off with the reason, and a stray intent is refused', async () => {
    const view = await openReplay();
    const page = view.page;
    const waiting = hunksAwaitingSignOff(fold(events));
    assert.ok(waiting.length > 0);
    await page.getByTestId('replay-track').focus();
    await page.keyboard.press('End');
    await eventually(async () => assert.equal(await playheadCount(view), events.length));
    const approve = page.locator('.so-hunk').first().getByRole('button', { name: /^Approve/ }).first();
    await approve.waitFor();
    assert.equal(await approve.isDisabled(), true, 'Approve is off in a replay');
    assert.match((await approve.getAttribute('title')) ?? '', /^This is a replay/, 'and says why');
    // The tasks bar says so too, and its actions are off.
    assert.match(await page.getByTestId('tasks').innerText(), /This is a replay of the score as it stood at the playhead/);
    assert.equal(await page.getByRole('button', { name: 'New Task', exact: true }).isDisabled(), true);
    // A keyboard shortcut of the queue cannot act either: nothing but replay's own intents is sent.
    await page.locator('.so-hunk').first().focus();
    await page.keyboard.press('a');
    await page.waitForTimeout(200);
    const sent = (await view.sent()).filter((m) => m.type !== 'ready');
    assert.deepEqual(sent, []);
  });

  it('plays at 100× with quiet stretches skipped, and stops at the end', async () => {
    const view = await openReplay();
    const page = view.page;
    await page.getByTestId('replay-enter').click();
    await page.getByTestId('replay-track').focus();
    await page.keyboard.press('3');
    assert.equal(await page.getByRole('button', { name: '100×' }).getAttribute('aria-pressed'), 'true');
    await page.keyboard.press(' ');
    await eventually(async () => assert.equal(await playheadCount(view), events.length), 30_000);
    await eventually(async () => assert.equal(await page.getByTestId('replay-play').getAttribute('aria-label'), 'Play'));
    assert.deepEqual(view.errors, []);
  });

  it('gives the timeline the room it needs: the split between it and the details moves with the keys and the mouse', async () => {
    const view = await openReplay();
    const page = view.page;
    await page.getByTestId('replay-enter').click();
    const body = page.locator('.timeline-body');
    const height = async () => Math.round((await body.boundingBox())!.height);
    const start = await height();
    const split = page.getByTestId('replay-split');
    await split.focus();
    await page.keyboard.press('ArrowDown');
    await eventually(async () => assert.equal(await height(), start + 24));
    const box = (await split.boundingBox())!;
    await page.mouse.move(box.x + 50, box.y + 3);
    await page.mouse.down();
    await page.mouse.move(box.x + 50, box.y + 103, { steps: 4 });
    await page.mouse.up();
    await eventually(async () => assert.equal(await height(), start + 24 + 100));
  });

  it('goes into replay where the host says (a session picked in the Sessions view)', async () => {
    const view = await openReplay();
    const at = replay.times[countAfter(['hunk.decided', 'hunk.applied']) - 1]!;
    await view.post({ type: 'replay', at });
    await eventually(async () => assert.equal(await playheadCount(view), replay.countAt(at)));
    await view.page.screenshot({ path: 'test-results/replay.png' });
  });
});
