import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { assertNothingWentWrong, openWorkbench, runCommand } from '../harness/codeServer';
import { demoSuite, newTask, RESULTS, scoreFrame } from './demo';

/** The processes named in the journals' lock files: the extension hosts writing them. */
function lockHolders(journals: string): number[] {
  const pids = new Set<number>();
  for (const name of existsSync(journals) ? readdirSync(journals) : []) {
    if (!name.endsWith('.jsonl.lock')) continue;
    try {
      pids.add((JSON.parse(readFileSync(path.join(journals, name), 'utf8')) as { pid: number }).pid);
    } catch {
      // being rewritten this instant (a heartbeat): the next look finds it
    }
  }
  return [...pids];
}

describe('end to end: two windows on one workspace', function () {
  const demo = demoSuite('windows');

  it('a second window shows the first one\'s task as held by it, offers only Take Over, takes it over once the first is gone, and approves from there', async function () {
    const opened = await demo.open({ settings: { 'files.autoSave': 'off' } });
    const { page: first, workspace, server, browser } = opened;

    // The first window hands out a task; its changes wait for sign-off.
    await newTask(first, { title: 'Average words per note', agent: 'small feature' });
    const status = first.locator('.statusbar-item', { has: first.locator('.codicon-git-pull-request-draft') });
    await status.first().waitFor({ state: 'visible', timeout: 60_000 });
    const journals = path.join(workspace, '.podium', 'journals');
    const [firstHost] = lockHolders(journals);
    assert.ok(firstHost, 'the first window holds the task\'s journal');

    // The same workspace opens in a second browser profile while the first window is still open.
    const second = await openWorkbench(browser, server, workspace);
    // A failure is shown from the window the test is in.
    opened.page = second;
    await runCommand(second, 'Podium: Open Score');
    const frame = scoreFrame(second);
    const row = frame.locator('tr.task-row', { hasText: 'Average words per note' });
    await row.locator('[data-testid="held-by"]').waitFor({ state: 'visible', timeout: 60_000 });
    assert.match((await row.locator('[data-testid="held-by"]').textContent()) ?? '', /Held by another window since \d{4}-\d\d-\d\d \d\d:\d\d/);
    // Nothing that cannot work is offered: no Stop, Cancel or Restart on the row, no Approve on its hunks,
    // and Take Over waits while the first window still responds.
    assert.equal(await row.getByRole('button', { name: /^(Stop|Cancel|Restart) / }).count(), 0);
    assert.equal(await row.getByTestId('take-over').isDisabled(), true);
    const task = frame.locator('.so-task', { has: frame.getByRole('heading', { name: 'Average words per note' }) });
    await task.locator('[data-testid="held-by"]').waitFor({ state: 'visible' });
    const approve = task.locator('article[data-hunk]').first().getByRole('button', { name: /^Approve/ });
    assert.equal(await approve.isDisabled(), true);
    // The status bar counts only this window's changes: none yet.
    const count = second.locator('.statusbar-item', { has: second.locator('.codicon-git-pull-request-draft') });
    assert.equal(await count.first().isVisible(), false);

    // The first window goes: its tab closes, and its extension host with it (killed if it lingers,
    // as a crash or the end of a reconnection grace period would end it).
    await first.close();
    try {
      process.kill(firstHost, 'SIGKILL');
    } catch {
      // already gone with its window
    }
    const takeOver = row.getByTestId('take-over');
    for (let i = 0; i < 150 && (await takeOver.isDisabled()); i++) await new Promise((r) => setTimeout(r, 200));
    assert.equal(await takeOver.isDisabled(), false, 'Take Over is enabled once the holder is gone');
    await takeOver.click();
    await row.locator('[data-testid="held-by"]').waitFor({ state: 'detached', timeout: 60_000 });
    await count.first().waitFor({ state: 'visible', timeout: 30_000 });
    assert.deepEqual(lockHolders(journals).filter((pid) => pid !== firstHost).length > 0, true, 'this window writes the journal now');

    // Approve works from the second window: the agent's new test file lands in the workspace.
    const newFile = path.join(workspace, 'test', 'average.test.js');
    assert.equal(existsSync(newFile), false);
    await task.locator('[data-path="test/average.test.js"] article[data-hunk]').first().getByRole('button', { name: /^Approve/ }).click();
    for (let i = 0; i < 150 && !(existsSync(newFile) && readFileSync(newFile, 'utf8').length > 0); i++) await new Promise((r) => setTimeout(r, 200));
    assert.match(readFileSync(newFile, 'utf8'), /averageWords/);
    mkdirSync(RESULTS, { recursive: true });
    await second.screenshot({ path: path.join(RESULTS, 'e2e-windows-taken-over.png') });
    await assertNothingWentWrong(second);
  });
});
