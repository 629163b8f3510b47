import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { assertNothingWentWrong, launchBrowser, openWorkbench, ROOT, runCommand, startCodeServer, type CodeServer } from '../harness/codeServer';
import { installPackagedExtension } from './packagedExtension';

const RESULTS = path.join(ROOT, 'test-results');

describe('end to end: signing off a change in a real VS Code', function () {
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  let page: Page | undefined;
  let workspace: string | undefined;

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && page) {
      mkdirSync(RESULTS, { recursive: true });
      await page.screenshot({ path: path.join(RESULTS, 'e2e-signoff-failure.png') }).catch(() => undefined);
    }
    await browser?.close();
    await server?.stop();
    if (workspace) rmSync(workspace, { recursive: true, force: true });
  });

  it('approves a hunk into a file with unsaved edits, keeps them, Ctrl+Z takes the approval back, and a reload strands nothing', async function () {
    const extensionsDir = await installPackagedExtension();
    workspace = mkdtempSync(path.join(tmpdir(), 'podium-e2e-signoff-'));
    cpSync(path.join(ROOT, 'demo', 'template'), workspace, { recursive: true });
    rmSync(path.join(workspace, '.podium'), { recursive: true, force: true });
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=E2E', '-c', 'user.email=e2e@podium.invalid', ...args], { cwd: workspace, stdio: 'ignore' });
    git('init', '-q', '-b', 'main');
    git('add', '-A');
    git('commit', '-q', '-m', 'demo');
    server = await startCodeServer({ workspace, extensionsDir, settings: { 'files.autoSave': 'off' } });
    browser = await launchBrowser();
    page = await openWorkbench(browser, server, workspace);
    const p = page;

    // Hand out the feature task from the palette.
    await runCommand(p, 'Podium: New Task…');
    const input = p.locator('.quick-input-widget input');
    await input.fill('Average words per note');
    await p.keyboard.press('Enter');
    await p.locator('.quick-input-widget .quick-input-title', { hasText: '2/4' }).waitFor();
    await p.keyboard.press('Enter');
    await p.locator('.quick-input-widget .quick-input-title', { hasText: '3/4' }).waitFor();
    await input.fill('small feature');
    await p.locator('.quick-input-list .monaco-list-row', { hasText: 'Rehearsal: small feature' }).first().click();
    // Its scope: anywhere.
    await p.locator('.quick-input-widget .quick-input-title', { hasText: '4/4' }).waitFor();
    await p.keyboard.press('Enter');

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
