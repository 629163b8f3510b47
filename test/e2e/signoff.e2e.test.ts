import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { assertNothingWentWrong, ROOT, runCommand } from '../harness/codeServer';
import { demoSuite, newTask, RESULTS } from './demo';

describe('end to end: signing off a change in a real VS Code', function () {
  const demo = demoSuite('signoff');

  it('approves a hunk into a file with unsaved edits, keeps them, Ctrl+Z takes the approval back, and a reload strands nothing', async function () {
    const { page: p, workspace } = await demo.open({ settings: { 'files.autoSave': 'off' } });

    // Hand out the feature task from the palette (its scope: anywhere).
    await newTask(p, { title: 'Average words per note', agent: 'small feature' });

    // The status bar counts the changes awaiting sign-off once the agent's turn is staged.
    const status = p.locator('.statusbar-item', { has: p.locator('.codicon-git-pull-request-draft') });
    await status.first().waitFor({ state: 'visible', timeout: 60_000 });

    // The engineer has tally.js open with an unsaved edit on its first line.
    await runCommand(p, 'Go to File...');
    await p.locator('.quick-input-widget input').fill('tally.js');
    await p.locator('.quick-input-list .monaco-list-row', { hasText: 'tally.js' }).first().click();
    const editor = p.locator('.editor-instance .monaco-editor').first();
    await editor.waitFor();
    await editor.click({ position: { x: 200, y: 10 } });
    await p.keyboard.press('Control+Home');
    await p.keyboard.press('End');
    await p.keyboard.type(' UNSAVED NOTE');
    await p.locator('.tab.dirty', { hasText: 'tally.js' }).waitFor();

    // Review: open the next change (its diff editor) and approve it from the palette.
    for (let i = 0; i < 3; i++) {
      await runCommand(p, 'Podium: Open Next Change');
      const tab = p.locator('.tab.active');
      if ((await tab.textContent())?.includes('tally.js')) break;
    }
    const before = Number((await status.first().textContent())?.match(/\d+/)?.[0]);
    await runCommand(p, 'Podium: Approve Current Change');
    // The approval is done when the count drops (with the language server starting, that can lag).
    if (before > 1) await status.filter({ hasText: String(before - 1) }).first().waitFor({ timeout: 30_000 });
    else await status.first().waitFor({ state: 'hidden', timeout: 30_000 });

    // The open, still-unsaved document now holds both the engineer's note and the agent's function.
    // A busy machine (the JavaScript language server starting) can swallow a click: click until the tab is active.
    const plainTab = p.locator('.tab', { hasText: /^tally\.js/ }).filter({ hasNot: p.locator('text=↔') }).first();
    for (let i = 0; i < 10 && !((await p.locator('.tab.active').textContent()) ?? '').match(/^tally\.js(?!.*↔)/); i++) {
      await plainTab.click();
      await new Promise((r) => setTimeout(r, 300));
    }
    const lines = p.locator('.editor-instance .view-lines').first();
    await lines.getByText('averageWords', { exact: false }).first().waitFor({ timeout: 20_000 });
    await lines.getByText('UNSAVED NOTE', { exact: false }).first().waitFor();
    assert.equal(readFileSync(path.join(workspace, 'src/core/tally.js'), 'utf8').includes('UNSAVED NOTE'), false, 'the engineer\'s unsaved edit was not saved for them');
    mkdirSync(RESULTS, { recursive: true });
    await p.screenshot({ path: path.join(RESULTS, 'e2e-signoff-approved.png') });
    if (process.env.PODIUM_UPDATE_SCREENSHOTS) copyFileSync(path.join(RESULTS, 'e2e-signoff-approved.png'), path.join(ROOT, 'media', 'screenshots', 'vscode-signoff.png'));

    // Ctrl+Z in that editor takes the approval back out; the engineer's note stays.
    await editor.click({ position: { x: 200, y: 10 } });
    await p.keyboard.press('Control+Z');
    await lines.getByText('averageWords', { exact: false }).first().waitFor({ state: 'detached', timeout: 10_000 });
    await lines.getByText('UNSAVED NOTE', { exact: false }).first().waitFor();

    // The window reloads with changes still waiting: the task is taken up again, the count comes
    // back, and a waiting change (the agent's new test file) can still be approved into the workspace.
    await p.keyboard.press('Control+S');
    await p.locator('.tab.dirty', { hasText: 'tally.js' }).waitFor({ state: 'detached' });
    const waiting = Number((await status.first().textContent())?.match(/\d+/)?.[0]);
    assert.ok(waiting >= 1, `changes still wait before the reload (${waiting})`);
    await runCommand(p, 'Developer: Reload Window');
    await p.waitForSelector('.monaco-workbench', { timeout: 60_000 });
    await status.filter({ hasText: String(waiting) }).first().waitFor({ state: 'visible', timeout: 60_000 });
    const newFile = path.join(workspace, 'test', 'average.test.js');
    assert.equal(existsSync(newFile), false);
    for (let i = 0; i < waiting + 1; i++) {
      await runCommand(p, 'Podium: Open Next Change');
      if ((await p.locator('.tab.active').textContent())?.includes('average.test.js')) break;
    }
    await runCommand(p, 'Podium: Approve Current Change');
    if (waiting > 1) await status.filter({ hasText: String(waiting - 1) }).first().waitFor({ timeout: 20_000 });
    else await status.first().waitFor({ state: 'hidden', timeout: 20_000 });
    // VS Code creates the file and then writes its text: wait for the text, not for the file.
    for (let i = 0; i < 100 && !(existsSync(newFile) && readFileSync(newFile, 'utf8').length > 0); i++) await new Promise((r) => setTimeout(r, 100));
    assert.ok(existsSync(newFile), 'the approved new file is in the workspace after the reload');
    assert.match(readFileSync(newFile, 'utf8'), /averageWords/);
    await assertNothingWentWrong(p);
  });
});
