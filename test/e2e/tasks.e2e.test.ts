import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Browser, FrameLocator, Page } from 'playwright-core';
import { launchBrowser, openWorkbench, ROOT, runCommand, startCodeServer, type CodeServer } from '../harness/codeServer';
import { installPackagedExtension } from './packagedExtension';

const RESULTS = path.join(ROOT, 'test-results');

function scoreFrame(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready').first().frameLocator('iframe#active-frame');
}

/** The demo project as a fresh git repository; without its rehearsal plan unless asked. */
function demoRepo(withPlan: boolean): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'podium-e2e-demo-'));
  cpSync(path.join(ROOT, 'demo', 'template'), dir, { recursive: true });
  if (!withPlan) rmSync(path.join(dir, '.podium'), { recursive: true, force: true });
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=E2E', '-c', 'user.email=e2e@podium.invalid', ...args], { cwd: dir, stdio: 'ignore' });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-q', '-m', 'demo');
  return dir;
}

describe('end to end: rehearsal agents playing in a real VS Code', function () {
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  let page: Page | undefined;
  let workspace: string | undefined;

  async function open(withPlan: boolean): Promise<Page> {
    const extensionsDir = await installPackagedExtension();
    workspace = demoRepo(withPlan);
    server = await startCodeServer({ workspace, extensionsDir, settings: { 'workbench.colorTheme': 'Default Dark Modern' } });
    browser = await launchBrowser();
    page = await openWorkbench(browser, server, workspace);
    return page;
  }

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && page) {
      mkdirSync(RESULTS, { recursive: true });
      const name = this.currentTest.title.replace(/[^a-z0-9]+/gi, '-').slice(0, 80);
      await page.screenshot({ path: path.join(RESULTS, `e2e-${name}.png`) }).catch(() => undefined);
    }
    await browser?.close();
    await server?.stop();
    if (workspace) rmSync(workspace, { recursive: true, force: true });
    browser = undefined;
    server = undefined;
    page = undefined;
  });

  it('starts a rehearsal task from the command palette and shows its entries as they arrive', async function () {
    const p = await open(false);
    await runCommand(p, 'Podium: New Task…');
    const input = p.locator('.quick-input-widget input');
    await input.fill('Average words per note');
    await p.keyboard.press('Enter');
    await p.locator('.quick-input-widget .quick-input-title', { hasText: '2/3' }).waitFor();
    await input.fill('Add averageWords(notes) to src/core/tally.js');
    await p.keyboard.press('Enter');
    await p.locator('.quick-input-widget .quick-input-title', { hasText: '3/3' }).waitFor();
    await input.fill('small feature');
    await p.locator('.quick-input-list .monaco-list-row', { hasText: 'Rehearsal: small feature' }).first().click();

    await runCommand(p, 'Podium: Open Score');
    const frame = scoreFrame(p);
    await frame.getByText('Average words per note').first().waitFor({ state: 'visible', timeout: 60_000 });
    // The agent's own entries, streamed live from its process: its plan, a tool call, a file it wrote.
    await frame.getByText(/^Plan: /).first().waitFor({ state: 'visible', timeout: 30_000 });
    await frame.getByText('Read src/core/tally.js').first().waitFor({ state: 'visible', timeout: 30_000 });
    await frame.getByText(/Edited src\/core\/tally\.js/).first().waitFor({ state: 'visible', timeout: 30_000 });
    mkdirSync(RESULTS, { recursive: true });
    await p.screenshot({ path: path.join(RESULTS, 'e2e-task-from-palette.png') });
  });

  it('opens the demo workspace with its rehearsal tasks playing on the score', async function () {
    const p = await open(true);
    // Opening the workspace activates Podium (workspaceContains:.podium/rehearsal.json), which hands
    // out the plan's four tasks and opens the score by itself.
    const frame = scoreFrame(p);
    for (const title of ['Average words per note', 'Show the summary in the core', 'Ignore punctuation in word counts', 'Count words with a regular expression']) {
      await frame.getByText(title).first().waitFor({ state: 'visible', timeout: 90_000 });
    }
    mkdirSync(RESULTS, { recursive: true });
    const shot = path.join(RESULTS, 'e2e-demo-rehearsal.png');
    await p.screenshot({ path: shot });
    if (process.env.PODIUM_UPDATE_SCREENSHOTS) copyFileSync(shot, path.join(ROOT, 'media', 'screenshots', 'vscode-demo.png'));
  });
});
